"""Collections contact rules (Regulation F, 12 CFR 1006), run by crm.guardrails.check.

They apply to a case with a debt still under collection, on every medium an agent reaches the
customer by: a call, a text, a WhatsApp message, an email or a chat reply. A refusal is a
Conflict with a code the console shows as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache, wraps
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_zones
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.cases.digest import CLOSED
from crm.collections.accounts import named as _named  # a refusal names the account
from crm.core.errors import Conflict
from crm.guardrails import restrictions
from crm.guardrails.attempt import Attempt
from crm.guardrails.media import Medium, describe
from crm.models import Case, ContactPoint, Customer, DebtAccount, Interaction, utcnow

DAY_STARTS, DAY_ENDS = time(8, 0), time(21, 0)  # the consumer's convenient hours
CALLS_PER_WEEK = 7
WEEK = timedelta(days=7)
# Placed calls that never reached the network (no ring) are not attempts.
NOT_ATTEMPTS = ("queued", "failed")
OPT_OUT_TEXT = "Reply STOP to opt out."
TIME_BARRED_TEXT = ("The law limits how long you can be sued on a debt. Because of the age of "
                    "this debt, we will not sue you for it.")
# Words that threaten suit; on a time-barred debt a message holding one is never sent.
THREAT = re.compile(r"\b(sue|sued|suing|lawsuits?|legal action|legal proceedings|court|"
                    r"garnish\w*|judg(e)?ments?|litigat\w*|wage attachment)\b", re.IGNORECASE)


def open_debts(session: Session, case_id: int) -> list[DebtAccount]:
    """The case's debt accounts still under collection (active, on a payment plan, …)."""
    return list(session.scalars(select(DebtAccount).where(
        DebtAccount.case_id == case_id, DebtAccount.status.not_in(CLOSED))))


def time_barred(debt: DebtAccount, today: date) -> bool:
    """Past its statute of limitations (or marked so): it can no longer be sued on."""
    return debt.status == "time_barred" or (
        debt.statute_of_limitations_on is not None and debt.statute_of_limitations_on < today)


def awaiting_validation(debt: DebtAccount) -> bool:
    """Disputed and no verification sent yet: collection of it is paused."""
    return (debt.disputed or debt.status == "disputed") and debt.validated_on is None


# Why contact stopped (DebtAccount.stop_reason, set by a wrap-up code), in the refusal's words.
_STOPPED = {"": "the customer asked that we stop contacting them",
            "cease_request": "the customer asked that we stop contacting them",
            "bankrupt": "the customer is in bankruptcy", "deceased": "the customer has died"}


def attorney_or_ceased(a: Attempt) -> None:
    """An attorney on the debt, or a written request to cease, stops all contact."""
    represented = next((d for d in a.debts if d.attorney_represented), None)
    if represented is not None:
        raise Conflict(f"the customer has an attorney for {_named(represented)}: contact the "
                       "attorney, not the customer", code="attorney_represented")
    stopped = next((d for d in a.debts if d.ceased), None)
    if stopped is not None:
        why = _STOPPED.get(stopped.stop_reason or "", _STOPPED[""])
        raise Conflict(f"{why}: no more contact about {_named(stopped)}", code="ceased")


def disputed(a: Attempt) -> None:
    """A dispute pauses collection until the verification is sent (12 CFR 1006.34)."""
    held = next((d for d in a.debts if awaiting_validation(d)), None)
    if held is not None:
        raise Conflict(f"the customer disputes {_named(held)}: no collection contact until "
                       "the validation (verification) sent is recorded on that account",
                       code="disputed")


def convenient_time(a: Attempt) -> None:
    """Only between 08:00 and 21:00 in every zone the customer may be in."""
    # Where the zone is uncertain the time must suit every zone it might be (Reg F's reading);
    # with none at all nobody can tell, so nothing goes out until the profile says.
    places = zones(a.session, a.session.get(Customer, a.case.customer_id))
    if not places:
        raise Conflict("the customer's time zone is unknown, so nobody can tell whether it is "
                       "between 08:00 and 21:00 for them: set it on their profile first",
                       code="unknown_time_zone")
    for name, local in local_times(places, a.now):
        if not DAY_STARTS <= local.time() < DAY_ENDS:
            raise Conflict(f"it is {local:%H:%M} for the customer ({name}): collections "
                           f"contact only between {DAY_STARTS:%H:%M} and {DAY_ENDS:%H:%M} "
                           "their time", code="inconvenient_time")


def named_times_and_places(a: Attempt) -> None:
    """The times and places the debtor told us are inconvenient."""
    customer = a.session.get(Customer, a.case.customer_id)
    restrictions.refuse_named(a.session, customer, a.point,
                              local_times(zones(a.session, customer), a.now))


