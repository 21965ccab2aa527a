"""Passwords, sign-in, tokens, tenant scoping and the append-only audit trail."""


import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from crm.cases import records as cases
from crm.cases import timeline
from crm.core.errors import Forbidden, Invalid, NotFound
from crm.customers import identity
from crm.models import ApiToken, AuditEvent
from crm.tenancy import users
from tests.conftest import PASSWORD


def test_passwords_are_argon2id(agent):
    assert agent.password_hash.startswith("$argon2id$")
    assert PASSWORD not in agent.password_hash


def test_short_passwords_are_refused(session):
    with pytest.raises(Invalid):
        users.create_user(session, "x@example.com", "X", ["agent"], "short")


def test_unknown_roles_are_refused(session):
    with pytest.raises(Invalid, match="roles must be"):
        users.create_user(session, "x@example.com", "X", ["wizard"], PASSWORD)


def test_wrong_passwords_never_lock_the_account_itself(session, agent):
    """Anyone can type a colleague's email: throttling is per address (console), not a lock."""
    for _ in range(10):
        with pytest.raises(users.SignInRefused, match="Wrong email or password"):
            users.authenticate(session, agent.email, "wrong password")
    assert users.authenticate(session, agent.email, PASSWORD).id == agent.id


def test_tokens_are_stored_hashed(session, agent):
    raw = users.issue_token(session, agent, "ci")
    session.commit()
    stored = session.scalars(select(ApiToken)).one()
    assert raw not in stored.token_hash
    assert users.user_for_token(session, raw).id == agent.id
    assert users.user_for_token(session, raw + "x") is None


def test_users_see_only_their_clients_cases(session, make_user, default_client, other_client):
    theirs = make_user("agent", clients=[other_client])
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    session.commit()
    with pytest.raises(NotFound):
        cases.get(session, theirs, case.id)
    with pytest.raises(NotFound):
        timeline.add_note(session, theirs, case.id, "peek")
    with pytest.raises(NotFound):
        timeline.page(session, theirs, case.id)


def test_case_changes_and_sensitive_views_are_audited(session, agent, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    cases.update(session, agent, case.id, sensitive=True, priority="high")
    session.commit()
    cases.get(session, agent, case.id)
    session.commit()
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "case")).all()
    assert actions == ["case.updated", "case.viewed"]
    change = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.updated")).one()
    assert change.before == {"sensitive": False, "priority": "normal"}
    assert change.after == {"sensitive": True, "priority": "high"}


def test_only_a_supervisor_clears_the_sensitive_mark(session, agent, make_user, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    cases.update(session, agent, case.id, sensitive=True)
    session.commit()
    with pytest.raises(Forbidden, match="only a supervisor may change sensitive"):
        cases.update(session, agent, case.id, sensitive=False)
    session.rollback()
    supervisor = make_user("supervisor")
    assert cases.update(session, supervisor, case.id, sensitive=False).sensitive is False


def test_the_audit_trail_is_append_only(session, agent):
    session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text("UPDATE audit_events SET action = 'forged'"))
    session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text("DELETE FROM audit_events"))
    session.rollback()


def test_opt_outs_are_per_medium_and_audited(session, agent, default_client):
    from crm.customers import details as customers

    customer, _, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    contact = customer.contact_points[0]
    customers.set_opt_out(session, None, contact, "sms", True, reason="STOP")
    session.commit()
    assert customers.is_opted_out(contact, "sms") and not customers.is_opted_out(contact, "voice")
    customers.set_opt_out(session, agent, contact, "sms", False)
    session.commit()
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "contact_point")).all()
    assert actions == ["contact_point.opt_out", "contact_point.opt_in"]
