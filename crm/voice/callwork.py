"""An agent's work on a live call: hold, transfer, recording pauses, wrap-up and timers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm.collections import accounts, outcomes
from crm.core import audit, events
from crm.core.errors import Conflict, Invalid, NotFound
from crm.models import AuditEvent, Case, DispositionCode, Interaction, Offer, User, utcnow
from crm.models.tenancy import user_clients
from crm.routing import offers
from crm.routing import router as routing
from crm.tasks import assignment
from crm.tasks import records as tasks
from crm.tenancy import access
from crm.voice.calls import LIVE

MAX_NOTES = 5000
CALLBACK = "callback"  # "Callback arranged": the wrap-up makes the agent a callback task
# Used when no codes are configured for a line of work (disposition_codes rows override).
DEFAULT_CODES = {
    "general": [("resolved", "Resolved"), ("callback", "Callback arranged"),
                ("no_action", "No action needed"), ("wrong_number", "Wrong number")],
    "insurance": [("fnol", "First notice of loss taken"), ("claim_update", "Claim status given")],
    "fraud": [("verified", "Identity verified"), ("escalated", "Escalated to investigator")],
    "collections": outcomes.CODES,
    "retention": [("retained", "Customer stays"), ("retention_offer", "Retention offer made"),
                  ("cancelled", "Cancellation taken")],
}


def dispositions(session: Session, line_of_work: str,
                 client_id: int | None) -> list[tuple[str, str]]:
    """(code, label) an agent of a client may choose: the line's own codes, then the general
    ones (client_id None: only the codes every client shares).

    A line of work with rows in disposition_codes (the client's, or every client's) uses
    those; one without uses the defaults.
    """
    rows = session.execute(select(DispositionCode.line_of_work, DispositionCode.code,
                                  DispositionCode.label, DispositionCode.active).where(
        DispositionCode.line_of_work.in_((line_of_work, "general")),
        _codes_of(client_id))
        .order_by(DispositionCode.id)).all()
    out: list[tuple[str, str]] = []
    for line in dict.fromkeys((line_of_work, "general")):
        configured = [(c, label, on) for lw, c, label, on in rows if lw == line]
        codes = ([(c, label) for c, label, on in configured if on] if configured
                 else DEFAULT_CODES.get(line, []))
        out += [c for c in codes if c[0] not in {code for code, _ in out}]
    return out


def _codes_of(client_id: int | None):
    shared = DispositionCode.client_id.is_(None)
    return shared if client_id is None else or_(shared, DispositionCode.client_id == client_id)


def client_of(actor: User, client_id: int | None) -> int | None:
    """The client whose codes the actor means: the one named (if theirs), else their only
    one; None for someone of several clients who named none."""
    if client_id is None:
        ids = access.client_ids(actor)
        return next(iter(ids)) if len(ids) == 1 else None
    if client_id not in access.client_ids(actor):
        raise NotFound("client not found")
    return client_id


def add_disposition(session: Session, actor: User, line_of_work: str, code: str,
                    label: str, client_id: int | None = None) -> DispositionCode:
    """A new wrap-up code for a line of work of one of the actor's clients (supervisors and
    admins); audited. Other clients' lists are not touched."""
    access.require_role(actor, "supervisor", "admin")
    client_id = client_of(actor, client_id)
    if client_id is None:
        raise Invalid("you work for several clients: say which one (client_id)")
    code, label, line_of_work = code.strip().lower(), label.strip(), line_of_work.strip().lower()
    if not code or not label or not line_of_work:
        raise Invalid("a disposition needs a line of work, a code and a label")
    if not all(c.isalnum() or c == "_" for c in code):
        raise Invalid("a disposition code uses letters, digits and underscores only")
    exists = session.scalar(select(DispositionCode.id).where(
        DispositionCode.line_of_work == line_of_work, DispositionCode.code == code,
        _codes_of(client_id)))
    if exists:
        raise Conflict(f"{code} already exists for {line_of_work}", code="duplicate")
    row = DispositionCode(client_id=client_id, line_of_work=line_of_work, code=code,
                          label=label)
    session.add(row)
    session.flush()
    audit.record(session, actor, "disposition.added", row, object_type="disposition_code",
                 client_id=client_id,
                 after={"line_of_work": line_of_work, "code": code, "label": label})
    return row


def line_of(session: Session, item: Interaction) -> str:
    """The line of work a call belongs to: collections when its case has a debt account
    under collection (whatever the queue: a call placed from the case carries none, and
    its wrap-up must offer a promise to pay), else its queue's."""
    if item.case_id is not None and any(
            d.status not in accounts.FINISHED for d in accounts.of_case(session, item.case_id)):
        return "collections"
    return (item.meta or {}).get("queue") or "general"


