"""An investigation's risk score: the weighted points of its case's active flags, explained,
capped at 100, recomputed as flags come and go, frozen once closed."""

from datetime import date

from crm.fraud import flags as red_flags
from crm.fraud import investigations, risk
from crm.fraud.rules import Thresholds
from crm.models import Investigation
from tests.fraud_support import change, claim, person

ACCOUNT = "GB29 NWBK 6016 1331 9268 19"


def _scored(session, made: Investigation) -> Investigation:
    session.expire_all()
    return session.get(Investigation, made.id)


def test_an_escalation_is_scored_from_the_flags_and_says_why(session, default_client,
                                                             make_user):
    _, case = person(session, default_client.id, "Ann Early")
    _, other = person(session, default_client.id, "Bob Other")
    claim(session, other, bank_account="gb29nwbk60161331926819", loss_date=date(2026, 1, 5))
    claim(session, case, bank_account=ACCOUNT, policy_start=date(2026, 3, 1),
          loss_date=date(2026, 3, 11))
    made = investigations.escalate(session, make_user("claims"), case.id, "Looks staged")
    assert made.risk_score == 60  # before the commit: the answer to the escalation shows it
    session.commit()
    made = _scored(session, made)
    assert made.risk_score == 60
    assert [(r["rule"], r["label"], r["points"]) for r in made.risk_reasons] == [
        ("loss_soon_after_cover", "loss soon after start", 30),
        ("shared_identifier", "bank account shared", 30)]
    assert risk.line(made) == ("Risk 60: loss soon after start (30), "
                               "bank account shared (30)")


def test_the_score_follows_flags_raised_and_cleared_after_the_escalation(session,
                                                                         default_client,
                                                                         make_user):
    _, case = person(session, default_client.id, "Cy Clean")
    made = investigations.escalate(session, make_user("claims"), case.id, "A hunch")
    session.commit()
    assert _scored(session, made).risk_score == 0 and made.risk_reasons == []
    late = claim(session, case, policy_start=date(2026, 3, 1), loss_date=date(2026, 3, 5))
    assert _scored(session, made).risk_score == 30
    change(session, late, loss_date=date(2026, 9, 1))  # corrected: the flag clears
    made = _scored(session, made)
    assert (made.risk_score, made.risk_reasons) == (0, [])


def test_weights_are_configurable_and_the_score_is_capped_at_100(session, default_client,
                                                                make_user):
    _, case = person(session, default_client.id, "Di Many")
    for day in (2, 3, 4):
        claim(session, case, policy_start=date(2026, 3, 1), loss_date=date(2026, 3, day))
    made = investigations.escalate(session, make_user("claims"), case.id, "Three quick ones")
    session.commit()
    assert _scored(session, made).risk_score == 90  # three flags of 30
    red_flags.evaluate(session, case.id, Thresholds(weight_loss_soon_after_cover=45))
    session.commit()
    made = _scored(session, made)
    assert made.risk_score == 100 and sum(r["points"] for r in made.risk_reasons) == 135
    red_flags.evaluate(session, case.id, Thresholds(weight_loss_soon_after_cover=0))
    session.commit()
    assert _scored(session, made).risk_score == 0  # a rule weighed at 0 adds no reason


def test_a_closed_investigation_keeps_the_score_it_closed_with(session, default_client,
                                                              make_user):
    _, case = person(session, default_client.id, "Ed Done")
    late = claim(session, case, policy_start=date(2026, 3, 1), loss_date=date(2026, 3, 5))
    investigator = make_user("fraud")
    made = investigations.escalate(session, make_user("claims"), case.id, "Early loss")
    session.commit()
    investigations.take(session, investigator, made.id)
    investigations.close(session, investigator, made.id, "false_positive", "Genuine")
    session.commit()
    change(session, late, loss_date=date(2026, 9, 1))
    made = _scored(session, made)
    assert made.risk_score == 30 and made.risk_reasons[0]["label"] == "loss soon after start"
