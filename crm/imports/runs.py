"""Portfolio imports: an uploaded CSV stored, then worked through in committed batches.

The file is read as a stream, a batch at a time, so memory stays flat whatever its size. Each
batch commits its rows, its rejects and the import's progress together, so `processed` always
says how far the committed work goes: a run that dies is resumed from there, and a second
runner that finds the progress moved under it stops.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crm.core import audit, events
from crm.core.db import session_scope
from crm.core.errors import Invalid
from crm.core.files import safe_filename, sniff
from crm.core.storage import BlobStore
from crm.imports import debts, rows, who
from crm.models import Import, ImportReject, User
from crm.models.base import utcnow
from crm.tenancy import access

log = logging.getLogger(__name__)
KINDS = ("debts",)
BATCH = 1000  # rows a transaction: few enough to hold SQLite's write lock only briefly
RETRIES = 3  # a batch that lost a race (a contact point created meanwhile) is tried again
_HEAD = 64 * 1024  # what is read of an upload to check its header row


class _Overtaken(Exception):
    """Another runner committed this import's next batch first."""


def start(session: Session, actor: User, store: BlobStore, source, *, filename: str = "",
          kind: str = "debts", client_id: int | None = None) -> Import:
    """Store an uploaded CSV and queue its import (the caller commits, then runs it)."""
    access.require_role(actor, *who.IMPORTERS)
    if kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}")
    client_id = _client(actor, client_id)
    header = _header(source)
    key, digest = store.put_file(source, suffix="csv")
    item = Import(client_id=client_id, kind=kind, filename=safe_filename(filename, "import.csv"),
                  storage_key=key, sha256=digest, columns=header, created_by_id=actor.id)
    session.add(item)
    session.flush()
    audit.record(session, actor, "import.created", item,
                 after={"kind": kind, "filename": item.filename, "sha256": digest})
    return item


def _client(actor: User, client_id: int | None) -> int:
    mine = access.client_ids(actor)
    if client_id is None:
        if len(mine) != 1:
            raise Invalid("client_id: required (you work for several clients)")
        return next(iter(mine))
    if client_id not in mine:
        raise Invalid("client_id: no such client of yours")
    return client_id


def _header(source) -> list[str]:
    # The header row, checked before anything is stored; the source is left at its start.
    head = source.read(_HEAD)
    source.seek(0)
    if not head.strip():
        raise Invalid("file: empty; send a CSV with a header row")
    kind = sniff(head)
    if kind != "text/plain":
        raise Invalid(f"file: not a CSV text file (it looks like {kind})")
    text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(head)
    try:
        header = next(csv.reader(io.StringIO(text)))
    except (csv.Error, StopIteration):
        raise Invalid("file: the first row is not a CSV header") from None
    missing = rows.missing_columns(header)
    if missing:
        raise Invalid(f"file: the header row lacks {', '.join(missing)}")
    return [h.strip() for h in header]


def get(session: Session, actor: User, import_id: int) -> Import:
    """An import the actor may see (a collections manager's, of their clients)."""
    access.require_role(actor, *who.IMPORTERS)
    return access.ensure_visible(actor, session.get(Import, import_id), "import")


def recent(session: Session, actor: User, limit: int = 20) -> list[Import]:
    """The newest imports of the actor's clients (a collections manager's history)."""
    access.require_role(actor, *who.IMPORTERS)
    return list(session.scalars(select(Import).where(
        Import.client_id.in_(access.client_ids(actor)))
        .order_by(Import.created_at.desc(), Import.id.desc()).limit(limit)))


def run(factory: sessionmaker[Session], import_id: int, store: BlobStore, *,
        region: str = "US", batch: int = BATCH) -> None:
    """Work an import through to the end from where it got to; safe to run again."""
    with session_scope(factory) as session:
        item = session.get(Import, import_id)
        if item is None or item.status in ("done", "failed"):
            return
        if item.total is None:
            total, problem = _count(store, item.storage_key)
            if problem:
                _finish(session, item, "failed", problem)
                return
            item.total = total
        item.status, item.updated_at = "running", utcnow()
        _announce(session, item)
        state = (item.client_id, item.created_by_id, item.processed, item.columns)
    client_id, actor_id, done, header = state
    where = rows.positions(header)
    try:
        with _reader(store, item.storage_key) as reader:
            for chunk in _batches(itertools.islice(reader, done, None), batch):
                _commit_batch(factory, import_id, client_id, actor_id, done, chunk, where,
                              region)
                done += len(chunk)
    except _Overtaken:
        log.info("import %s: another runner is ahead; this one stops", import_id)
        return
    with session_scope(factory) as session:
        item = session.get(Import, import_id)
        if item.status == "running":
            _finish(session, item, "done")


def _count(store: BlobStore, key: str) -> tuple[int, str | None]:
    # Data rows in the file, or why it cannot be read to the end.
    try:
        with _reader(store, key) as reader:
            return sum(1 for _ in reader), None
    except UnicodeDecodeError:
        return 0, "the file is not UTF-8 text: save it as CSV UTF-8 and upload it again"
    except csv.Error as exc:
        return 0, f"the file is not valid CSV: {exc}"


