"""Outbound email over a real SMTP server (aiosmtpd): threading, retries, opt-out, files."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update

from channels.email.inbound import store_for
from console.email.mail_tasks import opt_out_url
from console.messaging.send_tasks import send_outbound, sweep_outbound
from crm.core.errors import Invalid
from crm.email import sending as mail
from crm.messaging import delivery
from crm.models import AuditEvent, Case, ContactPoint, DebtAccount, Interaction, utcnow
from crm.tenancy import users
from tests.zones import zone_where_it_is

CUSTOMER_MAIL = (b"From: Lerato Naidoo <lerato@example.co.za>\r\n"
                 b"To: cases@caseline.example.com\r\n"
                 b"Subject: My claim for the burst geyser\r\n"
                 b"Message-ID: <first.customer.mail@example.co.za>\r\n\r\n"
                 b"Hello, my geyser burst. What now?\r\n")


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def inbound(post_email):
    """The customer's first email, landed on a new case."""
    body = post_email(CUSTOMER_MAIL).get_json()
    return body["case_id"], body["interaction_id"]


def reply(client, auth, case_id, **fields):
    payload = {"to": "lerato@example.co.za", "subject": "Re: My claim for the burst geyser",
               "body": "Dear Lerato,\n\nPlease send photos of the damage.\n\nAcme Claims",
               **fields}
    return client.post(f"/api/v1/cases/{case_id}/emails", json=payload, headers=auth)


def test_agent_reply_is_sent_with_our_headers_text_and_html(client, auth, inbound, smtp, session):
    case_id, first_id = inbound
    resp = reply(client, auth, case_id, in_reply_to=first_id)
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["status"] == "sent" and out["direction"] == "outbound"
    [msg] = smtp.messages()
    item = session.get(Interaction, out["id"])
    reference = re.search(r"CL-\w{8}", item.subject).group(0)
    assert msg["Message-ID"] == item.thread_key and msg["Message-ID"].endswith(
        "@caseline.example.com>")
    assert msg["In-Reply-To"] == "<first.customer.mail@example.co.za>"
    assert msg["References"] == "<first.customer.mail@example.co.za>"
    assert msg["Reply-To"].addresses[0].addr_spec == f"cases+{reference}@caseline.example.com"
    assert reference in msg["Subject"]
    assert msg.get_body(("plain",)).get_content().startswith("Dear Lerato")
    html = msg.get_body(("html",)).get_content()
    assert "<p>Dear Lerato,</p>" in html
    assert "opt" not in msg.get_body(("plain",)).get_content().lower()  # not collections
    [evidence] = [a for a in item.attachments if a.kind == "raw"]
    assert evidence.content_type == "message/rfc822" and evidence.size > 0
    session.commit()


@pytest.mark.parametrize("style", ["outlook", "gmail"])
def test_reply_from_another_mail_client_threads_onto_the_same_case(client, auth, inbound, smtp,
                                                                    post_email, session, style):
    case_id, first_id = inbound
    reply(client, auth, case_id, in_reply_to=first_id)
    [sent] = smtp.messages()
    if style == "outlook":
        # Outlook from a work address: its own Thread-Index, no In-Reply-To/References,
        # "RE:" prefix; only the case token in the subject is left of our headers.
        raw = (f"From: Naidoo, Lerato <lerato.naidoo@corp.example>\r\n"
               f"To: \"Acme Claims\" <cases@caseline.example.com>\r\n"
               f"Subject: RE: {sent['Subject']}\r\n"
               f"Thread-Topic: {sent['Subject']}\r\n"
               f"Thread-Index: AdoKx2bPq7Zy3oRkQ0a7bT4Zk9l8Ag==\r\n"
               f"Message-ID: <DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.example>\r\n"
               f"Content-Type: text/plain; charset=\"us-ascii\"\r\n\r\n"
               f"Photos attached later today.\r\n").encode()
    else:
        # Gmail from a personal address: subject rewritten, but References carry our id.
        raw = (f"From: Lerato N <lerato.n.1990@gmail.com>\r\n"
               f"To: cases@caseline.example.com\r\n"
               f"Subject: photos\r\n"
               f"Message-ID: <CAG+reply.from.gmail@mail.gmail.com>\r\n"
               f"References: <first.customer.mail@example.co.za> {sent['Message-ID']}\r\n"
               f"Content-Type: text/plain; charset=\"UTF-8\"\r\n\r\n"
               f"Here are the photos.\r\n").encode()
    resp = post_email(raw)
    assert resp.status_code == 201
    assert resp.get_json()["case_id"] == case_id
    item = session.get(Interaction, resp.get_json()["interaction_id"])
    assert item.direction == "inbound" and item.case_id == case_id
    session.commit()


