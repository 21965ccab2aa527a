"""Outbound email on a case: queued with the request, claimed once, settled by the sender."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crm import guardrails
from crm.cases import records as cases
from crm.cases import timeline
from crm.core import audit, events
from crm.core.errors import Invalid, NotFound
from crm.core.files import safe_filename, sniff
from crm.core.storage import BlobStore
from crm.customers import identity
from crm.email.receiving import CASE_TOKEN
from crm.guardrails import collections
from crm.models import (
    Attachment,
    Case,
    Client,
    ContactPoint,
    DebtAccount,
    Interaction,
    User,
    utcnow,
)

MAX_SUBJECT = 900
MAX_BODY = 100_000
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=30)
# A send takes seconds; `sending` this long means the worker died mid-send.
STALE_SENDING = timedelta(minutes=15)


@dataclass(frozen=True)
class Sendable:
    """Everything the sender needs for one claimed email (ids and bytes, no ORM objects)."""

    interaction_id: int
    case_id: int
    client_id: int
    case_reference: str
    to: str
    subject: str
    body: str
    message_id: str
    in_reply_to: str | None
    references: tuple[str, ...]
    opt_out: bool
    attachments: tuple[tuple[str, str, str], ...]  # (filename, content type, storage key)
    link_base: str | None = None  # the console's URL as the sender reached it (see queue_email)


@dataclass(frozen=True)
class OptOutTarget:
    """Who an opt-out link speaks for: the client's name, the address, whether it is done."""

    client_name: str
    address: str
    opted_out: bool


def queue_email(session: Session, actor: User, case_id: int, *, to: str, subject: str,
                body: str, in_reply_to_id: int | None = None, attachments=(),
                store: BlobStore | None = None, link_base: str | None = None) -> Interaction:
    """Write an outbound email as `queued` in the caller's transaction; the task sends it."""
    case = cases.get(session, actor, case_id, audit_view=False)
    address = identity.normalise_email(to)
    _refuse_unless_customers(session, case, address)
    rules = guardrails.describe("email")
    lifted = guardrails.check(session, case, rules,
                              point=_contact_point(session, case.client_id, address),
                              body=f"{subject or ''}\n{body or ''}", actor=actor)
    subject = " ".join((subject or "").split())
    if not subject:
        raise Invalid("an email needs a subject")
    if len(subject) > MAX_SUBJECT:
        raise Invalid(f"a subject can have at most {MAX_SUBJECT} characters")
    text = (body or "").replace("\x00", "").strip()
    if not text:
        raise Invalid("an email needs a body")
    if len(text) > MAX_BODY:
        raise Invalid(f"an email body can have at most {MAX_BODY} characters")
    text = collections.with_disclosures(session, case, rules, text)
    if not CASE_TOKEN.search(subject):
        # The token lets a reply thread even when a mail client drops every header we set.
        subject = f"{subject} [{case.reference}]"
    in_reply_to, references = _thread_headers(session, case, in_reply_to_id)
    files = _checked_files(attachments)
    if files and store is None:
        raise Invalid("attachments need a file store")
    on_debt = session.scalar(select(DebtAccount.id).where(DebtAccount.case_id == case.id)
                             .limit(1)) is not None
    meta = {"in_reply_to": in_reply_to, "references": references, "opt_out": on_debt,
            "attempts": 0, **({guardrails.LIFTED: list(lifted)} if lifted else {})}
    if on_debt and link_base:
        # The sender task may run in another process with no request to ask; without
        # PUBLIC_BASE_URL the opt-out link points where the agent reached the console.
        meta["link_base"] = link_base
    item, _ = timeline.record(
        session, case, medium="email", direction="outbound", status="queued", body=text,
        subject=subject, to_addr=address, agent_id=actor.id, occurred_at=utcnow(), meta=meta)
    for name, data in files:
        key, digest = store.put(data)
        session.add(Attachment(interaction_id=item.id, kind="file", filename=name,
                               content_type=sniff(data), size=len(data), storage_key=key,
                               sha256=digest))
    session.flush()
    audit.record(session, actor, "email.queued", item, client_id=case.client_id,
                 after={"case_id": case.id, "to": address})
    return item


def refuse_if_opted_out(session: Session, client_id: int, address: str) -> None:
    """Forbidden when the address has opted out of email (re-checked when the task sends)."""
    guardrails.refuse_opted_out(_contact_point(session, client_id, address),
                                guardrails.describe("email"))


