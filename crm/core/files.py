"""Files we keep: content types sniffed from the bytes (a sender's header is only a hint)."""

from __future__ import annotations

# (offset, magic bytes, content type): the formats customers actually send as evidence.
_MAGIC = (
    (0, b"%PDF-", "application/pdf"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"BM", "image/bmp"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (0, b"BEGIN:VCALENDAR", "text/calendar"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (0, b"MZ", "application/x-msdownload"),
    (0, b"\x7fELF", "application/x-executable"),
    (4, b"ftyp", "video/mp4"),
    (8, b"WEBP", "image/webp"),
    (8, b"WAVE", "audio/wav"),
)
# What a browser may show in place (the timeline's viewer): pictures, PDFs and audio. Never
# markup, SVG or text, which a browser could run or mistake for a page of ours.
INLINE = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf",
                    "audio/wav", "audio/mpeg", "audio/ogg"})
_OOXML = {"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def sniff(data: bytes) -> str:
    """The content type the bytes really are; text/plain or octet-stream when unknown."""
    head = data[:512]
    for offset, magic, ctype in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            if ctype == "application/zip":
                return _zip_kind(data)
            return ctype
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "text/html"
    if lowered.startswith(b"<?xml") or lowered.startswith(b"<svg"):
        return "image/svg+xml" if b"<svg" in data[:2048].lower() else "application/xml"
    if _looks_textual(head):
        return "text/plain"
    return "application/octet-stream"


def _zip_kind(data: bytes) -> str:
    window = data[:4096]
    for prefix, ctype in _OOXML.items():
        if prefix.encode() in window:
            return ctype
    return "application/zip"


def _looks_textual(head: bytes) -> bool:
    if not head:
        return True
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the 512-byte window is still text.
        return exc.start >= len(head) - 3


def safe_filename(name: str | None, fallback: str = "attachment") -> str:
    """A display/download name with no path, control characters or quotes."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if c.isprintable() and c not in '"<>:|?*').strip(" .")
    return text[:200] or fallback


def get_attachment(session, actor, attachment_id: int):
    """An attachment the actor may download (through a case they can see), or NotFound."""
    from crm.cases import records as cases
    from crm.core.errors import NotFound
    from crm.models import Attachment, Interaction

    item = session.get(Attachment, attachment_id)
    if item is None or not item.storage_key:
        raise NotFound("attachment not found")
    interaction = session.get(Interaction, item.interaction_id)
    cases.get(session, actor, interaction.case_id)
    return item
