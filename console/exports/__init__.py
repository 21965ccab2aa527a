"""Case file exports in the console: the background task that builds a requested file."""