def test_attachments_are_sent_and_stored_with_sniffed_types(client, auth, inbound, smtp,
                                                            session):
    case_id, _ = inbound
    pdf = b"%PDF-1.4\n% claim form\n%%EOF\n"
    resp = reply(client, auth, case_id, attachments=[
        {"filename": "claim-form.pdf", "content_base64": base64.b64encode(pdf).decode()}])
    assert resp.status_code == 201
    [att] = [a for a in resp.get_json()["attachments"] if a["kind"] == "file"]
    assert att["filename"] == "claim-form.pdf" and att["content_type"] == "application/pdf"
    [msg] = smtp.messages()
    [part] = list(msg.iter_attachments())
    assert part.get_filename() == "claim-form.pdf" and part.get_content() == pdf
    bad = reply(client, auth, case_id, attachments=[{"filename": "x", "content_base64": "%%%"}])
    assert bad.status_code == 422 and "base64" in bad.get_json()["error"]["message"]


def test_temporary_smtp_failure_is_retried_with_backoff(client, auth, inbound, smtp, session):
    case_id, _ = inbound
    smtp.script = ["451 4.3.0 Mailbox busy, try again later"]
    out = reply(client, auth, case_id).get_json()
    item = session.get(Interaction, out["id"])
    assert item.status == "queued" and item.meta["attempts"] == 1
    assert "451" in item.meta["error"]["message"]
    message_id = item.thread_key
    session.commit()
    # Not due yet: the sweeper leaves it alone; once the backoff has passed it is picked up.
    assert delivery.due(session, ["email"]) == []
    assert delivery.due(session, ["email"], utcnow() + timedelta(minutes=5)) == [item.id]
    item.next_attempt_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert sweep_outbound.apply().get() == 1
    session.refresh(item)
    assert item.status == "sent"
    [msg] = smtp.messages()
    assert msg["Message-ID"] == message_id  # the retry re-sent the same message
    session.commit()


def test_permanent_smtp_failure_fails_clearly_and_is_not_retried(client, auth, inbound, smtp,
                                                                 session):
    case_id, _ = inbound
    smtp.script = ["550 5.1.1 No such user here"]
    out = reply(client, auth, case_id).get_json()
    item = session.get(Interaction, out["id"])
    assert item.status == "failed" and "550 5.1.1" in item.meta["error"]["message"]
    item_id = item.id
    session.commit()
    assert delivery.due(session, ["email"], utcnow() + timedelta(days=1)) == []
    session.rollback()  # a reader left open would hold SQLite's lock against the task
    assert send_outbound.apply(args=[item_id]).get().startswith("not queued")
    assert smtp.messages() == []


def test_too_many_temporary_failures_end_as_failed(client, auth, inbound, smtp, session):
    case_id, _ = inbound
    smtp.script = ["421 4.7.0 Try later"] * delivery.MAX_ATTEMPTS
    out = reply(client, auth, case_id).get_json()
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        send_outbound.apply(args=[out["id"]])
    session.expire_all()
    item = session.get(Interaction, out["id"])
    assert item.status == "failed" and item.meta["attempts"] == delivery.MAX_ATTEMPTS
    session.commit()


def test_sending_is_idempotent(client, auth, inbound, smtp, session):
    case_id, _ = inbound
    out = reply(client, auth, case_id).get_json()
    assert send_outbound.apply(args=[out["id"]]).get().startswith("not queued")
    assert len(smtp.messages()) == 1


@pytest.fixture
def debt_case(inbound, session, default_client) -> int:
    """The inbound email's case, made a collections case (its emails carry the opt-out)."""
    case_id, _ = inbound
    collections(session, default_client, case_id)
    return case_id


