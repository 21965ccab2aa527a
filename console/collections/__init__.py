"""Collections in the console: the settings it runs with, its periodic sweep, its listeners."""