def no_threat_of_suit(a: Attempt) -> None:
    """A time-barred debt is never threatened with suit (12 CFR 1006.26(b))."""
    if a.body and any(time_barred(d, a.now.date()) for d in a.debts):
        found = THREAT.search(a.body)
        if found:
            raise Conflict(f"this debt is time-barred: a message may not threaten suit "
                           f"(\"{found.group(0)}\")", code="threat_of_suit")


def call_frequency(a: Attempt) -> None:
    """At most 7 call attempts in 7 days, none within 7 days of a conversation."""
    if not a.medium.rings:
        return
    placed, talked = call_history(a.session, a.case.id, a.now)
    if placed >= CALLS_PER_WEEK:
        raise Conflict(f"{placed} calls were placed to the customer in the last 7 days: no "
                       "more this week", code="call_frequency")
    if talked is not None:
        raise Conflict(f"you spoke with the customer on {talked:%Y-%m-%d}: no call about this "
                       f"debt until {talked + WEEK:%Y-%m-%d %H:%M} UTC", code="call_frequency")


def _under_collection(rule: Callable[[Attempt], None]) -> Callable[[Attempt], None]:
    """The rule, applied only while the case has a debt under collection."""
    @wraps(rule)
    def run(a: Attempt) -> None:
        if a.debts:
            rule(a)
    return run


RULES: tuple[Callable[[Attempt], None], ...] = tuple(_under_collection(r) for r in (
    attorney_or_ceased, disputed, convenient_time, named_times_and_places, no_threat_of_suit,
    call_frequency))


def check(session: Session, case: Case, medium: str | Medium, now: datetime | None = None, *,
          point: ContactPoint | None = None, body: str | None = None) -> None:
    """Conflict when the rules bar reaching this case's customer on this medium now."""
    medium = describe(medium) if isinstance(medium, str) else medium
    debts = tuple(open_debts(session, case.id))
    if debts:
        attempt = Attempt(session, case, medium, point, now or utcnow(), body, debts)
        for rule in RULES:
            rule(attempt)


def with_disclosures(session: Session, case: Case, medium: Medium, body: str,
                     now: datetime | None = None) -> str:
    """A written collections message carries what the rules require: how to opt out by text
    (rule 4), and on a time-barred debt the disclosure that we will not sue."""
    debts = open_debts(session, case.id)
    if not debts:
        return body
    today = (now or utcnow()).date()
    if medium.time_barred_notice and any(time_barred(d, today) for d in debts) and \
            TIME_BARRED_TEXT not in body:
        body = f"{body}\n\n{TIME_BARRED_TEXT}"
    if medium.stop_footer and "STOP" not in body.upper():
        body = f"{body}\n{OPT_OUT_TEXT}"
    return body


def zones(session: Session, customer: Customer) -> list[str]:
    """Every zone the customer may be in: the one on their profile and those of their numbers
    (a profile zone edited by hand never hides what the numbers say)."""
    found: list[str] = [customer.timezone] if customer.timezone else []
    for value in session.scalars(select(ContactPoint.value).where(
            ContactPoint.customer_id == customer.id, ContactPoint.kind == "phone")):
        found.extend(z for z in number_zones(value) if z not in found)
    return found


@lru_cache(maxsize=65_536)
def number_zones(value: str) -> tuple[str, ...]:
    """The zones a phone number may be in (none when nobody can tell)."""
    try:
        return tuple(z for z in phone_zones.time_zones_for_number(phonenumbers.parse(value))
                     if z != phone_zones.UNKNOWN_TIMEZONE)
    except phonenumbers.NumberParseException:
        return ()


def local_times(names: list[str], now: datetime) -> list[tuple[str, datetime]]:
    """(zone, wall clock there) for each zone name that exists."""
    out = []
    for name in names:
        try:
            out.append((name, now.astimezone(ZoneInfo(name))))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return out


def call_history(session: Session, case_id: int, now: datetime) -> tuple[int, datetime | None]:
    """(call attempts in the last 7 days, the last conversation in them, if any)."""
    since = now - WEEK
    calls = Interaction.case_id == case_id, Interaction.medium == "voice"
    placed = session.scalar(select(func.count()).where(
        *calls, Interaction.direction == "outbound", Interaction.occurred_at >= since,
        Interaction.status.not_in(NOT_ATTEMPTS))) or 0
    talked = session.scalar(select(func.max(Interaction.occurred_at)).where(
        *calls, Interaction.status == "completed", Interaction.duration_seconds > 0,
        Interaction.occurred_at >= since))
    return placed, talked


def calls_left(session: Session, case: Case, now: datetime | None = None) -> int | None:
    """Call attempts left this week on a debt case (0 after a conversation); None: no limit."""
    if not open_debts(session, case.id):
        return None
    placed, talked = call_history(session, case.id, now or utcnow())
    return 0 if talked is not None else max(0, CALLS_PER_WEEK - placed)
