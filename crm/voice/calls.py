"""Phone calls on the timeline: inbound landing, status progress, recordings, missed calls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm import guardrails
from crm.cases import landing as inbound
from crm.cases import records as cases
from crm.cases import timeline
from crm.core import audit, events
from crm.core.errors import Invalid, NotFound
from crm.customers import identity
from crm.models import (
    Attachment,
    Case,
    ContactPoint,
    Customer,
    Interaction,
    Task,
    User,
    utcnow,
)
from crm.routing import offers
from crm.routing import router as routing
from crm.tasks import assignment
from crm.tasks import records as tasks
from crm.tenancy import access
from crm.tenancy import clients as tenancy

LIVE = ("queued", "initiated", "ringing", "in-progress")
FINAL = ("completed", "busy", "failed", "no-answer", "canceled")
MISSED = ("busy", "failed", "no-answer", "canceled")
# Without a SequenceNumber, a status only moves forward along this order.
_RANK = {s: i for i, s in enumerate(LIVE)} | {s: len(LIVE) for s in FINAL}
DEFAULT_QUEUE = inbound.DEFAULT_QUEUE


def land_inbound(session: Session, *, call_sid: str, caller: str, called: str,
                 region: str = "US", caller_name: str | None = None,
                 params: dict | None = None) -> inbound.Received:
    """Record an inbound call on the caller's case (once per CallSid), queued for the line of
    work of the number called (its meta's `queue`)."""
    case = None
    try:
        identity.normalise_phone(caller, region)
    except Invalid:
        # Withheld or unparseable caller id: the call still counts, on a case of its own.
        existing = by_call_sid(session, call_sid)
        case = session.get(Case, existing.case_id) if existing else _withheld_case(
            session, called)
    msg = inbound.InboundMessage(
        medium="voice", provider_id=call_sid, sender=caller, recipient=called,
        sender_name=caller_name, status="ringing", body="Inbound call",
        meta={"call": _call_meta(params or {})})
    landed = inbound.receive(session, msg, region=region, case=case)
    if landed.created:
        # A call that has just rung has no recording or voicemail yet: the screen pop reads
        # the (empty) collection without a query.
        set_committed_value(landed.interaction, "attachments", [])
    return landed


def _withheld_case(session: Session, called: str) -> Case:
    client = tenancy.client_for_address(session, "phone", called)
    customer = Customer(client_id=client.id, display_name="Withheld number",
                        search_name="withheld number")
    session.add(customer)
    session.flush()
    case = Case(client_id=client.id, customer_id=customer.id,
                reference=identity.new_case_reference())
    session.add(case)
    session.flush()
    return case


def _call_meta(params: dict) -> dict:
    # Everything Twilio sent (it adds parameters without notice), bounded in size.
    return {str(k)[:64]: str(v)[:256] for k, v in list(params.items())[:100]}


def by_call_sid(session: Session, call_sid: str, *, lock: bool = False) -> Interaction | None:
    """The voice interaction of a CallSid (CallSids are unique across accounts).

    lock: take its row lock, so concurrent callbacks for one call apply one after the other.
    """
    stmt = select(Interaction).where(Interaction.medium == "voice",
                                     Interaction.provider_id == call_sid)
    if lock:
        stmt = stmt.with_for_update(of=Interaction).execution_options(populate_existing=True)
    return session.scalars(stmt).first()


def apply_status(session: Session, call_sid: str, status: str, *, sequence: int | None = None,
                 duration: int | None = None) -> Interaction | None:
    """Apply a status callback: duplicates and late arrivals never move a call backwards."""
    if status not in _RANK:
        return None
    item = by_call_sid(session, call_sid, lock=True)
    if item is None:
        return None
    if sequence is not None and sequence <= item.status_seq:
        return item
    current_final = item.status in FINAL
    if current_final and status not in FINAL:
        return item
    if sequence is None and _RANK[status] < _RANK.get(item.status, -1):
        return item
    changed = False
    if sequence is not None:
        item.status_seq = sequence
    if not current_final and item.status != status:
        item.status = status
        changed = True
        if status == "in-progress":
            _set_meta(item, answered_at=utcnow().isoformat())
    if duration is not None and status in FINAL and item.duration_seconds != duration:
        item.duration_seconds = duration
        changed = True
    if changed:
        if status in FINAL and item.direction == "inbound":
            _caller_left(session, item, status)
        events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                    case_id=item.case_id, client_id=item.client_id)
    return item