def get_call(session: Session, actor: User, interaction_id: int, *,
             handed_on: bool = False) -> Interaction:
    """A call the actor handles (or supervises); handed_on: or transferred away (wrap-up)."""
    item = access.ensure_visible(actor, session.get(Interaction, interaction_id), "call")
    if item.medium != "voice":
        raise Invalid("this interaction is not a call")
    mine = item.agent_id == actor.id or actor.has_role("supervisor")
    if handed_on and not mine:
        mine = actor.id in [t.get("by") for t in (item.meta or {}).get("transfers", [])]
    if not mine:
        raise Conflict("this call is handled by another agent", code="not_your_call")
    return item


OPEN_CALLS_FOR = timedelta(hours=12)  # an agent's unfinished call older than this is let go


def current_call(session: Session, actor: User) -> tuple[Interaction, bool] | None:
    """The actor's call they have not wrapped up (newest first), and whether it is still on
    the line: what their phone shows again after a reload. A call they transferred away is
    no longer theirs, but its wrap-up still is."""
    since = utcnow() - OPEN_CALLS_FOR
    handed_on = select(AuditEvent.object_id).where(
        AuditEvent.actor_id == actor.id, AuditEvent.action == "call.transferred",
        AuditEvent.object_type == "interaction", AuditEvent.at >= since)
    handed_on_ids = [int(i) for i in session.scalars(handed_on)]
    for item in session.scalars(select(Interaction).where(
            Interaction.medium == "voice", Interaction.occurred_at >= since,
            or_(Interaction.agent_id == actor.id, Interaction.id.in_(handed_on_ids)))
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(20)):
        meta = item.meta or {}
        if any(w.get("agent_id") == actor.id for w in meta.get("wrap_ups", [])):
            continue
        if item.agent_id != actor.id:
            return item, False  # handed on: their part ended with the transfer
        ended = _timers(item).get("ended_at")
        if item.status in LIVE and not meta.get("hung_up") and not ended:
            return item, True
        # Only a call taken in the console asks for a wrap-up (not one imported as history).
        if ended or meta.get("accepted_at"):
            return item, False
    return None


def _callback_at(value) -> datetime:
    """When the agent promised to call back: a time in the future (ISO 8601; UTC if bare)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid("callback_at must be a date and time (ISO 8601)") from None
    if not isinstance(value, datetime):
        raise Invalid("Callback arranged: say when to call back (callback_at)")
    value = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if value <= utcnow():
        raise Invalid("Callback arranged: the callback time must be in the future")
    return value


def _now() -> str:
    return utcnow().isoformat()


def _seconds_since(iso: str | None) -> int:
    if not iso:
        return 0
    return max(0, int((utcnow() - datetime.fromisoformat(iso)).total_seconds()))


def _timers(item: Interaction) -> dict:
    return dict((item.meta or {}).get("timers") or {})


def _ended(item: Interaction) -> dict:
    """The call's timers as the current agent's part of it ends now (a hold ends with it)."""
    t = _timers(item)
    if t.get("hold_started_at"):
        t["hold_seconds"] = t.get("hold_seconds", 0) + _seconds_since(t.pop("hold_started_at"))
    t.setdefault("ended_at", _now())
    t.setdefault("started_at", answered_at(item))
    return t


def answered_at(item: Interaction) -> str | None:
    """When the current agent's part of the call began: handed to them, or answered."""
    meta = item.meta or {}
    return _timers(item).get("started_at") or meta.get("accepted_at") or meta.get("answered_at")


def _handed_on_part(item: Interaction, user_id: int) -> dict | None:
    """The timers of the part of a call user_id handed on by a transfer (None: theirs now)."""
    if item.agent_id == user_id:
        return None
    parts = [x["timers"] for x in (item.meta or {}).get("transfers", [])
             if x.get("by") == user_id and x.get("timers")]
    return parts[-1] if parts else None


def _save(session: Session, actor: User, item: Interaction, action: str, timers: dict,
          **extra) -> Interaction:
    before = {"timers": _timers(item)}
    item.meta = {**(item.meta or {}), "timers": timers, **extra}
    audit.record(session, actor, action, item, after={"timers": timers, **extra},
                 before=before)
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                case_id=item.case_id, client_id=item.client_id)
    return item


def hold(session: Session, actor: User, interaction_id: int) -> Interaction:
    """Put the caller on hold (starts the hold timer)."""
    item = get_call(session, actor, interaction_id)
    t = _timers(item)
    if t.get("hold_started_at"):
        raise Conflict("the call is already on hold", code="on_hold")
    t["hold_started_at"] = _now()
    return _save(session, actor, item, "call.held", t, on_hold=True)


