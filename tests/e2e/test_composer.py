"""The composer in a real browser: drafts keep their medium, files attached and viewed,
a WhatsApp template sent once the 24-hour window has closed."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select

from crm.models import Interaction
from crm.models.workspace import reversed_digits
from tests.e2e.databases import served_db, served_default
from tests.e2e.pages import add_person, open_case, signed_in

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
                       "hQGAhKmMIQAAAABJRU5ErkJggg==")


def _emailer(conn, client_id, name, address, reference) -> int:
    case_id = add_person(conn, client_id, name, reference, {"kind": "email", "value": address})
    conn.execute(insert(Interaction.__table__).values(
        client_id=client_id, case_id=case_id, medium="email", direction="inbound",
        subject="About my claim", status="received", body="Hello?", from_addr=address,
        to_addr="claims@caseline.demo", occurred_at=datetime.now(UTC) - timedelta(hours=1)))
    return case_id


@pytest.fixture(scope="module")
def mailers(server_env):
    """Two customers who wrote by email."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        return {"first": _emailer(conn, client_id, "Amara Draftwright", "amara@example.com",
                                  "CL-E2EDRFT1"),
                "second": _emailer(conn, client_id, "Bruno Elsewhere", "bruno@example.com",
                                   "CL-E2EDRFT2")}


def test_an_email_draft_stays_an_email_across_cases_and_a_reload(new_page, sign_in,
                                                                live_server, mailers):
    page = sign_in(new_page())
    medium, subject = page.locator("#composer-medium"), page.locator("#composer-subject")
    body, error = page.locator("#composer-body"), page.locator("#composer-error")
    open_case(page, live_server, mailers["first"], "CL-E2EDRFT1")
    expect(medium).to_have_value("email")
    subject.fill("Your excess")
    body.fill("The excess on your policy is 250.")
    # On another case the agent writes a note: the medium they chose there stays there.
    page.evaluate(f"location.hash = '#case/{mailers['second']}'")
    expect(page.locator("#case-reference")).to_have_text("CL-E2EDRFT2")
    page.select_option("#composer-medium", "note")
    page.go_back()
    expect(page.locator("#case-reference")).to_have_text("CL-E2EDRFT1")
    expect(medium).to_have_value("email")
    expect(subject).to_have_value("Your excess")
    expect(body).to_have_value("The excess on your policy is 250.")

    page.reload()
    expect(page.locator("#case-reference")).to_have_text("CL-E2EDRFT1")
    expect(medium).to_have_value("email")
    expect(subject).to_be_visible()
    expect(subject).to_have_value("Your excess")
    expect(body).to_have_value("The excess on your policy is 250.")

    # Reloaded while the media the case can use are still on their way: Ctrl+Enter does not
    # send the email draft as anything else.
    page.route("**/reply-options", lambda route: None)  # never answered
    page.reload()
    expect(body).to_have_value("The excess on your policy is 250.")
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    body.focus()
    page.keyboard.press("Control+Enter")
    expect(error).to_contain_text("This draft was written as Email")
    assert posts == []
    page.unroute("**/reply-options")

    page.reload()
    expect(medium).to_have_value("email")
    body.focus()
    page.keyboard.press("Control+Enter")
    expect(body).to_have_value("")
    sent = [p for p in posts if p.url.endswith(f"/cases/{mailers['first']}/messages")]
    assert [p.post_data_json["medium"] for p in sent] == ["email"]
    expect(page.locator(".tl-subject", has_text="Your excess")).to_have_count(1)


def test_a_file_is_attached_sent_and_viewed_in_the_timeline(new_page, sign_in, live_server,
                                                           mailers, tmp_path):
    photo, page_file = tmp_path / "damage.png", tmp_path / "page.html"
    photo.write_bytes(PNG)
    page_file.write_text("<html><script>alert(1)</script></html>")
    page = sign_in(new_page())
    page.set_viewport_size({"width": 1280, "height": 720})
    open_case(page, live_server, mailers["second"], "CL-E2EDRFT2")
    expect(page.locator("#composer-medium")).to_have_value("email")
    # A type we never take is refused in words, and nothing is attached.
    page.set_input_files("#composer-file", str(page_file))
    expect(page.locator("#composer-error")).to_contain_text("page.html: files of this type")
    expect(page.locator(".file-chip")).to_have_count(0)
    page.set_input_files("#composer-file", str(photo))
    expect(page.locator(".file-chip")).to_contain_text("damage.png")
    expect(page.locator("#composer-attach")).to_be_in_viewport()
    page.fill("#composer-subject", "Photo of the damage")
    page.fill("#composer-body", "Here is the photo we took.")
    page.click("#composer-send")
    expect(page.locator(".file-chip")).to_have_count(0)
    item = page.locator(".tl-item", has_text="Here is the photo we took.")
    item.locator(".tl-view", has_text="damage.png").click()
    viewer = page.locator("#file-viewer")
    expect(viewer).to_be_visible()
    image = viewer.locator("img.viewer-image")
    expect(image).to_be_visible()
    page.wait_for_function("() => document.querySelector('#file-viewer img').naturalWidth > 0")
    viewer.locator("button", has_text="Close").click()
    expect(viewer).to_be_hidden()


