"""Socket.IO: the authenticated /agent namespace and the listeners that feed it."""

from console.realtime.agent import register_agent_namespace
from console.realtime.listeners import register_listeners

__all__ = ["register_agent_namespace", "register_listeners"]
