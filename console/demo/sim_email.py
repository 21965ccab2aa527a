"""Demo-mode email: a local SMTP sink for outbound mail, and a few customers writing in."""

from __future__ import annotations

import logging
import secrets
import threading
from email.message import EmailMessage
from email.utils import formatdate

from flask import Flask

from channels.email import sink

log = logging.getLogger(__name__)


def start(app: Flask, *, delay: float = 3.0) -> threading.Timer:
    """Route outbound mail to the sink (unless SMTP_URL is set) and deliver demo inbound mail."""
    # The CLI hands over `current_app`; the timer thread needs the app object itself.
    app = getattr(app, "_get_current_object", lambda: app)()
    settings = app.config["CASELINE"]
    if not settings.smtp_url:
        settings.smtp_url = sink.start()
        log.info("demo outbound email goes to the local sink %s (see /demo/outbox)",
                 settings.smtp_url)
    if not settings.inbound_email_token:
        settings.inbound_email_token = secrets.token_urlsafe(24)
    timer = threading.Timer(delay, deliver, args=(app,))
    timer.daemon = True
    timer.start()
    return timer


def deliver(app: Flask) -> int:
    """POST the demo messages to our own webhook, exactly as a mail provider would."""
    token = app.config["CASELINE"].inbound_email_token
    client = app.test_client()
    ok = 0
    for raw in demo_messages():
        resp = client.post("/webhooks/email/inbound", data=raw,
                           headers={"Authorization": f"Bearer {token}",
                                    "Content-Type": "message/rfc822"})
        ok += resp.status_code in (200, 201)
    log.info("simulator delivered %d demo emails", ok)
    return ok


def demo_messages() -> list[bytes]:
    """Three inbound emails: a claim with a PDF, an HTML newsletter-style reply, an auto-reply."""
    claim = _message("Maria Okafor <maria.okafor@example.net>", "Claim for my broken windscreen",
                     "Hello,\n\nA stone cracked my windscreen on the N1 yesterday. The repair "
                     "quote is attached.\n\nKind regards,\nMaria")
    claim.add_attachment(b"%PDF-1.4\n% demo quote\n%%EOF\n", maintype="application",
                         subtype="pdf", filename="windscreen-quote.pdf")
    html = _message("Tom Becker <tom.becker@example.org>", "Re: your payment plan",
                    "I can pay 50 a month from next month.")
    html.add_alternative(
        '<p>I can pay <b>50 a month</b> from next month.</p>'
        '<img src="https://tracker.example.org/pixel.gif" alt="">'
        '<script>alert("demo")</script><a href="javascript:alert(1)">click</a>',
        subtype="html")
    away = _message("Lena Fischer <lena.fischer@example.com>", "Automatic reply: your claim",
                    "I am out of the office until Monday.")
    away["Auto-Submitted"] = "auto-replied"
    return [m.as_bytes() for m in (claim, html, away)]


def _message(sender: str, subject: str, text: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "cases@caseline.local", subject
    # A fixed Message-ID per demo message: restarting the demo does not duplicate them.
    local = sender.split("<")[-1].split("@")[0]
    msg["Date"], msg["Message-ID"] = formatdate(), f"<demo.{local}@demo.example>"
    msg.set_content(text)
    return msg
