"""Files from the composer: uploaded with clear 413/415/422 refusals, sent as MMS through a
signed, expiring link Twilio fetches, shown inline to staff who may see the case, audited."""

import base64
import io
import wave

import pytest
from sqlalchemy import select

from console.messaging import media_links
from crm.models import Attachment, AuditEvent, Interaction, Upload
from tests.channels.twilio_fakes import PUBLIC, post_signed, sms, whatsapp

INCOMING = "/webhooks/twilio/messaging/incoming"
# A real 1x1 PNG and a minimal PDF: the server reads the type from the bytes.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
                       "hQGAhKmMIQAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def case_id(client, session, twilio):
    """A customer who texted us from +14155550100."""
    assert post_signed(client, INCOMING, sms("SMfile0001", "Here is my claim")).status_code \
        == 200
    ident = session.scalar(select(Interaction.case_id))
    session.rollback()
    return ident


def upload(client, headers, case_id, data, name="photo.png"):
    return client.post(f"/api/v1/cases/{case_id}/uploads", headers=headers,
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_photo_goes_as_mms_through_a_signed_link_twilio_can_fetch(
        app, client, session, twilio, api_headers, case_id):
    made = upload(client, api_headers, case_id, PNG, "damage.png")
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["content_type"] == "image/png"
    sent = client.post(f"/api/v1/cases/{case_id}/messages", headers=api_headers, json={
        "medium": "sms", "body": "The photo you asked for", "attachment_ids":
        [made.get_json()["id"]]})
    assert sent.status_code == 202, sent.get_json()
    [msg] = twilio.messages
    [link] = msg["MediaUrl"]
    assert link.startswith(f"{PUBLIC}/media/") and msg["Body"] == "The photo you asked for"
    # Twilio fetches it with no session of ours: the signature is the proof.
    got = client.get(link.removeprefix(PUBLIC))
    assert got.status_code == 200 and got.data == PNG
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    # The file is on the message in the timeline; the upload is spent.
    item = session.get(Interaction, sent.get_json()["id"])
    assert [(a.filename, a.content_type) for a in item.attachments] == [
        ("damage.png", "image/png")]
    assert session.scalars(select(Upload)).all() == []
    timeline = client.get(f"/api/v1/cases/{case_id}/timeline", headers=api_headers).get_json()
    outbound = next(i for i in timeline["items"] if i["direction"] == "outbound")
    assert outbound["attachments"][0]["filename"] == "damage.png"
    assert "attachment.fetched_by_link" in session.scalars(select(AuditEvent.action)).all()
    session.rollback()


def test_a_forged_or_expired_link_finds_nothing(app, client, session, twilio, api_headers,
                                                case_id):
    made = upload(client, api_headers, case_id, PNG).get_json()
    client.post(f"/api/v1/cases/{case_id}/messages", headers=api_headers, json={
        "medium": "sms", "body": "photo", "attachment_ids": [made["id"]]})
    att = session.scalars(select(Attachment)).one()
    session.rollback()
    with app.test_request_context():
        expired = media_links.sign(att.id, ttl=-1)
        good = media_links.sign(att.id)
    assert client.get(expired).status_code == 404
    assert client.get(good[:-3] + "abc").status_code == 404
    assert client.get(good).status_code == 200


@pytest.mark.parametrize(("data", "name", "status", "code", "text"), [
    (b"<html><script>alert(1)</script></html>", "invoice.pdf", 415, "unsupported_type",
     "text/html"),
    (b"MZ\x90\x00" + b"\x00" * 100, "setup.png", 415, "unsupported_type", "cannot be attached"),
    (b"", "empty.png", 422, "invalid", "the file is empty"),
    (PNG + b"\x00" * (10 * 1024 * 1024), "huge.png", 413, "too_large", "at most 10 MB"),
])
def test_bad_uploads_are_clear_refusals_storing_nothing(client, session, twilio, api_headers,
                                                        case_id, data, name, status, code,
                                                        text):
    resp = upload(client, api_headers, case_id, data, name)
    assert resp.status_code == status, resp.get_json()
    assert resp.get_json()["error"]["code"] == code
    assert text in resp.get_json()["error"]["message"]
    assert session.scalars(select(Upload)).all() == []


def test_a_file_the_medium_cannot_carry_is_refused_and_nothing_is_sent(
        client, session, twilio, api_headers, case_id):
    text_file = upload(client, api_headers, case_id, b"plain notes\n", "notes.txt").get_json()
    resp = client.post(f"/api/v1/cases/{case_id}/messages", headers=api_headers, json={
        "medium": "sms", "body": "notes", "attachment_ids": [text_file["id"]]})
    assert resp.status_code == 415
    assert "notes.txt (text) cannot go by sms" in resp.get_json()["error"]["message"]
    assert twilio.messages == []
    assert session.scalars(select(Interaction).where(
        Interaction.direction == "outbound")).all() == []
    # Another agent's upload, or one already sent, is not ours to send.
    resp = client.post(f"/api/v1/cases/{case_id}/messages", headers=api_headers, json={
        "medium": "sms", "body": "x", "attachment_ids": [text_file["id"] + 99]})
    assert resp.status_code == 422 and "not one of yours" in resp.get_json()["error"]["message"]


def test_staff_view_pictures_inline_and_every_view_is_audited(
        client, session, twilio, api_headers, case_id, as_user):
    ids = {}
    for data, name in ((PNG, "a.png"), (PDF, "b.pdf"), (b"hello\n", "c.txt")):
        ids[name] = upload(client, api_headers, case_id, data, name).get_json()["id"]
    client.post(f"/api/v1/cases/{case_id}/messages", headers=api_headers, json={
        "medium": "sms", "body": "files",
        "attachment_ids": [ids["a.png"], ids["b.pdf"]]})
    atts = {a.filename: a.id for a in session.scalars(select(Attachment))}
    session.rollback()
    shown = client.get(f"/api/v1/attachments/{atts['a.png']}?inline=1", headers=api_headers)
    assert shown.status_code == 200 and shown.data == PNG
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    pdf = client.get(f"/api/v1/attachments/{atts['b.pdf']}?inline=1", headers=api_headers)
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline")
    assert "frame-ancestors 'self'" in pdf.headers["Content-Security-Policy"]
    download = client.get(f"/api/v1/attachments/{atts['a.png']}", headers=api_headers)
    assert download.headers["Content-Disposition"].startswith("attachment")
    # Someone of another client never sees it.
    _, other = as_user("agent", clients=[])
    assert client.get(f"/api/v1/attachments/{atts['a.png']}?inline=1",
                      headers=other).status_code == 404
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("attachment.%")).order_by(AuditEvent.id)).all()
    assert actions == ["attachment.viewed", "attachment.viewed", "attachment.downloaded"]