def collections(session, default_client, case_id):
    """Make the case a collections case, so its emails carry the opt-out link (its debtor
    somewhere it is midday now: collections mail goes out only at convenient hours)."""
    session.add(DebtAccount(client_id=default_client.id, case_id=case_id,
                            account_number="ACC-1001"))
    session.get(Case, case_id).customer.timezone = zone_where_it_is(12)
    session.commit()


def opt_out_link(msg) -> str:
    """The opt-out URL in a sent email's footer (checked against its List-Unsubscribe)."""
    text = msg.get_body(("plain",)).get_content()
    link = re.search(r"(\S+/email/opt-out/\S+)", text).group(1)
    assert msg["List-Unsubscribe"] == f"<{link}>"
    return link


def email_opt_out(session):
    """The customer's email opt-out time, or None (read fresh)."""
    session.expire_all()
    cp = session.scalars(select(ContactPoint).where(
        ContactPoint.value == "lerato@example.co.za")).one()
    out = (cp.opt_outs or {}).get("email")
    session.commit()
    return out


def opt_out_audits(session) -> list[AuditEvent]:
    """The audit events of email opt-outs."""
    found = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "contact.opted_out")).all()
    session.commit()
    return found


def test_collections_email_carries_an_opt_out_link_that_works(client, auth, debt_case, smtp,
                                                              session, default_client):
    case_id = debt_case
    assert reply(client, auth, case_id).status_code == 201
    [msg] = smtp.messages()
    link = opt_out_link(msg)
    assert link.startswith("https://caseline.example.com/email/opt-out/")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = urlsplit(link).path
    customer = app_client(client)  # the customer's browser: no staff session
    # A link scanner or previewer follows the link: it sees a question and changes nothing.
    page = customer.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Stop emails from Default client?" in html and "lerato@example.co.za" in html
    form = re.search(r'<form method="post" action="([^"]+)"', html)
    assert form and form.group(1) == path
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]
    assert customer.head(path).status_code == 200
    assert email_opt_out(session) is None and opt_out_audits(session) == []
    # The button posts the form back to the same URL: that opts out, and is audited.
    done = customer.post(path, data={})
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    assert email_opt_out(session)
    [event] = opt_out_audits(session)
    assert event.actor_id is None and event.after["value"] == "lerato@example.co.za"
    assert "email" not in event.before["opt_outs"] and "email" in event.after["opt_outs"]
    again = customer.get(path)
    assert again.status_code == 200 and "You are unsubscribed" in again.get_data(as_text=True)
    assert len(opt_out_audits(session)) == 1  # a second visit or POST records nothing new
    refused = reply(client, auth, case_id)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "opted_out"
    assert len(smtp.messages()) == 1
    assert len(session.scalars(select(Interaction).where(
        Interaction.direction == "outbound")).all()) == 1
    session.commit()


