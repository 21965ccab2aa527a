"""Supervisors listening in or whispering on live calls; the conference each call lives in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core import audit, events
from crm.core.errors import Conflict, Invalid
from crm.models import Interaction, User, utcnow
from crm.routing.board import require_supervisor
from crm.tenancy import access
from crm.voice.calls import LIVE

MODES = ("listen", "whisper")


def conference(item: Interaction) -> dict:
    """What we know of the call's conference (empty: not bridged through one)."""
    return dict((item.meta or {}).get("conference") or {})


def note_conference(item: Interaction, **values) -> dict:
    """Remember conference facts on the call (a None value forgets that fact)."""
    conf = {k: v for k, v in {**conference(item), **values}.items() if v is not None}
    item.meta = {**(item.meta or {}), "conference": conf}
    return conf


def leave_conference(item: Interaction) -> None:
    """The caller left the conference (back into a queue): forget its legs and listeners."""
    item.meta = {k: v for k, v in (item.meta or {}).items() if k != "conference"}


def note_bridge(session: Session, interaction_id: int, values: dict) -> Interaction | None:
    """Store a new bridge under the row lock (a status callback may write meta meanwhile)."""
    item = session.scalars(select(Interaction).where(Interaction.id == interaction_id)
                           .with_for_update(of=Interaction)
                           .execution_options(populate_existing=True)).first()
    if item is not None:
        leave_conference(item)
        note_conference(item, **values)
        item.meta = {**item.meta, "recording_started": True}
    return item


def supervised_call(session: Session, actor: User, interaction_id: int, *,
                    live: bool = True) -> Interaction:
    """A call a supervisor may listen to: theirs to see and (live) answered, not over."""
    require_supervisor(actor)
    item = access.ensure_visible(actor, session.get(Interaction, interaction_id), "call")
    if item.medium != "voice":
        raise Invalid("this interaction is not a call")
    over = item.status not in LIVE or (item.meta or {}).get("hung_up")
    if live and (over or item.agent_id is None):
        raise Conflict("this call is not live with an agent", code="not_live")
    return item


def monitor_of(item: Interaction, user_id: int) -> dict | None:
    """The supervisor's own listening session on this call, if any."""
    return (conference(item).get("monitors") or {}).get(str(user_id))


def start(session: Session, actor: User, item: Interaction, mode: str,
          leg: str | None) -> Interaction:
    """Record that the supervisor listens or whispers (leg: their participant CallSid)."""
    if mode not in MODES:
        raise Invalid(f"mode must be one of {', '.join(MODES)}")
    monitors = dict(conference(item).get("monitors") or {})
    before = monitors.get(str(actor.id))
    monitors[str(actor.id)] = {"mode": mode, "leg": leg, "at": utcnow().isoformat()}
    note_conference(item, monitors=monitors)
    audit.record(session, actor, f"call.{mode}", item,
                 before={"mode": before["mode"]} if before else None,
                 after={"mode": mode, "agent_id": item.agent_id, "leg": leg})
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                case_id=item.case_id, client_id=item.client_id)
    return item


def stop(session: Session, actor: User, item: Interaction) -> dict:
    """The supervisor stops listening; what they were doing (mode, leg)."""
    monitors = dict(conference(item).get("monitors") or {})
    mine = monitors.pop(str(actor.id), None)
    if mine is None:
        raise Conflict("you are not listening to this call", code="not_monitoring")
    note_conference(item, monitors=monitors or None)
    audit.record(session, actor, "call.monitor_stopped", item, before={"mode": mine["mode"]},
                 after={"agent_id": item.agent_id})
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                case_id=item.case_id, client_id=item.client_id)
    return mine
