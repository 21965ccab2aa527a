"""A STOP is confirmed in the customer's language where we have it, else in English."""

from sqlalchemy import select

from crm.models import Case
from tests.channels.twilio_fakes import post_signed, sms

INCOMING = "/webhooks/twilio/messaging/incoming"


def _customer_speaks(client, session, api_headers, language):
    case = session.scalars(select(Case)).one()
    customer_id = case.customer_id
    session.rollback()
    resp = client.patch(f"/api/v1/customers/{customer_id}", headers=api_headers,
                        json={"language": language})
    assert resp.status_code == 200, resp.get_json()


def test_a_spanish_speaking_customers_stop_is_confirmed_in_spanish(client, session, twilio,
                                                                   api_headers):
    post_signed(client, INCOMING, sms("SMes000001", "Hola, ¿mi reembolso?"))
    _customer_speaks(client, session, api_headers, "es-MX")
    post_signed(client, INCOMING, sms("SMes000002", "STOP"))
    assert [m["Body"] for m in twilio.messages] == [
        "Se ha dado de baja y no recibirá más mensajes de texto nuestros. "
        "Responda START para volver a suscribirse."]


def test_a_language_without_a_catalogue_gets_the_english_confirmation(client, session, twilio,
                                                                      api_headers):
    post_signed(client, INCOMING, sms("SMpl000001", "Dzień dobry"))
    _customer_speaks(client, session, api_headers, "pl")
    post_signed(client, INCOMING, sms("SMpl000002", "STOP"))
    assert twilio.messages[-1]["Body"].startswith("You are unsubscribed")
