"""Shared identifiers are suggested as links; an investigator accepts or dismisses them."""

import pytest
from sqlalchemy import select

from crm.cases import timeline
from crm.core.errors import Conflict, Forbidden
from crm.fraud import escalations, suggestions
from crm.models import AuditEvent, Case, Claim, CustomerLink, LinkSuggestion
from tests.fraud_support import change, claim, person


@pytest.fixture
def pair(session, default_client):
    a, case_a = person(session, default_client.id, "Gus Pair")
    b, case_b = person(session, default_client.id, "Hil Pair")
    claim(session, case_a, number="CLM-G", bank_account="12-34-56 7890")
    claim(session, case_b, number="CLM-H", bank_account="1234567890")
    return a, b


def test_a_shared_account_is_suggested_once_with_why(session, pair):
    a, b = pair
    [waiting] = suggestions.for_customer(session, a.id)
    assert waiting.other.id == b.id
    s = waiting.suggestion
    assert (s.customer_id, s.other_id, s.key, s.status) == (a.id, b.id, "bank_account",
                                                            "suggested")
    assert s.reason == ('Same bank account: "1234567890" on Hil Pair\'s claim CLM-H and '
                        '"12-34-56 7890" on Gus Pair\'s claim CLM-G.')
    assert [w.other.id for w in suggestions.for_customer(session, b.id)] == [a.id]


def test_accepting_links_the_pair_with_the_investigators_reason(session, pair, make_user):
    a, b = pair
    investigator = make_user("fraud")
    [waiting] = suggestions.for_customer(session, a.id)
    suggestions.accept(session, investigator, waiting.suggestion.id, "Same account, same week")
    session.commit()
    link = session.scalars(select(CustomerLink)).one()
    assert (link.customer_id, link.other_id, link.reason) == (a.id, b.id,
                                                              "Same account, same week")
    assert [c.id for c, _, _ in escalations.ring(session, a.id)] == [b.id]
    assert suggestions.for_customer(session, a.id) == []
    assert session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "link_suggestion.accepted")) is not None
    with pytest.raises(Conflict):
        suggestions.dismiss(session, investigator, waiting.suggestion.id)


def test_dismissed_stays_dismissed_and_agents_may_not_decide(session, pair, make_user):
    a, _ = pair
    [waiting] = suggestions.for_customer(session, a.id)
    with pytest.raises(Forbidden):
        suggestions.dismiss(session, make_user("agent"), waiting.suggestion.id)
    suggestions.dismiss(session, make_user("supervisor"), waiting.suggestion.id, "Married")
    session.commit()
    change(session, _claim_of(session, a), bank_account="1234-567890")  # evaluated again
    assert suggestions.for_customer(session, a.id) == []
    assert [s.decision_reason for s in session.scalars(select(LinkSuggestion))] == ["Married"]
    assert session.scalar(select(CustomerLink.id)) is None


def test_a_suggestion_whose_shared_account_is_gone_is_withdrawn(session, pair):
    a, _ = pair
    change(session, _claim_of(session, a), bank_account="99999999")
    assert suggestions.for_customer(session, a.id) == []
    change(session, _claim_of(session, a), bank_account="1234567890")
    assert len(suggestions.for_customer(session, a.id)) == 1  # back again


def _claim_of(session, customer):
    return session.scalars(select(Claim).join(Case, Case.id == Claim.case_id).where(
        Case.customer_id == customer.id)).one()


def test_a_note_read_for_stated_facts_leaves_suggestions_waiting(session, pair, agent):
    a, _ = pair
    case_id = session.scalar(select(Case.id).where(Case.customer_id == a.id))
    timeline.add_note(session, agent, case_id, "Customer called about the claim.")
    session.commit()
    assert len(suggestions.for_customer(session, a.id)) == 1


def test_unlinking_brings_the_suggestion_back_but_not_a_dismissed_one(session, pair,
                                                                       make_user):
    """A link undone is a mistake undone: the shared account is suggested again, to accept
    or dismiss afresh; a pair dismissed for that account is not offered again."""
    a, b = pair
    investigator = make_user("fraud")
    [waiting] = suggestions.for_customer(session, a.id)
    suggestions.accept(session, investigator, waiting.suggestion.id, "Same account")
    session.commit()
    escalations.unlink(session, investigator, b.id, a.id)
    session.commit()
    [back] = suggestions.for_customer(session, a.id)
    assert (back.suggestion.id, back.suggestion.status, back.other.id) == (
        waiting.suggestion.id, "suggested", b.id)
    assert back.suggestion.decided_by_id is None
    suggestions.dismiss(session, investigator, back.suggestion.id, "Siblings")
    session.commit()
    escalations.link(session, investigator, a.id, str(b.id), "Linked by hand after all")
    session.commit()
    escalations.unlink(session, investigator, a.id, b.id)
    session.commit()
    assert suggestions.for_customer(session, a.id) == []
