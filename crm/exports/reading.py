"""What a case file holds, read from the database: small sections whole, long ones by page.

The timeline and the audit trail can run to many thousands of rows, so they are read a page
at a time by keyset, each page in a short transaction of its own, and never held whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import String, and_, cast, func, or_, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from crm.core.db import session_scope
from crm.fraud import risk
from crm.models import (
    Attachment,
    AuditEvent,
    Case,
    CaseExport,
    Claim,
    DebtAccount,
    Decision,
    Evidence,
    Interaction,
    Investigation,
    Promise,
    RedFlag,
    Task,
    User,
)

PAGE = 200
# Objects on a case whose audit events belong in its file (by their audit object type).
_ON_CASE = (("interaction", Interaction), ("claim", Claim), ("investigation", Investigation),
            ("decision", Decision), ("debt_account", DebtAccount), ("red_flag", RedFlag),
            ("task", Task), ("promise", Promise), ("export", CaseExport))


@dataclass
class Sections:
    """The case's short sections, each a list of rows ready to print."""

    case: dict
    contact_points: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    investigations: list[dict] = field(default_factory=list)
    red_flags: list[dict] = field(default_factory=list)
    debts: list[dict] = field(default_factory=list)


def _names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _fields(obj, names: tuple[str, ...]) -> dict:
    return {n: getattr(obj, n) for n in names}


def sections(session: Session, case_id: int) -> Sections:
    """Everything on the case but its timeline and audit trail (a case has few of these)."""
    case = session.get(Case, case_id)
    customer = case.customer
    def rows(model, order):
        return list(session.scalars(select(model).where(model.case_id == case_id)
                                    .order_by(order, model.id)))
    claims = rows(Claim, Claim.created_at)
    decisions = rows(Decision, Decision.created_at)
    investigations = rows(Investigation, Investigation.created_at)
    flags = rows(RedFlag, RedFlag.created_at)
    debts = rows(DebtAccount, DebtAccount.created_at)
    pins = _evidence(session, [i.id for i in investigations])
    names = _names(session, [case.owner_id, *(d.maker_id for d in decisions),
                             *(d.checker_id for d in decisions),
                             *(i.assigned_to_id for i in investigations),
                             *(p.pinned_by_id for ps in pins.values() for p in ps)])
    return Sections(
        case={"reference": case.reference, "customer": customer.display_name,
              "customer_ref": customer.external_ref, "status": case.status,
              "priority": case.priority, "owner": names.get(case.owner_id),
              "flags": list(case.flags or []), "sensitive": case.sensitive,
              "summary": case.summary, "opened": case.created_at,
              "last_activity": case.last_activity_at},
        contact_points=[{"kind": cp.kind, "value": cp.value, "label": cp.label}
                        for cp in customer.contact_points],
        claims=[_fields(c, ("number", "status", "status_reason", "policy_number",
                            "policy_start", "loss_date", "claim_type", "reported_amount_cents",
                            "reserve_cents", "currency", "bank_account", "description",
                            "created_at")) for c in claims],
        decisions=[{**_fields(d, ("kind", "status", "summary", "decided_at", "note",
                                  "created_at")),
                    "maker": names.get(d.maker_id), "checker": names.get(d.checker_id)}
                   for d in decisions],
        investigations=[{**_fields(i, ("reference", "status", "severity", "risk_score",
                                       "summary", "taken_at", "snoozed_until", "outcome",
                                       "outcome_summary", "closed_at", "created_at")),
                         "assigned_to": names.get(i.assigned_to_id),
                         "risk": risk.line(i, lead=""),
                         "evidence": [{"item": p.interaction_id, "attachment": p.attachment_id,
                                       "note": p.note, "by": names.get(p.pinned_by_id),
                                       "pinned": p.created_at} for p in pins.get(i.id, [])]}
                        for i in investigations],
        red_flags=[_fields(f, ("rule", "status", "reason", "facts", "created_at"))
                   for f in flags],
        debts=[_fields(d, ("account_number", "creditor", "status", "original_balance_cents",
                           "balance_cents", "currency", "delinquent_since", "charge_off_date",
                           "disputed", "ceased", "stop_reason", "created_at")) for d in debts],
    )


