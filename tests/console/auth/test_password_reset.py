"""Password reset by email: one link, good once and briefly, that reveals no accounts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.models import AuditEvent, PasswordReset
from crm.tenancy import passwords
from tests.conftest import PASSWORD
from tests.console.auth.conftest import password_sign_in, post_form, reset_link

NEW = "a brand new passphrase"


def ask_for_link(client, email):
    return post_form(client, "/login/forgot", {"email": email})


def test_the_sign_in_page_offers_a_reset(client):
    assert 'href="/login/forgot"' in client.get("/login").get_data(as_text=True)


def test_a_reset_link_by_email_sets_a_new_password_once(client, agent, smtp):
    resp = ask_for_link(client, "Agent@Example.com")
    assert resp.status_code == 200 and "on its way" in resp.get_data(as_text=True)
    [mail] = smtp.messages()
    assert mail["To"] == agent.email and "password" in mail["Subject"].lower()
    link = reset_link(smtp, agent.email)

    assert client.get(link).status_code == 200
    resp = post_form(client, link, {"password": NEW, "again": NEW})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert password_sign_in(client, agent.email, PASSWORD).status_code == 401
    assert password_sign_in(client, agent.email, NEW).status_code == 302

    again = client.get(link)
    assert again.status_code == 400 and "used already" in again.get_data(as_text=True)


def test_a_link_dies_when_used_even_if_the_password_stays_the_same(client, agent, smtp):
    ask_for_link(client, agent.email)
    link = reset_link(smtp, agent.email)
    assert post_form(client, link, {"password": PASSWORD, "again": PASSWORD}).status_code == 302
    resp = client.post(link, data={"password": PASSWORD, "again": PASSWORD})
    assert resp.status_code == 400 and "used already" in resp.get_data(as_text=True)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, agent, smtp):
    known = ask_for_link(client, agent.email).get_data(as_text=True)
    unknown = ask_for_link(client, "nobody@example.com").get_data(as_text=True)
    assert _without_tokens(known) == _without_tokens(unknown)
    assert [m["To"] for m in smtp.messages()] == [agent.email]


def test_an_expired_link_is_refused(client, agent, smtp, session):
    ask_for_link(client, agent.email)
    link = reset_link(smtp, agent.email)
    reset = session.scalars(select(PasswordReset)).one()
    reset.expires_at = reset.created_at  # as if 30 minutes had passed
    session.commit()
    resp = client.get(link)
    assert resp.status_code == 400 and "expired" in resp.get_data(as_text=True)
    assert client.post(link, data={"password": NEW, "again": NEW}).status_code == 400
    assert password_sign_in(client, agent.email, PASSWORD).status_code == 302


def test_a_link_is_good_for_thirty_minutes_by_the_clock(session, agent):
    reset = passwords.request_reset(session, agent.email)
    session.commit()
    start = reset.created_at
    assert passwords.usable(session, reset.id, start + timedelta(minutes=29)) is reset
    with pytest.raises(passwords.ResetRefused, match="expired"):
        passwords.reset_password(session, reset.id, NEW, start + timedelta(minutes=30))


@pytest.mark.parametrize("token", ["1", "MQ.forged", "x" * 300])
def _without_tokens(html: str) -> str:
    # Each page carries its own CSRF token; everything else must be the same.
    return re.sub(r'(content|value)="[\w.-]{40,}"', "", html)


def test_a_made_up_link_is_refused(client, agent, token):
    resp = client.get(f"/login/reset/{token}")
    assert resp.status_code == 400 and "not valid" in resp.get_data(as_text=True)


def test_a_new_password_ends_every_sign_in_of_the_account(app, client, agent, smtp):
    elsewhere = app.test_client()
    assert password_sign_in(elsewhere, agent.email).status_code == 302
    assert elsewhere.get("/").status_code == 200
    ask_for_link(client, agent.email)
    post_form(client, reset_link(smtp, agent.email), {"password": NEW, "again": NEW})
    assert elsewhere.get("/").status_code == 302  # the thief's browser is out


def test_the_link_uses_the_public_url_whatever_host_was_asked(client, agent, smtp):
    page = client.get("/login/forgot", headers={"Host": "evil.test"}).get_data(as_text=True)
    from tests.conftest import csrf_token_from

    client.post("/login/forgot", headers={"Host": "evil.test"},
                data={"email": agent.email, "csrf_token": csrf_token_from(page)})
    assert "evil.test" not in smtp.messages()[0].get_body(("plain",)).get_content()
    assert reset_link(smtp, agent.email).startswith("/login/reset/")


def test_a_weak_or_mismatched_password_leaves_the_link_usable(client, agent, smtp):
    ask_for_link(client, agent.email)
    link = reset_link(smtp, agent.email)
    assert post_form(client, link, {"password": "short", "again": "short"}).status_code == 400
    resp = post_form(client, link, {"password": NEW, "again": NEW + "x"})
    assert resp.status_code == 400 and "differ" in resp.get_data(as_text=True)
    assert post_form(client, link, {"password": NEW, "again": NEW}).status_code == 302


def test_requests_and_resets_are_audited(client, agent, smtp, session):
    ask_for_link(client, agent.email)
    post_form(client, reset_link(smtp, agent.email), {"password": NEW, "again": NEW})
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"password.reset_requested", "password.reset"} <= actions


def test_one_address_cannot_flood_a_mailbox(client, agent, smtp):
    codes = [ask_for_link(client, agent.email).status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[-1] == 429
    assert len(smtp.messages()) == 5


def test_reset_requests_do_not_use_up_the_sign_in_budget(client, agent, smtp):
    for _ in range(6):
        ask_for_link(client, agent.email)
    assert password_sign_in(client, agent.email).status_code == 302
