"""Steps that complete themselves as the work happens: a captured claim or debt field, a
document sent to the customer, a call wrapped up with a disposition.

The listeners join the transaction of the change (a claim saved with its step ticked, or
neither), and read what the case now holds rather than the event's details, so replaying or
doubling an event changes nothing.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from crm.core import audit, events
from crm.models import (
    Attachment,
    Case,
    Claim,
    DebtAccount,
    Interaction,
    Playbook,
    PlaybookRun,
    PlaybookStepState,
)
from crm.playbooks import runs as run_rules

_RECORD = {"claim": Claim, "debt": DebtAccount}
_NOT_SENT = ("queued", "failed", "undelivered", "canceled", "cancelled", "bounce", "draft")
_DONE = "playbooks.evaluated"


def evaluate(session: Session, case: Case) -> list[tuple[str, str]]:
    """Tick every open step whose trigger the case now meets; (line, key) of those ticked."""
    ticked = []
    for run in run_rules.ensure(session, case):
        got = run_rules.states(session, run)
        for step in run_rules.version(session, run).steps:
            trigger = step.get("trigger")
            if not trigger or step["key"] in got:
                continue
            source = _met(session, case, run, trigger)
            if source:
                session.add(PlaybookStepState(run_id=run.id, step_key=step["key"], state="done",
                                              source=source))
                audit.record(session, None, "playbook.step_done", run,
                             object_type="playbook_run",
                             before={"step": step["key"], "state": "open"},
                             after={"step": step["key"], "state": "done", "source": source})
                ticked.append((run.line_of_work, step["key"]))
    if ticked:
        session.flush()
    return ticked


def _met(session: Session, case: Case, run: PlaybookRun, trigger: str) -> str | None:
    """What met the trigger (shown on the step), or None."""
    if trigger.startswith("field:"):
        record, column = trigger[6:].split(".")
        model = _RECORD[record]
        value = getattr(model, column)
        filled = value.is_not(None) & (value != "") if _is_text(model, column) \
            else value.is_not(None)
        if session.scalar(select(exists().where(model.case_id == case.id, filled))):
            return f"{record} {column.replace('_', ' ')} captured"
        return None
    since = Interaction.case_id == case.id, Interaction.updated_at >= run.started_at
    if trigger == "document":
        sent = session.scalar(select(Interaction.id).where(
            *since, Interaction.direction == "outbound", Interaction.status.not_in(_NOT_SENT),
            exists().where(Attachment.interaction_id == Interaction.id)).limit(1))
        return "document sent" if sent else None
    code = trigger.partition(":")[2]
    wrapped = session.scalar(select(Interaction.disposition).where(
        *since, (Interaction.disposition == code) if code
        else Interaction.disposition.is_not(None)).limit(1))
    return f"disposition {wrapped} recorded" if wrapped else None


def _is_text(model, column: str) -> bool:
    return model.__table__.c[column].type.python_type is str


def _seen(session: Session) -> dict:
    # Per transaction: the cases evaluated, and the clients that have playbooks at all (one
    # query), so the work of clients without them costs nothing more.
    transaction = session.get_transaction()
    owner, seen = session.info.get(_DONE, (None, None))
    if owner is not transaction:
        seen = {"cases": set(), "clients": None}
        session.info[_DONE] = (transaction, seen)
    return seen


def on_case_fact(session: Session, name: str, payload: dict) -> None:
    """A claim, investigation, interaction or case changed: evaluate its case's triggers."""
    case_id = payload.get("case_id")
    if not case_id or (name == events.INTERACTION_CREATED
                       and payload.get("direction") == "inbound"):
        return  # what the customer sends completes no step (a wrap-up is an update)
    seen = _seen(session)
    if case_id in seen["cases"]:
        return
    seen["cases"].add(case_id)
    if seen["clients"] is None:
        seen["clients"] = set(session.scalars(select(Playbook.client_id).distinct()))
    if payload.get("client_id") is not None and payload["client_id"] not in seen["clients"]:
        return
    case = session.get(Case, case_id)
    if case is None or case.client_id not in seen["clients"]:
        return
    if evaluate(session, case):
        events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)


IN_TRANSACTION = (
    (events.CLAIM_CHANGED, on_case_fact),
    (events.INVESTIGATION_CHANGED, on_case_fact),
    (events.INTERACTION_CREATED, on_case_fact),
    (events.INTERACTION_UPDATED, on_case_fact),
    (events.CASE_UPDATED, on_case_fact),
)
