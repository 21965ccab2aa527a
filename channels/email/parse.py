"""Any real-world RFC 5322 message to an InboundEmail: never raises, degrades to raw text."""

from __future__ import annotations

import hashlib
import html as htmllib
import logging
import re
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3

from channels.email.headers import MSGID, decode, header, message_ids, raw_header
from channels.email.signals import bounce_of, is_auto_reply
from crm.core.files import safe_filename, sniff
from crm.email.receiving import EmailFile, InboundEmail

log = logging.getLogger(__name__)

_BOUNDARY_LINE = re.compile(rb"^--([0-9A-Za-z'()+_,./:=?-][^\r\n]{0,69}?)\r?$", re.M)
_BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/tr|/h[1-6]|/li|/table|/blockquote)\s*>")
_PARSER = BytesParser(policy=policy.default)
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# The timeline row carries at most this much text; the whole message stays in the raw .eml.
MAX_TEXT = 200_000


def parse(raw: bytes, *, _forward_depth: int = 0) -> InboundEmail:
    """Parse raw bytes; whatever is broken becomes a defect noted in meta, never an error."""
    try:
        msg = _PARSER.parsebytes(raw)
    except Exception:  # the parser is lenient, but a message is untrusted input
        log.warning("unparseable email of %d bytes kept as text", len(raw))
        return InboundEmail(raw=raw, message_id=_hash_id(raw), sender="", recipients=(),
                            text=decode(raw, "utf-8"), meta={"unparsed": "true"})
    body = _Body(_forward_depth)
    try:
        body.walk(msg, top=True)
    except Exception:  # a pathological MIME tree: keep what was gathered, note it
        log.warning("MIME walk failed; keeping partial body", exc_info=True)
        body.defects.append("mime walk failed")
    name, sender = _sender(header(msg, "From") or header(msg, "Sender")
                           or header(msg, "Return-Path"), raw_header(msg, "From"))
    subject = " ".join(header(msg, "Subject").split())
    text = body.text or (html_to_text(body.html) if body.html else "") or body.forwarded_text
    meta = {k: v for k, v in {
        "thread_index": header(msg, "Thread-Index")[:200],
        "signed": "true" if body.signed else "",
        "encrypted": "true" if body.encrypted else "",
        "calendar": "true" if body.calendar else "",
        "defects": "; ".join(dict.fromkeys(body.defects))[:500],
    }.items() if v}
    return InboundEmail(
        raw=raw, message_id=message_id(msg, raw), sender=sender.strip().lower(),
        sender_name=name.strip() or None, recipients=_recipients(msg), subject=subject,
        text=_capped(text), in_reply_to=tuple(message_ids(header(msg, "In-Reply-To"))),
        references=tuple(message_ids(header(msg, "References"))),
        auto_reply=is_auto_reply(msg, subject),
        has_html=bool(body.html), bounce=bounce_of(msg, sender, subject, body),
        attachments=tuple(body.files), date=_date(msg), meta=meta)


