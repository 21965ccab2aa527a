"""What a caller hears is said in their language, and Twilio is told which language it is."""

import pytest
from sqlalchemy import select

from crm.models import Customer
from tests import voice_support as tw

pytestmark = pytest.mark.usefixtures("twilio_api")

CALL = "CA" + "e" * 32


@pytest.fixture
def settings(settings):
    """Test settings with a (fake) Twilio voice account."""
    tw.configure(settings)
    return settings


def test_a_spanish_speaking_caller_hears_spanish_announcements(client, session, default_client):
    first = tw.post(client, tw.HOOKS + "/incoming", tw.incoming("CA" + "d" * 32))
    assert '<Say language="en-US">This call may be recorded' in first.get_data(as_text=True)
    customer = session.scalars(select(Customer)).one()
    customer.language = "es"
    session.commit()

    body = tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).get_data(as_text=True)
    assert ('<Say language="es-ES">Esta llamada puede ser grabada con fines de calidad y '
            "formación.</Say>") in body
    wait = tw.post(client, tw.HOOKS + "/wait", {**tw.incoming(CALL), "QueueTime": "0"})
    said = wait.get_data(as_text=True)
    assert '<Say language="es-ES">Gracias por llamar.' in said
    assert '<Say language="es-ES">Usted es el número 2 en la cola.</Say>' in said
