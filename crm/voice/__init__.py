"""Voice: calls on the timeline, an agent's work on a live call, listening in."""
