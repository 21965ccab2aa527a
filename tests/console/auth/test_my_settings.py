"""My settings: one's language and notifications, kept on the server, CSRF-checked, audited;
the console then speaks the language chosen."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from crm.models import AuditEvent, User
from tests.console.auth.conftest import password_sign_in, post_form

PAGE = "/account/settings"


def test_a_user_chooses_spanish_and_the_console_speaks_it(app, client, agent, session):
    assert password_sign_in(client, agent.email).status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="settings-locale"' in page and "My settings" in page
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)

    resp = post_form(client, PAGE, {"locale": "es", "desktop": "1"})
    assert resp.status_code == 302
    saved = session.scalars(select(User).where(User.id == agent.id)).one()
    session.refresh(saved)
    assert saved.locale == "es"
    assert saved.preferences["notifications"] == {"desktop": True, "sound": False}
    page = client.get(PAGE).get_data(as_text=True)
    assert '<html lang="es">' in page and "Mis ajustes" in page
    assert "Sus ajustes se han guardado." in page  # the flash, in the language just chosen
    console = client.get("/").get_data(as_text=True)
    assert '<html lang="es">' in console and "Cerrar sesión" in console
    assert "Lista de trabajo" in console and "Mis ajustes" in console
    # The JavaScript's strings ride along in the page for static/js/i18n.js.
    texts = json.loads(re.search(r'<script type="application/json" id="caseline-texts">(.*?)'
                                 r'</script>', console, re.S).group(1))
    assert texts["Assigned"] == "Asignados"
    assert texts["%(num)d unread"] == ["%(num)d sin leer"] * 3  # one, many, other
    changes = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.preferences_changed")).all()
    assert {tuple(c.after) for c in changes} == {("locale",), ("notifications",)}

    # Back to the browser's language.
    assert post_form(client, PAGE, {"locale": ""}).status_code == 302
    english = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert '<script type="application/json" id="caseline-texts">{}</script>' in english


def test_settings_refuse_a_forged_post_and_a_language_without_a_catalogue(app, client, agent,
                                                                         session):
    assert password_sign_in(client, agent.email).status_code == 302
    assert client.post(PAGE, data={"locale": "es"}).status_code == 400  # no CSRF token
    resp = post_form(client, PAGE, {"locale": "pl"})
    assert resp.status_code == 422 and "language: one of en, es" in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, agent.id).locale is None


def test_settings_need_a_signed_in_user(client):
    assert client.get(PAGE).status_code == 302
