"""Collections contact rules (Regulation F, 12 CFR 1006), run by crm.guardrails.check.

They apply to a case with an open debt account, on every medium an agent reaches the customer
by: a call, a text, a WhatsApp message, an email or a chat reply. A refusal is a Conflict
with a code the console shows as it is; nothing is stored.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_zones
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.cases.digest import CLOSED
from crm.core.errors import Conflict
from crm.guardrails.media import Medium, describe
from crm.models import Case, ContactPoint, Customer, DebtAccount, Interaction, utcnow

DAY_STARTS, DAY_ENDS = time(8, 0), time(21, 0)  # the consumer's convenient hours
CALLS_PER_WEEK = 7
WEEK = timedelta(days=7)
# Placed calls that never reached the network (no ring) are not attempts.
NOT_ATTEMPTS = ("queued", "failed")


def open_debts(session: Session, case_id: int) -> list[DebtAccount]:
    """The case's debt accounts still under collection (open, on a payment plan, …)."""
    return list(session.scalars(select(DebtAccount).where(
        DebtAccount.case_id == case_id, DebtAccount.status.not_in(CLOSED))))


def check(session: Session, case: Case, medium: str | Medium,
          now: datetime | None = None) -> None:
    """Conflict when the rules bar reaching this case's customer on this medium now."""
    medium = describe(medium) if isinstance(medium, str) else medium
    debts = open_debts(session, case.id)
    if not debts:
        return
    now = now or utcnow()
    if any(d.attorney_represented for d in debts):
        raise Conflict("the customer has an attorney for this debt: contact the attorney, not "
                       "the customer", code="attorney_represented")
    if any(d.ceased for d in debts):
        raise Conflict("the customer asked in writing that we stop contacting them about this "
                       "debt", code="ceased")
    _convenient_time(session, case, now)
    if medium.rings:
        _call_frequency(session, case, now)


OPT_OUT_TEXT = "Reply STOP to opt out."


def with_opt_out(session: Session, case: Case, medium: Medium, body: str) -> str:
    """A collections text carries a simple way to opt out of electronic contact (rule 4)."""
    if not medium.stop_footer or "STOP" in body.upper() or not open_debts(session, case.id):
        return body
    return f"{body}\n{OPT_OUT_TEXT}"


def zones(session: Session, customer: Customer) -> list[str]:
    """Every zone the customer may be in: the one on their profile and those of their numbers
    (a profile zone edited by hand never hides what the numbers say)."""
    found: list[str] = [customer.timezone] if customer.timezone else []
    for value in session.scalars(select(ContactPoint.value).where(
            ContactPoint.customer_id == customer.id, ContactPoint.kind == "phone")):
        try:
            for zone in phone_zones.time_zones_for_number(phonenumbers.parse(value)):
                if zone not in found and zone != phone_zones.UNKNOWN_TIMEZONE:
                    found.append(zone)
        except phonenumbers.NumberParseException:
            continue
    return found


def _convenient_time(session: Session, case: Case, now: datetime) -> None:
    # Where the zone is uncertain the time must suit every zone it might be (Reg F's reading);
    # with none at all nobody can tell, so nothing goes out until the profile says.
    places = zones(session, session.get(Customer, case.customer_id))
    if not places:
        raise Conflict("the customer's time zone is unknown, so nobody can tell whether it is "
                       "between 08:00 and 21:00 for them: set it on their profile first",
                       code="unknown_time_zone")
    for name in places:
        try:
            local = now.astimezone(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            continue
        if not DAY_STARTS <= local.time() < DAY_ENDS:
            raise Conflict(f"it is {local:%H:%M} for the customer ({name}): collections "
                           f"contact only between {DAY_STARTS:%H:%M} and {DAY_ENDS:%H:%M} "
                           "their time", code="inconvenient_time")


def _call_frequency(session: Session, case: Case, now: datetime) -> None:
    since = now - WEEK
    calls = Interaction.case_id == case.id, Interaction.medium == "voice"
    placed = session.scalar(select(func.count()).where(
        *calls, Interaction.direction == "outbound", Interaction.occurred_at >= since,
        Interaction.status.not_in(NOT_ATTEMPTS)))
    if placed >= CALLS_PER_WEEK:
        raise Conflict(f"{placed} calls were placed to the customer in the last 7 days: no "
                       "more this week", code="call_frequency")
    talked = session.scalar(select(func.max(Interaction.occurred_at)).where(
        *calls, Interaction.status == "completed", Interaction.duration_seconds > 0,
        Interaction.occurred_at >= since))
    if talked is not None:
        raise Conflict(f"you spoke with the customer on {talked:%Y-%m-%d}: no call about this "
                       f"debt until {talked + WEEK:%Y-%m-%d %H:%M} UTC", code="call_frequency")
