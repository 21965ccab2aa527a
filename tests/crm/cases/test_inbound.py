"""Inbound contacts land once on the sender's case, in the client owning the address."""

import pytest

from crm.cases import landing as inbound
from crm.core.errors import NotFound
from crm.models import InboundAddress


def _msg(**kw):
    base = {"medium": "sms", "provider_id": "SM1", "sender": "+14155550100",
            "recipient": "+15005550006", "body": "hello"}
    return inbound.InboundMessage(**{**base, **kw})


def test_a_single_client_install_takes_every_address(session, default_client):
    got = inbound.receive(session, _msg())
    session.commit()
    assert got.created and got.client.id == default_client.id


def test_redelivery_is_a_no_op(session, default_client):
    first = inbound.receive(session, _msg())
    again = inbound.receive(session, _msg(body="changed"))
    session.commit()
    assert not again.created and again.interaction.id == first.interaction.id
    assert again.interaction.body == "hello"


def test_addresses_route_to_their_client(session, default_client, other_client):
    session.add(InboundAddress(client_id=other_client.id, kind="phone", value="+15005550007"))
    session.commit()
    got = inbound.receive(session, _msg(recipient="whatsapp:+15005550007", medium="whatsapp",
                                        sender="whatsapp:+14155550100"))
    assert got.client.id == other_client.id and got.case.client_id == other_client.id
    with pytest.raises(NotFound):
        inbound.receive(session, _msg(recipient="+15009999999", provider_id="SM2"))


def test_one_message_delivered_concurrently_is_stored_once(app, default_client):
    """Twilio retries racing each other: one interaction, every delivery sees the same one."""
    import threading

    from sqlalchemy import func, select

    from console.core.database import get_db
    from crm.models import Interaction

    factory = get_db(app).factory
    barrier = threading.Barrier(8)
    results, errors = [], []

    def deliver():
        s = factory()
        try:
            barrier.wait()
            got = inbound.receive(s, _msg(provider_id="SMrace"))
            s.commit()
            results.append((got.interaction.id, got.created))
        except Exception as exc:  # pragma: no cover - shown in the assertion below
            errors.append(repr(exc))
        finally:
            s.close()

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len({ident for ident, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Interaction)) == 1
