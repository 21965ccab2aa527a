"""Fixtures of the sign-in tests: an SMTP peer that records mail, browsers from two places."""

from __future__ import annotations

import re

import pytest
from flask import g, has_app_context

# The email tests' SMTP peer, as a fixture here too (a real server on localhost).
from tests.channels.email.conftest import SmtpPeer, smtp  # noqa: F401
from tests.conftest import PASSWORD, csrf_token_from


def reset_link(peer: SmtpPeer, to: str) -> str:
    """The path of the reset link in the last message sent to this address."""
    mails = [m for m in peer.messages() if m["To"] == to]
    assert mails, f"no mail to {to}"
    text = mails[-1].get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https://caseline\.example\.com(/login/reset/\S+)", text)
    assert match, text
    return match.group(1)


_PER_REQUEST = ("csrf_token", "_login_user", "sign_in", "api_token")


def _forget_the_last_request() -> None:
    for name in _PER_REQUEST:
        g.pop(name, None)


@pytest.fixture(autouse=True)
def _one_g_per_request(request):
    """With a test's app context open (the session fixture), every request of every test
    client shares one g: without this a second browser would be handed the first one's
    signed-in user (Flask-Login) and CSRF token (Flask-WTF), cached on g."""
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.before_request_funcs.setdefault(None, []).insert(0, _forget_the_last_request)


def fresh_csrf() -> None:
    """Forget the cached CSRF token before rendering a form outside a request (same reason)."""
    if has_app_context():
        g.pop("csrf_token", None)


def post_form(client, path: str, data: dict, page: str | None = None, **kwargs):
    """POST a form with the CSRF token of the page it is on (GET path first unless given)."""
    fresh_csrf()
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={**data, "csrf_token": csrf_token_from(html)}, **kwargs)


def password_sign_in(client, email: str, password: str = PASSWORD, **kwargs):
    """The sign-in form, POSTed."""
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)