def test_one_click_unsubscribe_posts_without_cookie_or_csrf_token(app, client, auth, debt_case,
                                                                   smtp, session,
                                                                   default_client):
    """RFC 8058: the mail provider POSTs List-Unsubscribe=One-Click to the header's URL."""
    case_id = debt_case
    reply(client, auth, case_id)
    link = smtp.messages()[0]["List-Unsubscribe"].strip("<>")
    app.config["WTF_CSRF_CHECK_DEFAULT"] = True  # still works if CSRF became opt-out
    provider = app.test_client(use_cookies=False)
    resp = provider.post(urlsplit(link).path, data="List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 200
    assert email_opt_out(session)
    assert len(opt_out_audits(session)) == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_tampered_opt_out_token_is_refused_and_changes_nothing(client, auth, debt_case, smtp,
                                                                 session, default_client,
                                                                 method):
    case_id = debt_case
    reply(client, auth, case_id)
    path = urlsplit(opt_out_link(smtp.messages()[0])).path
    head, _, token = path.rpartition("/")
    payload, _, signature = token.rpartition(".")
    other_case = base64.urlsafe_b64encode(
        f'[{case_id + 1},"lerato@example.co.za"]'.encode()).decode().rstrip("=")
    # A changed signature, another case's payload under the original signature, rubbish.
    forged = [f"{head}/{payload}.{signature[:-2]}{'xy' if signature[-2:] != 'xy' else 'zz'}",
              f"{head}/{other_case}.{signature}", f"{head}/not-a-token"]
    for url in forged:
        resp = app_client(client).open(url, method=method,
                                       data="List-Unsubscribe=One-Click" if method == "POST"
                                       else None,
                                       content_type="application/x-www-form-urlencoded")
        assert resp.status_code == 404, url
        assert "This link is not valid" in resp.get_data(as_text=True)
    assert email_opt_out(session) is None and opt_out_audits(session) == []


def test_opt_out_link_uses_public_base_url(client, auth, debt_case, smtp, session, settings,
                                           default_client):
    case_id = debt_case
    settings.public_base_url = "https://console.acme.example:8443/caseline/"
    reply(client, auth, case_id)
    link = opt_out_link(smtp.messages()[0])
    assert link.startswith("https://console.acme.example:8443/caseline/email/opt-out/")


def test_without_public_base_url_the_link_points_where_the_console_is_served(
        app, auth, debt_case, smtp, session, settings, default_client):
    """No hard-coded host or port: the URL the agent reached the console on (here :5077)."""
    case_id = debt_case
    settings.public_base_url = None
    agent_browser = app.test_client()
    resp = agent_browser.post(f"/api/v1/cases/{case_id}/emails", headers=auth,
                              base_url="http://127.0.0.1:5077/",
                              json={"to": "lerato@example.co.za", "subject": "Your account",
                                    "body": "Dear Lerato, a payment is due."})
    assert resp.status_code == 201, resp.get_json()
    [msg] = smtp.messages()
    link = opt_out_link(msg)
    assert link.startswith("http://127.0.0.1:5077/email/opt-out/")
    assert msg["List-Unsubscribe-Post"] is None  # RFC 8058 one-click needs an HTTPS URI
    page = app.test_client().get(link)
    assert page.status_code == 200 and email_opt_out(session) is None


def test_without_any_public_url_the_email_is_refused_clearly(app, agent, debt_case, smtp,
                                                             session, settings, default_client):
    """Queued with no request to learn the URL from, and no PUBLIC_BASE_URL: no dead link."""
    case_id = debt_case
    settings.public_base_url = None
    before = session.scalar(select(func.count()).select_from(Interaction))
    with pytest.raises(Invalid, match="PUBLIC_BASE_URL"):
        mail.queue_email(session, agent, case_id, to="lerato@example.co.za",
                         subject="Your account", body="A payment is due.",
                         opt_out_link=partial(opt_out_url, settings))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Interaction)) == before
    assert smtp.messages() == []
    session.commit()


def app_client(client):
    """A fresh browser on the same app (no cookies of the staff member's session)."""
    return client.application.test_client()


def test_bad_requests_are_clear_4xx(client, auth, inbound, smtp, make_user, other_client,
                                    session):
    case_id, _ = inbound
    assert reply(client, auth, case_id, to="not-an-address").status_code == 422
    assert reply(client, auth, case_id, body="   ").status_code == 422
    assert reply(client, auth, case_id, in_reply_to=999999).status_code == 404
    assert reply(client, auth, 999999).status_code == 404
    outsider = make_user("agent", clients=[other_client])
    other = {"Authorization": f"Bearer {users.issue_token(session, outsider)}"}
    session.commit()
    assert reply(client, other, case_id).status_code == 404
    assert client.post(f"/api/v1/cases/{case_id}/emails", json={}).status_code == 401
    assert smtp.messages() == []


def test_sweeper_sends_what_a_dead_worker_or_broker_left_behind(client, auth, inbound, smtp,
                                                                 session):
    case_id, _ = inbound
    smtp.script = ["451 4.3.0 busy"]
    first = reply(client, auth, case_id).get_json()["id"]  # queued for a retry
    second = reply(client, auth, case_id).get_json()["id"]  # sent
    # A worker died mid-send long ago: the email is stuck in `sending`.
    session.execute(update(Interaction).where(Interaction.id == second).values(
        status="sending", updated_at=utcnow() - timedelta(hours=1)))
    session.get(Interaction, first).next_attempt_at = utcnow()
    session.commit()
    assert sweep_outbound.apply().get() == 2
    session.expire_all()
    assert {session.get(Interaction, i).status for i in (first, second)} == {"sent"}
    session.commit()


