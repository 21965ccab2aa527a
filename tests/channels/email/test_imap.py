"""The IMAP poller against a real IMAP conversation: a message is marked seen only once stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from console.email.mail_tasks import poll_imap
from crm.core.db import make_engine
from crm.models import Interaction
from tests.channels.email.imap_server import ImapServer, Mailbox

CORPUS = Path(__file__).resolve().parents[1] / "email_corpus"


def stored(database_url: str, message_id: str) -> bool:
    """Is the message committed? Asked on a separate connection, as another process would."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(Interaction).where(
                Interaction.provider_id == message_id)) == 1
    finally:
        engine.dispose()


def test_poller_stores_then_marks_seen(settings, database_url, mailbox, session, ctx):
    box = Mailbox("cases@caseline.example.com", "s3cret pass")
    good = box.add((CORPUS / "14_mixed_pdf_attachment.eml").read_bytes())
    other = box.add((CORPUS / "13_alternative_gmail.eml").read_bytes())
    refused = box.add((CORPUS / "53_no_from_at_all.eml").read_bytes())
    ids = {good: "<pdf-attach-0001@example.es>", other: "<CAJ+gm4il0001=abc@mail.gmail.com>"}
    committed_at_store = {}
    box.on_store = lambda uid: committed_at_store.__setitem__(
        uid, stored(database_url, ids[uid]) if uid in ids else None)
    with ImapServer(box) as server:
        settings.imap_url = server.url.replace("s3cret pass", "s3cret%20pass")
        assert poll_imap.apply().get() == 2
        # Each message was committed before the poller flagged it \Seen.
        assert committed_at_store == {good: True, other: True, refused: None}
        assert box.seen(good) and box.seen(other)
        assert box.seen(refused)  # refused for good (no sender): not fetched forever
        assert poll_imap.apply().get() == 0  # nothing unseen is left
    assert session.scalar(select(func.count()).select_from(Interaction)) == 2
    session.commit()


def test_a_message_that_cannot_be_stored_stays_unseen(settings, mailbox, session, ctx):
    box = Mailbox("u", "p")
    uid = box.add((CORPUS / "14_mixed_pdf_attachment.eml").read_bytes())
    files = Path(settings.instance_path) / "files"
    files.parent.mkdir(parents=True, exist_ok=True)
    files.write_text("not a directory")  # the attachment store cannot write: storing fails
    with ImapServer(box) as server:
        settings.imap_url = server.url
        assert poll_imap.apply().get() == 0
        assert not box.seen(uid) and ("fetch", uid) in box.log
        assert session.scalar(select(func.count()).select_from(Interaction)) == 0
        session.commit()
        files.unlink()  # the disk is back: the next poll stores it and only then marks it seen
        assert poll_imap.apply().get() == 1
        assert box.seen(uid)
    assert session.scalar(select(func.count()).select_from(Interaction)) == 1
    session.commit()