def resume(session: Session, actor: User, interaction_id: int) -> Interaction:
    """Take the caller off hold (adds to the hold time)."""
    item = get_call(session, actor, interaction_id)
    t = _timers(item)
    if not t.get("hold_started_at"):
        raise Conflict("the call is not on hold", code="not_on_hold")
    t["hold_seconds"] = t.get("hold_seconds", 0) + _seconds_since(t.pop("hold_started_at"))
    return _save(session, actor, item, "call.resumed", t, on_hold=False)


def transfer(session: Session, actor: User, interaction_id: int, *, to_user: User | None = None,
             to_queue: str | None = None, warm: bool = False) -> Interaction:
    """Hand the call to another agent (who must be allowed to see it) or to a queue."""
    item = get_call(session, actor, interaction_id)
    if (to_user is None) == (to_queue is None):
        raise Invalid("transfer to exactly one of an agent or a queue")
    if to_user is not None and item.client_id not in to_user.client_ids:
        raise Invalid("that agent does not work for this client")
    if to_queue is not None and to_queue not in routing.queue_names(session, item.client_id):
        # A mistyped queue would leave the caller waiting where no agent is ever offered them.
        raise Invalid(f"there is no queue named {to_queue!r}")
    # The transferring agent's part of the call ends here: its timers go with the transfer
    # (for their wrap-up); the next agent's part starts afresh.
    part = _ended(item)
    target = {"user_id": to_user.id} if to_user else {"queue": to_queue}
    transfers = [*(item.meta or {}).get("transfers", []),
                 {**target, "by": actor.id, "warm": warm, "at": part["ended_at"],
                  "timers": part}]
    # A colleague takes over the line now; from a queue, whoever accepts it next.
    t = {"started_at": part["ended_at"]} if to_user is not None else {}
    if to_user is not None:
        item.agent_id = to_user.id
        events.emit(session, events.CALL_TRANSFERRED, interaction_id=item.id,
                    case_id=item.case_id, client_id=item.client_id, user_id=to_user.id,
                    by=actor.id)
    else:
        offer = session.scalars(select(Offer).where(Offer.interaction_id == item.id)).first()
        offers.reopen(session, offer, to_queue)
        item.agent_id = None
        item.meta = {**(item.meta or {}), "queue": to_queue}
    return _save(session, actor, item, "call.transferred", t, transfers=transfers,
                 on_hold=False)


def transfer_target(session: Session, actor: User, interaction_id: int, user_id: int) -> User:
    """The colleague a call may go to: an active member of the call's client's staff. The
    call is checked first, and "no such user" and "another client's user" read alike, so
    nobody learns of staff they cannot see (nor whether they are signed in)."""
    item = get_call(session, actor, interaction_id)
    target = session.get(User, user_id)
    if target is None or not target.active or item.client_id not in target.client_ids:
        raise NotFound("agent not found")
    return target


def transfer_targets(session: Session, actor: User, interaction_id: int) -> tuple[
        list[str], list[User]]:
    """Where the actor can hand a call on: the queues of its client, and the colleagues who
    work for that client (active, by name)."""
    item = get_call(session, actor, interaction_id)
    colleagues = session.scalars(
        select(User).join(user_clients, user_clients.c.user_id == User.id)
        .where(user_clients.c.client_id == item.client_id, User.active.is_(True),
               User.id != actor.id).order_by(User.name, User.id)).all()
    return routing.queue_names(session, item.client_id), list(colleagues)


def consult(session: Session, actor: User, interaction_id: int, to_user: User, *,
            hold: bool = True) -> Interaction:
    """Warm transfer, step one: the agent briefs a colleague.

    hold: the caller waits on hold meanwhile; without it the colleague joins the call and
    the three of them talk (a conference call).
    """
    item = get_call(session, actor, interaction_id)
    if item.client_id not in to_user.client_ids or not to_user.active or to_user.id == actor.id:
        raise Invalid("that agent cannot take this call")
    if (item.meta or {}).get("consult"):
        raise Conflict("a consultation is already under way", code="consulting")
    t = _timers(item)
    if hold:
        t.setdefault("hold_started_at", _now())
    return _save(session, actor, item, "call.consult_started", t,
                 on_hold=bool(t.get("hold_started_at")),
                 consult={"user_id": to_user.id, "by": actor.id, "at": _now(),
                          "three_way": not hold})


def complete_transfer(session: Session, actor: User, interaction_id: int) -> tuple[
        Interaction, int]:
    """Warm transfer, step two: hand the caller to the colleague consulted; their id."""
    item = get_call(session, actor, interaction_id)
    pending = (item.meta or {}).get("consult")
    if not pending or pending.get("by") != actor.id:
        raise Conflict("start a consultation before completing a warm transfer",
                       code="no_consult")
    to_user = session.get(User, pending["user_id"])
    item.meta = {k: v for k, v in (item.meta or {}).items() if k != "consult"}
    return transfer(session, actor, interaction_id, to_user=to_user, warm=True), to_user.id


