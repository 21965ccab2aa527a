"""Shared plumbing of the domain: database, events, errors, group commit, audit, files."""
