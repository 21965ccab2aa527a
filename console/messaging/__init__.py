"""Messaging and web chat in the console: wiring, send tasks, media."""