def test_a_whatsapp_file_goes_as_media_too(client, session, twilio, api_headers):
    post_signed(client, INCOMING, whatsapp("SMwafile01", "hi"))
    case_id = session.scalar(select(Interaction.case_id))
    session.rollback()
    pdf = upload(client, api_headers, case_id, PDF, "policy.pdf").get_json()
    resp = client.post(f"/api/v1/cases/{case_id}/messages", headers=api_headers, json={
        "medium": "whatsapp", "body": "Your policy", "attachment_ids": [pdf["id"]]})
    assert resp.status_code == 202, resp.get_json()
    [link] = twilio.messages[-1]["MediaUrl"]
    assert link.startswith(f"{PUBLIC}/media/")


def test_a_recording_plays_a_generated_file_in_demo_mode(app, client, session, settings,
                                                        api_headers, case_id):
    item = session.scalar(select(Interaction))
    att = Attachment(interaction_id=item.id, kind="recording", filename="RE1.mp3",
                     content_type="audio/mpeg", source_url="https://api.twilio.com/x/RE1",
                     meta={"duration": 2})
    session.add(att)
    session.commit()
    settings.twilio_account_sid = None
    settings.simulator = False
    assert client.get(f"/api/v1/recordings/{att.id}", headers=api_headers).status_code == 503
    settings.simulator = True
    resp = client.get(f"/api/v1/recordings/{att.id}", headers=api_headers)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "audio/wav"
    assert resp.headers["Content-Disposition"].startswith("inline")
    with wave.open(io.BytesIO(resp.data)) as wav:
        assert wav.getnframes() == 2 * wav.getframerate()


def test_uploads_never_sent_are_swept_with_their_files_after_the_configured_age(
        app, client, session, twilio, api_headers, case_id):
    from datetime import timedelta
    from pathlib import Path

    from console.messaging.send_tasks import sweep_uploads
    from crm.models import utcnow

    files = Path(app.instance_path) / "files"
    stale = upload(client, api_headers, case_id, PNG, "old.png").get_json()
    sent = upload(client, api_headers, case_id, PDF, "sent.pdf").get_json()
    fresh = upload(client, api_headers, case_id, PNG, "new.png").get_json()
    assert client.post(f"/api/v1/cases/{case_id}/messages", headers=api_headers, json={
        "medium": "sms", "body": "the form", "attachment_ids": [sent["id"]]}).status_code == 202
    app.config["CASELINE"].upload_max_age_hours = 6
    long_ago = utcnow() - timedelta(hours=7)
    for row in session.scalars(select(Upload)):
        if row.id == stale["id"]:
            row.created_at = long_ago
    session.commit()
    keys = {u.id: u.storage_key for u in session.scalars(select(Upload))}
    kept = session.scalars(select(Attachment.storage_key)).one()
    session.rollback()

    assert sweep_uploads.apply().get() == 1
    assert [u.id for u in session.scalars(select(Upload))] == [fresh["id"]]
    session.rollback()
    on_disk = {p.name for p in files.rglob("*") if p.is_file()}
    assert keys[stale["id"]] not in on_disk
    assert {keys[fresh["id"]], kept} <= on_disk  # the waiting one and the sent one stay
    assert sweep_uploads.apply().get() == 0  # idempotent


def test_a_discarded_upload_takes_its_file_with_it(app, client, session, twilio, api_headers,
                                                   case_id):
    from pathlib import Path

    made = upload(client, api_headers, case_id, PNG).get_json()
    key = session.get(Upload, made["id"]).storage_key
    session.rollback()
    assert client.delete(f"/api/v1/uploads/{made['id']}", headers=api_headers).status_code == 200
    assert key not in {p.name for p in (Path(app.instance_path) / "files").rglob("*")}
