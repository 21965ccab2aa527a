"""Routing: work items (offers), the router that picks one agent, the supervisor's board."""
