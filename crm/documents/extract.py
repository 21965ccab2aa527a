"""Reading a document's text, locally and within bounds: PDFs with pypdf, Word (.docx) with
python-docx. A bad file never raises: it comes back with a status and a reason in words."""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass

import docx
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

log = logging.getLogger(__name__)

MAX_BYTES = 15 * 1024 * 1024  # a claim pack is a few MB; past this it is not read at all
MAX_PAGES = 50  # the first pages of a longer PDF are read, and the summary says so
MAX_CHARS = 300_000  # text kept for the summary; the rest is not read
MAX_DOCX_XML = 30 * 1024 * 1024  # word/document.xml unpacked: a zip bomb stops here
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Extracted:
    """What reading gave: text (maybe cut), pages read, and a status with its reason."""

    status: str  # done | empty | encrypted | too_large | unreadable
    text: str = ""
    pages: int | None = None
    message: str | None = None


def kind_of(content_type: str | None, filename: str | None) -> str | None:
    """pdf, docx or None: what the file is, by its type or (failing that) its name."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    name = (filename or "").lower()
    if ctype == PDF or name.endswith(".pdf"):
        return "pdf"
    if ctype == DOCX or name.endswith(".docx"):
        return "docx"
    return None


def extract(data: bytes, kind: str) -> Extracted:
    """The text of a PDF or .docx held in data; never raises on a bad file."""
    if len(data) > MAX_BYTES:
        return Extracted("too_large", message=f"Not read: the file is over "
                         f"{MAX_BYTES // (1024 * 1024)} MB.")
    try:
        found = _pdf(data) if kind == "pdf" else _docx(data)
    except FileNotDecryptedError:
        return Extracted("encrypted", message="Not read: the PDF is password-protected.")
    except (PdfReadError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return Extracted("unreadable", message=f"Not read: the file is damaged or not a "
                         f"{kind.upper()} ({type(exc).__name__}).")
    except Exception as exc:  # a library's surprise on a hostile file must not stop the task
        log.warning("reading a %s failed: %r", kind, exc)
        return Extracted("unreadable", message=f"Not read: the file could not be read as a "
                         f"{kind.upper()}.")
    if found.status == "done" and not found.text.strip():
        return Extracted("empty", pages=found.pages, message="No text found (a scan or "
                         "pictures only): read it yourself.")
    return found


def _pdf(data: bytes) -> Extracted:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):  # an owner password alone still opens
        raise FileNotDecryptedError("password required")
    total = len(reader.pages)
    parts: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= MAX_CHARS:
            break
    read = len(parts)
    note = (f"Read the first {read} of {total} pages." if read < total else None)
    return Extracted("done", "\n".join(parts)[:MAX_CHARS], read, note)


def _docx(data: bytes) -> Extracted:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.getinfo("word/document.xml")
        if body.file_size > MAX_DOCX_XML:
            return Extracted("too_large", message="Not read: the document's text is too "
                             "large to read safely.")
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text.strip() for cell in row.cells))
    return Extracted("done", "\n".join(parts)[:MAX_CHARS])
