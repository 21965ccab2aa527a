"""TOTP second factor: enrolment by QR code, the code step of signing in, recovery codes,
and a client that makes it mandatory for its staff."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from crm.models import AuditEvent, RecoveryCode, utcnow
from crm.tenancy import two_factor
from tests.conftest import csrf_token_from
from tests.console.auth.conftest import password_sign_in, post_form


def enrol(client) -> tuple[str, list[str]]:
    """Turn two-factor on through the page as the signed-in user: (secret, recovery codes)."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    resp = client.post("/account/two-factor", data={
        "code": pyotp.TOTP(secret).now(), "csrf_token": csrf_token_from(page)})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", resp.get_data(as_text=True))
    return secret, codes


def sign_out(client):
    post_form(client, "/logout", {}, page="/account/sessions")


def enter_code(client, code: str):
    return post_form(client, "/login/code", {"code": code})


def test_enrolment_shows_a_qr_code_drawn_here_and_the_key(client, agent, login):
    login(agent)
    page = client.get("/account/two-factor").get_data(as_text=True)
    qr = page[page.index('id="totp-qr"'):page.index("</svg>")]
    assert "<svg" in qr and "http" not in qr.replace("http://www.w3.org", "")
    assert re.search(r'id="totp-secret">[A-Z2-7]{32}<', page)


def test_enrol_then_sign_in_with_a_code(client, agent, login, session):
    login(agent)
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    # Stored hashed, never as shown.
    stored = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)
    sign_out(client)

    resp = password_sign_in(client, agent.email)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login/code"
    assert client.get("/").status_code == 302  # the password alone opens nothing
    assert enter_code(client, "000000").status_code == 401
    # A fresh step's code (the enrolment used this step's).
    later = pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30))
    resp = enter_code(client, later)
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_code_is_not_taken_twice(client, agent, login):
    login(agent)
    secret, _ = enrol(client)
    sign_out(client)
    code = pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30))
    password_sign_in(client, agent.email)
    assert enter_code(client, code).status_code == 302
    sign_out(client)
    password_sign_in(client, agent.email)
    assert enter_code(client, code).status_code == 401  # seen once: a replay


def test_a_recovery_code_signs_in_once(client, agent, login, session):
    login(agent)
    _, codes = enrol(client)
    sign_out(client)
    password_sign_in(client, agent.email)
    resp = enter_code(client, codes[0].upper())
    assert resp.status_code == 302
    assert "9 left" in client.get("/").get_data(as_text=True)
    sign_out(client)
    password_sign_in(client, agent.email)
    assert enter_code(client, codes[0]).status_code == 401
    assert enter_code(client, codes[1]).status_code == 302
    used = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "two_factor.recovery_code_used")).all()
    assert len(used) == 2


def test_code_guesses_are_throttled_like_passwords(client, agent, login):
    login(agent)
    enrol(client)
    sign_out(client)
    password_sign_in(client, agent.email)
    answers = [enter_code(client, f"{n:06d}").status_code for n in range(5)]
    assert answers[-1] == 429 and set(answers[:-1]) <= {401}


def test_the_code_step_needs_the_password_first(client, agent):
    assert client.get("/login/code").headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    resp = client.post("/login/code", data={"code": "123456",
                                            "csrf_token": csrf_token_from(page)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"


@pytest.fixture
def strict_client(session, default_client):
    """The default client, requiring a second factor of its staff."""
    default_client.require_two_factor = True
    session.commit()
    return default_client


def test_a_client_can_make_two_factor_mandatory(client, agent, strict_client, token):
    resp = password_sign_in(client, agent.email)
    assert resp.status_code == 302
    # Nothing else until enrolled: pages send the user to enrolment, the API says why.
    assert client.get("/").headers["Location"] == "/account/two-factor"
    assert client.get("/board").headers["Location"] == "/account/two-factor"
    api = client.get("/api/v1/customers?q=x")
    assert api.status_code == 403 and api.json["error"]["code"] == "two_factor_required"
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "requires" in page and "id=\"two-factor-required\"" in page
    enrol(client)
    assert client.get("/").status_code == 200
    # Not to be turned off while the client requires it.
    assert 'action="/account/two-factor/off"' not in client.get(
        "/account/two-factor").get_data(as_text=True)


def test_mandatory_two_factor_cannot_be_switched_off(session, agent, strict_client):
    two_factor.begin_enrolment(session, agent)
    two_factor.confirm(session, agent, pyotp.TOTP(agent.totp_secret).now())
    session.commit()
    with pytest.raises(Exception, match="requires"):
        two_factor.disable(session, agent, "123456")


def test_two_factor_can_be_turned_off_with_a_code(client, agent, login):
    login(agent)
    secret, _ = enrol(client)
    later = pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30))
    resp = post_form(client, "/account/two-factor/off", {"code": later}, page="/account/two-factor")
    assert resp.status_code == 302
    sign_out(client)
    assert password_sign_in(client, agent.email).headers["Location"] == "/"


def test_enrolment_needs_a_right_code(client, agent, login):
    login(agent)
    resp = post_form(client, "/account/two-factor", {"code": "000000"})
    assert resp.status_code == 401 and "not right" in resp.get_data(as_text=True)
    resp = post_form(client, "/account/two-factor", {"code": ""})
    assert resp.status_code == 400
