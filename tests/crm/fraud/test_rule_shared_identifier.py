"""The same bank account, address, device or third-party phone on other customers' claims."""

from datetime import date

from crm.fraud import profile_identifiers
from tests.fraud_support import change, claim, flags, person

RULE = "shared_identifier"


def test_a_bank_account_typed_differently_flags_both_customers_claims(session,
                                                                      default_client):
    _, case_a = person(session, default_client.id, "Ivy Account")
    _, case_b = person(session, default_client.id, "Jon Account")
    claim(session, case_a, number="CLM-A", bank_account="GB29 NWBK 6016 1331 9268 19")
    claim(session, case_b, number="CLM-B", bank_account="gb29nwbk60161331926819")
    [a] = flags(session, case_a, RULE)
    [b] = flags(session, case_b, RULE)
    assert a.reason == ('The bank account "GB29 NWBK 6016 1331 9268 19" on claim CLM-A is also '
                        f'on Jon Account\'s claim CLM-B ({case_b.reference}) as '
                        '"gb29nwbk60161331926819".')
    assert b.reason == ('The bank account "gb29nwbk60161331926819" on claim CLM-B is also on '
                        f'Ivy Account\'s claim CLM-A ({case_a.reference}) as '
                        '"GB29 NWBK 6016 1331 9268 19".')
    assert a.facts["matches"][0]["case_id"] == case_b.id


def test_a_changed_account_clears_the_flag_on_both_cases(session, default_client):
    _, case_a = person(session, default_client.id, "Kim Shared")
    _, case_b = person(session, default_client.id, "Lou Shared")
    claim(session, case_a, bank_account="DE89 3704 0044 0532 0130 00")
    theirs = claim(session, case_b, bank_account="de89-3704-0044-0532-0130-00")
    change(session, theirs, bank_account="DE02 1203 0000 0000 2020 51")
    assert flags(session, case_a, RULE) == [] and flags(session, case_b, RULE) == []
    assert len(flags(session, case_a, RULE, status="cleared")) == 1


def test_one_customers_own_claims_sharing_an_account_do_not_fire(session, default_client):
    _, case = person(session, default_client.id, "May Same")
    claim(session, case, bank_account="12345678")
    claim(session, case, bank_account="1234 5678")
    assert flags(session, case, RULE) == []


def test_nearly_the_same_address_fires_and_a_different_one_does_not(session,
                                                                    default_client):
    one, case_a = person(session, default_client.id, "Ned Street")
    two, case_b = person(session, default_client.id, "Oda Street")
    three, case_c = person(session, default_client.id, "Pip Road")
    profile_identifiers.add(session, None, one, "address", "12 Harbour Street, Flat 3, Leeds")
    profile_identifiers.add(session, None, two, "address", "12 harbour st., flat 3 leeds")
    profile_identifiers.add(session, None, three, "address", "98 Mill Lane, York")
    session.commit()
    [flag] = flags(session, case_a, RULE)
    assert flag.facts["kind"] == "address"
    assert [m["case_id"] for m in flag.facts["matches"]] == [case_b.id]
    assert "% alike" in flag.reason and "Oda Street's profile" in flag.reason
    assert flags(session, case_c, RULE) == []


def test_a_device_and_a_third_party_phone_that_is_another_customers(session,
                                                                    default_client):
    one, case_a = person(session, default_client.id, "Quin Device")
    two, case_b = person(session, default_client.id, "Ros Device")
    _, case_c = person(session, default_client.id, "Sam Witness", phone="+14155550177")
    mine = claim(session, case_a, number="CLM-D1", loss_date=date(2026, 1, 2))
    profile_identifiers.add(session, None, one, "device", "DEV-9F2A", claim_id=mine.id)
    profile_identifiers.add(session, None, two, "device", "dev-9f2a")
    profile_identifiers.add(session, None, one, "third_party_phone", "(415) 555-0177",
                            claim_id=mine.id)
    session.commit()
    kinds = {f.facts["kind"]: f for f in flags(session, case_a, RULE)}
    assert set(kinds) == {"device", "third_party_phone"}
    assert kinds["device"].facts["matches"][0]["case_id"] == case_b.id
    assert kinds["third_party_phone"].facts["matches"][0]["case_id"] == case_c.id
    assert "on claim CLM-D1" in kinds["third_party_phone"].reason
    # And the witness's case is flagged too: their phone is a third party on another claim.
    [witness] = flags(session, case_c, RULE)
    assert witness.facts["kind"] == "phone"


def test_a_third_party_name_near_another_customers_name(session, default_client):
    one, case_a = person(session, default_client.id, "Tia Driver")
    _, case_b = person(session, default_client.id, "Jonathan Smithers")
    profile_identifiers.add(session, None, one, "third_party_name", "Jonathon Smithers")
    session.commit()
    [flag] = flags(session, case_a, RULE)
    assert flag.facts["matches"][0]["case_id"] == case_b.id


def test_other_clients_customers_never_match(session, default_client, other_client):
    _, case_a = person(session, default_client.id, "Uma Tenant")
    _, case_b = person(session, other_client.id, "Val Tenant")
    claim(session, case_a, bank_account="12345678")
    claim(session, case_b, bank_account="12345678")
    assert flags(session, case_a, RULE) == [] and flags(session, case_b, RULE) == []