def test_the_composer_endpoint_sends_email_through_the_email_pipeline(client, auth, inbound,
                                                                      smtp, session):
    """POST /cases/<id>/messages with medium=email: same headers as the email endpoint."""
    case_id, _ = inbound
    resp = client.post(f"/api/v1/cases/{case_id}/messages", headers=auth,
                       json={"medium": "email", "subject": "Your claim", "body": "Hello again"})
    assert resp.status_code in (201, 202), resp.get_json()
    [msg] = smtp.messages()
    assert msg["To"] == "lerato@example.co.za"  # where the customer last wrote from
    assert re.search(r"CL-\w{8}", msg["Subject"]) and msg["Message-ID"]
    assert msg["Reply-To"].addresses[0].addr_spec.startswith("cases+CL-")
    session.commit()


def test_an_email_goes_only_to_an_address_of_the_cases_customer(client, auth, debt_case, smtp,
                                                                  post_email, session,
                                                                  default_client):
    """Mail to anyone else on a debt case discloses the debt to a third party: 422, nothing
    stored or sent, on the email endpoint and the composer alike."""
    case_id = debt_case
    # Another customer of the same client, with a case of their own.
    post_email(CUSTOMER_MAIL.replace(b"Lerato Naidoo <lerato@example.co.za>",
                                     b"Sipho Dlamini <sipho@example.co.za>")
               .replace(b"first.customer.mail", b"another.customer.mail"))
    for to in ("someone.else@example.org", "sipho@example.co.za"):
        resp = reply(client, auth, case_id, to=to)
        assert resp.status_code == 422, resp.get_json()
        assert resp.get_json()["error"]["message"] == (
            f"{to} is not an email address of this customer")
        composed = client.post(f"/api/v1/cases/{case_id}/messages", headers=auth, json={
            "medium": "email", "to": to, "subject": "Your account", "body": "A payment is due."})
        assert composed.status_code == 422, composed.get_json()
    assert session.scalars(select(Interaction).where(
        Interaction.direction == "outbound")).all() == []
    assert smtp.messages() == []
    # The customer's own address still works, however its letters are cased.
    resp = reply(client, auth, case_id, to="Lerato@Example.CO.ZA")
    assert resp.status_code == 201, resp.get_json()
    [msg] = smtp.messages()
    assert msg["To"] == "lerato@example.co.za"
    session.commit()


def header_lines(raw: bytes) -> list[str]:
    """The header fields of a raw message as sent, each unfolded onto one line (RFC 5322)."""
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii")
    return re.sub(r"\n(?=[ \t])", "", head).split("\n")


def test_list_unsubscribe_is_sent_as_a_literal_url_never_as_encoded_words(
        client, auth, post_email, smtp, session, settings, default_client):
    """Mail providers read List-Unsubscribe(-Post) as written: RFC 2047 hides the URL."""
    long_id = f"<DB9PR01MB{'7C3A' * 16}@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>"
    landed = post_email(CUSTOMER_MAIL.replace(b"<first.customer.mail@example.co.za>",
                                              long_id.encode())).get_json()
    case_id = landed["case_id"]
    collections(session, default_client, case_id)
    settings.public_base_url = "https://console.acme.example:8443/caseline/"
    out = reply(client, auth, case_id, in_reply_to=landed["interaction_id"]).get_json()
    [msg] = smtp.messages()
    link = opt_out_link(msg)
    assert len(f"List-Unsubscribe: <{link}>") > 78  # longer than a line: still not encoded
    item = session.get(Interaction, out["id"])
    [evidence] = [a for a in item.attachments if a.kind == "raw"]
    with store_for(settings).open(evidence.storage_key) as fh:
        stored = fh.read()
    envelope = smtp.received[0]
    for raw in (envelope.original_content or envelope.content, stored):
        lines = header_lines(raw)
        assert f"List-Unsubscribe: <{link}>" in lines
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
        # A long Message-ID (Outlook's) is a msg-id too, where encoded words are not allowed.
        assert f"In-Reply-To: {long_id}" in lines
        assert f"References: {long_id}" in lines
        assert not [line for line in lines if "=?" in line]
    session.commit()