def _capped(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + "\n\n[… truncated: the full message is in the original .eml]"


def html_of(raw: bytes) -> str:
    """The first HTML body of a raw message ('' when there is none)."""
    body = _Body()
    try:
        body.walk(_PARSER.parsebytes(raw), top=True)
    except Exception:
        log.warning("could not re-read HTML of a stored email", exc_info=True)
    return body.html


def message_id(msg: Message, raw: bytes) -> str:
    """The Message-ID as sent, or a stable hash of the raw message when missing or absurd."""
    value = header(msg, "Message-ID").strip()
    found = MSGID.search(value)
    mid = found.group(0) if found else value
    if not mid or len(mid) > 250 or any(c.isspace() for c in mid):
        return _hash_id(raw)
    return mid


def html_to_text(html: str) -> str:
    """Readable text of an HTML body (for the timeline when no text part was sent)."""
    marked = _BLOCK_END.sub("\n", html)
    text = htmllib.unescape(nh3.clean(marked, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Body:
    """What a walk over the MIME tree found: text, HTML, files, and notes."""

    def __init__(self, forward_depth: int = 0):
        self.forward_depth = forward_depth
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.files: list[EmailFile] = []
        self.forwards: list[InboundEmail] = []
        self.report: list[Message] = []
        self.original_headers: list[str] = []
        self.defects: list[str] = []
        self.signed = self.encrypted = self.calendar = False
        self.depth = 0

    @property
    def text(self) -> str:
        return "\n\n".join(t.strip() for t in self.texts if t.strip())

    @property
    def html(self) -> str:
        return self.htmls[0] if self.htmls else ""

    @property
    def forwarded_text(self) -> str:
        return "\n\n".join(f"---------- Forwarded message ----------\nFrom: {f.sender}\n"
                           f"Subject: {f.subject}\n\n{f.text}" for f in self.forwards)

    def walk(self, part: Message, top: bool = False) -> None:
        self.depth += 1
        try:
            if self.depth > 40:
                self.defects.append("MIME nesting too deep")
                return
            self._one(part, top)
        finally:
            self.depth -= 1

    def _one(self, part: Message, top: bool) -> None:
        self.defects.extend(type(d).__name__ for d in getattr(part, "defects", ())[:5])
        ctype = part.get_content_type()
        if ctype.startswith("multipart/"):
            payload = part.get_payload()
            if not isinstance(payload, list):
                self._salvage(part)
                return
            self.signed |= ctype == "multipart/signed"
            for sub in payload:
                self.walk(sub)
            return
        if ctype == "message/rfc822" and not top:
            self._forward(part)
            return
        if ctype == "message/delivery-status":
            payload = part.get_payload()
            self.report.extend(payload if isinstance(payload, list) else [])
            return
        if ctype in ("text/rfc822-headers", "message/rfc822-headers"):
            self.original_headers.append(decode(_bytes(part), "utf-8"))
            return
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            (self.texts if ctype == "text/plain" else self.htmls).append(_text(part))
            return
        self.signed |= ctype in ("application/pkcs7-signature", "application/x-pkcs7-signature",
                                 "application/pgp-signature")
        self.encrypted |= ctype in ("application/pkcs7-mime", "application/x-pkcs7-mime",
                                    "application/pgp-encrypted")
        self.calendar |= ctype == "text/calendar"
        data = _bytes(part)
        self.files.append(EmailFile(filename=safe_filename(filename, _default_name(ctype)),
                                    content_type=sniff(data), data=data, declared_type=ctype))

    def _forward(self, part: Message) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        raw = inner.as_bytes(policy=policy.default.clone(linesep="\r\n")) if inner else _bytes(part)
        if self.forward_depth >= 3:
            # A forward of a forward of a forward: keep the bytes, read no deeper.
            self.files.append(EmailFile("forwarded.eml", "message/rfc822", raw, "message/rfc822"))
            return
        inner_mail = parse(raw, _forward_depth=self.forward_depth + 1)
        self.forwards.append(inner_mail)
        if inner_mail.has_html and not self.htmls:
            self.htmls.append(html_of(raw))
        self.original_headers.append(f"Message-ID: {inner_mail.message_id}")
        name = safe_filename((inner_mail.subject or "forwarded")[:80], "forwarded") + ".eml"
        self.files.append(EmailFile(filename=name, content_type="message/rfc822", data=raw,
                                    declared_type="message/rfc822"))

    def _salvage(self, part: Message) -> None:
        # A multipart with a missing or wrong boundary: guess it from the first delimiter line.
        self.defects.append("broken multipart boundary")
        data = _bytes(part)
        found = _BOUNDARY_LINE.search(data)
        if found and self.depth < 10:
            boundary = found.group(1).strip()
            head = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
            fixed = _PARSER.parsebytes(head + data)
            if isinstance(fixed.get_payload(), list) and fixed.get_payload():
                for sub in fixed.get_payload():
                    self.walk(sub)
                return
        self.texts.append(decode(data, part.get_content_charset() or "utf-8"))


def _bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        payload = part.get_payload()
        if isinstance(payload, list):
            return b"".join(p.as_bytes() for p in payload)
        data = (payload or "").encode("utf-8", "surrogateescape")
    return data


def _text(part: Message) -> str:
    return decode(_bytes(part), part.get_content_charset() or "utf-8")


def _filename(part: Message) -> str | None:
    try:
        return part.get_filename()
    except Exception:
        return None


def _default_name(ctype: str) -> str:
    return {"text/calendar": "invite.ics", "application/pkcs7-signature": "smime.p7s",
            "application/pgp-signature": "signature.asc",
            "application/pkcs7-mime": "smime.p7m"}.get(ctype, "attachment")


def _sender(value: str, raw: str | None) -> tuple[str, str]:
    name, address = parseaddr(value)
    if "@" in address and "." in address.rpartition("@")[2] and '"' not in address:
        return name, address
    # "Smith, John john@example.com": no brackets, an unquoted comma; find the address.
    found = _ADDRESS.search(raw or value or "")
    if not found:
        return name, address if "@" in address else ""
    return (raw or "").replace(found.group(0), "").strip(" <>\"\t\r\n") or None, found.group(0)


def _hash_id(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _recipients(msg: Message) -> tuple[str, ...]:
    values = [header(msg, n) for n in ("Delivered-To", "X-Original-To", "To", "Cc")]
    try:
        pairs = getaddresses([v for v in values if v])
    except Exception:
        pairs = []
    found = [addr.strip().lower() for _, addr in pairs if "@" in addr]
    return tuple(dict.fromkeys(found))


def _date(msg: Message):
    try:
        when = parsedate_to_datetime(header(msg, "Date"))
        return when if when.tzinfo else None
    except (TypeError, ValueError, IndexError):
        return None
