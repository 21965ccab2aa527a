"""Races: the same message delivered at once is stored once; one email is sent once."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select, update

from console.messaging.send_tasks import send_outbound
from crm.email import sending as mail
from crm.models import Attachment, Interaction
from tests.channels.email.conftest import TOKEN

CORPUS = Path(__file__).resolve().parents[1] / "email_corpus"


def together(n, work):
    """Run work(i) in n threads released at the same moment; return their results."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_deliveries_of_one_message_store_it_once(app, mailbox, session):
    raw = (CORPUS / "14_mixed_pdf_attachment.eml").read_bytes()

    def deliver(_):
        return app.test_client().post("/webhooks/email/inbound", data=raw,
                                      headers={"Authorization": f"Bearer {TOKEN}"}).status_code

    codes = together(4, deliver)
    assert sorted(codes)[0] in (200, 201) and all(c in (200, 201) for c in codes)
    assert codes.count(201) == 1
    assert session.scalar(select(func.count()).select_from(Interaction)) == 1
    assert session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.kind == "raw")) == 1
    session.commit()


def test_two_workers_claiming_one_email_send_it_once(app, post_email, agent, smtp, session):
    case_id = post_email((CORPUS / "01_plain_ascii.eml").read_bytes()).get_json()["case_id"]
    item = mail.queue_email(session, agent, case_id, to="jane.doe@example.com",
                            subject="Renewal", body="Your premium is unchanged.")
    session.commit()  # sent by the task the commit starts; queue it once more for the race
    assert len(smtp.messages()) == 1
    session.execute(update(Interaction).where(Interaction.id == item.id)
                    .values(status="queued", status_seq=0))
    session.commit()

    def worker(_):
        with app.app_context():  # each worker has its own context and database session
            return send_outbound.apply(args=[item.id]).get()

    results = together(3, worker)
    assert sorted(r.split(" ")[0] for r in results) == ["not", "not", "sent"]
    assert len(smtp.messages()) == 2
