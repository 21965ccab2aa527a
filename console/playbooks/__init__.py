"""Playbooks in the console: steps that tick themselves as the work happens."""
