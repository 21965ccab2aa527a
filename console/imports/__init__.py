"""Portfolio imports in the console: the background task that works an uploaded file."""
