"""Collections contact rules (Regulation F) at send time: hours, attorney, cease, call frequency."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from console.messaging.send_tasks import send_outbound
from crm.cases import timeline
from crm.core.errors import Conflict
from crm.customers import identity
from crm.guardrails import collections
from crm.models import BlockedAttempt, Case, DebtAccount, Interaction
from tests.channels.twilio_fakes import message_sid, post_signed, sms
from tests.zones import number_where_it_is

INCOMING = "/webhooks/twilio/messaging/incoming"

NOON_NY = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 12:00 in New York, 09:00 in Los Angeles


@pytest.fixture
def debt_case(session, default_client):
    """A debtor who texted from a New York number, with an open debt account."""
    _, case, _ = identity.find_or_create(session, default_client.id, "+12125550100",
                                         display_name="Dana Debtor")
    session.add(DebtAccount(client_id=default_client.id, case_id=case.id,
                            account_number="ACC-7"))
    session.commit()
    return case


def refused(session, case, medium="sms", now=NOON_NY) -> str | None:
    try:
        collections.check(session, case, medium, now)
    except Conflict as exc:
        return exc.code
    return None


@pytest.mark.parametrize(("utc", "code"), [
    ("12:59", "inconvenient_time"),  # 07:59 in New York
    ("13:00", None),                 # 08:00
    ("01:59", None),                 # 20:59 (the evening before)
    ("02:00", "inconvenient_time"),  # 21:00
])
def test_only_between_8_and_21_in_the_debtors_time(session, debt_case, utc, code):
    hour, minute = map(int, utc.split(":"))
    now = datetime(2026, 11, 30, hour, minute, tzinfo=UTC)
    for medium in ("sms", "whatsapp", "email", "chat", "voice"):
        assert refused(session, debt_case, medium, now) == code


def test_an_unknown_zone_must_suit_every_zone_the_numbers_may_be_in(session, debt_case):
    identity.add_contact_point(session, None, debt_case.customer, "+14155550100")
    session.commit()
    # 13:30 UTC: 08:30 in New York but 05:30 in Los Angeles.
    assert refused(session, debt_case, now=datetime(2026, 11, 30, 13, 30, tzinfo=UTC)) == \
        "inconvenient_time"
    assert refused(session, debt_case) is None  # 12:00 and 09:00
    # A zone written on the profile adds to what the numbers say, never hides it.
    debt_case.customer.timezone = "Asia/Tokyo"  # 02:00 there at NOON_NY
    session.commit()
    assert refused(session, debt_case) == "inconvenient_time"


def test_with_no_zone_at_all_nothing_goes_out(session, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "debtor@example.com")
    session.add(DebtAccount(client_id=default_client.id, case_id=case.id,
                            account_number="ACC-9"))
    session.commit()
    assert refused(session, case, "email") == "unknown_time_zone"
    case.customer.timezone = "America/New_York"
    session.commit()
    assert refused(session, case, "email") is None


def test_an_attorney_or_a_cease_request_stops_all_contact_a_closed_debt_none(session,
                                                                            debt_case):
    debt = session.scalars(select(DebtAccount)).one()
    debt.attorney_represented = True
    session.commit()
    assert {refused(session, debt_case, m) for m in ("sms", "email", "voice")} == {
        "attorney_represented"}
    debt.attorney_represented, debt.ceased = False, True
    session.commit()
    assert {refused(session, debt_case, m) for m in ("sms", "email", "voice")} == {"ceased"}
    debt.status = "payment_plan"  # still under collection
    session.commit()
    assert refused(session, debt_case, "sms") == "ceased"
    for done in ("closed", "settled", "paid", "written_off"):
        debt.status = done
        session.commit()
        assert refused(session, debt_case, "voice") is None


def _call(session, case, at, status, duration=None, direction="outbound"):
    timeline.record(session, case, medium="voice", direction=direction, status=status,
                    body="call", occurred_at=at, duration_seconds=duration)


def test_seven_call_attempts_in_seven_days_then_no_more(session, debt_case):
    for n in range(6):
        _call(session, debt_case, NOON_NY - timedelta(days=n), "no-answer")
    _call(session, debt_case, NOON_NY - timedelta(hours=1), "failed")  # never rang: no attempt
    _call(session, debt_case, NOON_NY - timedelta(hours=2), "queued")  # never dialled
    _call(session, debt_case, NOON_NY - timedelta(days=8), "busy")  # outside the 7 days
    _call(session, debt_case, NOON_NY - timedelta(hours=3), "no-answer",
          direction="inbound")  # they called us (missed): not an attempt of ours
    session.commit()
    assert refused(session, debt_case, "voice") is None  # six attempts
    _call(session, debt_case, NOON_NY - timedelta(hours=4), "busy")
    session.commit()
    assert refused(session, debt_case, "voice") == "call_frequency"  # the eighth would harass
    assert refused(session, debt_case, "sms") is None  # texts are not calls


def test_no_call_within_seven_days_of_a_conversation(session, debt_case):
    _call(session, debt_case, NOON_NY - timedelta(days=6, hours=23), "completed", 240,
          direction="inbound")
    session.commit()
    with pytest.raises(Conflict, match="until 2026-11-30 18:00 UTC"):
        collections.check(session, debt_case, "voice", NOON_NY)
    assert refused(session, debt_case, "voice", NOON_NY + timedelta(hours=2)) is None
    assert refused(session, debt_case, "sms") is None


def test_a_reply_or_a_call_at_night_is_refused_and_nothing_is_stored(client, session,
                                                                    default_client, twilio,
                                                                    api_headers):
    def debtor_texting_from(number, sid):
        assert post_signed(client, INCOMING, sms(sid, "Who is this?",
                                                 sender=number)).status_code == 200
        case = session.scalars(select(Case).join(Interaction).where(
            Interaction.provider_id == message_sid(sid))).one()
        session.add(DebtAccount(client_id=default_client.id, case_id=case.id,
                                account_number=f"ACC-{sid}"))
        session.commit()
        return case.id

    night = debtor_texting_from(number_where_it_is(day=False)[0], "SMdebt0001")
    resp = client.post(f"/api/v1/cases/{night}/messages", headers=api_headers,
                       json={"medium": "sms", "body": "Your balance is due"})
    err = resp.get_json()["error"]
    assert (resp.status_code, err["code"]) == (409, "inconvenient_time")
    assert "only between 08:00 and 21:00 their time" in err["message"]
    call = client.post(f"/api/v1/cases/{night}/calls", json={}, headers=api_headers)
    assert (call.status_code, call.get_json()["error"]["code"]) == (409, "inconvenient_time")
    options = client.get(f"/api/v1/cases/{night}/reply-options",
                         headers=api_headers).get_json()
    sms_option = next(o for o in options["options"] if o["medium"] == "sms")
    assert sms_option["available"] is False and "08:00 and 21:00" in sms_option["reason"]
    assert session.scalars(select(Interaction).where(
        Interaction.direction == "outbound")).all() == [] and twilio.messages == []

    day = debtor_texting_from(number_where_it_is(day=True)[0], "SMdebt0002")
    assert client.post(f"/api/v1/cases/{day}/messages", headers=api_headers,
                       json={"medium": "sms", "body": "Your balance is due"}).status_code == 202
    # Every collections text says how to stop them (what was sent is what the timeline shows).
    assert twilio.messages[-1]["Body"] == "Your balance is due\nReply STOP to opt out."


def test_a_queued_text_is_checked_again_when_it_goes(session, default_client, twilio, agent):
    number, _ = number_where_it_is(day=True)
    _, case, _ = identity.find_or_create(session, default_client.id, number)
    debt = DebtAccount(client_id=default_client.id, case_id=case.id, account_number="ACC-Q")
    session.add(debt)
    item, _ = timeline.record(session, case, medium="sms", direction="outbound",
                              status="queued", status_seq=0, body="Your balance is due",
                              to_addr=number, agent_id=agent.id)
    debt.ceased = True  # the cease request arrived while the text waited for a retry
    session.commit()
    assert send_outbound.apply(args=(item.id,)).get().startswith("failed: the customer asked")
    session.refresh(item)
    assert (item.status, item.error["code"]) == ("failed", "ceased") and twilio.messages == []
    assert session.scalars(select(BlockedAttempt.rule)).all() == ["ceased"]