def recheck(session: Session, interaction_id: int, client_id: int, address: str) -> None:
    """The guardrail again as the task sends: the opt-out, and for what an agent wrote every
    rule (a retry may fall at night, or after a cease request)."""
    refuse_if_opted_out(session, client_id, address)
    guardrails.at_send_time(session, session.get(Interaction, interaction_id))


def _refuse_unless_customers(session: Session, case: Case, address: str) -> None:
    # Like SMS to a number: on a debt case, mail to anyone else discloses the debt to a third
    # party. An address is one customer's per client (unique), so the client's lookup finds it.
    cp = _contact_point(session, case.client_id, address)
    if cp is None or cp.customer_id != case.customer_id:
        raise Invalid(f"{address} is not an email address of this customer")


def claim(session: Session, interaction_id: int, domain: str) -> Sendable | None:
    """Move one queued email to `sending` (a conditional UPDATE: only one sender wins)."""
    won = session.execute(
        update(Interaction)
        .where(Interaction.id == interaction_id, Interaction.medium == "email",
               Interaction.direction == "outbound", Interaction.status == "queued")
        .values(status="sending", updated_at=utcnow())
    ).rowcount
    if not won:
        session.rollback()
        return None
    item = session.get(Interaction, interaction_id)
    session.refresh(item)
    if not item.thread_key:
        # Our Message-ID is fixed on first claim, so a retry re-sends the same message.
        item.thread_key = f"<cl.{secrets.token_hex(12)}@{domain}>"
        item.provider_id = item.thread_key
    case = session.get(Case, item.case_id)
    meta = item.meta or {}
    sendable = Sendable(
        interaction_id=item.id, case_id=case.id, client_id=case.client_id,
        case_reference=case.reference, to=item.to_addr, subject=item.subject or "",
        body=item.body, message_id=item.thread_key, in_reply_to=meta.get("in_reply_to"),
        references=tuple(meta.get("references") or ()), opt_out=bool(meta.get("opt_out")),
        attachments=tuple((a.filename, a.content_type, a.storage_key)
                          for a in item.attachments if a.kind == "file"),
        link_base=meta.get("link_base"))
    session.commit()
    return sendable


def mark_sent(session: Session, interaction_id: int, *, sender: str, raw: bytes | None = None,
              store: BlobStore | None = None) -> None:
    """The SMTP server accepted the message; what we sent is kept as evidence."""
    if raw and store is not None:
        key, digest = store.put(raw, suffix="eml")
        session.add(Attachment(interaction_id=interaction_id, kind="raw", filename="message.eml",
                               content_type="message/rfc822", size=len(raw), storage_key=key,
                               sha256=digest))
    _settle(session, interaction_id, "sent", from_addr=sender)


def _error(code: str, reason: str) -> dict:
    # The same {code, message} shape every channel shows the agent (Interaction.error).
    return {"code": code, "message": reason[:500]}


def mark_failed(session: Session, interaction_id: int, reason: str) -> None:
    """A permanent refusal (5xx, opted out, too many attempts): never retried."""
    _settle(session, interaction_id, "failed", error=_error("rejected", reason))


def mark_retry(session: Session, interaction_id: int, reason: str,
               now: datetime | None = None) -> bool:
    """A temporary failure: back to `queued` with a backoff, or failed after MAX_ATTEMPTS."""
    item = session.get(Interaction, interaction_id)
    attempts = int((item.meta or {}).get("attempts", 0)) + 1
    if attempts >= MAX_ATTEMPTS:
        _settle(session, interaction_id, "failed", error=_error("gave_up", reason),
                attempts=attempts)
        return False
    due = (now or utcnow()) + BACKOFF * (2 ** (attempts - 1))
    _settle(session, interaction_id, "queued", error=_error("retrying", reason),
            attempts=attempts,
            next_attempt_at=due.isoformat())
    return True


def due(session: Session, now: datetime | None = None, limit: int = 100) -> list[int]:
    """Queued emails whose backoff has passed (the sweeper re-enqueues them)."""
    now = now or utcnow()
    rows = session.execute(
        select(Interaction.id, Interaction.meta).where(
            Interaction.status == "queued", Interaction.medium == "email",
            Interaction.direction == "outbound").order_by(Interaction.id).limit(limit * 5)
    ).all()
    session.rollback()
    ready = [i for i, meta in rows
             if not (meta or {}).get("next_attempt_at")
             or datetime.fromisoformat(meta["next_attempt_at"]) <= now]
    return ready[:limit]


