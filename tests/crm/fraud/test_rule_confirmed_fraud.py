"""An identifier seen on a case whose investigation closed as confirmed fraud."""

from crm.fraud import profile_identifiers
from tests.fraud_support import claim, close_investigation, flags, person

RULE = "seen_on_confirmed_fraud"


def test_closing_as_confirmed_fraud_flags_cases_sharing_its_account(session, default_client):
    _, fraudster = person(session, default_client.id, "Ada Caught")
    _, other = person(session, default_client.id, "Bo Next")
    claim(session, fraudster, bank_account="NL91 ABNA 0417 1643 00")
    claim(session, other, number="CLM-N1", bank_account="nl91abna0417164300")
    assert flags(session, other, RULE) == []
    close_investigation(session, fraudster, "confirmed_fraud", reference="INV-2026-7")
    [flag] = flags(session, other, RULE)
    assert flag.reason == ('The bank account "nl91abna0417164300" was also on a case closed as '
                           f'confirmed fraud: {fraudster.reference} (INV-2026-7).')
    assert flags(session, fraudster, RULE) == []  # its own case is not "another" case


def test_a_false_positive_outcome_does_not_fire(session, default_client):
    _, cleared = person(session, default_client.id, "Cal Clean")
    _, other = person(session, default_client.id, "Dot Clean")
    claim(session, cleared, bank_account="12345678")
    close_investigation(session, cleared, "false_positive")
    claim(session, other, bank_account="12345678")
    assert flags(session, other, RULE) == []


def test_a_new_claim_with_a_device_from_a_confirmed_fraud_case(session, default_client):
    caught, fraudster = person(session, default_client.id, "Eli Device")
    newcomer, case = person(session, default_client.id, "Flo Device")
    profile_identifiers.add(session, None, caught, "device", "phone-abc-123")
    session.commit()
    close_investigation(session, fraudster, "confirmed_fraud")
    profile_identifiers.add(session, None, newcomer, "device", "PHONE-ABC-123")
    session.commit()
    [flag] = flags(session, case, RULE)
    assert flag.facts["cases"][0]["case_id"] == fraudster.id
