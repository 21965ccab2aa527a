"""Messages arriving together are received together: the same outcome as one by one, in
fewer statements."""

from __future__ import annotations

from sqlalchemy import event, func, select

from console.core.database import get_db
from crm.cases.landing import InboundMessage
from crm.customers import identity
from crm.messaging import texts as messaging
from crm.models import AuditEvent, Case, ContactPoint, Customer, Interaction, Offer

OURS = "+15005550006"


def _text(sid: str, sender: str, body: str = "hello") -> InboundMessage:
    return InboundMessage(medium="sms", provider_id=sid, sender=sender, recipient=OURS,
                          body=body, meta={"twilio": {"MessageSid": sid}})


def test_a_batch_lands_like_its_messages_one_by_one(session, default_client):
    known = messaging.receive_message(session, _text("SMold0001", "+14155550100"))
    session.commit()
    batch = [_text("SMa1", "+14155550100"), _text("SMa2", "+14155550100"),
             _text("SMb1", "+14155550111"), _text("SMa1", "+14155550100"),
             _text("SMc1", "+14155550122"), _text("SMc2", "+14155550122"),
             _text("SMd1", "+14155550133", body="STOP"), _text("SMold0001", "+14155550100")]
    got = messaging.receive_messages(session, [(m, "US", []) for m in batch])
    session.commit()

    assert [g.created for g in got] == [True, True, True, False, True, True, True, False]
    assert [g.interaction.provider_id for g in got] == [m.provider_id for m in batch]
    assert got[3].interaction.id == got[0].interaction.id
    assert got[7].interaction.id == known.interaction.id
    # One case per sender: A's known one, and a new customer each for B, C and D.
    assert {g.case.id for g in got[:4]} == {known.case.id} | {got[2].case.id}
    assert got[4].case.id == got[5].case.id != known.case.id
    assert session.scalar(select(func.count()).select_from(Customer)) == 4
    assert session.scalar(select(func.count()).select_from(Interaction).where(
        Interaction.direction == "inbound")) == 7
    # One work item a conversation: A's was live already, B, C and D open one each.
    offers = session.scalars(select(Offer).order_by(Offer.id)).all()
    assert [o.interaction_id for o in offers] == [
        known.interaction.id, got[2].interaction.id, got[4].interaction.id,
        got[6].interaction.id]
    # D's STOP is obeyed as it would be alone.
    point = session.scalars(select(ContactPoint).where(
        ContactPoint.value == "+14155550133")).one()
    assert "sms" in (point.opt_outs or {})
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "customer.created")) == 4


def _statements(session, receive) -> int:
    """How many statements receive() and its commit send to the database."""
    sent = []
    engine = session.get_bind()

    def count(*_args):
        sent.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        receive()
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def test_a_batch_takes_far_fewer_statements_than_its_messages_one_by_one(
        session, default_client):
    senders = [f"+141555502{n:02d}" for n in range(4)]
    for n, sender in enumerate(senders):
        messaging.receive_message(session, _text(f"SMfirst{n}", sender))
    session.commit()

    def texts(tag: str, new: str):
        # Four returning senders, and two texts from someone new.
        return [_text(f"SM{tag}{n}", sender) for n, sender in enumerate(senders)] + [
            _text(f"SM{tag}new{n}", new) for n in range(2)]

    alone = _statements(session, lambda: [messaging.receive_message(session, m)
                                          for m in texts("alone", "+14155550301")])
    together = _statements(session, lambda: messaging.receive_messages(
        session, [(m, "US", []) for m in texts("together", "+14155550302")]))
    assert together * 5 <= alone * 3, (together, alone)
    assert session.scalar(select(func.count()).select_from(Interaction)) == 16


def test_first_contacts_another_transaction_made_meanwhile_are_read(app, default_client):
    """create_many after a look-up found nothing: a contact point created since by someone
    else is read, not duplicated, and no half-made customer is left behind."""
    factory = get_db(app).factory
    with factory() as other:
        theirs = identity.find_or_create(other, default_client.id, "+14155550177")[1]
        other.commit()
    with factory() as s:
        cases = identity.create_many(s, default_client.id, [
            ("phone", "+14155550166", "New One"), ("phone", "+14155550177", None)])
        s.commit()
        assert cases[("phone", "+14155550177")].id == theirs.id
        assert cases[("phone", "+14155550166")].id != theirs.id
        assert s.scalar(select(func.count()).select_from(Customer)) == 2
        assert s.scalar(select(func.count()).select_from(Case)) == 2
        assert s.scalar(select(Customer.display_name).join(
            Case, Case.customer_id == Customer.id).where(
            Case.id == cases[("phone", "+14155550166")].id)) == "New One"
