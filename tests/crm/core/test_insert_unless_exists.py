"""db.insert_unless_exists: one statement, and the object it hands back is the stored row."""

from sqlalchemy import select

from crm.core import db
from crm.customers import identity
from crm.models import Interaction, Offer

KEY = ["client_id", "medium", "provider_id"]


def _stored(session, model, ident) -> dict:
    # The row as the database holds it, read with Core (not through the session's objects).
    table = model.__table__
    row = session.connection().execute(select(table).where(table.c.id == ident)).one()
    return dict(row._mapping)


def _columns(item) -> dict:
    return {c.name: getattr(item, c.key) for c in type(item).__table__.c}


def test_the_new_object_holds_every_column_as_stored_defaults_included(session,
                                                                       default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550123")
    item = db.insert_unless_exists(session, Interaction, dict(
        client_id=default_client.id, case_id=case.id, medium="voice", direction="inbound",
        provider_id="CA" + "1" * 32, meta={"call": {"From": "+14155550123"}}), KEY)
    offer = db.insert_unless_exists(session, Offer, dict(
        client_id=default_client.id, case_id=case.id, interaction_id=item.id, queue="fraud",
        medium="voice", offered_to=[], declined_by=[]), ["interaction_id"])
    session.flush()

    for made in (item, offer):
        assert _columns(made) == _stored(session, type(made), made.id)
        # The session's own object: a later get() finds it without reading again.
        assert session.get(type(made), made.id) is made
    assert item.status == "received" and item.status_seq == -1 and item.body == ""
    assert item.occurred_at.tzinfo is not None
    assert offer.status == "open" and offer.priority == 0 and offer.sla_breached is False


def test_a_second_insert_with_the_same_key_writes_nothing_and_returns_none(session,
                                                                         default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550124")
    values = dict(client_id=default_client.id, case_id=case.id, medium="sms",
                  direction="inbound", provider_id="SM" + "2" * 32, body="first")
    first = db.insert_unless_exists(session, Interaction, values, KEY)
    assert db.insert_unless_exists(session, Interaction, {**values, "body": "again"}, KEY) is None
    stored = session.scalars(select(Interaction).where(
        Interaction.provider_id == values["provider_id"])).all()
    assert stored == [first] and first.body == "first"
