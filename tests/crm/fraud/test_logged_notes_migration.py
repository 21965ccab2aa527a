"""Migration 0042 marks the notes the system wrote before "logged" existed as logged, so the
inconsistency rule stops comparing the system's own words with the claim; people's notes that
merely start the same way stay saved."""

from __future__ import annotations

from alembic import command
from sqlalchemy import insert, select

from console.core.migrate import alembic_config, upgrade
from crm.core.db import make_engine
from crm.fraud.rules.inconsistency import said_by_people
from crm.models import Case, Claim, Customer, DebtAccount, Interaction, User, utcnow

SYSTEM = (
    "Claim CLM-7: First notice of loss taken (motor, loss on 2026-03-02)",
    "Claim CLM-7: Changed loss date, bank account",
    "Claim CLM-7: moved from first notice of loss to triage",
    "Claim CLM-7: asked for repair invoice (due 2026-04-01)",
    "Claim CLM-7: repair invoice received as invoice.pdf by email",
    "Claim CLM-7: cover increase from 2026-02-20: sum insured USD 9,000.00",
    "DA-55: Promise to pay USD 50.00 by 2026-04-01",
    "DA-55: Payment of USD 50.00 received (card, R-1, 2026-04-01)",
    "DA-55: Payment plan broken: 2 instalments missed; the account is active again",
    "Asked for sign-off: Claim settlement (pay out) USD 900.00 — storm damage",
    "Sign-off approved: Claim settlement (pay out) — storm damage. Fine",
)
PEOPLE = (
    "Claim CLM-7: customer now says the loss was on 5 March 2026",  # a statement to compare
    "Claim CLM-9: First notice of loss taken (motor, loss on 2026-03-02)",  # not this case's
    "DA-56: Payment of USD 50.00 received (card, R-1, 2026-04-01)",  # not this case's account
    "Customer called: Changed loss date, bank account",
)


def test_system_notes_become_logged_and_peoples_notes_stay_saved(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, revision="0041")
    engine = make_engine(url)
    with engine.begin() as conn:
        # (client 1 is the default client the migrations create)
        agent = conn.execute(insert(User.__table__).values(
            email="a@example.com", name="Ann Agent", roles=["agent"])).inserted_primary_key[0]
        case, other = (conn.execute(insert(Case.__table__).values(
            client_id=1, customer_id=conn.execute(insert(Customer.__table__).values(
                client_id=1, display_name=name)).inserted_primary_key[0],
            reference=ref)).inserted_primary_key[0]
            for name, ref in (("Cy Claimant", "CL-1"), ("Di Other", "CL-2")))
        conn.execute(insert(Claim.__table__), [
            {"client_id": 1, "case_id": case, "number": "CLM-7"},
            {"client_id": 1, "case_id": other, "number": "CLM-9"}])
        conn.execute(insert(DebtAccount.__table__), [
            {"client_id": 1, "case_id": case, "account_number": "DA-55"},
            {"client_id": 1, "case_id": other, "account_number": "DA-56"}])
        conn.execute(insert(Interaction.__table__), [
            {"client_id": 1, "case_id": case, "medium": "note", "direction": "internal",
             "status": "saved", "body": body, "agent_id": agent, "occurred_at": utcnow()}
            for body in (*SYSTEM, *PEOPLE)])
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        status = dict(conn.execute(select(Interaction.body, Interaction.status)).all())
        read = set(conn.execute(select(Interaction.body).where(said_by_people())).scalars())
    engine.dispose()
    assert {b: status[b] for b in SYSTEM} == dict.fromkeys(SYSTEM, "logged")
    assert {b: status[b] for b in PEOPLE} == dict.fromkeys(PEOPLE, "saved")
    assert read == set(PEOPLE)  # the rule reads only what people wrote
    # Downgrading changes nothing (there is nothing to tell them apart by afterwards).
    command.downgrade(alembic_config(url), "0041")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(Interaction.status).where(
            Interaction.body == SYSTEM[0])).scalar() == "logged"
    engine.dispose()
