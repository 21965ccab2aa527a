"""Any real-world RFC 5322 message to an InboundEmail: never raises, degrades to raw text."""

from __future__ import annotations

import hashlib
import html as htmllib
import logging
import re
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3

from crm.files import safe_filename, sniff
from crm.mail_inbound import Bounce, EmailFile, InboundEmail

log = logging.getLogger(__name__)

_MSGID = re.compile(r"<[^<>\s]{1,900}>")
_BOUNDARY_LINE = re.compile(rb"^--([0-9A-Za-z'()+_,./:=?-][^\r\n]{0,69}?)\r?$", re.M)
_AUTO_SUBJECT = re.compile(r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|"
                           r"auto:|abwesenheitsnotiz|réponse automatique|respuesta automática)",
                           re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(r"(undeliver|delivery (status notification|failure|has failed)|"
                             r"returned mail|mail delivery failed|failure notice)", re.IGNORECASE)
_CHARSET_ALIASES = {"iso-8859-8-i": "iso-8859-8", "x-user-defined": "cp1252",
                    "gb2312": "gb18030", "gbk": "gb18030", "ks_c_5601-1987": "cp949",
                    "unicode-1-1-utf-7": "utf-7", "x-unknown": "utf-8", "unknown-8bit": "utf-8"}
_BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/tr|/h[1-6]|/li|/table|/blockquote)\s*>")
_PARSER = BytesParser(policy=policy.default)
_SURROGATE = re.compile("[\udc80-\udcff]")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
MAX_TEXT = 1_000_000


def parse(raw: bytes, *, _forward_depth: int = 0) -> InboundEmail:
    """Parse raw bytes; whatever is broken becomes a defect noted in meta, never an error."""
    try:
        msg = _PARSER.parsebytes(raw)
    except Exception:  # the parser is lenient, but a message is untrusted input
        log.warning("unparseable email of %d bytes kept as text", len(raw))
        return InboundEmail(raw=raw, message_id=_hash_id(raw), sender="", recipients=(),
                            text=_decode(raw, "utf-8"), meta={"unparsed": "true"})
    body = _Body(_forward_depth)
    try:
        body.walk(msg, top=True)
    except Exception:  # a pathological MIME tree: keep what was gathered, note it
        log.warning("MIME walk failed; keeping partial body", exc_info=True)
        body.defects.append("mime walk failed")
    name, sender = _sender(header(msg, "From") or header(msg, "Sender")
                           or header(msg, "Return-Path"), _raw(msg, "From"))
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
        text=text[:MAX_TEXT], in_reply_to=tuple(_ids(header(msg, "In-Reply-To"))),
        references=tuple(_ids(header(msg, "References"))), auto_reply=_is_auto(msg, subject),
        has_html=bool(body.html), bounce=_bounce(msg, sender, subject, body),
        attachments=tuple(body.files), date=_date(msg), meta=meta)


def html_of(raw: bytes) -> str:
    """The first HTML body of a raw message ('' when there is none)."""
    body = _Body()
    try:
        body.walk(_PARSER.parsebytes(raw), top=True)
    except Exception:
        log.warning("could not re-read HTML of a stored email", exc_info=True)
    return body.html


def header(msg: Message, name: str) -> str:
    """A header decoded to text; raw 8-bit or malformed values are decoded by hand."""
    raw_value = _raw(msg, name)
    if raw_value is None:
        return ""
    if isinstance(raw_value, str) and _SURROGATE.search(raw_value):
        # Undeclared 8-bit bytes in a header (common from old mailers): UTF-8, else cp1252.
        return _decode(raw_value.encode("ascii", "surrogateescape"), "utf-8").strip()
    try:
        return str(msg.get(name))
    except Exception:
        try:
            return str(make_header(decode_header(str(raw_value))))
        except Exception:
            return str(raw_value)


def message_id(msg: Message, raw: bytes) -> str:
    """The Message-ID as sent, or a stable hash of the raw message when missing or absurd."""
    value = header(msg, "Message-ID").strip()
    found = _MSGID.search(value)
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
            self.original_headers.append(_decode(_bytes(part), "utf-8"))
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
        self.texts.append(_decode(data, part.get_content_charset() or "utf-8"))


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
    return _decode(_bytes(part), part.get_content_charset() or "utf-8")


def _decode(data: bytes, charset: str) -> str:
    charset = _CHARSET_ALIASES.get(charset.lower(), charset)
    try:
        return data.decode(charset).replace("\x00", "")
    except (LookupError, UnicodeDecodeError):
        pass
    try:
        return data.decode("utf-8").replace("\x00", "")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace").replace("\x00", "")


def _filename(part: Message) -> str | None:
    try:
        return part.get_filename()
    except Exception:
        return None


def _default_name(ctype: str) -> str:
    return {"text/calendar": "invite.ics", "application/pkcs7-signature": "smime.p7s",
            "application/pgp-signature": "signature.asc",
            "application/pkcs7-mime": "smime.p7m"}.get(ctype, "attachment")


def _raw(msg: Message, name: str) -> str | None:
    return next((str(v) for k, v in msg.raw_items() if k.lower() == name.lower()), None)


def _sender(value: str, raw: str | None) -> tuple[str, str]:
    name, address = parseaddr(value)
    if "@" in address and "." in address.rpartition("@")[2] and '"' not in address:
        return name, address
    # "Smith, John john@example.com": no brackets, an unquoted comma; find the address.
    found = _ADDRESS.search(raw or value or "")
    if not found:
        return name, address if "@" in address else ""
    return (raw or "").replace(found.group(0), "").strip(" <>\"\t\r\n") or None, found.group(0)


def _ids(value: str) -> list[str]:
    return _MSGID.findall(value or "")


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


def _is_auto(msg: Message, subject: str) -> bool:
    auto = header(msg, "Auto-Submitted").strip().lower()
    precedence = header(msg, "Precedence").strip().lower()
    return bool((auto and auto != "no") or header(msg, "X-Autoreply")
                or header(msg, "X-Autorespond") or precedence == "auto_reply"
                or _AUTO_SUBJECT.search(subject))


def _date(msg: Message):
    try:
        when = parsedate_to_datetime(header(msg, "Date"))
        return when if when.tzinfo else None
    except (TypeError, ValueError, IndexError):
        return None


def _bounce(msg: Message, sender: str, subject: str, body: _Body) -> Bounce | None:
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
                ids.extend(_ids(line))
    if not ids:  # a plain-text bounce quoting the original headers
        quoted = re.findall(r"(?im)^\s*Message-ID:\s*(<[^<>\s]+>)", body.text)
        ids.extend(quoted)
    failed = header(msg, "X-Failed-Recipients")
    recipients.extend(a.strip().lower() for a in failed.split(",") if "@" in a)
    return Bounce(original_ids=tuple(dict.fromkeys(ids)), recipients=tuple(recipients),
                  status=fields.get("Status", "").strip(),
                  diagnostic=" ".join(fields.get("Diagnostic-Code", "").split()))
