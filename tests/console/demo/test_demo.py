"""The demo data set: deterministic, complete enough to demo every screen, loaded once."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from console.app import create_app
from console.core.config import Settings
from console.core.database import get_db
from console.core.database import session as db_session
from console.core.migrate import upgrade
from console.demo.seed import DEMO_PASSWORD, demo_users, seed, seed_if_empty
from crm.customers import identity
from crm.models import (
    Case,
    Claim,
    ContactPoint,
    Customer,
    DebtAccount,
    Decision,
    Interaction,
    Investigation,
    Payment,
    PaymentPlan,
    Promise,
    Task,
    User,
    utcnow,
)
from crm.models.timeline import MEDIA
from crm.tenancy import clients as tenancy
from tests.conftest import TEST_DATABASE_URL, _truncate, csrf_token_from

COUNTED = (Customer, ContactPoint, Case, Interaction, Claim, Investigation, DebtAccount,
           Promise, Payment, PaymentPlan, Decision, Task, User)


def _app(url: str, tmp: Path):
    settings = Settings(database_url=url, instance_path=str(tmp / "instance"),
                        secret_key="test-secret-key-" + "x" * 32, tasks_mode="eager")
    app = create_app(settings)
    app.config.update(TESTING=True)
    return app


def _snapshot() -> dict:
    """What must come out the same from the same seed: names, references, sizes."""
    s = db_session()
    snap = {
        "customers": s.execute(select(Customer.display_name, Customer.timezone,
                                      Customer.language, Customer.merged_into_id.is_(None))
                               .order_by(Customer.id)).all(),
        "references": s.scalars(select(Case.reference).order_by(Case.id)).all(),
        "timelines": s.execute(select(Case.reference, func.count(Interaction.id))
                               .join(Interaction, Interaction.case_id == Case.id)
                               .group_by(Case.reference).order_by(Case.reference)).all(),
        "counts": {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                   for m in COUNTED},
    }
    s.commit()
    return snap


def _sqlite_copy(template_db, tmp: Path) -> str:
    path = tmp / "demo.db"
    if isinstance(template_db, Path):
        shutil.copy(template_db, path)
    else:
        upgrade(f"sqlite:///{path}")
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def demo(template_db, tmp_path_factory):
    """An app on a database seeded once for this module, and what the seed looked like."""
    tmp = tmp_path_factory.mktemp("demo")
    if TEST_DATABASE_URL:
        _truncate(TEST_DATABASE_URL)
        url = TEST_DATABASE_URL
    else:
        url = _sqlite_copy(template_db, tmp)
    app = _app(url, tmp)
    with app.app_context():
        summary = seed()
        snapshot = _snapshot()
    yield app, summary, snapshot
    get_db(app).engine.dispose()


def test_the_seed_prints_a_one_line_summary(demo):
    _, summary, snapshot = demo
    assert "\n" not in summary
    assert "200 customers" in summary and "Nomvula Mahlangu" in summary
    assert snapshot["counts"]["users"] == len(demo_users())


def test_the_same_seed_gives_the_same_data_on_a_fresh_database(demo, template_db, tmp_path):
    _, _summary, first = demo
    other = _app(_sqlite_copy(template_db, tmp_path), tmp_path)
    with other.app_context():
        seed()
        second = _snapshot()
    get_db(other).engine.dispose()
    assert second == first
    names = [c[0] for c in first["customers"]]
    assert len(set(names)) >= 200
    assert any(ch in "".join(names) for ch in "éüñøłő")


def test_nomvula_has_a_long_history_in_every_medium(demo):
    app, _summary, _snapshot = demo
    with app.app_context():
        s = db_session()
        client = tenancy.default_client(s)
        # Found by the phone number typed in another format, as an agent would.
        customer = identity.find_customer(s, client.id, "phone",
                                          identity.normalise_phone("(415) 555-0142"))
        assert customer.display_name == "Nomvula Mahlangu"
        case = identity.case_of(s, customer)
        by_medium = dict(s.execute(select(Interaction.medium, func.count())
                                   .where(Interaction.case_id == case.id)
                                   .group_by(Interaction.medium)).all())
        s.commit()
    assert sum(by_medium.values()) >= 20_000
    assert set(by_medium) == set(MEDIA)


def test_every_demo_role_can_sign_in(demo):
    app, _summary, _snapshot = demo
    for email, name, roles in demo_users():
        client = app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        resp = client.post("/login", data={"email": email, "password": DEMO_PASSWORD,
                                           "csrf_token": token})
        assert resp.status_code == 302, email
        me = client.get("/api/v1/me").get_json()
        assert me["email"] == email and me["name"] == name and roles[0] in me["roles"]


def test_the_demo_agent_has_work_and_the_cases_have_lines_of_work(demo):
    app, _summary, _snapshot = demo
    with app.app_context():
        s = db_session()
        agent = s.scalar(select(User).where(User.email == "agent@caseline.demo"))
        open_tasks = s.scalars(select(Task).where(Task.assignee_id == agent.id,
                                                  Task.status == "open")).all()
        owned = s.scalar(select(func.count()).where(Case.owner_id == agent.id))
        fraud_cases = s.scalars(select(Case).join(Investigation)).all()
        pending = s.scalar(select(func.count()).where(Decision.status == "pending"))
        opted_out = [cp for cp in s.scalars(select(ContactPoint)) if cp.opt_outs]
        merged = s.scalars(select(Customer).where(Customer.merged_into_id.is_not(None))).all()
        survivors_with_cases = [identity.case_of(s, s.get(Customer, m.merged_into_id))
                                for m in merged]
        s.commit()
    now = utcnow()
    assert owned >= 10
    assert any(t.due_at.date() == now.date() for t in open_tasks)
    assert any(t.due_at < now - timedelta(hours=1) for t in open_tasks)  # overdue ones too
    # Every case with an investigation is sensitive; the seeded fraud-line ones carry the flag
    # (the ring's was escalated through the service, which does not set case flags).
    assert fraud_cases and all(c.sensitive for c in fraud_cases)
    assert sum("fraud" in c.flags for c in fraud_cases) == len(fraud_cases) - 1
    assert pending > 0 and opted_out
    assert len(merged) == len(survivors_with_cases) >= 3


def test_collections_cases_have_payments_promises_and_plans(demo):
    app, _summary, snapshot = demo
    counts = snapshot["counts"]
    assert counts["payments"] > 0 and counts["payment_plans"] > 0
    with app.app_context():
        s = db_session()
        statuses = set(s.scalars(select(Promise.status).where(Promise.plan_id.is_not(None))))
        kept = s.scalars(select(Promise).where(Promise.status == "kept").limit(20)).all()
        s.commit()
    assert {"open", "kept"} <= statuses
    assert all(p.paid_cents == p.amount_cents for p in kept)


def test_every_debt_accounts_payments_add_up_to_its_balance(demo):
    app, *_ = demo
    with app.app_context():
        s = db_session()
        paid = dict(s.execute(select(Payment.debt_account_id, func.sum(Payment.amount_cents))
                              .group_by(Payment.debt_account_id)).all())
        figures = s.execute(select(DebtAccount.id, DebtAccount.original_balance_cents,
                                   DebtAccount.balance_cents)).all()
        s.commit()
    assert paid and figures
    assert [(i, original - paid.get(i, 0)) for i, original, _ in figures] == [
        (i, balance) for i, _, balance in figures]


def test_seeding_again_adds_nothing(demo):
    app, _summary, before = demo
    with app.app_context():
        assert seed_if_empty() == "demo data already present"
        assert seed() == "demo data already present"
        after = _snapshot()
    assert after["counts"] == before["counts"]


def test_demo_customers_are_found_by_partial_phone_and_name(demo):
    """Core-loaded demo rows carry the search keys: part of a number, a name word."""
    from crm.customers import search
    from crm.models import User

    app = demo[0]
    with app.app_context():
        s = db_session()
        agent = s.scalars(select(User).where(User.email == "agent@caseline.demo")).one()
        by_digits = search.search_customers(s, agent, "5550142")
        by_name = search.search_customers(s, agent, "mahlangu")
        assert "Nomvula Mahlangu" in [h.customer.display_name for h in by_digits]
        assert "Nomvula Mahlangu" in [h.customer.display_name for h in by_name]
        s.rollback()


def test_the_demo_ring_is_flagged_linked_and_under_investigation(demo):
    """The demo's fraud work went through the services: rules fired, links accepted."""
    from crm.fraud import escalations
    from crm.models import CustomerLink, LinkSuggestion, RedFlag

    app = demo[0]
    with app.app_context():
        s = db_session()
        ring_names = ["Łukasz Żółć", "Nguyễn Thị Lan", "Dmitri Valentin"]
        people = {c.display_name: c for c in s.scalars(select(Customer).where(
            Customer.display_name.in_(ring_names)))}
        centre = people["Łukasz Żółć"]
        case = identity.case_of(s, centre)
        flags = s.scalars(select(RedFlag).where(RedFlag.case_id == case.id,
                                                RedFlag.status == "active")).all()
        rules = {f.rule: f.reason for f in flags}
        inv = s.scalars(select(Investigation).where(Investigation.case_id == case.id)).one()
        ring = [(c.display_name, reason) for c, reason, _ in escalations.ring(s, centre.id)]
        links = s.scalars(select(CustomerLink)).all()
        waiting = s.scalars(select(LinkSuggestion).where(
            LinkSuggestion.status == "suggested")).all()
        others_flagged = {identity.case_of(s, people[n]).id for n in ring_names[1:]} <= set(
            s.scalars(select(RedFlag.case_id).where(RedFlag.rule == "shared_identifier")))
        bulk_flagged = s.scalar(select(func.count(func.distinct(RedFlag.case_id))))
        s.commit()
    assert "shared_identifier" in rules and "bank account" in rules["shared_identifier"]
    assert "loss_soon_after_cover" in rules and "10 days" in rules["loss_soon_after_cover"]
    assert others_flagged
    assert (inv.status, inv.severity, case.sensitive) == ("investigating", "high", True)
    assert sorted(ring) == sorted((n, "Same payout account on their claims within four weeks")
                                  for n in ring_names[1:])
    assert len(links) >= 2 and all(lk.reason for lk in links)
    assert waiting  # one left for an investigator to accept on screen
    assert bulk_flagged > 3  # the bulk claims met the rules too


