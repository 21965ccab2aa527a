"""Bank accounts typed differently compare equal."""

from crm.fraud.identifiers import bank_account_key


def test_spaces_dashes_and_case_do_not_matter():
    assert bank_account_key("gb29 nwbk 6016-1331 9268 19") == "GB29NWBK60161331926819"
    assert bank_account_key("GB29NWBK60161331926819") == "GB29NWBK60161331926819"


def test_nothing_typed_has_no_key():
    assert bank_account_key("  - ") is None
    assert bank_account_key(None) is None
