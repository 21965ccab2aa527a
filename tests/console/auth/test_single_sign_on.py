"""Single sign-on against a real (local) OpenID Connect provider: the whole redirect flow."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey
from sqlalchemy import select

from crm.models import AuditEvent, SignIn, User
from tests.console.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, Identity, Provider, Served


@pytest.fixture
def provider():
    """A local OIDC provider, running for the test."""
    p = Provider()
    served = Served(p)
    yield p
    served.stop()


@pytest.fixture
def settings(settings, provider):
    """Caseline configured for the provider, mapping two groups to roles."""
    settings.oidc_discovery_url = f"{provider.url}/.well-known/openid-configuration"
    settings.oidc_client_id, settings.oidc_client_secret = CLIENT_ID, CLIENT_SECRET
    settings.oidc_role_map = "cl-agents=agent,cl-sup=supervisor,cl-sup=reviewer"
    return settings


def single_sign_on(client, provider, identity: Identity | None, next_url: str | None = None):
    """Follow the redirects: Caseline -> provider (real HTTP) -> Caseline's callback."""
    provider.identity = identity
    out = client.get("/login/oidc", query_string={"next": next_url} if next_url else None)
    assert out.status_code == 302 and out.headers["Location"].startswith(provider.url)
    back = requests.get(out.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    target = urlsplit(back.headers["Location"])
    assert f"{target.scheme}://{target.netloc}" == "https://caseline.example.com"
    return client.get(f"{target.path}?{target.query}")


def test_the_sign_in_page_offers_single_sign_on(client):
    assert 'id="sso-link"' in client.get("/login").get_data(as_text=True)


def test_a_known_user_signs_in_and_takes_roles_from_groups(client, provider, agent, session):
    resp = single_sign_on(client, provider, Identity("u-1", "Agent@Example.com",
                                                     ["cl-sup", "other-team"]), "/board")
    assert resp.status_code == 302 and resp.headers["Location"] == "/board"
    assert client.get("/board").status_code == 200  # a supervisor now
    session.refresh(agent)
    assert agent.roles == ["reviewer", "supervisor"]
    row = session.scalars(select(SignIn)).one()
    assert row.method == "oidc" and row.user_id == agent.id
    assert "single sign-on" in client.get("/account/sessions").get_data(as_text=True)
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"user.signed_in", "user.roles_from_sign_on", "sign_in.started"} <= actions
    # The code was exchanged server to server, with the client's secret.
    assert provider.token_requests[-1]["grant_type"] == "authorization_code"


def test_an_unknown_email_is_refused_with_a_clear_message(client, provider, session):
    resp = single_sign_on(client, provider, Identity("u-2", "stranger@example.com",
                                                     ["cl-agents"]))
    assert resp.status_code == 403
    assert "no Caseline account for stranger@example.com" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert session.scalars(select(User)).all() == []


def test_users_are_created_on_first_sign_in_when_configured(settings, client, provider,
                                                            session, default_client):
    settings.oidc_create_users = True
    settings.oidc_new_user_clients = "default"
    resp = single_sign_on(client, provider, Identity("u-3", "new@example.com", ["cl-agents"]))
    assert resp.status_code == 302 and client.get("/").status_code == 200
    user = session.scalars(select(User)).one()
    assert user.email == "new@example.com" and user.roles == ["agent"]
    assert user.client_ids == {default_client.id} and user.password_hash is None


def test_a_new_user_whose_groups_give_no_role_is_refused(settings, client, provider, session):
    settings.oidc_create_users = True
    resp = single_sign_on(client, provider, Identity("u-4", "new@example.com", ["marketing"]))
    assert resp.status_code == 403 and "None of your groups" in resp.get_data(as_text=True)
    assert session.scalars(select(User)).all() == []


def test_an_unverified_email_is_refused(client, provider, agent):
    resp = single_sign_on(client, provider, Identity("u-5", agent.email, email_verified=False))
    assert resp.status_code == 403 and "not verified" in resp.get_data(as_text=True)


def test_an_id_token_signed_by_another_key_is_refused(client, provider, agent):
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    resp = single_sign_on(client, provider, Identity("u-6", agent.email, ["cl-agents"]))
    assert resp.status_code == 400 and "could not be verified" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_provider_saying_no_is_shown(client, provider):
    resp = single_sign_on(client, provider, None)
    assert resp.status_code == 400 and "the user said no" in resp.get_data(as_text=True)


def test_a_callback_without_our_state_is_refused(client, provider, agent):
    resp = client.get("/login/oidc/callback?code=forged&state=forged")
    assert resp.status_code == 400
    assert client.get("/").status_code == 302


def test_a_disabled_user_is_refused(client, provider, agent, session):
    agent.active = False
    session.commit()
    resp = single_sign_on(client, provider, Identity("u-7", agent.email, ["cl-agents"]))
    assert resp.status_code == 403 and "disabled" in resp.get_data(as_text=True)


def test_without_configuration_single_sign_on_is_not_offered(settings, client):
    settings.oidc_discovery_url = None
    assert 'id="sso-link"' not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/oidc").status_code == 404
