"""Tasks: follow-ups and callbacks on a case, for a person, a team or a line of work's queue."""
