"""The one send-time guardrail: every medium meets the same rules in the same order."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm import guardrails
from crm.cases import timeline
from crm.core.errors import DomainError
from crm.customers import identity
from crm.models import ContactPoint, DebtAccount
from crm.voice import calls
from tests.zones import number_where_it_is

NIGHT_NY = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # 23:00 in New York
NOON_NY = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
SMS = guardrails.Medium("sms", "phone", 1600, stop_footer=True)
WHATSAPP = guardrails.Medium("whatsapp", "phone", 1600, timedelta(hours=24))


def _debtor(session, client, number="+12125550100"):
    customer, case, _ = identity.find_or_create(session, client.id, number,
                                                display_name="Dana Debtor")
    point = session.scalars(select(ContactPoint).where(
        ContactPoint.customer_id == customer.id)).one()
    session.add(DebtAccount(client_id=client.id, case_id=case.id, account_number="ACC-1"))
    session.commit()
    return case, point


def refusal(session, case, medium, point=None, now=NOON_NY) -> str | None:
    try:
        guardrails.check(session, case, medium, point=point, now=now)
    except DomainError as exc:
        return exc.code
    return None


def test_an_opted_out_debtor_at_night_is_refused_as_opted_out(session, default_client):
    case, point = _debtor(session, default_client)
    assert refusal(session, case, SMS, point, NIGHT_NY) == "inconvenient_time"
    point.opt_outs = {"sms": "2026-11-01T09:00:00+00:00"}
    session.commit()
    # The opt-out comes first: waiting for morning would not make the text allowed.
    assert refusal(session, case, SMS, point, NIGHT_NY) == "opted_out"
    assert refusal(session, case, guardrails.describe("voice"), point, NIGHT_NY) == \
        "inconvenient_time"  # an SMS opt-out says nothing about calls


def test_do_not_call_comes_before_the_opt_out_on_a_call(session, default_client):
    case, point = _debtor(session, default_client)
    point.opt_outs = {"voice": "2026-11-01T09:00:00+00:00"}
    case.flags = ["do_not_call"]
    session.commit()
    voice = guardrails.describe("voice")
    assert refusal(session, case, voice, point, NIGHT_NY) == "do_not_call"
    assert refusal(session, case, SMS, point) is None  # the flag is about calls only


def test_a_closed_reply_window_comes_before_the_collections_hours(session, default_client):
    case, point = _debtor(session, default_client)
    assert refusal(session, case, WHATSAPP, point, NIGHT_NY) == "outside_window"
    timeline.record(session, case, medium="whatsapp", direction="inbound", status="received",
                    body="hi", occurred_at=NIGHT_NY - timedelta(hours=1))
    session.commit()
    assert refusal(session, case, WHATSAPP, point, NIGHT_NY) == "inconvenient_time"
    assert refusal(session, case, WHATSAPP, point, NIGHT_NY + timedelta(hours=13)) is None


def test_what_a_medium_does_is_its_data_not_its_name(session, default_client):
    case, point = _debtor(session, default_client)
    case.flags = ["do_not_call"]
    session.commit()
    pager = guardrails.Medium("pager", "phone", rings=True)
    assert refusal(session, case, pager, point) == "do_not_call"
    assert refusal(session, case, guardrails.Medium("pager", "phone"), point) is None


def test_the_composer_reason_is_the_refusal_check_would_give(session, default_client):
    case, point = _debtor(session, default_client)
    point.opt_outs = {"sms": "2026-11-01T09:00:00+00:00"}
    session.commit()
    assert guardrails.reason(session, case, SMS, point=point, now=NIGHT_NY) == \
        "opted out of sms"
    night = guardrails.reason(session, case, guardrails.describe("voice"), point=point,
                              now=NIGHT_NY)
    assert night.startswith("it is 23:00 for the customer")
    assert guardrails.reason(session, case, guardrails.describe("voice"), point=point,
                             now=NOON_NY) is None


@pytest.mark.parametrize("named", [True, False])
def test_click_to_call_refuses_an_opted_out_number_at_night_as_opted_out(
        session, default_client, agent, named):
    number, _ = number_where_it_is(day=False)
    case, point = _debtor(session, default_client, number)
    point.opt_outs = {"voice": "2026-11-01T09:00:00+00:00"}
    session.commit()
    with pytest.raises(DomainError) as refused:
        calls.start_outbound(session, agent, case.id, to=number if named else None,
                             caller_id=None)
    assert refused.value.code == "opted_out"  # as for a text: the rules run in one order
