"""The chat adapter: an agent's reply goes to the visitor's room on the /chat namespace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from channels.base import ChannelAdapter, OutboundMessage, SendResult
from channels.host import socketio
from crm.core import events
from crm.guardrails import Medium

from .tokens import MAX_AGE

CHAT_NS = "/chat"
# What an agent may send a visitor: pictures, PDFs and plain text (opened in their browser).
FILES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf",
                   "text/plain"})


def visit_room(thread: str) -> str:
    """The room of one chat visit (every tab of that visitor, nobody else)."""
    return f"visit:{thread}"


class ChatAdapter(ChannelAdapter):
    """Delivers to a live visitor; a visitor who is away sees it when they resume."""

    medium = "chat"
    max_body: ClassVar[int] = 4000
    capabilities = frozenset({"typing"})

    def __init__(self, settings=None):
        self.settings = settings

    @classmethod
    def rules(cls) -> Medium:
        """Chat replies go to the case's chat session, signed with the agent's name, while
        the visitor's session can still be resumed (a reply after that reaches nobody)."""
        return Medium(cls.medium, "thread", cls.max_body, timedelta(seconds=MAX_AGE),
                      sender_is_agent=True, time_barred_notice=True,
                      attachment_types=FILES, attachment_bytes=10 * 1024 * 1024)

    def send(self, message: OutboundMessage) -> SendResult:
        """Emit the reply to the visitor's room."""
        payload = visitor_payload(message.interaction_id, "agent", message.body, message.sender)
        if message.links:  # signed links of their own: a visitor has no staff session
            payload["files"] = [{"name": name, "type": ctype, "url": url}
                                for name, ctype, url in message.links]
        socketio().emit(events.CHAT_MESSAGE, payload, to=visit_room(message.to),
                        namespace=CHAT_NS)
        return SendResult(f"chat-{message.interaction_id}", "delivered")


def visitor_payload(ident: int, side: str, body: str, name: str | None, at=None) -> dict:
    """The only shape a visitor ever sees: no ids of staff, cases or other visitors."""
    return {"id": ident, "from": side, "body": body, "name": name or "",
            "at": (at or datetime.now(UTC)).isoformat()}
