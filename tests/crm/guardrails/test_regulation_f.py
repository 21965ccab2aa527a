"""The rest of Regulation F at send time: disputes, named times and places, time-barred debts,
spoken opt-outs, blocked attempts kept on the case and the supervisor's override."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from crm import guardrails
from crm.cases import timeline
from crm.core.errors import DomainError, Forbidden, Invalid
from crm.customers import identity
from crm.guardrails import blocked, collections, restrictions, validation
from crm.models import AuditEvent, BlockedAttempt, ContactPoint, DebtAccount, Interaction

NOON_NY = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # Monday 12:00 in New York
SMS = guardrails.Medium("sms", "phone", 1600, stop_footer=True, time_barred_notice=True)
VOICE = guardrails.describe("voice")
EMAIL = guardrails.describe("email")


def _debtor(session, client, number="+12125550100", **debt):
    customer, case, _ = identity.find_or_create(session, client.id, number,
                                                display_name="Dana Debtor")
    point = session.scalars(select(ContactPoint).where(
        ContactPoint.customer_id == customer.id)).one()
    account = DebtAccount(client_id=client.id, case_id=case.id, account_number="ACC-1", **debt)
    session.add(account)
    session.commit()
    return case, point, account


def refusal(session, case, medium, point=None, now=NOON_NY, body=None, actor=None):
    try:
        guardrails.check(session, case, medium, point=point, now=now, body=body, actor=actor)
    except DomainError as exc:
        return exc.code
    return None


def test_the_refusal_names_the_disputed_account_of_several(session, default_client):
    case, point, _ = _debtor(session, default_client, status="payment_plan", creditor="Contoso")
    session.add(DebtAccount(client_id=default_client.id, case_id=case.id, account_number="ACC-2",
                            creditor="Tailspin", disputed=True, status="disputed"))
    session.commit()
    with pytest.raises(DomainError) as refused:
        guardrails.check(session, case, SMS, point=point, now=NOON_NY)
    assert "disputes account ACC-2 (Tailspin)" in str(refused.value)


def test_a_disputed_debt_refuses_a_collections_text_until_validation_is_recorded(
        session, default_client, agent, make_user):
    case, point, debt = _debtor(session, default_client, disputed=True, status="disputed")
    assert refusal(session, case, SMS, point) == "disputed"
    assert refusal(session, case, VOICE, point) == "disputed"
    with pytest.raises(Forbidden):  # a plain agent does not record it
        validation.record_sent(session, agent, debt.id)
    session.rollback()
    collector = make_user("collections")
    with pytest.raises(Invalid):
        validation.record_sent(session, collector, debt.id, date(2999, 1, 1))
    validation.record_sent(session, collector, debt.id, date(2026, 11, 27))
    session.commit()
    assert (debt.validated_on, debt.status) == (date(2026, 11, 27), "active")
    assert refusal(session, case, SMS, point) is None
    audit = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "debt.validation_sent")).one()
    assert audit.actor_id == collector.id and audit.after["validated_on"] == "2026-11-27"


@pytest.mark.parametrize(("number", "utc", "code"), [
    # "not before 10:00" in the debtor's own time, wherever that is.
    ("+12125550100", datetime(2026, 11, 30, 14, 59, tzinfo=UTC), "named_inconvenient_time"),
    ("+12125550100", datetime(2026, 11, 30, 15, 0, tzinfo=UTC), None),  # 10:00 New York
    ("+442079460000", datetime(2026, 11, 30, 9, 59, tzinfo=UTC), "named_inconvenient_time"),
    ("+442079460000", datetime(2026, 11, 30, 10, 0, tzinfo=UTC), None),  # 10:00 London
    ("+81312345678", datetime(2026, 11, 30, 0, 30, tzinfo=UTC), "named_inconvenient_time"),
    ("+81312345678", datetime(2026, 11, 30, 1, 0, tzinfo=UTC), None),  # 10:00 Tokyo
])
def test_a_time_the_debtor_named_refuses_a_call_then_and_allows_it_outside(
        session, default_client, agent, number, utc, code):
    case, point, _ = _debtor(session, default_client, number)
    restrictions.add(session, agent, case.customer_id, ends=time(10, 0),
                     note="not before 10 please")
    session.commit()
    assert refusal(session, case, VOICE, point, utc) == code
    assert refusal(session, case, SMS, point, utc) == code  # every medium


def test_not_on_sundays_and_an_overnight_window(session, default_client, agent):
    case, point, _ = _debtor(session, default_client)
    restrictions.add(session, agent, case.customer_id, days=["sun"], note="never on Sunday")
    restrictions.add(session, agent, case.customer_id, starts=time(19, 0), ends=time(9, 0))
    session.commit()
    sunday_noon = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
    assert refusal(session, case, VOICE, point, sunday_noon) == "named_inconvenient_time"
    assert refusal(session, case, VOICE, point, sunday_noon + timedelta(days=1)) is None
    # 08:30 and 19:30 Monday in New York: inside 08:00-21:00, but inside what they named.
    assert refusal(session, case, VOICE, point, datetime(2026, 11, 30, 13, 30, tzinfo=UTC)) \
        == "named_inconvenient_time"
    assert refusal(session, case, VOICE, point, datetime(2026, 12, 1, 0, 30, tzinfo=UTC)) \
        == "named_inconvenient_time"


def test_a_place_named_inconvenient_bars_that_contact_point_only(session, default_client,
                                                                 agent):
    case, home, _ = _debtor(session, default_client)
    work = identity.add_contact_point(session, None, case.customer, "+12125550199")
    session.flush()
    restrictions.add(session, agent, case.customer_id, contact_point_id=work.id,
                     note="not at work")
    session.commit()
    assert refusal(session, case, VOICE, work) == "inconvenient_place"
    assert refusal(session, case, VOICE, home) is None


def test_bad_restrictions_are_refused(session, default_client, agent, other_client,
                                      make_user):
    case, _, _ = _debtor(session, default_client)
    for kwargs in ({}, {"days": ["someday"]}, {"starts": time(9), "ends": time(9)},
                   {"source": "telepathy", "days": ["mon"]}, {"contact_point_id": 999_999}):
        with pytest.raises(Invalid):
            restrictions.add(session, agent, case.customer_id, **kwargs)
    outsider = make_user("agent", clients=[other_client])
    with pytest.raises(DomainError) as hidden:
        restrictions.add(session, outsider, case.customer_id, days=["mon"])
    assert hidden.value.code == "not_found"


def test_a_spoken_dont_text_me_is_recorded_with_who_and_how(session, default_client, agent):
    case, point, _ = _debtor(session, default_client)
    restrictions.record_opt_out(session, agent, point.id, "sms", source="spoken",
                                note="stop texting me")
    session.commit()
    assert refusal(session, case, SMS, point) == "opted_out"
    assert refusal(session, case, VOICE, point) is None  # per medium
    audit = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "contact_point.opt_out")).one()
    assert audit.actor_id == agent.id and audit.after["reason"] == "spoken: stop texting me"


@pytest.mark.parametrize("barred", [{"status": "time_barred"},
                                    {"statute_of_limitations_on": date(2026, 11, 1)}])
def test_a_time_barred_debt_carries_the_disclosure_and_never_a_threat(
        session, default_client, barred):
    case, point, _ = _debtor(session, default_client, **barred)
    text = collections.with_disclosures(session, case, SMS, "Your balance is $40.", NOON_NY)
    assert text == (f"Your balance is $40.\n\n{collections.TIME_BARRED_TEXT}\n"
                    f"{collections.OPT_OUT_TEXT}")
    assert collections.with_disclosures(session, case, VOICE, "hi", NOON_NY) == "hi"
    for threat in ("We will sue you", "legal action follows", "see you in court",
                   "we may garnish your wages"):
        assert refusal(session, case, SMS, point, body=threat) == "threat_of_suit"
        assert refusal(session, case, EMAIL, None, body=threat) == "threat_of_suit"
    assert refusal(session, case, SMS, point, body="Can we agree a plan?") is None


def test_a_debt_inside_its_limitation_period_may_mention_court(session, default_client):
    case, point, _ = _debtor(session, default_client,
                             statute_of_limitations_on=date(2027, 6, 1))
    assert refusal(session, case, SMS, point, body="the court date") is None
    assert collections.with_disclosures(session, case, SMS, "hi", NOON_NY) == \
        f"hi\n{collections.OPT_OUT_TEXT}"


def _blocked_call(session, case, point, agent, now):
    with pytest.raises(DomainError) as refused:
        guardrails.check(session, case, VOICE, point=point, now=now, actor=agent)
    session.rollback()  # as the request would be
    refused.value.aftermath(session)
    session.commit()
    return refused.value.code, session.scalars(
        select(BlockedAttempt).order_by(BlockedAttempt.id.desc())).first()


def test_a_blocked_attempt_is_kept_on_the_case_without_contact_data(session, default_client,
                                                                    agent):
    case, point, _ = _debtor(session, default_client)
    code, row = _blocked_call(session, case, point, agent, NOON_NY - timedelta(hours=14))
    assert code == "inconvenient_time"
    assert (row.case_id, row.medium, row.rule, row.actor_id) == (case.id, "voice",
                                                                 "inconvenient_time", agent.id)
    item = session.scalars(select(Interaction).where(Interaction.medium == "system")).one()
    assert item.case_id == case.id and item.meta["rule"] == "inconvenient_time"
    assert point.value not in item.body and "5550100" not in item.body
    assert item.to_addr is None


def test_an_override_needs_a_supervisor_and_a_reason_is_audited_and_used_once(
        session, default_client, agent, make_user):
    case, point, _ = _debtor(session, default_client, disputed=True)
    _, row = _blocked_call(session, case, point, agent, NOON_NY)
    assert row.rule == "disputed"
    with pytest.raises(Forbidden):
        blocked.override(session, agent, row.id, "the debtor asked for a call back")
    boss = make_user("supervisor")
    for blank in ("", "   "):
        with pytest.raises(Invalid):
            blocked.override(session, boss, row.id, blank)
    blocked.override(session, boss, row.id, "sending the verification by phone",
                     now=NOON_NY)
    session.commit()
    audit = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "guardrail.overridden")).one()
    assert audit.actor_id == boss.id and audit.after["reason"] == \
        "sending the verification by phone"
    assert guardrails.reason(session, case, VOICE, point=point, now=NOON_NY) is None
    later = NOON_NY + timedelta(minutes=5)
    assert refusal(session, case, VOICE, point, later, actor=agent) is None  # spent now
    session.commit()
    assert refusal(session, case, VOICE, point, later) == "disputed"
    assert refusal(session, case, SMS, point, later) == "disputed"  # that medium only
    assert session.scalars(select(AuditEvent).where(
        AuditEvent.action == "guardrail.override_used")).one().actor_id == agent.id
    with pytest.raises(DomainError) as again:
        blocked.override(session, boss, row.id, "twice")
    assert again.value.code == "already_overridden"


def test_an_override_expires_unused(session, default_client, agent, make_user):
    case, point, _ = _debtor(session, default_client, disputed=True)
    _, row = _blocked_call(session, case, point, agent, NOON_NY)
    blocked.override(session, make_user("supervisor"), row.id, "call back", now=NOON_NY)
    session.commit()
    assert refusal(session, case, VOICE, point, NOON_NY + timedelta(hours=2)) == "disputed"


def test_attorney_cease_and_opt_out_cannot_be_overridden(session, default_client, agent,
                                                         make_user):
    case, point, debt = _debtor(session, default_client, attorney_represented=True)
    boss = make_user("supervisor")
    _, row = _blocked_call(session, case, point, agent, NOON_NY)
    with pytest.raises(DomainError) as refused:
        blocked.override(session, boss, row.id, "the attorney said fine")
    assert (refused.value.code, row.rule) == ("not_overridable", "attorney_represented")
    debt.attorney_represented = False
    point.opt_outs = {"voice": "2026-11-01T09:00:00+00:00"}
    session.commit()
    _, row = _blocked_call(session, case, point, agent, NOON_NY)
    with pytest.raises(DomainError, match="cannot be overridden"):
        blocked.override(session, boss, row.id, "they want a call")


def test_calls_left_this_week(session, default_client):
    case, _, _ = _debtor(session, default_client)
    assert collections.calls_left(session, case, NOON_NY) == 7
    for n in range(3):
        timeline.record(session, case, medium="voice", direction="outbound", status="no-answer",
                        body="call", occurred_at=NOON_NY - timedelta(days=n, hours=1))
    session.commit()
    assert collections.calls_left(session, case, NOON_NY) == 4
    timeline.record(session, case, medium="voice", direction="inbound", status="completed",
                    body="call", occurred_at=NOON_NY - timedelta(hours=2), duration_seconds=60)
    session.commit()
    assert collections.calls_left(session, case, NOON_NY) == 0
    _, plain, _ = identity.find_or_create(session, default_client.id, "+12125550111")
    session.commit()
    assert collections.calls_left(session, plain, NOON_NY) is None


def _queued(session, case, agent, lifted=()):
    item, _ = timeline.record(session, case, medium="voice", direction="outbound",
                              status="queued", body="hello", to_addr="+12125550100",
                              agent_id=agent.id, occurred_at=NOON_NY,
                              meta={guardrails.LIFTED: list(lifted)} if lifted else {})
    session.commit()
    return item


def test_a_queued_send_meets_the_rules_again_when_it_goes(session, default_client, agent):
    case, _, debt = _debtor(session, default_client)
    item = _queued(session, case, agent)
    guardrails.at_send_time(session, item, NOON_NY)  # as when queued
    debt.ceased = True  # the written cease request arrived before the retry
    session.commit()
    with pytest.raises(DomainError) as refused:
        guardrails.at_send_time(session, item, NOON_NY + timedelta(minutes=5))
    assert refused.value.code == "ceased"
    refused.value.aftermath(session)
    session.commit()
    assert session.scalars(select(BlockedAttempt.rule)).all() == ["ceased"]


def test_a_rule_an_override_lifted_when_queued_stays_lifted_when_it_goes(
        session, default_client, agent):
    case, _, _ = _debtor(session, default_client)
    night = NOON_NY + timedelta(hours=11)  # 23:00 in New York
    with pytest.raises(DomainError):
        guardrails.at_send_time(session, _queued(session, case, agent), night)
    guardrails.at_send_time(session, _queued(session, case, agent, ["inconvenient_time"]),
                            night)
    system, _ = timeline.record(session, case, medium="sms", direction="outbound",
                                status="queued", body="You are unsubscribed", to_addr="x",
                                occurred_at=night)
    guardrails.at_send_time(session, system, night)  # the TCPA confirmation is not re-checked
