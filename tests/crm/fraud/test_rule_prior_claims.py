"""Prior claims: a customer's fourth claim within a year fires; the third does not; clears."""

from datetime import date

from tests.fraud_support import change, claim, flags, person

RULE = "prior_claims"


def test_three_prior_claims_within_a_year_flag_the_next_one(session, default_client):
    _, case = person(session, default_client.id, "Eve Often")
    first = [claim(session, case, number=f"CLM-P{n}", loss_date=date(2026, n * 2, 1))
             for n in (1, 2, 3)]
    assert flags(session, case, RULE) == []  # the third claim has only two before it
    fourth = claim(session, case, number="CLM-P4", loss_date=date(2026, 9, 1))
    [flag] = flags(session, case, RULE)
    assert flag.claim_id == fourth.id
    assert flag.reason == ("Claim CLM-P4 follows 3 earlier claims of the same customer within "
                           "365 days (CLM-P1, CLM-P2, CLM-P3); 3 or more are flagged.")
    assert [p["number"] for p in flag.facts["prior_claims"]] == ["CLM-P1", "CLM-P2", "CLM-P3"]
    # One of them turns out to be from long before: the flag no longer holds.
    change(session, first[0], loss_date=date(2024, 1, 1))
    assert flags(session, case, RULE) == []
    assert len(flags(session, case, RULE, status="cleared")) == 1


def test_claims_spread_over_years_do_not_fire(session, default_client):
    _, case = person(session, default_client.id, "Fay Seldom")
    for year in (2022, 2023, 2024, 2025):
        claim(session, case, loss_date=date(year, 5, 1))
    assert flags(session, case, RULE) == []


def test_other_customers_claims_do_not_count(session, default_client):
    _, mine = person(session, default_client.id, "Gil One")
    _, theirs = person(session, default_client.id, "Hal Two")
    for n in (1, 2, 3):
        claim(session, theirs, loss_date=date(2026, n, 1))
    claim(session, mine, loss_date=date(2026, 4, 1))
    assert flags(session, mine, RULE) == []
