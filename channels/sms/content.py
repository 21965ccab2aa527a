"""WhatsApp's approved templates, read from Twilio's Content API (ContentAndApprovals)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import requests
from twilio.base.exceptions import TwilioException

from channels.twilio.rest import make_client

VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]{1,16})\s*\}\}")


class ContentUnavailable(Exception):
    """The Content API could not be read (unreachable, refused)."""


class ContentNotConfigured(ContentUnavailable):
    """No Twilio account is configured to read it from."""


@dataclass(frozen=True)
class ContentTemplate:
    """One approved template: its SID, name, language, text and the variables in it."""

    sid: str
    name: str
    language: str
    body: str
    variables: tuple[str, ...]


def _body(types: dict) -> str:
    # Every content type has a body (twilio/text, twilio/media, cards have body or title).
    for kind in ("twilio/text", "twilio/media", "twilio/quick-reply", "twilio/call-to-action",
                 "twilio/card"):
        part = (types or {}).get(kind) or {}
        text = part.get("body") or part.get("title")
        if text:
            return str(text)
    return ""


def _approved(approvals: dict) -> bool:
    # ContentAndApprovals nests WhatsApp's answer under "whatsapp" (older answers did not).
    answer = (approvals or {}).get("whatsapp") or approvals or {}
    return str(answer.get("status", "")).lower() == "approved"


def approved_templates(settings, http_client=None) -> list[ContentTemplate]:
    """The account's templates WhatsApp has approved (only these go outside 24 hours)."""
    try:
        found = make_client(settings, http_client).content.v1.content_and_approvals.list(
            page_size=200, limit=1000)
    except RuntimeError as exc:
        raise ContentNotConfigured("WhatsApp templates need Twilio: set "
                                   "TWILIO_ACCOUNT_SID") from exc
    except (requests.RequestException, TwilioException, OSError) as exc:
        raise ContentUnavailable(f"Twilio's Content API did not answer: {exc}") from exc
    out = []
    for item in found:
        if not item.sid or not _approved(item.approval_requests):
            continue
        body = _body(item.types)
        out.append(ContentTemplate(item.sid, item.friendly_name or item.sid,
                                   item.language or "", body,
                                   tuple(dict.fromkeys(VARIABLE.findall(body)))))
    return out
