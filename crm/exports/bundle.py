"""The case file as a ZIP: the PDF, every attachment and raw email, and a manifest of them.

Written to a file on disk, each stored file copied in chunks: nothing is held whole.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from collections.abc import Callable, Iterable

from crm.core.files import safe_filename
from crm.core.storage import BlobStore

_CHUNK = 1024 * 1024
MANIFEST = "manifest.csv"


def member_name(entry: dict, item: dict) -> str:
    """Where a stored file sits in the ZIP: raw emails under emails/, the rest under files/,
    prefixed by the interaction and attachment ids so no two names collide."""
    folder = "emails" if item["kind"] == "raw" else "files"
    name = safe_filename(item["filename"], "message.eml" if item["kind"] == "raw" else "file")
    return f"{folder}/{entry['id']}-{item['id']}-{name}"


def write(path: str, pdf_path: str, pdf_name: str, store: BlobStore,
          timeline: Iterable[list[dict]], tick: Callable[[int], None]) -> None:
    """Write the ZIP to path; tick(n) after each page of n timeline entries' files."""
    manifest = io.StringIO()
    rows = csv.writer(manifest)
    rows.writerow(["path", "interaction_id", "attachment_id", "kind", "content_type", "size",
                   "sha256", "note"])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        zf.write(pdf_path, pdf_name)
        for page in timeline:
            files = 0
            for entry in page:
                for item in entry["files"]:
                    if not item["storage_key"]:
                        continue  # a provider's file never fetched: listed in the PDF only
                    files += 1
                    name = member_name(entry, item)
                    note = _copy(zf, store, item["storage_key"], name)
                    rows.writerow([name if not note else "", entry["id"], item["id"],
                                   item["kind"], item["content_type"], item["size"],
                                   item["sha256"] or "", note])
            tick(files)
        zf.writestr(MANIFEST, manifest.getvalue())


def _copy(zf: zipfile.ZipFile, store: BlobStore, key: str, name: str) -> str:
    # A file missing from the store is noted in the manifest; the rest of the file goes on.
    try:
        source = store.open(key)
    except FileNotFoundError:
        return "missing from storage"
    with source, zf.open(name, "w", force_zip64=True) as out:
        shutil.copyfileobj(source, out, _CHUNK)
    return ""
