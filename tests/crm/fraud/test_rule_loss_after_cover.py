"""Loss soon after cover began (or rose): fires within the threshold, not beyond, clears."""

from datetime import date

from crm.claims import cover
from crm.models import User
from tests.fraud_support import change, claim, flags, person

RULE = "loss_soon_after_cover"


def test_a_loss_10_days_after_policy_start_flags_the_claim_and_says_why(session,
                                                                        default_client):
    _, case = person(session, default_client.id, "Ann Early")
    made = claim(session, case, number="CLM-10", policy_start=date(2026, 3, 1),
                 loss_date=date(2026, 3, 11))
    [flag] = flags(session, case, RULE)
    assert flag.claim_id == made.id
    assert flag.reason == ("Claim CLM-10: the loss on 2026-03-11 came 10 days after the policy "
                           "started (2026-03-01); losses within 30 days are flagged.")
    assert flag.facts["days_after"] == 10 and flag.facts["threshold_days"] == 30


def test_a_loss_past_the_threshold_does_not_fire_and_on_the_threshold_does(session,
                                                                           default_client):
    _, case = person(session, default_client.id, "Ben Later")
    claim(session, case, policy_start=date(2026, 1, 1), loss_date=date(2026, 2, 1))  # 31
    assert flags(session, case, RULE) == []
    claim(session, case, policy_start=date(2026, 1, 1), loss_date=date(2026, 1, 31))  # 30
    assert len(flags(session, case, RULE)) == 1


def test_a_corrected_loss_date_clears_the_flag_and_keeps_it(session, default_client):
    _, case = person(session, default_client.id, "Cy Fixed")
    made = claim(session, case, policy_start=date(2026, 3, 1), loss_date=date(2026, 3, 5))
    change(session, made, loss_date=date(2026, 9, 5))
    assert flags(session, case, RULE) == []
    [cleared] = flags(session, case, RULE, status="cleared")
    assert "4 days after" in cleared.reason
    change(session, made, loss_date=date(2026, 3, 6))
    [again] = flags(session, case, RULE)
    assert again.id == cleared.id and "5 days after" in again.reason


def test_a_cover_increase_counts_as_a_start_of_cover(session, default_client, make_user):
    _, case = person(session, default_client.id, "Di Raised")
    made = claim(session, case, policy_start=date(2025, 1, 1), loss_date=date(2026, 6, 20))
    assert flags(session, case, RULE) == []
    handler = session.get(User, make_user("claims").id)
    cover.add(session, handler, made.id, kind="increase", effective_on="2026-06-01",
              sum_insured_cents=5_000_000)
    session.commit()
    [flag] = flags(session, case, RULE)
    assert "19 days after the cover rose to 50,000 (2026-06-01)" in flag.reason
