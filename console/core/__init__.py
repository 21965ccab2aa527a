"""Console plumbing: config, database sessions, errors, input checks, logs, tasks, server."""
