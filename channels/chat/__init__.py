"""Web chat: the embeddable widget, the /chat Socket.IO namespace, and the chat adapter."""

from __future__ import annotations

from channels import registry
from channels.chat.adapter import ChatAdapter
from crm.messaging import outbound

registry.register(ChatAdapter.medium, ChatAdapter)
outbound.register_rules(ChatAdapter.rules())
