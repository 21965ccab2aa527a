"""Routing in the console: when to route, agent presence, offers over /agent."""
