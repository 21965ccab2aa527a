"""Email pages and mail customers read: in their language where we have it, else English;
and a chat's transcript, emailed at the visitor's request through the one send pipeline."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from console.core.extensions import socketio
from console.email.mail_tasks import opt_out_url
from crm.models import AuditEvent, Case, Interaction

CUSTOMER_MAIL = (b"From: Lucia Garcia <lucia@example.es>\r\n"
                 b"To: cases@caseline.example.com\r\n"
                 b"Subject: Mi reclamacion\r\n"
                 b"Message-ID: <first.lucia@example.es>\r\n\r\n"
                 b"Hola, tengo una pregunta.\r\n")


def _opt_out_path(app, settings, session, language):
    case = session.scalars(select(Case)).one()
    case.customer.language = language
    session.commit()
    with app.test_request_context():
        return urlsplit(opt_out_url(settings, case.id, "lucia@example.es")).path


def test_the_opt_out_page_is_in_the_customers_spanish(app, client, settings, session,
                                                      post_email):
    post_email(CUSTOMER_MAIL)
    path = _opt_out_path(app, settings, session, "es")
    page = client.get(path).get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "¿Dejar de recibir correos de" in page and "Dejar de recibir correos</button>" in page
    done = client.post(path).get_data(as_text=True)
    assert "Se ha dado de baja" in done and "<strong>lucia@example.es</strong>" in done
    # The page is in the customer's language, not the browser's, and English without one.
    path = _opt_out_path(app, settings, session, None)
    page = client.get(path, headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "You are unsubscribed" in page


def test_a_broken_opt_out_link_is_explained_in_the_browsers_language(client):
    page = client.get("/email/opt-out/broken", headers={"Accept-Language": "es-ES,es"})
    assert page.status_code == 404 and "Este enlace no es válido" in page.get_data(as_text=True)


def test_the_visitor_gets_the_chat_transcript_by_email(app, client, session, default_client,
                                                       smtp, token):
    sio = socketio.test_client(app, namespace="/chat")
    ack = sio.emit("chat.start", {"key": "default", "name": "Lucía", "email": "lucia@example.es",
                                  "language": "es"}, namespace="/chat", callback=True)
    assert ack["ok"] and ack["email"] == "lucia@example.es"
    sio.emit("chat.message", {"body": "¿Está pagada mi reclamación?", "id": "m1"},
             namespace="/chat", callback=True)
    case_id = session.scalars(select(Case.id)).one()
    session.rollback()
    client.post(f"/api/v1/cases/{case_id}/messages", headers={"Authorization": f"Bearer {token}"},
                json={"medium": "chat", "body": "Sí, ayer."})
    sent = sio.emit("chat.transcript", {}, namespace="/chat", callback=True)
    assert sent == {"ok": True, "to": "lucia@example.es"}

    [msg] = smtp.messages()
    assert msg["To"] == "lucia@example.es"
    assert msg["Subject"].startswith("La transcripción de su chat [CL-")
    text = msg.get_body(("plain",)).get_content()
    assert "Usted: ¿Está pagada mi reclamación?" in text and "User 1: Sí, ayer." in text
    item = session.scalars(select(Interaction).where(Interaction.medium == "email")).one()
    assert item.status == "sent" and item.meta["kind"] == "chat_transcript"
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "chat.transcript_emailed")).one()


def test_a_visitor_who_gave_no_email_is_told_plainly_there_is_nowhere_to_send_it(
        app, session, default_client, smtp):
    sio = socketio.test_client(app, namespace="/chat")
    sio.emit("chat.start", {"key": "default", "name": "Ana", "phone": "+14155550123"},
             namespace="/chat", callback=True)
    refused = sio.emit("chat.transcript", {}, namespace="/chat", callback=True)
    assert refused["ok"] is False
    assert refused["error"]["message"].startswith("We can only email the transcript to")
    assert smtp.messages() == []
