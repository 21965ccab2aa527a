"""Collections dispositions: what a call's wrap-up code does to the debtor's accounts.

A dispute pauses collection of the account until validation is recorded; a cease request,
bankruptcy or death stops contact (`ceased`, which the contact rules honour, with the reason);
an attorney stops contact and is recorded; a promise to pay is taken with its amount and day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from crm.collections import accounts, promises
from crm.core import audit, inputs
from crm.core.errors import Invalid
from crm.models import DebtAccount, Interaction, User

CODES = [("right_party_contact", "Right party contact"), ("wrong_party", "Wrong party"),
         ("no_answer", "No answer"), ("left_message", "Left message"),
         ("promise_to_pay", "Promise to pay"), ("refused", "Refused to pay"),
         ("dispute", "Dispute raised"), ("cease_request", "Cease request"),
         ("attorney", "Attorney represents the debtor"), ("bankrupt", "Bankrupt"),
         ("deceased", "Deceased")]
STOPS = {"cease_request": "cease request", "bankrupt": "bankruptcy", "deceased": "death"}
# Codes that change an account; the others are only recorded on the call.
ACTING = ("promise_to_pay", "dispute", "attorney", *STOPS)


def apply(session: Session, actor: User, call: Interaction, code: str,
          details: dict | None = None, today: date | None = None) -> None:
    """Update the call's case's accounts as the wrap-up code says (nothing for most codes).

    details: debt_account_id (which account, when the case has several), amount_cents and
    due_on (promise_to_pay), attorney_name and attorney_phone (attorney).
    """
    if code not in ACTING:
        return
    details = details or {}
    open_ = [d for d in accounts.of_case(session, call.case_id)
             if d.status not in accounts.FINISHED]
    if not open_:
        raise Invalid(f"{code.replace('_', ' ').capitalize()}: this case has no open debt account")
    if code == "promise_to_pay":
        debt = _one(open_, details)
        promises.take(session, actor, debt.id, amount_cents=details.get("amount_cents"),
                      due_on=details.get("due_on"), today=today)
    elif code == "dispute":
        debt = _one(open_, details)
        _change(session, actor, debt, "Disputed on a call: collection of "
                f"{accounts.named(debt)} paused until validation is recorded", disputed=True,
                status="disputed")
    elif code == "attorney":
        name = inputs.text(details.get("attorney_name"), "The attorney's name", 200)
        phone = inputs.text(details.get("attorney_phone"), "The attorney's phone", 40,
                            required=False)
        for debt in open_:
            _change(session, actor, debt, f"Represented by attorney {name}"
                    + (f" ({phone})" if phone else "") + f" on {accounts.named(debt)}: "
                    "contact the attorney only",
                    attorney_represented=True, attorney_name=name, attorney_phone=phone)
    else:
        for debt in open_:
            _change(session, actor, debt, f"Contact stopped on {accounts.named(debt)} "
                    f"({STOPS[code]})",
                    ceased=True, status="ceased", stop_reason=code)


def _one(debts: list[DebtAccount], details: dict) -> DebtAccount:
    wanted = details.get("debt_account_id")
    if wanted is None:
        if len(debts) > 1:
            raise Invalid("This case has several debt accounts: choose which one")
        return debts[0]
    for debt in debts:
        if debt.id == wanted:
            return debt
    raise Invalid("The account chosen is not an open debt account of this case")


def _change(session: Session, actor: User, debt: DebtAccount, said: str, **changes) -> None:
    before = audit.snapshot(debt, tuple(changes))
    for name, value in changes.items():
        setattr(debt, name, value)
    audit.record(session, actor, "debt.updated", debt, before=before,
                 after=audit.snapshot(debt, tuple(changes)))
    accounts.on_case(session, debt, actor, said)
