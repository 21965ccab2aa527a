"""Inbound email: a corpus of real-world messages through the webhook, auth and size limits."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.cases import timeline
from crm.customers import identity
from crm.models import Attachment, Case, Customer, Interaction
from tests.channels.email.conftest import TOKEN

CORPUS = Path(__file__).resolve().parents[1] / "email_corpus"
FILES = sorted(CORPUS.glob("*.eml"))
# Refused with a clear 4xx: no sender to file it under.
REFUSED = {"53_no_from_at_all", "54_not_an_email"}
# A bounce for something we never sent: acknowledged, nothing opened.
IGNORED = {"23_bounce_for_unknown_message"}
BOUNCES = {"20_bounce_postfix_dsn": "<cl.corpus0outbound01@caseline.example.com>",
           "21_bounce_exchange_headers_only": "<cl.corpus0outbound02@caseline.example.com>",
           "22_bounce_qmail_plaintext": "<cl.corpus0outbound03@caseline.example.com>"}
AUTO = {"24_auto_submitted", "25_outlook_out_of_office", "26_precedence_autoreply"}


def count(session, model) -> int:
    n = session.scalar(select(func.count()).select_from(model))
    session.commit()
    return n


@pytest.fixture
def our_outbound(session, default_client):
    """Three emails we sent earlier (the corpus bounces answer them)."""
    _, case, _ = identity.find_or_create(session, default_client.id, "recipient@example.org",
                                         kind="email")
    ids = {}
    for name, mid in BOUNCES.items():
        item, _ = timeline.record(session, case, medium="email", direction="outbound",
                                  status="sent", provider_id=mid, thread_key=mid,
                                  subject="Your claim", body="Hello", to_addr="x@example.org")
        ids[name] = item.id
    session.commit()
    return case.id, ids


def test_corpus_is_ingested_once_each_on_exactly_one_case(post_email, session, our_outbound):
    assert len(FILES) >= 40
    outbound_case, outbound_ids = our_outbound
    landed = {}
    for path in FILES:
        raw = path.read_bytes()
        first, second = post_email(raw), post_email(raw)
        assert first.status_code < 500 and second.status_code < 500, path.name
        if path.stem in REFUSED:
            assert first.status_code == 422, (path.name, first.get_json())
            assert "sender" in first.get_json()["error"]["message"]
            continue
        if path.stem in IGNORED:
            assert first.status_code == 202 and second.status_code == 202
            continue
        assert first.status_code == 201, (path.name, first.get_json())
        assert second.status_code == 200 and second.get_json()["status"] == "duplicate"
        assert second.get_json()["interaction_id"] == first.get_json()["interaction_id"]
        landed[path.stem] = first.get_json()

    accepted = len(FILES) - len(REFUSED) - len(IGNORED)
    assert len(landed) == accepted
    # One interaction per accepted message, each on exactly one case, nothing for the rest.
    assert count(session, Interaction) == accepted + len(BOUNCES)
    for name, body in landed.items():
        item = session.get(Interaction, body["interaction_id"])
        assert item.case_id == body["case_id"], name
        raw = [a for a in item.attachments if a.kind == "raw"]
        assert len(raw) == 1 and raw[0].size > 0, name
    # Bounces mark what we sent and sit on its case, never opening a conversation.
    for name, interaction_id in outbound_ids.items():
        sent = session.get(Interaction, interaction_id)
        assert sent.status == "bounced", name
        assert landed[name]["case_id"] == outbound_case
    assert session.get(Interaction, outbound_ids["20_bounce_postfix_dsn"]).meta["bounce"][
        "status"] == "5.1.1"
    # Auto-replies are flagged.
    for name in AUTO:
        item = session.get(Interaction, landed[name]["interaction_id"])
        assert item.meta["auto_reply"] is True and item.status == "auto_reply", name
    # A reply threads onto the first message's case by In-Reply-To.
    assert landed["44_reply_in_thread"]["case_id"] == landed["01_plain_ascii"]["case_id"]
    session.commit()


def test_content_is_decoded_and_attachments_are_sniffed(post_email, session):
    def land(name):
        body = post_email((CORPUS / f"{name}.eml").read_bytes()).get_json()
        return session.get(Interaction, body["interaction_id"])

    assert land("04_windows1252_smart_quotes").subject == "Payment \u2013 \u201cfinal\u201d notice?"
    assert "請求" in land("05_iso2022jp_japanese").body
    assert "Здравствуйте" in land("06_koi8r_russian").body
    html_only = land("12_html_only_hostile")
    assert "click here" in html_only.body and "alert" not in html_only.body
    files = {a.filename: a for a in land("16_lying_content_type").attachments if a.kind == "file"}
    assert files["photo.png"].content_type == "text/html"  # what the bytes are, not the header
    assert files["photo.png"].meta["declared_type"] == "image/png"
    assert files["scan.bin"].content_type == "application/pdf"
    pdf = next(a for a in land("15_rfc2231_filename").attachments if a.kind == "file")
    assert pdf.filename == "Rechnung für Schäden 2024.pdf" and len(pdf.sha256) == 64
    docx = next(a for a in land("51_docx_and_zip").attachments if a.kind == "file")
    assert docx.filename == "agreement.docx"  # no path from the sender survives
    assert "NUL" in land("43_nul_bytes").body
    assert "lost by my phone" in land("31_multipart_missing_boundary").body
    assert "does not match" in land("32_multipart_wrong_boundary").body
    forward = land("18_forward_as_attachment")
    assert any(a.content_type == "message/rfc822" for a in forward.attachments if a.kind == "file")
    session.commit()


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", "Basic aW5ib3VuZA==", "Bearer"])
def test_missing_or_wrong_token_is_401_and_stores_nothing(client, session, header,
                                                          default_client):
    raw = (CORPUS / "14_mixed_pdf_attachment.eml").read_bytes()
    headers = {"Authorization": header} if header else {}
    resp = client.post("/webhooks/email/inbound", data=raw, headers=headers)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"
    assert count(session, Interaction) == count(session, Customer) == 0
    assert count(session, Attachment) == 0


def test_over_the_size_limit_is_413_with_a_reason_and_stores_nothing(app, client, post_email,
                                                                     session, default_client):
    app.config["EMAIL_MAX_BYTES"] = 64 * 1024
    raw = (b"From: big@example.com\r\nTo: cases@caseline.example.com\r\nSubject: big\r\n"
           b"Message-ID: <big-1@example.com>\r\n\r\n" + b"x" * (65 * 1024))
    resp = post_email(raw)
    assert resp.status_code == 413
    assert "64 KiB limit" in resp.get_json()["error"]["message"]
    # Chunked (no Content-Length): still refused when the stream passes the limit.
    resp = client.post("/webhooks/email/inbound", input_stream=io.BytesIO(raw),
                       headers={"Authorization": f"Bearer {TOKEN}"},
                       environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})
    assert resp.status_code == 413
    assert count(session, Interaction) == count(session, Attachment) == 0
    assert post_email(raw[:60 * 1024]).status_code == 201


def test_a_case_token_threads_mail_from_an_unknown_address(post_email, session, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "owner@example.com",
                                         kind="email")
    session.commit()
    plus = (f"From: Colleague <colleague@work.example>\r\nTo: cases+{case.reference.lower()}"
            f"@caseline.example.com\r\nSubject: about it\r\nMessage-ID: <p1@work.example>\r\n\r\n"
            f"hi\r\n").encode()
    subject = (f"From: Other <other@example.net>\r\nTo: cases@caseline.example.com\r\n"
               f"Subject: RE: AW: Your claim [{case.reference}]\r\nMessage-ID: <p2@example.net>"
               f"\r\n\r\nhello\r\n").encode()
    for raw in (plus, subject):
        resp = post_email(raw)
        assert resp.status_code == 201 and resp.get_json()["case_id"] == case.id
    assert count(session, Case) == 1


def test_mail_from_our_own_mailbox_opens_nothing(post_email, session):
    raw = (b"From: Acme Claims <cases@caseline.example.com>\r\nTo: cases@caseline.example.com"
           b"\r\nSubject: loop\r\nMessage-ID: <loop-1@caseline.example.com>\r\n\r\nloop\r\n")
    resp = post_email(raw)
    assert resp.status_code == 202 and "own mailbox" in resp.get_json()["reason"]
    assert count(session, Interaction) == count(session, Customer) == 0


def test_mangled_messages_never_cause_a_server_error(post_email, session):
    """Every corpus message truncated and bit-flipped: all answered 2xx/4xx."""
    import random

    rng = random.Random(7)
    for path in FILES:
        raw = path.read_bytes()
        flipped = bytearray(raw)
        for _ in range(max(1, len(raw) // 200)):
            flipped[rng.randrange(len(raw))] = rng.randrange(256)
        for variant in (raw[: rng.randrange(1, len(raw))], bytes(flipped)):
            resp = post_email(variant)
            assert resp.status_code < 500, (path.name, resp.get_data(as_text=True)[:300])
    session.commit()