def recover_stale(session: Session, now: datetime | None = None) -> int:
    """Put emails stuck in `sending` back in the queue (same Message-ID when re-sent)."""
    cutoff = (now or utcnow()) - STALE_SENDING
    count = session.execute(
        update(Interaction)
        .where(Interaction.status == "sending", Interaction.medium == "email",
               Interaction.direction == "outbound", Interaction.updated_at < cutoff)
        .values(status="queued", updated_at=utcnow())
    ).rowcount
    session.commit()
    return count


def _opt_out_link(session: Session, case_id: int, address: str) -> tuple[
        Case, str, ContactPoint | None]:
    # What a (verified) opt-out link names: its case, the address, its contact point if any.
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("this opt-out link is no longer valid")
    value = identity.normalise_email(address)
    return case, value, _contact_point(session, case.client_id, value)


def opt_out_target(session: Session, case_id: int, address: str) -> OptOutTarget:
    """What an opt-out link would do, read only: the page asks before anything changes."""
    case, value, cp = _opt_out_link(session, case_id, address)
    return OptOutTarget(client_name=session.get(Client, case.client_id).name, address=value,
                        opted_out=cp is not None and bool((cp.opt_outs or {}).get("email")))


def opt_out(session: Session, case_id: int, address: str) -> ContactPoint:
    """Opt an address out of email (from the link in a collections email); audited."""
    case, value, cp = _opt_out_link(session, case_id, address)
    if cp is None:
        cp = identity.add_contact_point(session, None, case.customer, value)
    before = dict(cp.opt_outs or {})
    if not before.get("email"):
        cp.opt_outs = {**before, "email": utcnow().isoformat()}
        audit.record(session, None, "contact.opted_out", cp, client_id=case.client_id,
                     before={"opt_outs": before},
                     after={"medium": "email", "value": value, "opt_outs": cp.opt_outs})
        events.emit(session, events.CUSTOMER_UPDATED, customer_id=cp.customer_id,
                    client_id=case.client_id)
    return cp


def _settle(session, interaction_id, status, *, from_addr=None, **meta) -> None:
    item = session.get(Interaction, interaction_id)
    item.status = status
    if from_addr:
        item.from_addr = from_addr[:320]
    item.meta = {**(item.meta or {}), **meta}
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                case_id=item.case_id, client_id=item.client_id)
    session.commit()


def _contact_point(session, client_id, address) -> ContactPoint | None:
    return session.scalars(select(ContactPoint).where(
        ContactPoint.client_id == client_id, ContactPoint.kind == "email",
        ContactPoint.value == address)).first()


def last_from(session: Session, case_id: int, address: str) -> int | None:
    """The newest email on a case from this address (a composer reply answers it)."""
    address = (address or "").strip().lower()
    return session.scalars(select(Interaction.id).where(
        Interaction.case_id == case_id, Interaction.medium == "email",
        Interaction.direction == "inbound", func.lower(Interaction.from_addr) == address)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(1)).first()


def _thread_headers(session, case, parent_id) -> tuple[str | None, list[str]]:
    if parent_id is None:
        return None, []
    parent = session.get(Interaction, parent_id)
    if parent is None or parent.case_id != case.id or parent.medium != "email":
        raise NotFound("the email being answered is not on this case")
    if not parent.thread_key:
        return None, []
    refs = [*((parent.meta or {}).get("references") or []), parent.thread_key]
    return parent.thread_key, refs[-20:]


def _checked_files(attachments) -> list[tuple[str, bytes]]:
    files = [(safe_filename(name), bytes(data)) for name, data in attachments]
    total = sum(len(d) for _, d in files)
    if total > MAX_ATTACHMENTS_BYTES:
        raise Invalid(f"attachments can total at most {MAX_ATTACHMENTS_BYTES // 1024 // 1024} MB")
    return files


def get_email(session: Session, actor: User, case_id: int, interaction_id: int) -> Interaction:
    """One email of a case the actor may see (a sensitive case's view is audited)."""
    case = cases.get(session, actor, case_id)
    item = session.get(Interaction, interaction_id)
    if item is None or item.case_id != case.id or item.medium != "email":
        raise NotFound("email not found")
    return item
