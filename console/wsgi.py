"""WSGI entry point for gunicorn: `gunicorn -w 1 --threads 100 console.wsgi:app`."""

from console.app import create_app

app = create_app(check_database=True)
