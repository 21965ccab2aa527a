"""The Caseline web console: app factory, auth, API, Socket.IO, routing, tasks and CLI.

Importing the package does nothing: gunicorn reads `console.gunicorn_conf` before gevent
patches the standard library, so nothing here may pull in the app.
"""
