"""Email outside business hours: stored and queued, one auto-reply, never to an auto-reply."""

from sqlalchemy import select

from crm.hours import settings as hours
from crm.models import Interaction, Offer

MAIL = (b"From: Lerato Naidoo <lerato@example.co.za>\r\n"
        b"To: cases@caseline.example.com\r\n"
        b"Subject: My claim\r\n"
        b"Message-ID: <%s@example.co.za>\r\n%s\r\n"
        b"Hello, my geyser burst.\r\n")
REPLY = "Thank you. Our office is closed; we will answer when we open."


def test_mail_outside_hours_gets_one_auto_reply_and_waits(post_email, smtp, session,
                                                          make_user, default_client):
    admin = make_user("admin")
    hours.put(session, admin, hours.HoursIn(client_id=default_client.id, timezone="UTC",
                                            weekly={}, message_auto_reply=REPLY))
    session.commit()
    assert post_email(MAIL % (b"one", b"")).status_code in (200, 201)
    assert post_email(MAIL % (b"two", b"")).status_code in (200, 201)
    [sent] = smtp.messages()
    assert sent["To"] == "lerato@example.co.za"
    assert sent["Subject"].startswith("Re: My claim [")
    assert sent["In-Reply-To"] == "<one@example.co.za>"
    assert sent["Auto-Submitted"] == "auto-replied"  # RFC 3834: no mail system answers it
    assert REPLY in sent.get_body(preferencelist=("plain",)).get_content()
    offer = session.scalars(select(Offer).where(Offer.medium == "email")).one()
    assert offer.status == "open" and offer.offered_user_id is None


def test_an_out_of_office_reply_is_never_answered(post_email, smtp, session, make_user,
                                                  default_client):
    admin = make_user("admin")
    hours.put(session, admin, hours.HoursIn(client_id=default_client.id, timezone="UTC",
                                            weekly={}, message_auto_reply=REPLY))
    session.commit()
    post_email(MAIL % (b"ooo", b"Auto-Submitted: auto-replied\r\n"))
    assert smtp.messages() == []
    assert session.scalars(select(Interaction).where(
        Interaction.direction == "outbound")).all() == []
