"""Document summaries in the console: the task that reads them, wired to new emails."""
