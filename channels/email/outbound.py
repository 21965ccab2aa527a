"""Outbound email: a text + minimal HTML message sent over SMTP (STARTTLS/SSL, auth)."""

from __future__ import annotations

import html
import re
import smtplib
import ssl
import sys
from dataclasses import replace
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import default
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import unquote, urlsplit

from channels.base import (
    ChannelAdapter,
    OutboundMessage,
    PermanentSendError,
    SendResult,
    TemporarySendError,
)

TIMEOUT = 30
# URIs (RFC 2369, 8058) and Message-IDs: machine-read, so RFC 2047 encoded words break them.
VERBATIM = ("List-Unsubscribe", "List-Unsubscribe-Post", "In-Reply-To", "References")


# Anything that ends a header line on the wire or in a parser (str.splitlines counts more).
# A file name is a header parameter, decoded like a header: "=?" could open an encoded word.
_LINE_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]+")
# Each round decodes one layer of RFC 2047 encoded words; deeper nesting is refused.
_MAX_DECODES = 4


class _Verbatim(UnstructuredHeader):
    """A header folded at its spaces only: a token longer than a line is sent whole."""

    @classmethod
    def parse(cls, value, kwds):
        """Keep the value as given: an encoded word in a Message-ID or URI is not decoded."""
        super().parse(value, kwds)
        kwds["decoded"] = str(value)

    def fold(self, *, policy):
        """`Name: value` lines of at most max_line_length where spaces allow (998 is the limit)."""
        if not str(self).isascii():
            return super().fold(policy=policy)
        # The email package would encode a token that does not fit a line as encoded words.
        first, *rest = str(self).split() or [""]
        lines = [f"{self.name}: {first}"]
        for word in rest:
            if len(lines[-1]) + 1 + len(word) > (policy.max_line_length or sys.maxsize):
                lines.append("")
            lines[-1] += " " + word
        return policy.linesep.join(lines) + policy.linesep


def _header_factory() -> HeaderRegistry:
    registry = HeaderRegistry()
    for name in VERBATIM:
        registry.map_to_type(name, _Verbatim)
    return registry


POLICY = default.clone(header_factory=_header_factory())


def compose(message: OutboundMessage, sender: str) -> EmailMessage:
    """The MIME message: our headers, text first, a minimal HTML alternative, attachments."""
    mail = EmailMessage(policy=POLICY)
    set_header(mail, "From", message.sender or sender)
    set_header(mail, "To", message.to)
    set_header(mail, "Subject", message.subject or "")
    mail["Date"] = formatdate(localtime=False)
    for name, value in message.headers.items():
        if value:
            set_header(mail, name, value)
    mail.set_content(message.body)
    mail.add_alternative(minimal_html(message.body), subtype="html")
    for filename, content_type, data in message.attachments:
        maintype, _, subtype = (content_type or "application/octet-stream").partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                            filename=_LINE_BREAKS.sub(" ", filename).replace("=?", "="))
    return mail


def set_header(mail: EmailMessage, name: str, value: str) -> None:
    """Set a header built from user text so it stays one header, whatever it decodes to.

    The email package decodes RFC 2047 encoded words in the value it is given and writes the
    decoded text back out, so `=?utf-8?q?=0D=0ABcc:...?=` would become raw header lines: line
    breaks are checked after decoding, turned into spaces, and the result decoded again.
    """
    for _ in range(_MAX_DECODES):
        try:
            mail[name] = " ".join(_LINE_BREAKS.sub(" ", value).split())
        except ValueError as exc:  # an address part that decodes to a line break
            raise PermanentSendError(f"the {name} header cannot be sent: {exc}") from None
        value = str(mail[name])
        if not _LINE_BREAKS.search(value):
            return
        del mail[name]
    raise PermanentSendError(f"the {name} header is nested too deep to be sent safely")


def minimal_html(text: str) -> str:
    """Paragraphs of escaped text: the HTML alternative of a plain-text reply."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    body = "".join("<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>\n" for p in paragraphs)
    return f'<!doctype html><html><body style="font-family:sans-serif">\n{body}</body></html>\n'


class EmailAdapter(ChannelAdapter):
    """Email over SMTP, configured by SMTP_URL (smtp:// with STARTTLS when offered, smtps://)."""

    medium = "email"
    max_body = 100_000
    capabilities = frozenset({"subject", "attachments", "threading", "html"})

    def __init__(self, settings):
        self.url = settings.smtp_url
        self.sender = settings.email_from

    def reply_to(self, case_reference: str) -> str:
        """Our address plus the case (cases+CL-…@): a reply threads by address alone too."""
        name, address = parseaddr(self.sender)
        local, _, domain = address.partition("@")
        return formataddr((name, f"{local}+{case_reference}@{domain}"))

    def send(self, message: OutboundMessage) -> SendResult:
        """Hand the message to the SMTP server; 4xx and network trouble are temporary."""
        if not self.url:
            raise TemporarySendError("SMTP_URL is not configured")
        case_reference = message.headers.get("X-Caseline-Case")
        if case_reference:
            message = replace(message, headers={"Reply-To": self.reply_to(case_reference),
                                                **message.headers})
        mail = compose(message, self.sender)
        if [a.addr_spec for a in mail["To"].addresses] != [message.to]:
            # The envelope must name exactly the one recipient the header shows.
            raise PermanentSendError(f"not one email address: {message.to!r}")
        envelope_from = parseaddr(str(mail["From"]))[1]
        try:
            with _connect(self.url) as smtp:
                refused = smtp.send_message(mail, from_addr=envelope_from,
                                            to_addrs=[message.to])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = next(iter(exc.recipients.values()))
            raise _by_code(code, reason) from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporarySendError(f"SMTP connection failed: {exc}") from exc
        if refused:
            code, reason = next(iter(refused.values()))
            raise _by_code(code, reason)
        return SendResult(provider_id=str(mail["Message-ID"] or ""), status="sent",
                          sender=envelope_from, evidence=mail.as_bytes())


def _by_code(code: int, reason) -> Exception:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    detail = f"SMTP {code} {text}".strip()
    return PermanentSendError(detail) if 500 <= code < 600 else TemporarySendError(detail)


def _connect(url: str) -> smtplib.SMTP:
    parts = urlsplit(url)
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=TIMEOUT,
                                context=context)
    elif parts.scheme == "smtp":
        smtp = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=TIMEOUT)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
    else:
        raise PermanentSendError(f"SMTP_URL scheme must be smtp or smtps, not {parts.scheme!r}")
    if parts.username:
        smtp.login(unquote(parts.username), unquote(parts.password or ""))
    return smtp
