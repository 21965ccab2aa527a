"""An investigation's evidence (pinned timeline items and attachments) and its notes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import timeline
from crm.core import audit, db
from crm.core.errors import Conflict, NotFound, required_text
from crm.fraud import investigations, visibility
from crm.models import Attachment, Case, Evidence, Interaction, Investigation, User, utcnow

MAX_LISTED = 200
_MAX_ID = 2**63 - 1


def pinned(session: Session, investigation: Investigation) -> list[Evidence]:
    """What is pinned to an investigation, oldest first."""
    return list(session.scalars(select(Evidence).where(
        Evidence.investigation_id == investigation.id).order_by(Evidence.id)
        .limit(MAX_LISTED)))


def pin(session: Session, actor: User, investigation_id: int, interaction_id: int,
        attachment_id: int | None = None, note: str = "") -> Evidence:
    """Pin a timeline item of the case (or one of its attachments) as evidence, once."""
    found = _open(session, actor, investigation_id)
    item = session.get(Interaction, interaction_id) if 0 < interaction_id <= _MAX_ID else None
    if item is None or item.case_id != found.case_id:
        raise NotFound("no such item on this case's timeline")
    key = f"interaction:{item.id}"
    if attachment_id is not None:
        attachment = session.get(Attachment, attachment_id) \
            if 0 < attachment_id <= _MAX_ID else None
        if attachment is None or attachment.interaction_id != item.id:
            raise NotFound("no such attachment on this timeline item")
        key = f"attachment:{attachment.id}"
    note = (note or "").strip()[:2000]
    # One statement: two investigators pinning the same thing at once get one pin, one 409.
    made = db.insert_unless_exists(session, Evidence, {
        "client_id": found.client_id, "investigation_id": found.id, "key": key,
        "interaction_id": item.id, "attachment_id": attachment_id, "note": note,
        "pinned_by_id": actor.id, "created_at": utcnow()}, ["investigation_id", "key"])
    if made is None:
        raise Conflict("this is already pinned as evidence", code="already_pinned")
    what = "attachment" if attachment_id else f"{item.medium} entry"
    investigations.step(session, actor, found, "evidence_pinned", f"Evidence pinned: {what}"
                         + (f" ({note})" if note else ""), after={"key": key, "note": note})
    return made


def unpin(session: Session, actor: User, investigation_id: int, evidence_id: int) -> None:
    """Take a pinned item off the evidence (audited)."""
    found = _open(session, actor, investigation_id)
    row = session.get(Evidence, evidence_id) if 0 < evidence_id <= _MAX_ID else None
    if row is None or row.investigation_id != found.id:
        raise NotFound("no such evidence on this investigation")
    session.delete(row)
    investigations.step(session, actor, found, "evidence_unpinned", "Evidence unpinned",
                         before={"key": row.key, "note": row.note})


def add_note(session: Session, actor: User, investigation_id: int, body: str) -> Interaction:
    """A note on the investigation: on the case timeline, veiled like the investigation."""
    found = investigations.workable(session, actor, investigation_id)
    body = required_text(body, "a note needs some text", at_most=timeline.MAX_NOTE)
    item, _ = timeline.record(session, session.get(Case, found.case_id), medium="note",
                              direction="internal", status="saved", body=body,
                              agent_id=actor.id, occurred_at=utcnow(),
                              meta={visibility.VEILED_BY: found.id, "step": "note"})
    audit.record(session, actor, "investigation.note_added", found,
                 after={"interaction_id": item.id})
    investigations.changed(session, found)
    return item


def notes(session: Session, actor: User, investigation_id: int) -> list[Interaction]:
    """The investigation's notes, newest first."""
    found = investigations.get(session, actor, investigation_id, audit_view=False)
    rows = session.scalars(select(Interaction).where(
        Interaction.case_id == found.case_id, Interaction.medium == "note")
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(MAX_LISTED * 5))
    return [r for r in rows if (r.meta or {}).get(visibility.VEILED_BY) == found.id][
        :MAX_LISTED]


def _open(session: Session, actor: User, investigation_id: int) -> Investigation:
    found = investigations.workable(session, actor, investigation_id)
    if found.status == "closed":
        raise Conflict("this investigation is closed", code="closed")
    return found

