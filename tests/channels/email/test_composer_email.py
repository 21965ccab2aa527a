"""Email from the case composer (POST /cases/<id>/messages): bad input is a clear 4xx."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.models import Interaction

CUSTOMER_MAIL = (b"From: Lerato Naidoo <lerato@example.co.za>\r\n"
                 b"To: cases@caseline.example.com\r\n"
                 b"Subject: My claim for the burst geyser\r\n"
                 b"Message-ID: <composer.customer.mail@example.co.za>\r\n\r\n"
                 b"Hello, my geyser burst. What now?\r\n")


@pytest.fixture
def case_id(post_email):
    """A case opened by the customer's email, so the composer can answer by email."""
    return post_email(CUSTOMER_MAIL).get_json()["case_id"]


@pytest.mark.parametrize(("fields", "text"), [
    ({"subject": ""}, "an email needs a subject"),
    ({"subject": "   "}, "an email needs a subject"),
    ({}, "an email needs a subject"),
    ({"subject": "Your claim", "body": ""}, "an email needs a body"),
    ({"subject": "Your claim", "to": "x"}, "not an email address"),
])
def test_a_composer_email_without_subject_text_or_address_is_a_clear_422_storing_nothing(
        client, token, case_id, smtp, session, fields, text):
    payload = {"medium": "email", "body": "Hello again", **fields}
    resp = client.post(f"/api/v1/cases/{case_id}/messages", json=payload,
                       headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 422, resp.get_json()
    assert text in resp.get_json()["error"]["message"].lower()
    assert session.scalars(select(Interaction).where(
        Interaction.direction == "outbound")).all() == []
    assert smtp.messages() == []
    session.commit()


def test_a_composer_reply_threads_under_the_customers_last_email(client, token, case_id, smtp,
                                                                 session):
    resp = client.post(f"/api/v1/cases/{case_id}/messages", headers={
        "Authorization": f"Bearer {token}"}, json={
        "medium": "email", "subject": "Re: My claim for the burst geyser",
        "body": "An assessor will call you tomorrow."})
    assert resp.status_code == 202, resp.get_json()
    [sent] = smtp.messages()
    assert sent["In-Reply-To"] == "<composer.customer.mail@example.co.za>"
    assert "<composer.customer.mail@example.co.za>" in sent["References"]


def test_a_file_attached_in_the_composer_goes_as_a_mime_part(client, token, case_id, smtp,
                                                             session):
    import io

    headers = {"Authorization": f"Bearer {token}"}
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    made = client.post(f"/api/v1/cases/{case_id}/uploads", headers=headers,
                       data={"file": (io.BytesIO(pdf), "claim form.pdf")},
                       content_type="multipart/form-data")
    assert made.status_code == 201, made.get_json()
    resp = client.post(f"/api/v1/cases/{case_id}/messages", headers=headers, json={
        "medium": "email", "subject": "Your claim form", "body": "Attached.",
        "attachment_ids": [made.get_json()["id"]]})
    assert resp.status_code == 202, resp.get_json()
    [sent] = smtp.messages()
    [part] = list(sent.iter_attachments())
    assert part.get_filename() == "claim form.pdf"
    assert part.get_content_type() == "application/pdf" and part.get_content() == pdf
    item = session.get(Interaction, resp.get_json()["id"])
    assert [a.filename for a in item.attachments if a.kind == "file"] == ["claim form.pdf"]
    session.commit()
