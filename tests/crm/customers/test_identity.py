"""Identity resolution: normalised contact points, one customer and case, merges."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from console.core.database import get_db
from crm.cases import timeline
from crm.core.errors import Invalid
from crm.customers import identity
from crm.models import AuditEvent, Case, ContactPoint, Customer, Interaction


@pytest.mark.parametrize("raw", ["+1 (415) 555-0100", "4155550100", "+14155550100",
                                 "whatsapp:+14155550100", "tel:+1-415-555-0100"])
def test_phone_formats_normalise_to_e164(raw):
    assert identity.normalise_phone(raw, "US") == "+14155550100"


def test_region_decides_national_numbers():
    assert identity.normalise_phone("082 555 0100", "ZA") == "+27825550100"


@pytest.mark.parametrize("raw", ["", "hello", "12", "+1 555"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(Invalid):
        identity.normalise_phone(raw, "US")


def test_emails_are_lower_cased_and_trimmed():
    assert identity.normalise_email("  <Ana.Lopez@Example.COM> ") == "ana.lopez@example.com"
    with pytest.raises(Invalid):
        identity.normalise_email("not-an-email")


def test_three_formats_resolve_to_one_customer_per_client(session, default_client, other_client):
    found = [identity.find_or_create(session, default_client.id, raw, region="US")
             for raw in ("+1 (415) 555-0100", "4155550100", "+14155550100")]
    session.commit()
    assert len({c.id for c, _, _ in found}) == 1
    assert [created for _, _, created in found] == [True, False, False]
    other, other_case, created = identity.find_or_create(session, other_client.id, "4155550100")
    session.commit()
    assert created and other.id != found[0][0].id and other_case.client_id == other_client.id


def test_whatsapp_and_sms_sender_are_the_same_customer(session, default_client):
    a, _, _ = identity.find_or_create(session, default_client.id, "whatsapp:+14155550100")
    b, _, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    assert a.id == b.id


def test_the_database_allows_one_case_per_customer(session, default_client):
    customer, _case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    session.commit()
    session.add(Case(client_id=default_client.id, customer_id=customer.id, reference="CL-DUP"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_twenty_concurrent_calls_make_one_customer_and_case(app, default_client):
    """Twenty webhooks for a new number at once: exactly one customer and one case."""
    factory = get_db(app).factory
    barrier = threading.Barrier(20)
    results, errors = [], []

    def call():
        s = factory()
        try:
            barrier.wait()
            customer, case, _ = identity.find_or_create(s, default_client.id, "+1 415 555 0199")
            s.commit()
            results.append((customer.id, case.id))
        except Exception as exc:  # pragma: no cover - shown in the assertion below
            errors.append(repr(exc))
        finally:
            s.close()

    threads = [threading.Thread(target=call) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(results) == 20 and len(set(results)) == 1
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Customer)) == 1
        assert s.scalar(select(func.count()).select_from(Case)) == 1
        assert s.scalar(select(func.count()).select_from(ContactPoint)) == 1


def test_merge_moves_contact_points_and_timeline_and_is_audited(session, default_client, agent):
    keep, keep_case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    dup, dup_case, _ = identity.find_or_create(session, default_client.id, "ana@example.com")
    timeline.record(session, dup_case, medium="email", direction="inbound", provider_id="<m1@x>",
                    body="hello")
    timeline.record(session, keep_case, medium="sms", direction="inbound", provider_id="SM1",
                    body="hi")
    session.commit()

    identity.merge(session, agent, keep.id, dup.id)
    session.commit()

    assert {cp.value for cp in session.get(Customer, keep.id).contact_points} == {
        "+14155550100", "ana@example.com"}
    assert session.get(Case, dup_case.id) is None
    rows = session.scalars(select(Interaction).where(Interaction.case_id == keep_case.id)).all()
    assert {r.provider_id for r in rows} == {"<m1@x>", "SM1"}
    again, again_case, created = identity.find_or_create(session, default_client.id,
                                                         "ANA@example.com")
    assert (again.id, again_case.id, created) == (keep.id, keep_case.id, False)
    merged = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.merged"))
    event = merged.one()
    assert event.actor_id == agent.id and event.before["duplicate_id"] == dup.id


def test_merge_leaves_the_duplicates_audit_trail_as_written(session, default_client, agent):
    """The audit trail is append-only: a duplicate whose case was audited still merges, and
    its events keep naming the case they happened to, which the merge's event names too."""
    from crm.core import audit

    keep, _keep_case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    dup, dup_case, _ = identity.find_or_create(session, default_client.id, "ana@example.com")
    audit.record(session, agent, "case.viewed", dup_case)
    session.commit()

    identity.merge(session, agent, keep.id, dup.id)
    session.commit()

    viewed = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.viewed")).one()
    assert viewed.case_id == dup_case.id
    merged = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.merged"))
    assert merged.one().before["duplicate_case_id"] == dup_case.id


def test_merge_refuses_customers_of_different_clients(session, default_client, other_client):
    a, _, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    b, _, _ = identity.find_or_create(session, other_client.id, "+14155550101")
    with pytest.raises(Invalid):
        identity.merge(session, None, a.id, b.id)


def test_search_key_folds_accents_and_case():
    assert identity.search_key("  José   FERNÁNDEZ ") == "jose fernandez"


def test_a_first_contact_that_lost_the_race_gets_the_winners_customer(app, default_client):
    """Another transaction created the contact point after this one looked: the loser's insert
    yields, its half-made customer is deleted again, and it resolves to the winner's case."""
    factory = get_db(app).factory
    with factory() as other:
        winner, winners_case, _ = identity.find_or_create(other, default_client.id,
                                                          "+14155550777")
        other.commit()
    with factory() as s:
        customer, case, created = identity.find_or_create(s, default_client.id,
                                                          "+1 415 555 0777", looked_up=True)
        s.commit()
        assert (customer.id, case.id, created) == (winner.id, winners_case.id, False)
        assert s.scalar(select(func.count()).select_from(Customer)) == 1
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "customer.created")) == 1


def test_the_database_moves_a_cases_last_activity_forward_only(session, default_client):
    """Each interaction stored moves its case's last activity to it, never back (a back-dated
    one leaves it), in the row itself and on the case object the session holds."""
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550188")
    session.commit()
    later = case.last_activity_at + timedelta(minutes=5)
    timeline.record(session, case, medium="sms", direction="inbound", status="received",
                    body="later", provider_id="SMlater001", occurred_at=later)
    timeline.record(session, case, medium="email", direction="inbound", status="received",
                    body="old", provider_id="<old@example.com>",
                    occurred_at=later - timedelta(days=30))
    session.commit()
    assert case.last_activity_at == later
    session.expire_all()
    assert session.get(Case, case.id).last_activity_at == later
