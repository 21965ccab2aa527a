"""The one send-time check every outbound path asks before anything reaches a customer.

The rules run in this order, the first that refuses wins (so the answer names the most
fundamental reason, one the agent cannot wait out):

1. do_not_call — the case is flagged do-not-call (media that ring);
2. opted_out — the customer opted this contact point out of the medium;
3. outside_window — the medium's reply window has closed (WhatsApp 24 h, a chat visit);
4. the collections rules, only while the case has a debt under collection
   (crm.guardrails.collections): attorney_represented, ceased, disputed,
   unknown_time_zone / inconvenient_time, named_inconvenient_time / inconvenient_place,
   threat_of_suit (a message's words), then call_frequency (media that ring).

A refusal a supervisor overrode lets one attempt through (crm.guardrails.blocked); any other
refusal is kept on the case once the request is rolled back. What differs by medium is data
on its `Medium`, never a branch on its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.errors import Conflict, DomainError
from crm.guardrails import blocked, collections
from crm.guardrails.attempt import Attempt
from crm.guardrails.media import Medium, describe
from crm.models import Case, ContactPoint, Interaction, User, utcnow


def do_not_call(a: Attempt) -> None:
    """A case flagged do-not-call is never rung."""
    if a.medium.rings and "do_not_call" in (a.case.flags or []):
        raise Conflict("this case is flagged do not call; no call was made", code="do_not_call")


def opted_out(a: Attempt) -> None:
    """Nothing goes to a contact point opted out of the medium."""
    refuse_opted_out(a.point, a.medium)


def outside_window(a: Attempt) -> None:
    """A free-form reply only while the customer's last message is recent enough."""
    window = a.medium.window
    if window is None:
        return
    last = last_inbound(a.session, a.case.id, a.medium.name)
    if last is not None and last.occurred_at >= a.now - window:
        return
    hours = int(window.total_seconds() // 3600)
    if a.medium.address == "thread":  # a chat visit: nobody is left to read the reply
        raise Conflict(f"the visitor's chat session has ended (nothing from them in the last "
                       f"{hours // 24} days); reply on another channel", code="outside_window")
    raise Conflict(f"the customer has not written on {a.medium.name} in the last {hours} "
                   "hours, so a free-form reply is not allowed (only an approved template)",
                   code="outside_window")


LIFTED = "overridden_rules"  # the meta key a queued send keeps them under

RULES: tuple[Callable[[Attempt], None], ...] = (
    do_not_call, opted_out, outside_window, *collections.RULES)


def check(session: Session, case: Case, medium: Medium, *, point: ContactPoint | None = None,
          now: datetime | None = None, body: str | None = None,
          actor: User | None = None) -> tuple[str, ...]:
    """Raise the first rule's refusal (a DomainError with its code) when this send is barred;
    an override waiting for the rule is spent instead. Returns the rules overrides lifted (a
    queued send keeps them, so its send-time re-check lifts them too)."""
    attempt = _attempt(session, case, medium, point, now, body, actor)
    lifted = []
    for rule in RULES:
        try:
            rule(attempt)
        except DomainError as exc:
            if blocked.use_override(session, attempt, exc.code):
                lifted.append(exc.code)
                continue
            raise blocked.refused(exc, attempt) from None
    return tuple(lifted)


def at_send_time(session: Session, item: Interaction, now: datetime | None = None, *,
                 point: ContactPoint | None = None) -> None:
    """The same rules when a queued message an agent wrote finally goes (a retry may fall at
    night, or after a cease request): its words were read when it was queued, and the rules
    an override lifted then stay lifted. System messages (the one opt-out confirmation the
    TCPA allows) are not re-checked."""
    if item.agent_id is None:
        return
    case = session.get(Case, item.case_id)
    medium = describe(item.medium)
    if (item.meta or {}).get("template"):  # an approved template: no reply window binds it
        medium = replace(medium, window=None)
    point = point or session.scalars(select(ContactPoint).where(
        ContactPoint.customer_id == case.customer_id, ContactPoint.kind == medium.address,
        ContactPoint.value == item.to_addr)).first()
    attempt = _attempt(session, case, medium, point, now, None, session.get(User, item.agent_id))
    lifted = set((item.meta or {}).get(LIFTED) or ())
    for rule in RULES:
        try:
            rule(attempt)
        except DomainError as exc:
            if exc.code not in lifted:
                raise blocked.refused(exc, attempt) from None


def reason(session: Session, case: Case, medium: Medium, *, point: ContactPoint | None = None,
           now: datetime | None = None) -> str | None:
    """Why the composer greys this medium out (the same rules, same order), or None."""
    exc = refusal(session, case, medium, point=point, now=now)
    if exc is None:
        return None
    if exc.code == "opted_out":
        return f"opted out of {medium.opt_out_noun or medium.name}"
    return exc.message


def refusal(session: Session, case: Case, medium: Medium, *, point: ContactPoint | None = None,
            now: datetime | None = None) -> DomainError | None:
    """The refusal (with its code) an attempt now would meet, or None; nothing is kept and no
    override is spent."""
    attempt = _attempt(session, case, medium, point, now, None, None)
    for rule in RULES:
        try:
            rule(attempt)
        except DomainError as exc:
            if blocked.waiting_override(session, attempt, exc.code) is not None:
                continue
            return exc
    return None


def _attempt(session, case, medium, point, now, body, actor) -> Attempt:
    return Attempt(session, case, medium, point, now or utcnow(), body,
                   tuple(collections.open_debts(session, case.id)), actor)


def refuse_opted_out(point: ContactPoint | None, medium: Medium) -> None:
    """The opt-out rule alone (the email task re-checks it at send time)."""
    if point is not None and medium.name in (point.opt_outs or {}):
        raise medium.opt_out_error(
            f"{point.value} opted out of {medium.opted_out_of} on "
            f"{point.opt_outs[medium.name][:10]}; {medium.opt_out_outcome}", code="opted_out")


def last_inbound(session: Session, case_id: int, medium: str) -> Interaction | None:
    """The customer's latest message on a medium in this case."""
    return session.scalars(
        select(Interaction).where(Interaction.case_id == case_id, Interaction.medium == medium,
                                  Interaction.direction == "inbound")
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(1)).first()
