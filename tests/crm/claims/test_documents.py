"""Documents asked for become tasks; a received attachment, from any medium, closes its task."""

import pytest
from sqlalchemy import select

from crm.cases import timeline
from crm.claims import documents, records, transitions
from crm.core.errors import Conflict, NotFound
from crm.customers import identity
from crm.models import Attachment, AuditEvent, ClaimDocument, Task, utcnow
from tests.crm.claims.conftest import TODAY


def inbound(session, case, medium, *names, direction="inbound"):
    """A message on the case carrying attachments (as the email and MMS receivers store them)."""
    item, _ = timeline.record(session, case, medium=medium, direction=direction,
                              body="here you go", occurred_at=utcnow())
    kind = "file" if medium == "email" else "media"
    for name in names:
        session.add(Attachment(interaction_id=item.id, kind=kind, filename=name,
                               content_type="application/pdf", size=10))
    if medium == "email":  # the raw message is kept too; it is not a document
        session.add(Attachment(interaction_id=item.id, kind="raw", filename="message.eml"))
    session.flush()
    return item


def ask(session, handler, claim, name="Police report"):
    doc = documents.request(session, handler, claim.id, name=name, today=TODAY)
    session.commit()
    return doc


def test_a_requested_document_is_an_open_task_of_the_asker(session, handler, claim):
    doc = ask(session, handler, claim)
    task = session.get(Task, doc.task_id)
    assert (task.kind, task.status, task.assignee_id, task.case_id) == (
        "document", "open", handler.id, claim.case_id)
    assert task.title == "Claim CLM-1: waiting for Police report"
    assert task.due_at.date().isoformat() == "2026-12-14"


def test_the_one_document_asked_for_is_matched_on_arrival_by_email(session, handler, claim,
                                                                   holder_case):
    doc = ask(session, handler, claim)
    inbound(session, holder_case, "email", "report.pdf")
    session.commit()
    doc = session.get(ClaimDocument, doc.id)
    assert doc.status == "received"
    assert session.get(Attachment, doc.attachment_id).filename == "report.pdf"
    task = session.get(Task, doc.task_id)
    assert (task.status, task.completed_at is not None) == ("done", True)
    audit = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "claim.document_received")).one()
    assert (audit.actor_id, audit.after["matched"]) == (None, "on arrival")


def test_mms_media_matches_too(session, handler, claim, holder_case):
    doc = ask(session, handler, claim, "Photos of the damage")
    inbound(session, holder_case, "whatsapp", "media-0")
    session.commit()
    assert session.get(ClaimDocument, doc.id).status == "received"


@pytest.mark.parametrize("ambiguous", ["two requests", "two files", "sent by us"])
def test_nothing_is_guessed_when_it_is_ambiguous(session, handler, make_claim, claim,
                                                 holder_case, ambiguous):
    doc = ask(session, handler, claim)
    if ambiguous == "two requests":
        ask(session, handler, make_claim(), "Repair estimate")
    files = ("a.pdf", "b.pdf") if ambiguous == "two files" else ("a.pdf",)
    inbound(session, holder_case, "email", *files,
            direction="outbound" if ambiguous == "sent by us" else "inbound")
    session.commit()
    doc = session.get(ClaimDocument, doc.id)
    assert (doc.status, session.get(Task, doc.task_id).status) == ("requested", "open")


def test_the_handler_marks_an_attachment_as_the_document(session, handler, make_claim, claim,
                                                         holder_case):
    doc = ask(session, handler, claim)
    ask(session, handler, make_claim(), "Repair estimate")
    item = inbound(session, holder_case, "email", "scan1.pdf", "scan2.pdf")
    session.commit()
    scan2 = next(a for a in item.attachments if a.filename == "scan2.pdf")
    assert [a.filename for a in documents.candidates(session, handler, claim.id)] == [
        "scan2.pdf", "scan1.pdf"]
    documents.mark_received(session, handler, claim.id, doc.id, scan2.id)
    session.commit()
    doc = session.get(ClaimDocument, doc.id)
    assert (doc.status, doc.attachment_id, doc.received_by_id) == (
        "received", scan2.id, handler.id)
    assert session.get(Task, doc.task_id).status == "done"
    with pytest.raises(Conflict, match="already received"):
        documents.mark_received(session, handler, claim.id, doc.id, scan2.id)


def test_an_attachment_of_another_case_cannot_be_the_document(session, handler, claim,
                                                              default_client):
    _, other, _ = identity.find_or_create(session, default_client.id, "+12125550199")
    item = inbound(session, other, "sms", "media-0")
    doc = ask(session, handler, claim)
    with pytest.raises(NotFound, match="attachment not found"):
        documents.mark_received(session, handler, claim.id, doc.id, item.attachments[0].id)


def test_a_finished_claim_asks_for_nothing(session, handler, claim):
    transitions.move(session, handler, claim.id, "closed")
    session.commit()
    with pytest.raises(Conflict, match="reopen it"):
        documents.request(session, handler, claim.id, name="Invoice", today=TODAY)


def test_messages_landing_together_each_close_their_case_s_document(session, handler, claim,
                                                                    holder_case,
                                                                    default_client):
    _, other, _ = identity.find_or_create(session, default_client.id, "+12125550188")
    theirs = records.create(session, handler, other.id, loss_date="2026-11-01", today=TODAY)
    session.commit()
    mine, their_doc = ask(session, handler, claim), ask(session, handler, theirs, "Invoice")
    inbound(session, holder_case, "sms", "media-0")
    inbound(session, other, "sms", "media-0")
    session.commit()
    assert [session.get(ClaimDocument, d.id).status for d in (mine, their_doc)] == [
        "received", "received"]
