"""An investigation's risk score: points per active red flag of its case, capped at 100.

Each rule has a weight beside its thresholds (Thresholds.weight_<rule>, FRAUD_WEIGHT_* in the
environment); every active flag adds its rule's points, so two shared identifiers weigh more
than one. The score is kept with its reasons ([{rule, flag_id, label, points}]) so a reader
sees why, and is recomputed whenever the case's flags are evaluated. A closed investigation
keeps the score it closed with: it is the record of what was weighed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.labels import label
from crm.fraud.rules import DEFAULT, Thresholds
from crm.models import Investigation, RedFlag

MAX = 100
OPEN = ("open", "investigating", "escalated")  # crm.fraud.investigations.ACTIVE


def reasons(flags: list[RedFlag], thresholds: Thresholds = DEFAULT) -> list[dict]:
    """The points each active flag adds, heaviest first (ties in the order raised)."""
    found = [{"rule": f.rule, "flag_id": f.id, "label": short(f),
              "points": thresholds.weight(f.rule)} for f in flags if f.status == "active"]
    return sorted((r for r in found if r["points"] > 0), key=lambda r: -r["points"])


def score(found: list[dict]) -> int:
    """The sum of the points, capped at 100."""
    return min(MAX, sum(r["points"] for r in found))


def short(flag: RedFlag) -> str:
    """A flag in a few words for the risk line ("bank account shared")."""
    facts = flag.facts or {}
    if flag.rule == "shared_identifier":
        return f"{label(facts.get('kind', 'identifier'))} shared"
    if flag.rule == "seen_on_confirmed_fraud":
        return f"{label(facts.get('kind', 'identifier'))} seen on confirmed fraud"
    if flag.rule == "loss_soon_after_cover":
        event = str(facts.get("cover_event", ""))
        return "loss soon after cover rose" if "rose" in event else "loss soon after start"
    if flag.rule == "statement_mismatch":
        return f"{label(facts.get('field', 'fact'))} stated differently"
    return label(flag.rule)


def refresh(session: Session, case_id: int, thresholds: Thresholds = DEFAULT) -> bool:
    """Score the case's open investigations from its active flags; True when one changed."""
    found = list(session.scalars(select(Investigation).where(
        Investigation.case_id == case_id, Investigation.status.in_(OPEN))))
    if not found:
        return False
    weighed = reasons(list(session.scalars(select(RedFlag).where(
        RedFlag.case_id == case_id, RedFlag.status == "active").order_by(RedFlag.id))),
        thresholds)
    changed = [apply(i, weighed) for i in found]
    return any(changed)


def apply(investigation: Investigation, weighed: list[dict]) -> bool:
    """Set the score and its reasons; True when either changed."""
    total = score(weighed)
    if (investigation.risk_score, investigation.risk_reasons) == (total, weighed):
        return False
    investigation.risk_score, investigation.risk_reasons = total, weighed
    return True


def line(investigation: Investigation, lead: str = "Risk ") -> str:
    """The score in words: "Risk 60: bank account shared (30), loss soon after start (30)"
    (lead: what comes before the number; the case file prints it beside "Risk score")."""
    parts = ", ".join(f"{r['label']} ({r['points']})" for r in investigation.risk_reasons or [])
    return f"{lead}{investigation.risk_score}" + (f": {parts}" if parts else "")