def cancel_consult(session: Session, actor: User, interaction_id: int) -> Interaction:
    """Abandon a warm transfer: back to the caller."""
    item = get_call(session, actor, interaction_id)
    if not (item.meta or {}).get("consult"):
        raise Conflict("no consultation under way", code="no_consult")
    item.meta = {k: v for k, v in (item.meta or {}).items() if k != "consult"}
    if not _timers(item).get("hold_started_at"):  # three-way: the caller was never held
        return _save(session, actor, item, "call.consult_cancelled", _timers(item))
    return resume(session, actor, interaction_id)


def consult_allowed(item: Interaction, caller_id: int, callee_id: int) -> bool:
    """May caller_id's browser ring callee_id's for this call's consultation."""
    pending = (item.meta or {}).get("consult") or {}
    return pending.get("by") == caller_id and pending.get("user_id") == callee_id


def ended(session: Session, actor: User, interaction_id: int) -> Interaction:
    """The agent ended the call; wrap-up time starts now."""
    item = get_call(session, actor, interaction_id)
    t = _ended(item)
    routing.finish(session, item.id)  # the call is over; wrap-up is presence, not a call
    return _save(session, actor, item, "call.ended", t, hung_up=True)


def rejoin(session: Session, actor: User, interaction_id: int) -> Interaction:
    """The agent's phone takes its live call back (a reload dropped its audio); audited."""
    item = get_call(session, actor, interaction_id)
    if item.status not in LIVE or (item.meta or {}).get("hung_up") or _timers(item).get(
            "ended_at"):
        raise Conflict("this call is over", code="not_live")
    return _save(session, actor, item, "call.rejoined", _timers(item))


def recording(session: Session, actor: User, interaction_id: int, *, paused: bool) -> Interaction:
    """Pause the recording while card details are given, or resume it; both audited."""
    item = get_call(session, actor, interaction_id)
    return _save(session, actor, item, "recording.paused" if paused else "recording.resumed",
                 _timers(item), recording_paused=paused)


def wrap_up(session: Session, actor: User, interaction_id: int, *, disposition: str,
            notes: str = "", details: dict | None = None) -> Interaction:
    """Close the agent's work on a call with a disposition code (required) and notes.

    details: what a collections code needs (a promise's amount and day, the attorney), which
    it applies to the case's debt accounts (crm.collections.outcomes).
    """
    item = get_call(session, actor, interaction_id, handed_on=True)
    line = line_of(session, item)
    codes = dict(dispositions(session, line, item.client_id))
    if not disposition:
        raise Invalid("choose a disposition code")
    if disposition not in codes:
        raise Invalid(f"unknown disposition {disposition!r} for {line} calls")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise Invalid(f"wrap-up notes can have at most {MAX_NOTES} characters")
    if disposition == CALLBACK:
        callback_at = _callback_at((details or {}).get("callback_at"))
    outcomes.apply(session, actor, item, disposition, details)
    if disposition == CALLBACK:
        case = session.get(Case, item.case_id)
        tasks.add_for(session, case, title=f"Callback arranged: call back "
                      f"{item.from_addr if item.direction == 'inbound' else item.to_addr}",
                      holder=assignment.Holder(assignee_id=actor.id), due_at=callback_at,
                      actor=actor, source_interaction_id=item.id)
    handed_on = _handed_on_part(item, actor.id)
    t = dict(handed_on) if handed_on is not None else _ended(item)
    t["wrap_up_seconds"] = _seconds_since(t["ended_at"])
    if t.get("started_at"):
        talk = int((datetime.fromisoformat(t["ended_at"])
                    - datetime.fromisoformat(t["started_at"])).total_seconds())
        t["talk_seconds"] = max(0, talk - t.get("hold_seconds", 0))
    item.disposition = disposition
    # Each agent who handled the call (a transfer hands it on) wraps up their own part.
    wrap_ups = [*(item.meta or {}).get("wrap_ups", []),
                {"agent_id": actor.id, "disposition": disposition,
                 "label": codes[disposition], "notes": notes, "at": _now(),
                 **{k: v for k, v in t.items() if k.endswith("_seconds")}}]
    # Handed on, the call goes on with a colleague: its timers and capacity stay theirs.
    routing.finish(session, item.id, by=actor.id if handed_on is not None else None)
    return _save(session, actor, item, "call.wrapped_up",
                 _timers(item) if handed_on is not None else t, wrap_up_notes=notes,
                 disposition_label=codes[disposition], wrap_ups=wrap_ups)
