"""Demo mode: the simulator delivers inbound mail; outbound mail lands in a local SMTP sink."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from channels.email import sink
from console.demo import sim_email as email_demo
from crm.models import Interaction


def test_demo_delivers_inbound_and_shows_outbound_in_the_sink(app, settings, client, login,
                                                              agent, session, default_client):
    settings.smtp_url = None
    settings.inbound_email_token = None
    # The CLI passes the `current_app` proxy; the timer thread must still find the app.
    email_demo.start(current_app, delay=0).join(60)
    assert settings.smtp_url.startswith("smtp://127.0.0.1:") and sink.running()
    inbound = session.scalars(select(Interaction).where(Interaction.medium == "email")).all()
    assert len(inbound) == 3 and sum(i.meta["auto_reply"] for i in inbound) == 1
    session.commit()
    assert email_demo.deliver(app) == 3  # a restart of the demo does not duplicate them
    assert session.scalar(select(func.count()).select_from(Interaction)) == 3
    case_id = inbound[0].case_id
    session.commit()
    csrf = login(agent)
    resp = client.post(f"/api/v1/cases/{case_id}/emails", headers={"X-CSRFToken": csrf},
                       json={"to": "maria.okafor@example.net", "subject": "Your windscreen",
                             "body": "We have approved the repair."})
    assert resp.status_code == 201 and resp.get_json()["status"] == "sent"
    page = client.get("/demo/outbox").get_data(as_text=True)
    assert "Your windscreen" in page and "We have approved the repair." in page
    assert session.scalar(select(func.count()).select_from(Interaction)) == 4
    session.commit()
