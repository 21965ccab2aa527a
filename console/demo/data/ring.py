"""The demo's fraud ring: three customers whose claims pay out to one bank account.

Each typed the account differently (spaces, case, dashes), so the red-flag rules match it on
its key; the first claim's loss came ten days after its policy started. The names carry
letters beyond Windows-1252 (Ł, Ż, ễ), so the case file's PDF shows them as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Member:
    """One customer of the ring and the claim they made."""

    name: str
    phone: str
    email: str
    timezone: str
    language: str
    number: str
    account: str  # as they typed it
    policy_days: int  # how long the policy had run at the loss
    loss_days_ago: int
    what: str
    claim_type: str
    amount_cents: int


ACCOUNT = "GB82 WEST 1234 5698 7654 32"
MEMBERS = [
    Member("Łukasz Żółć", "+447700900311", "lukasz.zolc@example.com", "Europe/Warsaw", "pl",
           "CLM-RING-1", ACCOUNT, 10, 12, "Water damage to the basement flat", "property",
           1_840_000),
    Member("Nguyễn Thị Lan", "+447700900322", "lan.nguyen@example.org", "Europe/London", "en",
           "CLM-RING-2", "gb82west12345698765432", 160, 20, "Laptop and camera stolen from a car",
           "property", 620_000),
    Member("Dmitri Valentin", "+447700900333", "d.valentin@example.net", "Europe/London", "en",
           "CLM-RING-3", "GB82-WEST-1234-5698-7654-32", 300, 27, "Rear-end collision at night",
           "motor", 975_000),
]
ESCALATION = ("Three claims in a month pay out to one bank account, typed three ways; the first "
              "loss came ten days after its policy started.")
LINK_REASON = "Same payout account on their claims within four weeks"


def claim_facts(member: Member, today: date) -> dict:
    """The claim as the claims service takes it."""
    loss = today - timedelta(days=member.loss_days_ago)
    return {"number": member.number, "policy_number": f"POL-{member.number[-1]}0{len(member.name)}",
            "policy_start": (loss - timedelta(days=member.policy_days)).isoformat(),
            "loss_date": loss.isoformat(), "type": member.claim_type,
            "reported_amount_cents": member.amount_cents, "bank_account": member.account,
            "description": member.what}
