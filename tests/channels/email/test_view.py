"""Reading an email: the sanitised, sandboxed view, and attachment downloads, for staff only."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.models import Interaction
from crm.tenancy import users

CORPUS = Path(__file__).resolve().parents[1] / "email_corpus"


@pytest.fixture
def hostile(post_email):
    """The hostile HTML-only email, landed."""
    body = post_email((CORPUS / "12_html_only_hostile.eml").read_bytes()).get_json()
    return body["case_id"], body["interaction_id"]


def test_email_page_shows_text_and_sandboxes_the_html(client, login, agent, hostile):
    case_id, interaction_id = hostile
    login(agent)
    page = client.get(f"/cases/{case_id}/emails/{interaction_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in html
    assert "allow-scripts" not in html and "allow-same-origin" not in html
    assert "1 remote image(s) blocked" in html and 'id="load-images"' in html
    assert "Please review the attached invoice" in html


def test_html_body_is_sanitised_and_served_under_a_strict_csp(client, login, agent, hostile):
    case_id, interaction_id = hostile
    login(agent)
    resp = client.get(f"/cases/{case_id}/emails/{interaction_id}/html")
    body = resp.get_data(as_text=True).lower()
    for bad in ("<script", "onload", "onerror", "onclick", "javascript:", "__pwned", "<iframe",
                "<form", "tracker.example.net", "<style", "<svg"):
        assert bad not in body, bad
    assert 'href="https://pay.example.net/invoice/42"' in body
    policy = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "script-src" not in policy and "img-src 'none'" in policy
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    # Framed by the console's own email view, and by no other site.
    assert "frame-ancestors 'self'" in policy and resp.headers["X-Frame-Options"] == "SAMEORIGIN"
    # Images only when the agent asks for them, and then only over https.
    loaded = client.get(f"/cases/{case_id}/emails/{interaction_id}/html?images=1")
    assert "https://tracker.example.net/open.gif?id=42" in loaded.get_data(as_text=True)
    assert "img-src https:" in loaded.headers["Content-Security-Policy"]


def test_email_view_needs_sign_in_and_access_to_the_case(client, login, make_user, other_client,
                                                         hostile):
    case_id, interaction_id = hostile
    url = f"/cases/{case_id}/emails/{interaction_id}"
    assert client.get(url).status_code == 302  # to the sign-in page
    assert client.get(url + "/html").status_code == 302
    login(make_user("agent", clients=[other_client]))
    assert client.get(url).status_code == 404
    assert client.get(url + "/html").status_code == 404
    assert client.get(f"/cases/{case_id}/emails/{interaction_id + 1000}").status_code == 404


def test_attachments_download_only_for_staff_with_access(client, post_email, login, agent,
                                                         make_user, other_client, session):
    body = post_email((CORPUS / "16_lying_content_type.eml").read_bytes()).get_json()
    item = session.get(Interaction, body["interaction_id"])
    files = {a.filename: a.id for a in item.attachments}
    session.commit()
    url = f"/api/v1/attachments/{files['photo.png']}"
    assert client.get(url).status_code == 401
    outsider = make_user("agent", clients=[other_client])
    other = {"Authorization": f"Bearer {users.issue_token(session, outsider)}"}
    session.commit()
    assert client.get(url, headers=other).status_code == 404
    login(agent)
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp.data == b"<html><script>alert(1)</script></html>"
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Type"].startswith("text/html")  # sniffed, never inline
    assert "sandbox" in resp.headers["Content-Security-Policy"]
    raw = client.get(f"/api/v1/attachments/{files['message.eml']}")
    assert raw.status_code == 200 and raw.data.startswith(b"From: Olga")


def test_every_email_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/cases/{case_id}/emails/{interaction_id}"]
    assert "post" in paths["/api/v1/cases/{case_id}/emails"]
    assert "get" in paths["/api/v1/attachments/{attachment_id}"]


def test_email_api_links_to_the_page_and_html(client, hostile, token, make_user, other_client,
                                              session):
    case_id, interaction_id = hostile
    url = f"/api/v1/cases/{case_id}/emails/{interaction_id}"
    resp = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["view_url"] == f"/cases/{case_id}/emails/{interaction_id}"
    assert body["html_url"] == body["view_url"] + "/html"
    assert body["subject"] == "Please review the attached invoice" and body["auto_reply"] is False
    outsider = make_user("agent", clients=[other_client])
    other = {"Authorization": f"Bearer {users.issue_token(session, outsider)}"}
    session.commit()
    assert client.get(url, headers=other).status_code == 404
