"""The IMAP poller: fetch unseen mail, hand each message over, mark it seen once stored."""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)
BATCH = 50


class Refused(Exception):
    """The message can never be stored (a 4xx for the webhook): mark it seen, don't loop."""


def poll(url: str, store: Callable[[bytes], None], *, batch: int = BATCH) -> int:
    """Store up to `batch` unseen messages; each is flagged \\Seen only after store() returns."""
    parts = urlsplit(url)
    mailbox = unquote(parts.path.strip("/")) or "INBOX"
    stored = 0
    with _connect(parts) as imap:
        imap.login(unquote(parts.username or ""), unquote(parts.password or ""))
        typ, _ = imap.select(_quote(mailbox))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot select mailbox {mailbox!r}")
        typ, data = imap.uid("SEARCH", None, "UNSEEN")
        uids = (data[0] or b"").split()[:batch] if typ == "OK" else []
        for uid in uids:
            raw = _fetch(imap, uid)
            if raw is None:
                continue
            try:
                store(raw)
            except Refused as exc:
                log.warning("IMAP message %s refused (%s); marking it seen", uid, exc)
            except Exception:
                # Not stored: leave it unseen so the next poll tries again.
                log.exception("storing IMAP message %s failed; it stays unseen", uid)
                continue
            else:
                stored += 1
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        imap.logout()
    return stored


def _fetch(imap: imaplib.IMAP4, uid: bytes) -> bytes | None:
    # BODY.PEEK leaves \Seen alone: only a successful store may set it.
    typ, data = imap.uid("FETCH", uid, "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for item in data or ():
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _connect(parts) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    if parts.scheme == "imaps":
        return imaplib.IMAP4_SSL(parts.hostname, parts.port or 993, ssl_context=context,
                                 timeout=30)
    if parts.scheme != "imap":
        raise ValueError(f"IMAP_URL scheme must be imap or imaps, not {parts.scheme!r}")
    imap = imaplib.IMAP4(parts.hostname, parts.port or 143, timeout=30)
    if "STARTTLS" in imap.capabilities:
        imap.starttls(ssl_context=context)
    return imap


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'