def test_the_fraud_teams_notes_are_veiled_from_plain_agents(demo):
    """The seeded notes about an investigation belong to it: a plain agent reads "under
    review" (or "review finished" once closed) in their place, as the services write them."""
    from console.demo.data.history import NOTES
    from crm.fraud import visibility

    app = demo[0]
    with app.app_context():
        s = db_session()
        notes = s.execute(select(Interaction.case_id, Interaction.meta).join(
            Investigation, Investigation.case_id == Interaction.case_id).where(
            Interaction.medium == "note", Interaction.body.in_(NOTES["fraud"]))).all()
        closed = s.scalars(select(Investigation.case_id).where(
            Investigation.status == "closed").join(Interaction, Interaction.case_id ==
                                                   Investigation.case_id).where(
            Interaction.medium == "note", Interaction.body.in_(NOTES["fraud"]))).first()
        s.commit()
    assert notes and all(visibility.veiled(meta) for _, meta in notes)
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "agent@caseline.demo", "password": DEMO_PASSWORD,
                                "csrf_token": token})
    page = client.get(f"/api/v1/cases/{closed}/timeline?limit=200")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "review finished" in text
    assert not [n for n in NOTES["fraud"] if n in text]


def test_the_demo_agent_finds_canned_replies_filled_for_a_case(demo):
    app, _summary, _snapshot = demo
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "agent@caseline.demo", "password": DEMO_PASSWORD,
                                "csrf_token": token})
    titles = [r["title"] for r in client.get("/api/v1/canned-replies").get_json()["items"]]
    assert {"Acknowledge", "Documents needed", "Payment received"} <= set(titles)


def test_every_line_of_work_has_a_playbook_and_the_knowledge_base_has_articles(demo):
    from crm.knowledge import articles
    from crm.models import Playbook
    from crm.playbooks import progress

    app, *_ = demo
    with app.app_context():
        s = db_session()
        lines = sorted(s.scalars(select(Playbook.line_of_work)))
        agent = s.scalar(select(User).where(User.email == "claims@caseline.demo"))
        found = [a.title for a in articles.listed(s, agent, q="disclosure")[0]]
        claims_case = s.scalar(select(Claim.case_id).order_by(Claim.id).limit(1))
        runs = progress.for_case(s, agent, claims_case)
        s.rollback()
    assert lines == ["collections", "fraud", "insurance", "retention"]
    assert found == ["The collections call disclosure"]
    insurance = next(r for r in runs if r["line_of_work"] == "insurance")
    assert insurance["steps"][1]["key"] == "policy" and insurance["steps"][1]["done"]