class _reader:
    """The file's data rows (after the header) as lists of text, read as a stream."""

    def __init__(self, store: BlobStore, key: str):
        self.raw = store.open(key)

    def __enter__(self) -> Iterator[list[str]]:
        text = io.TextIOWrapper(self.raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        next(reader, None)
        return reader

    def __exit__(self, *exc) -> None:
        self.raw.close()


def _batches(source: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    while chunk := list(itertools.islice(source, size)):
        yield chunk


def _commit_batch(factory, import_id, client_id, actor_id, done, chunk, where, region) -> None:
    for attempt in range(RETRIES):
        try:
            with session_scope(factory) as session:
                _apply_batch(session, import_id, client_id, actor_id, done, chunk, where,
                             region)
            return
        except (IntegrityError, DBAPIError) as exc:
            # A customer or account created by someone else meanwhile: read it this time.
            if attempt == RETRIES - 1:
                raise
            log.warning("import %s: batch at row %s retried: %s", import_id, done + 2, exc)


def _apply_batch(session, import_id, client_id, actor_id, done, chunk, where, region) -> None:
    today = datetime.now(UTC).date()
    records, refused = [], []
    for n, values in enumerate(chunk):
        row = done + n + 2  # the header is row 1
        try:
            records.append(rows.parse(row, values, where, region, today))
        except Invalid as exc:
            refused.append((row, exc.message))
    actor = session.get(User, actor_id) if actor_id else None
    applied = debts.apply(session, client_id, actor, records) if records else debts.Applied()
    refused += applied.refused
    if refused:
        session.execute(insert(ImportReject), [
            {"import_id": import_id, "row": row, "values": _storable(chunk[row - done - 2]),
             "reason": reason} for row, reason in sorted(refused)])
    if applied.trail:
        # One event for the batch, naming every record it created or changed.
        audit.record(session, actor, "import.batch", object_type="import",
                     object_id=import_id, client_id=client_id,
                     after={"rows": [done + 2, done + len(chunk) + 1], **applied.trail})
    moved = session.execute(
        update(Import).where(Import.id == import_id, Import.processed == done,
                             Import.status == "running")
        .values(processed=Import.processed + len(chunk),
                accepted=Import.accepted + applied.accepted,
                rejected=Import.rejected + len(refused),
                customers_created=Import.customers_created + applied.customers_created,
                accounts_created=Import.accounts_created + applied.accounts_created,
                accounts_updated=Import.accounts_updated + applied.accounts_updated,
                updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise _Overtaken(import_id)
    item = session.get(Import, import_id, populate_existing=True)
    _announce(session, item)


def _storable(values: list[str]) -> list[str]:
    # JSON on PostgreSQL cannot hold a NUL character; the row is refused for it anyway.
    return [v.replace("\x00", "\ufffd") for v in values]


def _finish(session: Session, item: Import, status: str, error: str | None = None) -> None:
    item.status, item.error = status, error
    item.finished_at = item.updated_at = utcnow()
    actor = session.get(User, item.created_by_id) if item.created_by_id else None
    audit.record(session, actor, f"import.{status}", item, after=progress(item))
    _announce(session, item)


def progress(item: Import) -> dict:
    """The import's figures as the API and the live event show them."""
    return {"id": item.id, "status": item.status, "total": item.total,
            "processed": item.processed, "accepted": item.accepted, "rejected": item.rejected,
            "customers_created": item.customers_created,
            "accounts_created": item.accounts_created,
            "accounts_updated": item.accounts_updated, "error": item.error}


def _announce(session: Session, item: Import) -> None:
    events.emit(session, events.IMPORT_PROGRESS, import_id=item.id, client_id=item.client_id,
                user_id=item.created_by_id, progress=progress(item))


def rejects(session: Session, actor: User, import_id: int, *, after: int = 0,
            limit: int = 20) -> tuple[Import, list[ImportReject], int | None]:
    """A page of an import's rejected rows in file order, after row `after`: (the import,
    the rows, the row to ask after for the next page, or None at the end)."""
    item = get(session, actor, import_id)
    found = list(session.scalars(select(ImportReject).where(
        ImportReject.import_id == item.id, ImportReject.row > after)
        .order_by(ImportReject.row).limit(limit + 1)))
    more = len(found) > limit
    return item, found[:limit], found[limit - 1].row if more else None


def rejects_csv(factory: sessionmaker[Session], item: Import, page: int = 1000) -> Iterator[str]:
    """The rejected rows as CSV text, a page at a time: the row number, the file's own
    columns, and the reason."""
    columns = list(item.columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", *columns, "reason"])
    last = 0
    while True:
        with session_scope(factory) as session:
            found = session.execute(
                select(ImportReject.row, ImportReject.values, ImportReject.reason)
                .where(ImportReject.import_id == item.id, ImportReject.row > last)
                .order_by(ImportReject.row).limit(page)).all()
        for row, values, reason in found:
            cells = (list(values) + [""] * len(columns))[:len(columns)]
            writer.writerow([row, *cells, reason])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(found) < page:
            return
        last = found[-1][0]


def unfinished(session: Session, idle_since: datetime) -> list[int]:
    """Imports queued or running with no progress since then (their runner died)."""
    return list(session.scalars(select(Import.id).where(
        Import.status.in_(("queued", "running")), Import.updated_at < idle_since)))
