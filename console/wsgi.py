"""WSGI entry point for gunicorn (`caseline serve` in production starts it this way)."""

from console.app import create_app
from console.server import start_background_work

app = create_app(check_database=True)
start_background_work(app)