def _evidence(session: Session, investigation_ids: list[int]) -> dict[int, list[Evidence]]:
    pins: dict[int, list[Evidence]] = {}
    for pin in session.scalars(select(Evidence).where(
            Evidence.investigation_id.in_(investigation_ids)).order_by(Evidence.id)):
        pins.setdefault(pin.investigation_id, []).append(pin)
    return pins


def count_interactions(session: Session, case_id: int) -> int:
    """How many entries the case's timeline has."""
    return session.scalar(select(func.count()).select_from(Interaction)
                          .where(Interaction.case_id == case_id))


def count_files(session: Session, case_id: int) -> int:
    """How many stored files (attachments, raw emails, recordings) the timeline holds."""
    return session.scalar(select(func.count()).select_from(Attachment).join(Interaction)
                          .where(Interaction.case_id == case_id,
                                 Attachment.storage_key.is_not(None)))


def count_audit(session: Session, case_id: int) -> int:
    """How many audit events the case's file lists."""
    case = session.get(Case, case_id)
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(_about(case)))


def _about(case: Case):
    # The case itself, its customer, and every object on the case.
    return or_(and_(AuditEvent.object_type == "case", AuditEvent.object_id == str(case.id)),
               and_(AuditEvent.object_type == "customer",
                    AuditEvent.object_id == str(case.customer_id)),
               *(and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(
                   select(cast(model.id, String)).where(model.case_id == case.id)))
                 for kind, model in _ON_CASE))


def interactions(factory: sessionmaker[Session], case_id: int,
                 page: int = PAGE) -> Iterator[list[dict]]:
    """The timeline oldest first, a page of printable entries at a time."""
    after = None
    while True:
        with session_scope(factory) as session:
            stmt = select(Interaction).where(Interaction.case_id == case_id)
            if after is not None:
                stmt = stmt.where(tuple_(Interaction.occurred_at, Interaction.id) > after)
            found = list(session.scalars(stmt.order_by(Interaction.occurred_at, Interaction.id)
                                         .limit(page)))
            names = _names(session, [w.get("agent_id") for i in found for w in i.wrap_ups])
            rows = [_entry(i, names) for i in found]
        if rows:
            yield rows
        if len(found) < page:
            return
        after = (found[-1].occurred_at, found[-1].id)


def _entry(item: Interaction, names: dict[int, str]) -> dict:
    return {"id": item.id, "occurred_at": item.occurred_at, "medium": item.medium,
            "direction": item.direction, "status": item.status, "subject": item.subject,
            "body": item.body, "from": item.from_addr, "to": item.to_addr,
            "agent": item.agent.name if item.agent else None,
            "disposition": item.disposition, "duration_seconds": item.duration_seconds,
            "wrap_ups": [{**w, "agent": names.get(w["agent_id"])} for w in item.wrap_ups],
            "files": [{"id": a.id, "kind": a.kind, "filename": a.filename,
                       "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
                       "storage_key": a.storage_key} for a in item.attachments]}


def audit_trail(factory: sessionmaker[Session], case_id: int,
                page: int = PAGE) -> Iterator[list[dict]]:
    """The case's audit events oldest first, a page at a time."""
    after = None
    while True:
        with session_scope(factory) as session:
            stmt = select(AuditEvent).where(_about(session.get(Case, case_id)))
            if after is not None:
                stmt = stmt.where(tuple_(AuditEvent.at, AuditEvent.id) > after)
            found = list(session.scalars(stmt.order_by(AuditEvent.at, AuditEvent.id)
                                         .limit(page)))
            rows = [_fields(e, ("at", "actor_label", "action", "object_type", "object_id",
                                "before", "after")) for e in found]
        if rows:
            yield rows
        if len(found) < page:
            return
        after = (found[-1].at, found[-1].id)
