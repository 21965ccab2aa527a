"""Notes the system wrote before "logged" existed are marked logged.

Claims, debt accounts and sign-off write a note on the case about what just happened ("Claim
CLM-1: moved from triage to assessed"). They are now written "logged", and the inconsistency
rule (crm.fraud.rules.inconsistency.said_by_people) skips them; the ones written before are
still "saved", so the rule still compared the system's own words with the claim.

They cannot be told apart by author: each carries the user who acted. They are told apart by
their exact wording instead: an internal, saved note whose body is "Claim <number>: " for a
claim of the same case, or "<account number>: " for a debt account of the same case, followed
by one of the sentences those services write; or a sign-off note. A note a person wrote that
happens to start the same way but says anything else stays saved. The sentences are copied
here rather than imported, so later edits to the services cannot change what this migration
did.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-08
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None

_DATE = r"\d{4}-\d{2}-\d{2}"
_FACTS = ("policy number|policy start|loss date|claim type|reported amount|reserve|"
          "bank account|description|policy_number|policy_start|loss_date|type|"
          "reported_amount_cents|reserve_cents|bank_account")
# After "Claim <number>: " (crm.claims: records, documents, transitions, cover).
CLAIM = re.compile("|".join((
    r"First notice of loss taken \(.*\)",
    rf"Changed (?:{_FACTS})(?:, (?:{_FACTS}))*",
    r"went on without .+ — .+",
    rf"asked for .+ \(due {_DATE}\)",
    r".+ received as .+ by [a-z_-]+(?: \(matched on arrival: the only document asked for\))?",
    r"moved from .+ to .+",
    rf"cover (?:increase|decrease|other) from {_DATE}(?:: sum insured .+)?",
)), re.DOTALL)
# After "<account number>: " (crm.collections: promises, outcomes, payments, settlements, plans).
DEBT = re.compile("|".join((
    rf"Promise to pay .+ by {_DATE}",
    rf"Promise to pay .+ due {_DATE} kept",
    rf"(?:Instalment|Promise to pay) of .+ due {_DATE} broken: follow up",
    r"Disputed on a call: collection paused until validation is recorded",
    r"Represented by attorney .+: contact the attorney only",
    r"Contact stopped \(.+\)",
    r"Payment of .+ received \(.+\)",
    r"Payment .+ of .+ reversed: .+",
    r"Settlement agreed: .+ as .+",
    r"Superseded by the settlement: .+ closed",
    rf"Payment plan: \d+ \w+ instalments of .+ from {_DATE}",
    r"Payment plan completed",
    r"Payment plan broken: \d+ instalments missed; the account is \w+ again",
    r"Settled as agreed; .+ forgiven",
)), re.DOTALL)
# The whole body (crm.signoff.decisions).
SIGNOFF = re.compile(r"(?:Asked for sign-off|Sign-off (?:approved|rejected)): .+ — .+",
                     re.DOTALL)

_notes = sa.table("interactions", sa.column("id"), sa.column("case_id"), sa.column("medium"),
                  sa.column("direction"), sa.column("status"), sa.column("body"))
_claims = sa.table("claims", sa.column("case_id"), sa.column("number"))
_debts = sa.table("debt_accounts", sa.column("case_id"), sa.column("account_number"))
_BATCH = 1000


def system_written(body: str, claim_numbers: set[str], accounts: set[str]) -> bool:
    """True when the body is one of the notes the system writes, for this case's records."""
    if SIGNOFF.fullmatch(body):
        return True
    head, sep, rest = body.partition(": ")
    if not sep:
        return False
    if head.startswith("Claim ") and head[len("Claim "):] in claim_numbers \
            and CLAIM.fullmatch(rest):
        return True
    return head in accounts and bool(DEBT.fullmatch(rest))


def upgrade() -> None:
    """Walk the saved internal notes in batches; mark the system's own as logged."""
    bind = op.get_bind()
    saved = sa.and_(_notes.c.medium == "note", _notes.c.direction == "internal",
                    _notes.c.status == "saved")
    last = 0
    while True:
        rows = bind.execute(sa.select(_notes.c.id, _notes.c.case_id, _notes.c.body)
                            .where(saved, _notes.c.id > last).order_by(_notes.c.id)
                            .limit(_BATCH)).all()
        if not rows:
            return
        last = rows[-1].id
        cases = {r.case_id for r in rows}
        numbers: dict[int, set[str]] = {}
        for case_id, number in bind.execute(sa.select(_claims.c.case_id, _claims.c.number)
                                            .where(_claims.c.case_id.in_(cases))):
            numbers.setdefault(case_id, set()).add(number)
        accounts: dict[int, set[str]] = {}
        for case_id, number in bind.execute(sa.select(_debts.c.case_id,
                                                      _debts.c.account_number)
                                            .where(_debts.c.case_id.in_(cases))):
            accounts.setdefault(case_id, set()).add(number)
        logged = [r.id for r in rows if system_written(
            r.body or "", numbers.get(r.case_id, set()), accounts.get(r.case_id, set()))]
        if logged:
            bind.execute(sa.update(_notes).where(_notes.c.id.in_(logged))
                         .values(status="logged"))


def downgrade() -> None:
    """Nothing to undo, on purpose: no schema changed, the app writes these notes "logged"
    whatever the revision, and a note reads the same on screen either way. Turning them back
    to "saved" would only bring back the false inconsistency flags this migration removed."""
