"""Sign-in, throttling, CSRF, and authentication on pages and the API."""

from tests.conftest import PASSWORD, csrf_token_from


def _login_page(client):
    return csrf_token_from(client.get("/login").get_data(as_text=True))


def test_pages_redirect_to_sign_in(client):
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_sign_in_and_out(client, agent):
    resp = client.post("/login", data={"email": agent.email, "password": PASSWORD,
                                       "csrf_token": _login_page(client)})
    assert resp.status_code == 302
    page = client.get("/")
    assert page.status_code == 200 and agent.name in page.get_data(as_text=True)
    out = client.post("/logout", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert out.status_code == 302
    assert client.get("/").status_code == 302


def test_sign_in_without_csrf_token_is_refused(client, agent):
    resp = client.post("/login", data={"email": agent.email, "password": PASSWORD})
    assert resp.status_code == 400
    assert "reload the page" in resp.get_data(as_text=True)


def test_wrong_password_five_times_makes_this_browser_wait_with_a_clear_message(client, agent):
    token = _login_page(client)
    for _ in range(5):
        resp = client.post("/login", data={"email": agent.email, "password": "nope-nope",
                                           "csrf_token": token})
        assert resp.status_code == 401
        assert "Wrong email or password." in resp.get_data(as_text=True)
    resp = client.post("/login", data={"email": agent.email, "password": PASSWORD,
                                       "csrf_token": token})
    assert resp.status_code == 429 and resp.headers["Retry-After"]
    assert "Try again in 15 minutes." in resp.get_data(as_text=True)


def test_unknown_email_gets_the_same_message(client, agent):
    resp = client.post("/login", data={"email": "ghost@example.com", "password": PASSWORD,
                                       "csrf_token": _login_page(client)})
    assert resp.status_code == 401 and "Wrong email or password." in resp.get_data(as_text=True)


def test_next_cannot_redirect_off_site(client, agent):
    resp = client.post("/login?next=//evil.example/x",
                       data={"email": agent.email, "password": PASSWORD,
                             "csrf_token": _login_page(client)})
    assert resp.headers["Location"] == "/"


def test_api_without_credentials_is_401_json(client):
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


def test_api_with_a_bad_token_is_401_json_not_a_redirect(client, token):
    resp = client.get("/api/v1/me", headers={"Authorization": "Bearer cl_wrong"})
    assert resp.status_code == 401
    assert resp.is_json and resp.get_json()["error"]["message"] == "invalid or revoked API token"


def test_api_with_a_token(client, token, agent):
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.get_json()["email"] == agent.email


def test_api_with_the_session_cookie(client, agent, login):
    login(agent)
    assert client.get("/api/v1/me").get_json()["id"] == agent.id


def test_unknown_api_route_is_json_404(client, token):
    resp = client.get("/api/v1/nothing-here", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
