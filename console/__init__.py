"""The Caseline web console: app factory, auth, API, Socket.IO, routing, tasks and CLI."""

from console.app import create_app

__all__ = ["create_app"]
