"""Where files live (attachments, media, recordings, raw emails, imports): a small blob store.

The filesystem store under `instance/` is the default; an S3-compatible store implements the
same four methods.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

_CHUNK = 1024 * 1024


class BlobStore(Protocol):
    """Put bytes, get them back by key, delete them."""

    def put(self, data: bytes, *, suffix: str = "") -> tuple[str, str]:
        """Store data; return (key, sha256 hex)."""

    def put_file(self, source: BinaryIO, *, suffix: str = "") -> tuple[str, str]:
        """Store what a readable file holds, read in chunks; return (key, sha256 hex)."""

    def open(self, key: str) -> BinaryIO:
        """A readable file for key (FileNotFoundError when missing)."""

    def delete(self, key: str) -> None:
        """Remove key if present."""


class FileStore:
    """Blobs as files under a root directory, sharded by the first bytes of a random key."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        # Keys are ours (hex + a safe suffix); anything else never touches the filesystem.
        name, _, suffix = key.partition(".")
        if len(name) != 32 or any(c not in "0123456789abcdef" for c in name) or (
            suffix and not suffix.isalnum()
        ):
            raise FileNotFoundError(key)
        return self.root / name[:2] / key

    def put(self, data: bytes, *, suffix: str = "") -> tuple[str, str]:
        """Write data atomically under a new random key."""
        return self.put_file(io.BytesIO(data), suffix=suffix)

    def put_file(self, source: BinaryIO, *, suffix: str = "") -> tuple[str, str]:
        """Copy a readable file in chunks (never whole in memory), atomically, under a new
        random key."""
        suffix = "".join(c for c in suffix.lower() if c.isalnum())[:10]
        key = secrets.token_hex(16) + (f".{suffix}" if suffix else "")
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        digest = hashlib.sha256()
        with tmp.open("wb") as out:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        tmp.replace(path)
        return key, digest.hexdigest()

    def open(self, key: str) -> BinaryIO:
        """Open a stored blob for reading."""
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        """Delete a blob; missing is fine."""
        self._path(key).unlink(missing_ok=True)


def instance_store(instance_path: str | os.PathLike) -> FileStore:
    """The default store: files under the instance folder (attachments, media, recordings)."""
    return FileStore(Path(instance_path) / "files")
