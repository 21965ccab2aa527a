"""Which inbound texts opt a number out of (or back into) a medium."""

import pytest

from crm.messaging.texts import keyword


@pytest.mark.parametrize("body", ["STOP", "stop", " Stop. ", "QUIT", "END", "REVOKE", "OPT OUT",
                                  "opt  out", "CANCEL", "UNSUBSCRIBE", "stopall"])
def test_revocation_words_opt_out(body):
    assert keyword(body) == "stop"


@pytest.mark.parametrize("body", ["START", "unstop", "Start!"])
def test_start_words_opt_back_in(body):
    assert keyword(body) == "start"


@pytest.mark.parametrize("body", ["please stop calling me at work", "the end", "", "STOP IT",
                                  "cancel my order 123"])
def test_other_messages_are_just_messages(body):
    assert keyword(body) is None
