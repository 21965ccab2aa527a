"""Shapes of collections work: a debt account, its payments, promises, plans, settlements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import Out
from crm.collections import accounts, allocations, payments, plans
from crm.collections.settlements import SHAPES
from crm.core.inputs import MAX_CENTS
from crm.guardrails import blocked

_CENTS = {"minimum": 1, "maximum": MAX_CENTS}
_DATE = {"format": "date"}


class DebtOut(Out):
    """A debt account: figures, dates, ageing and what limits contact."""

    kind: Literal["debt_account"] = "debt_account"
    id: int
    case_id: int
    account_number: str
    creditor: str
    original_balance_cents: int
    balance_cents: int
    currency: str
    status: str
    days_past_due: int
    ageing_bucket: Literal["current", "1-30", "31-60", "61-90", "90+"]
    delinquent_since: date | None = None
    charge_off_date: date | None = None
    statute_of_limitations_on: date | None = None
    validation_notice_sent_on: date | None = None
    validated_on: date | None = None
    disputed: bool
    ceased: bool
    stop_reason: str | None = None
    attorney_represented: bool
    attorney_name: str | None = None
    attorney_phone: str | None = None


def debt_out(debt, today: date) -> DebtOut:
    """A debt account with its ageing as of today."""
    age = accounts.ageing(debt, today)
    return DebtOut.model_validate({**{k: getattr(debt, k) for k in DebtOut.model_fields
                                      if hasattr(debt, k) and k != "kind"},
                                   "days_past_due": age.days_past_due,
                                   "ageing_bucket": age.bucket})


class PaymentIn(BaseModel):
    """Money received; the reference makes posting it again harmless."""

    amount_cents: int = Field(description="how much, in cents",
                              json_schema_extra=documented(**_CENTS))
    paid_on: str = Field(description="the day it was paid (YYYY-MM-DD), not in the future",
                         json_schema_extra=documented(**_DATE))
    reference: str = Field(max_length=payments.MAX_REFERENCE,
                           description="the payment's reference (unique on the account)",
                           json_schema_extra=documented(**NOT_BLANK))
    method: str = Field(description="how it was paid",
                        json_schema_extra=documented(enum=list(payments.METHODS)))


class AllocationOut(Out):
    """A share of a payment put towards a promise or a plan's instalment (oldest first)."""

    promise_id: int
    amount_cents: int
    due_on: date
    instalment: int | None = Field(None, description="its place in its plan (1 = first); "
                                                      "null: a promise of its own")
    instalments: int | None = Field(None, description="how many instalments the plan has")
    text: str = Field(description='in words: "instalment 2 of 4 due 8 Dec 2026"')


class PaymentOut(Out):
    """A payment, or a reversal (negative, naming the payment it undoes)."""

    id: int
    debt_account_id: int
    amount_cents: int
    paid_on: date
    method: str
    reference: str
    reverses_payment_id: int | None = None
    reason: str | None = None
    created_by_id: int | None = None
    created_at: datetime
    applied_to: list[AllocationOut] = Field(
        default_factory=list, description="what it went towards, oldest promise first")


def payments_out(session: Session, items: list) -> list[PaymentOut]:
    """Payments with what each was applied to."""
    shares = allocations.of_payments(session, items)
    return [PaymentOut.model_validate(p).model_copy(update={"applied_to": [
        AllocationOut(**vars(a), text=a.words()) for a in shares.get(p.id, [])]})
        for p in items]


class PaymentList(BaseModel):
    """An account's payments, newest first."""

    items: list[PaymentOut]


class ReversalIn(BaseModel):
    """Why a payment is undone."""

    reason: str = Field(max_length=2000, json_schema_extra=documented(**NOT_BLANK))


class PromiseIn(BaseModel):
    """A promise to pay an amount by a day."""

    amount_cents: int = Field(json_schema_extra=documented(**_CENTS))
    due_on: str = Field(description="YYYY-MM-DD, from today to a year ahead",
                        json_schema_extra=documented(**_DATE))


class DebtPromiseOut(Out):
    """A promise (or a plan's instalment): open, kept, broken, or cancelled with its plan."""

    id: int
    debt_account_id: int
    amount_cents: int
    paid_cents: int
    due_on: date
    status: Literal["open", "kept", "broken", "cancelled", "superseded"]
    closed_on: date | None = None
    plan_id: int | None = None
    settlement_id: int | None = None
    created_at: datetime


class PromiseList(BaseModel):
    """An account's promises by due day."""

    items: list[DebtPromiseOut]


class PlanIn(BaseModel):
    """Equal instalments from a first day."""

    instalment_cents: int = Field(json_schema_extra=documented(**_CENTS))
    frequency: str = Field(json_schema_extra=documented(enum=list(plans.FREQUENCIES)))
    first_due_on: str = Field(json_schema_extra=documented(**_DATE))
    count: int = Field(json_schema_extra=documented(minimum=1,
                                                    maximum=plans.MAX_INSTALMENTS))


class PlanOut(Out):
    """A payment plan (active, completed, broken)."""

    id: int
    debt_account_id: int
    instalment_cents: int
    frequency: str
    first_due_on: date
    count: int
    status: str
    settlement_id: int | None = None
    created_at: datetime


class PlanList(BaseModel):
    """An account's plans, newest first."""

    items: list[PlanOut]


class SettlementIn(BaseModel):
    """Settle for an amount, as one promise (due_on) or a plan (frequency, first_due_on,
    count)."""

    amount_cents: int = Field(json_schema_extra=documented(**_CENTS))
    as_: str = Field(alias="as", json_schema_extra=documented(enum=list(SHAPES)))
    due_on: str | None = Field(default=None, json_schema_extra=documented(**_DATE))
    frequency: str | None = Field(default=None, json_schema_extra=documented(
        enum=[*plans.FREQUENCIES, None]))
    first_due_on: str | None = Field(default=None, json_schema_extra=documented(**_DATE))
    count: int | None = Field(default=None, json_schema_extra=documented(
        minimum=1, maximum=plans.MAX_INSTALMENTS))


class SettlementOut(Out):
    """A settlement: pending sign-off, applied (a promise or plan now), or rejected."""

    id: int
    debt_account_id: int
    amount_cents: int
    balance_cents: int
    terms: dict
    status: Literal["pending", "applied", "rejected"]
    decision_id: int | None = None
    created_at: datetime


class SettlementList(BaseModel):
    """An account's settlements, newest first."""

    items: list[SettlementOut]


class BlockedOut(Out):
    """A contact attempt the guardrail refused, and any override of it."""

    id: int
    case_id: int
    medium: str
    rule: str
    actor_id: int | None = None
    occurred_at: datetime
    overridable: bool
    override_reason: str | None = None
    overridden_by_id: int | None = None
    overridden_at: datetime | None = None
    override_used_at: datetime | None = None


def blocked_out(row) -> BlockedOut:
    """A blocked attempt as the API and the case's watchers see it."""
    return BlockedOut.model_validate({
        **{k: getattr(row, k) for k in BlockedOut.model_fields if hasattr(row, k)},
        "overridable": row.rule in blocked.OVERRIDABLE})
