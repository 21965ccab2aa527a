"""The chat widget as a client configures it: branding, pre-chat questions, the place in the
queue, the rating at the end, files from the visitor, and the visitor's language."""

import struct
import zlib

import pytest
from sqlalchemy import select

from console.core.extensions import socketio
from crm.models import Attachment, AuditEvent, ChatVisit, InboundAddress, Interaction, Offer

NS = "/chat"


def visitor(app):
    return socketio.test_client(app, namespace=NS)


def emit(sio, event, data=None):
    return sio.emit(event, data or {}, namespace=NS, callback=True)


def start(sio, key="default", **fields):
    return emit(sio, "chat.start", {"key": key, "name": "Ana Adeyemi",
                                    "email": "ana@example.com", **fields})


def png(size: int = 0) -> bytes:
    """A real 1x1 PNG (with `size` bytes of padding in a text chunk)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"c\x00" + b"x" * size)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


@pytest.fixture
def branded(session, default_client):
    """The default client with its colours, logo and greeting, and a widget that asks for a
    phone (required) and no email."""
    default_client.brand_colour = "#f5c518"
    default_client.logo_url = "https://acme.example/logo.png"
    default_client.greeting = "Hi! Acme Insurance here."
    session.add(InboundAddress(client_id=default_client.id, kind="chat", value="acme-web",
                               widget={"fields": {"name": "required", "email": "off",
                                                  "phone": "required"}}))
    session.commit()
    return default_client


def test_the_widget_wears_the_clients_colours_logo_and_greeting(client, branded):
    page = client.get("/chat/widget?key=acme-web").get_data(as_text=True)
    assert "--brand: #f5c518" in page
    assert "--on-brand: #111111" in page  # dark text on a light brand colour stays readable
    assert 'src="https://acme.example/logo.png"' in page
    assert "Hi! Acme Insurance here." in page


def test_a_bad_stored_colour_or_logo_never_reaches_the_page(client, session, branded):
    branded.brand_colour = "}body{"  # a column holds 7 characters: enough to break out of CSS
    branded.logo_url = "javascript:alert(1)"
    session.commit()
    page = client.get("/chat/widget?key=acme-web").get_data(as_text=True)
    assert "--brand: #1f4e79" in page and "javascript:" not in page
    assert "}body{" not in page


def test_an_unknown_widget_says_chat_is_unavailable_in_plain_words(client, session,
                                                                    default_client, other_client):
    # Two clients and no address for this key: nobody owns it.
    page = client.get("/chat/widget?key=nobody").get_data(as_text=True)
    assert "Chat is not available here right now" in page
    assert 'id="chat-start"' not in page


def test_the_pre_chat_form_asks_what_the_widget_is_configured_to_ask(client, branded):
    page = client.get("/chat/widget?key=acme-web").get_data(as_text=True)
    assert 'name="phone"' in page and 'name="email"' not in page
    default = client.get("/chat/widget?key=default").get_data(as_text=True)
    assert 'name="email"' in default and 'name="phone"' in default


def test_required_pre_chat_fields_are_enforced_in_plain_words(app, session, branded):
    sio = visitor(app)
    ack = emit(sio, "chat.start", {"key": "acme-web", "name": "Ana"})
    assert ack["ok"] is False and ack["error"]["message"] == "Please enter your phone number."
    ack = emit(sio, "chat.start", {"key": "acme-web", "name": "Ana", "phone": "not-an-address"})
    assert ack["error"]["message"] == "Please enter a phone number like +44 20 7946 0000."
    ack = emit(sio, "chat.start", {"key": "acme-web", "name": "", "phone": "+14155550123"})
    assert ack["error"]["message"] == "Please tell us your name."
    assert session.scalars(select(ChatVisit)).all() == []
    ack = emit(sio, "chat.start", {"key": "acme-web", "name": "Ana", "phone": "+1 415 555 0123"})
    assert ack["ok"] is True
    assert session.scalars(select(ChatVisit.contact)).one() == "+14155550123"


def test_a_widget_is_configured_by_an_administrator_only(session, branded, make_user):
    from crm.chat import widgets
    from crm.core.errors import Forbidden

    agent, admin = make_user("agent"), make_user("admin")
    with pytest.raises(Forbidden):
        widgets.configure(session, agent, "acme-web", {"email": "required"})
    widgets.configure(session, admin, "acme-web", {"email": "required", "phone": "off"})
    session.commit()
    look = widgets.widget_for(session, "acme-web")
    assert look.requires("email") and not look.asks("phone")
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "chat.widget_configured")).one()


def test_a_waiting_visitor_sees_their_place_in_the_queue_move_up(app, session, default_client,
                                                                  token):
    first, second = visitor(app), visitor(app)
    start(first)
    start(second, name="Ben Okafor", email="ben@example.com")
    assert emit(first, "chat.message", {"body": "Hello?", "id": "a1"})["place"] == 1
    assert emit(second, "chat.message", {"body": "Hi there", "id": "b1"})["place"] == 2
    assert emit(second, "chat.place")["place"] == 2

    offer_id = session.scalars(select(Offer.id).order_by(Offer.id)).first()
    session.rollback()
    agent = socketio.test_client(app, namespace="/agent", auth={"token": token})
    taken = agent.emit("offer.accept", {"offer_id": offer_id}, namespace="/agent", callback=True)
    assert taken["ok"], taken
    assert emit(first, "chat.place")["place"] is None  # an agent has it
    assert emit(second, "chat.place")["place"] == 1


def test_the_visitor_rates_the_chat_and_it_shows_on_the_case_timeline(
        app, client, session, default_client, token):
    sio = visitor(app)
    start(sio)
    emit(sio, "chat.message", {"body": "Thanks for the help", "id": "m1"})
    assert emit(sio, "chat.end")["ok"]
    bad = emit(sio, "chat.rate", {"score": 7})
    assert bad["ok"] is False and bad["error"]["message"] == "Please choose a rating from 1 to 5."
    assert emit(sio, "chat.rate", {"score": 4, "comment": "Quick and kind"})["ok"]
    visit = session.scalars(select(ChatVisit)).one()
    assert (visit.csat_score, visit.csat_comment) == (4, "Quick and kind")
    assert visit.ended_at is not None
    session.rollback()

    timeline = client.get(f"/api/v1/cases/{visit.case_id}/timeline",
                          headers={"Authorization": f"Bearer {token}"}).get_json()
    [rating] = [i for i in timeline["items"] if i["medium"] == "system"]
    assert rating["body"] == "Chat rated 4 of 5 by Ana Adeyemi: “Quick and kind”"
    assert emit(sio, "chat.rate", {"score": 5})["ok"] is False  # rated once


def upload(client, token, data, name="photo.png", ident="f1"):
    from io import BytesIO

    return client.post("/chat/files", data={"file": (BytesIO(data), name), "id": ident},
                       headers={"X-Chat-Token": token}, content_type="multipart/form-data")


def test_a_visitor_sends_a_picture_that_agents_can_open(app, client, session, default_client,
                                                        token):
    sio = visitor(app)
    ack = start(sio)
    resp = upload(client, ack["token"], png())
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["message"]["body"] == "File: photo.png"
    att = session.scalars(select(Attachment)).one()
    assert att.content_type == "image/png" and att.filename == "photo.png"
    session.rollback()
    got = client.get(f"/api/v1/attachments/{att.id}",
                     headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200 and got.data == png()


@pytest.mark.parametrize(("data", "name", "status", "words"), [
    (b"MZ\x90\x00 not a picture", "invoice.pdf.exe", 400, "We can only accept pictures"),
    (b"", "empty.png", 400, "That file is empty"),
])
def test_files_the_chat_refuses_are_refused_in_plain_words(app, client, session, default_client,
                                                           data, name, status, words):
    ack = start(visitor(app))
    resp = upload(client, ack["token"], data, name)
    assert resp.status_code == status
    assert resp.get_json()["error"]["message"].startswith(words)
    assert session.scalars(select(Attachment)).all() == []
    assert session.scalars(select(Interaction).where(
        Interaction.medium == "chat", Interaction.provider_id.not_like("%:start"))).all() == []


def test_a_file_over_the_limit_is_refused_and_a_forged_token_too(app, client, session,
                                                                 default_client):
    ack = start(visitor(app))
    resp = upload(client, ack["token"], png(5 * 1024 * 1024 + 10))
    assert resp.status_code == 413
    assert "smaller than 5 MB" in resp.get_json()["error"]["message"]
    resp = upload(client, "forged", png())
    assert resp.status_code == 410 and "expired" in resp.get_json()["error"]["message"]
    assert session.scalars(select(Attachment)).all() == []


def test_the_widget_speaks_spanish_to_a_spanish_visitor(app, client, session, default_client):
    page = client.get("/chat/widget?key=default",
                      headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html and "Iniciar el chat" in html and "Su nombre" in html
    assert "Iniciar el chat" in client.get("/chat/widget?key=default&lang=es").get_data(
        as_text=True)
    assert "Start chat" in client.get("/chat/widget?key=default&lang=pl").get_data(as_text=True)

    sio = visitor(app)
    ack = emit(sio, "chat.start", {"key": "default", "name": "Lucía", "email": "lucia@",
                                   "language": "es"})
    assert ack["error"]["message"] == ("Introduzca un correo electrónico como "
                                       "nombre@ejemplo.com.")
    assert emit(sio, "chat.start", {"key": "default", "name": "Lucía",
                                    "email": "lucia@example.es", "language": "es"})["ok"]
    visit = session.scalars(select(ChatVisit)).one()
    assert visit.language == "es"
    from crm.models import Case
    assert session.get(Case, visit.case_id).customer.language == "es"  # a new customer's




def test_a_returning_visitor_is_told_their_place_too(app, session, default_client):
    first = visitor(app)
    start(first)
    assert emit(first, "chat.message", {"body": "Hello?", "id": "a1"})["place"] == 1
    again = visitor(app)  # the same customer, another visit: the case's waiting item is theirs
    start(again)
    assert emit(again, "chat.message", {"body": "Still there?", "id": "a2"})["place"] == 1


@pytest.mark.parametrize("brand", ["#1f4e79", "#f5c518", "#000000", "#ffffff", "#0f5c55"])
def test_the_brand_colour_reads_on_the_page_in_light_and_dark(brand):
    from crm.chat import widgets

    light = widgets.readable_on(brand, widgets.LIGHT_PAGE)
    dark = widgets.readable_on(brand, widgets.DARK_PAGE)
    assert widgets.contrast(light, widgets.LIGHT_PAGE) >= 4.5
    assert widgets.contrast(dark, widgets.DARK_PAGE) >= 4.5
    # On the brand itself (header, buttons) the chosen text reads too.
    assert widgets.contrast(widgets.text_on(brand), brand) >= 4.5


def test_the_widget_page_follows_the_visitors_colour_scheme(client, branded):
    page = client.get("/chat/widget?key=acme-web").get_data(as_text=True)
    # A yellow brand is too light as text on white: darkened there, itself on the dark page.
    assert "--brand-ink: #7a620c;" in page
    assert "@media (prefers-color-scheme: dark) { .chat { --brand-ink: #f5c518; } }" in page