@pytest.fixture(scope="module")
def quiet_whatsapp(demo_server):
    """A WhatsApp customer who last wrote two days ago (the window has closed)."""
    _base, url = demo_server
    phone = "+447700900321"
    with served_default(url) as (conn, client_id):
        case_id = add_person(conn, client_id, "Kofi Templeton", "CL-E2ETMPL1",
                             {"kind": "phone", "value": phone,
                              "digits_rev": reversed_digits(phone)})
        conn.execute(insert(Interaction.__table__).values(
            client_id=client_id, case_id=case_id, medium="whatsapp", direction="inbound",
            status="received", body="Any news?", from_addr=f"whatsapp:{phone}",
            to_addr="whatsapp:+14155238886", occurred_at=datetime.now(UTC) - timedelta(days=2)))
    return case_id


def test_a_whatsapp_template_goes_when_the_window_has_closed(new_page, demo_server,
                                                           quiet_whatsapp):
    base, url = demo_server
    page = signed_in(new_page, base, "agent@caseline.demo")
    page.set_viewport_size({"width": 1280, "height": 720})
    open_case(page, base, quiet_whatsapp, "CL-E2ETMPL1")
    whatsapp = page.locator("#composer-medium option[value=whatsapp]")
    expect(whatsapp).to_be_disabled()
    offer = page.locator("#composer-template-open")
    expect(offer).to_be_in_viewport()
    offer.click()
    panel = page.locator("#composer-templates")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("has not written on whatsapp in the last 24 hours")
    expect(page.locator("#composer-template option")).to_have_count(2)
    expect(page.locator("#composer-template-preview")).to_have_text(
        "Hello Kofi, this is a follow-up on your case CL-E2ETMPL1. Reply to this message to "
        "continue the conversation.")
    page.select_option("#composer-template", label="callback_request (en)")
    preview = "Hi Kofi, we tried to reach you about CL-E2ETMPL1. When is a good time to call?"
    expect(page.locator("#composer-template-preview")).to_have_text(preview)
    expect(page.locator("#composer-template-send")).to_be_in_viewport()
    page.click("#composer-template-send")
    expect(panel).to_be_hidden()
    sent = page.locator(".tl-item.medium-whatsapp.dir-outbound", has_text=preview)
    expect(sent).to_have_count(1)
    # The stand-in for Twilio took it as a template (ContentSid), and says it arrived.
    expect(sent.locator(".tl-status")).to_have_text("delivered", timeout=15_000)
    with served_db(url) as conn:
        meta = conn.execute(select(Interaction.meta).where(
            Interaction.case_id == quiet_whatsapp, Interaction.direction == "outbound")).scalar()
    assert meta["template"]["content_sid"].startswith("HX")
    assert meta["template"]["variables"] == {"1": "Kofi", "2": "CL-E2ETMPL1"}


def test_files_never_vanish_with_a_note(new_page, sign_in, live_server, mailers, tmp_path):
    photo = tmp_path / "receipt.png"
    photo.write_bytes(PNG)
    page = sign_in(new_page())
    open_case(page, live_server, mailers["first"], "CL-E2EDRFT1")
    page.set_input_files("#composer-file", str(photo))
    expect(page.locator(".file-chip")).to_contain_text("receipt.png")
    page.select_option("#composer-medium", "note")
    page.fill("#composer-body", "Receipt attached")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.click("#composer-send")
    expect(page.locator("#composer-error")).to_have_text(
        "Note cannot carry files: send them by a message, or remove them.")
    # Nothing filed; the words and the file wait for the agent's choice.
    assert not [u for u in posts if u.endswith("/notes")]
    expect(page.locator(".file-chip")).to_contain_text("receipt.png")
    expect(page.locator("#composer-body")).to_have_value("Receipt attached")
    page.locator(".file-chip button").click()
    expect(page.locator(".file-chip")).to_have_count(0)
    page.click("#composer-send")
    expect(page.locator(".tl-item.medium-note", has_text="Receipt attached")).to_have_count(1)
