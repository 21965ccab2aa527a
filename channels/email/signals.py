"""What kind of mail this is: an auto-reply to flag, or a bounce of something we sent."""

from __future__ import annotations

import re
from email.message import Message

from channels.email.headers import header, message_ids
from crm.email.receiving import Bounce

_AUTO_SUBJECT = re.compile(r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|"
                           r"auto:|abwesenheitsnotiz|réponse automatique|respuesta automática)",
                           re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(r"(undeliver|delivery (status notification|failure|has failed)|"
                             r"returned mail|mail delivery failed|failure notice)", re.IGNORECASE)


def is_auto_reply(msg: Message, subject: str) -> bool:
    """True for auto-replies and out-of-office notices (flagged, never answered)."""
    auto = header(msg, "Auto-Submitted").strip().lower()
    precedence = header(msg, "Precedence").strip().lower()
    return bool((auto and auto != "no") or header(msg, "X-Autoreply")
                or header(msg, "X-Autorespond") or precedence == "auto_reply"
                or _AUTO_SUBJECT.search(subject))


def bounce_of(msg: Message, sender: str, subject: str, body) -> Bounce | None:
    """The delivery failure this message reports (DSN or a daemon's notice), else None."""
    report = msg.get_content_type() == "multipart/report" and (
        msg.get_param("report-type") or "").lower() == "delivery-status"
    daemon = sender.split("@")[0].lower() in ("mailer-daemon", "postmaster") or not sender
    if not (report or body.report or (daemon and _BOUNCE_SUBJECT.search(subject))):
        return None
    fields: dict[str, str] = {}
    recipients = []
    for block in body.report:
        for key in ("Final-Recipient", "Original-Recipient", "Status", "Diagnostic-Code",
                    "Action"):
            value = header(block, key)
            if value:
                fields.setdefault(key, value)
                if key == "Final-Recipient":
                    recipients.append(value.split(";")[-1].strip().lower())
    ids = []
    for text in body.original_headers:
        for line in text.splitlines():
            if line.lower().startswith("message-id:"):
                ids.extend(message_ids(line))
    if not ids:  # a plain-text bounce quoting the original headers
        quoted = re.findall(r"(?im)^\s*Message-ID:\s*(<[^<>\s]+>)", body.text)
        ids.extend(quoted)
    failed = header(msg, "X-Failed-Recipients")
    recipients.extend(a.strip().lower() for a in failed.split(",") if "@" in a)
    return Bounce(original_ids=tuple(dict.fromkeys(ids)), recipients=tuple(recipients),
                  status=fields.get("Status", "").strip(),
                  diagnostic=" ".join(fields.get("Diagnostic-Code", "").split()))