def unsettled(session: Session, quiet_for: timedelta, *, limit: int = 50) -> list[Interaction]:
    """Calls still live here that nothing has told us about for a while, longest quiet first
    (a final status callback can be lost, say while the server was down)."""
    return list(session.scalars(select(Interaction).where(
        Interaction.medium == "voice", Interaction.status.in_(LIVE),
        Interaction.provider_id.is_not(None), Interaction.updated_at < utcnow() - quiet_for)
        .order_by(Interaction.updated_at, Interaction.id).limit(limit)))


def settle(session: Session, item: Interaction, status: str | None,
           duration: int | None = None) -> Interaction:
    """Apply how the call stands now (from Twilio, or the simulator) as a status callback
    would; either way it is marked as checked, so it waits its turn before the next check."""
    if status is not None:
        apply_status(session, item.provider_id, status, duration=duration)
    _set_meta(item, checked_at=utcnow().isoformat())
    return item


def _caller_left(session: Session, item: Interaction, status: str) -> None:
    # A call that ends while still offered was abandoned in the queue: nobody spoke to them.
    abandoned = offers.close(session, item.id, "abandoned") is not None
    routing.finish(session, item.id)  # an answered call is over: the agent's voice line frees
    if status in MISSED:
        callback_task(session, item, f"Missed call ({status})")
    elif abandoned:
        _set_meta(item, abandoned=True)
        callback_task(session, item, "Caller hung up in the queue")


def _set_meta(item: Interaction, **values) -> None:
    # Reassign so the JSON column is seen as changed.
    item.meta = {**(item.meta or {}), **values}


def callback_task(session: Session, item: Interaction, title: str) -> Task:
    """One callback task per call on its case (a redelivered callback adds none), for the
    case owner, else the case's team, else the call's queue: it must reach someone."""
    existing = session.scalars(select(Task).where(
        Task.source_interaction_id == item.id, Task.kind == "callback")).first()
    if existing is not None:
        return existing
    case = session.get(Case, item.case_id)
    return tasks.add_for(session, case,
                         title=f"{title}: call back {item.from_addr or 'the caller'}",
                         holder=assignment.for_callback(session, case, item),
                         due_at=utcnow() + timedelta(hours=4), source_interaction_id=item.id)


def attach_recording(session: Session, call_sid: str, *, recording_sid: str, url: str,
                     status: str, duration: int | None = None,
                     kind: str = "recording") -> Attachment | None:
    """Attach a finished recording to its call (once per RecordingSid)."""
    if status != "completed" or not recording_sid:
        return None
    item = by_call_sid(session, call_sid, lock=True)
    if item is None:
        return None
    for att in item.attachments:
        if (att.meta or {}).get("recording_sid") == recording_sid:
            return att
    att = Attachment(interaction_id=item.id, kind="recording",
                     filename=f"{recording_sid}.mp3", content_type="audio/mpeg",
                     source_url=url, meta={"recording_sid": recording_sid,
                                           "duration": duration, "purpose": kind})
    session.add(att)
    item.attachments.append(att)
    if kind == "voicemail":
        item.body = "Voicemail"
        _set_meta(item, voicemail=True)
        callback_task(session, item, "Voicemail left")
    session.flush()
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                case_id=item.case_id, client_id=item.client_id)
    return att


