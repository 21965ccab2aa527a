"""Web chat: the embeddable widget, the /chat Socket.IO namespace, and the chat adapter."""

from __future__ import annotations

from channels import registry
from channels.chat.adapter import ChatAdapter
from crm import guardrails

registry.register(ChatAdapter.medium, ChatAdapter)
guardrails.register(ChatAdapter.rules())