def to_voicemail(session: Session, call_sid: str) -> Interaction | None:
    """Nobody took the call in time: stop offering it; the caller leaves a message."""
    item = by_call_sid(session, call_sid)
    if item is not None:
        offers.close(session, item.id, "voicemail")
        _set_meta(item, voicemail_offered=True)
    return item


def outside_hours(session: Session, item: Interaction) -> Interaction:
    """A call outside business hours: never offered; the caller may leave a voicemail."""
    _set_meta(item, outside_hours=True, voicemail_offered=True)
    return item


def queue_left(session: Session, call_sid: str, result: str) -> Interaction | None:
    """The caller left the queue by hanging up (abandoned) before anyone answered."""
    item = by_call_sid(session, call_sid)
    if item is not None and result == "hangup" and offers.close(
            session, item.id, "abandoned") is not None:
        _set_meta(item, abandoned=True)
        callback_task(session, item, "Caller hung up in the queue")
    return item


def recording_to_play(session: Session, actor: User, attachment_id: int) -> Attachment:
    """A call recording the actor may hear (its case is theirs to see); each play audited."""
    att = session.get(Attachment, attachment_id)
    if att is None or att.kind != "recording" or not att.source_url:
        raise NotFound("recording not found")
    item = session.get(Interaction, att.interaction_id)
    access.ensure_visible(actor, item, "recording")
    audit.record(session, actor, "recording.played", att, client_id=item.client_id)
    return att


def start_outbound(session: Session, actor: User, case_id: int, *, to: str | None,
                   caller_id: str | None, region: str = "US") -> Interaction:
    """Click-to-call: record the call on the case before the agent's phone dials.

    Only the customer's own numbers may be dialled (the first one when none is named), never
    one they asked not to be called on, nor on a case flagged do-not-call.
    """
    case = cases.get(session, actor, case_id)
    phones = {p.value: p for p in session.scalars(select(ContactPoint).where(
        ContactPoint.customer_id == case.customer_id, ContactPoint.kind == "phone")
        .order_by(ContactPoint.id))}
    # Unnamed: the first number they may be called on (else the first, to say why not).
    callable_ = [v for v, p in phones.items() if "voice" not in (p.opt_outs or {})]
    number = identity.normalise_phone(to, region) if to else next(iter(callable_ or phones),
                                                                    None)
    if number is None:
        raise Invalid("this customer has no phone number")
    if number not in phones:
        raise Invalid("that number is not one of this customer's")
    guardrails.check(session, case, guardrails.describe("voice"), point=phones[number],
                     actor=actor)
    item, _ = timeline.record(session, case, medium="voice", direction="outbound",
                              status="queued", body="Outbound call", from_addr=caller_id,
                              to_addr=number, agent_id=actor.id, occurred_at=utcnow())
    audit.record(session, actor, "call.started", item, after={"to": number})
    return item


def customer_leg(item: Interaction) -> str | None:
    """The CallSid of the customer's leg: the call itself inbound, the dialled child outbound."""
    return (item.meta or {}).get("customer_leg") or item.provider_id


def note_customer_leg(session: Session, parent_sid: str, child_sid: str) -> None:
    """Remember the dialled leg of an outbound call (controls redirect that leg, not ours)."""
    item = by_call_sid(session, parent_sid)
    if item is not None and item.direction == "outbound" and (
            item.meta or {}).get("customer_leg") != child_sid:
        _set_meta(item, customer_leg=child_sid)


def link_outbound(session: Session, interaction_id: int, call_sid: str) -> Interaction | None:
    """Tie the browser's outgoing call (its CallSid) to the interaction made for it."""
    item = session.get(Interaction, interaction_id)
    if item is None or item.medium != "voice" or item.direction != "outbound":
        return None
    if item.provider_id in (None, call_sid):
        item.provider_id = call_sid
        item.status = "initiated" if item.status == "queued" else item.status
    return item

