"""Documents read from inbound email: a claim form's summary on the timeline, its facts
compared with the claim record, and a bad file's clear status."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from sqlalchemy import select

from console.documents.tasks import summarise
from crm.models import Case, Claim, DocumentSummary, RedFlag
from tests.documents_support import claim_form_docx, claim_form_pdf


def mail(files=(), body="Please find my claim form attached.", sender="jane@example.com",
         n=1) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = f"Jane Mokoena <{sender}>", "cases@caseline.example.com"
    msg["Subject"], msg["Message-ID"] = "My claim", f"<claim-form-{n}@example.com>"
    msg.set_content(body)
    for name, data, subtype in files:
        main, _, sub = subtype.partition("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg.as_bytes()


def timeline_of(client, headers, case_id):
    resp = client.get(f"/api/v1/cases/{case_id}/timeline", headers=headers)
    assert resp.status_code == 200
    return resp.get_json()["items"]


def test_a_20_page_claim_form_gets_a_summary_naming_policy_loss_date_and_amount(
        post_email, client, as_user):
    _, headers = as_user("claims")
    landed = post_email(mail([("claim-form.pdf", claim_form_pdf(pages=20), "application/pdf")]))
    assert landed.status_code in (200, 201), landed.get_json()
    item = next(i for i in timeline_of(client, headers, landed.get_json()["case_id"])
                if i["id"] == landed.get_json()["interaction_id"])
    form = next(a for a in item["attachments"] if a["filename"] == "claim-form.pdf")
    summary = form["summary"]
    assert (summary["status"], summary["pages"]) == ("done", 20)
    facts = summary["facts"]
    assert facts["policy_number"]["value"] == "HOM-4471-22"
    assert (facts["loss_date"]["value"], facts["loss_date"]["shown"]) == ("2026-03-14",
                                                                          "14 March 2026")
    assert (facts["amount"]["value"], facts["amount"]["shown"]) == ("475000", "$4,750.00")
    said = " / ".join(s["text"] for s in summary["sentences"])
    for wanted in ("Policy number: HOM-4471-22", "Date of loss: 14 March 2026",
                   "Amount claimed: $4,750.00"):
        assert wanted in said
    assert "Terms and conditions" not in said  # the filler carries no facts


def test_a_documents_facts_that_disagree_with_the_claim_raise_a_quoted_flag(
        post_email, session, client, as_user, default_client):
    first = post_email(mail(n=1)).get_json()
    case = session.get(Case, first["case_id"])
    session.add(Claim(client_id=default_client.id, case_id=case.id, number="CLM-2026-0091",
                      policy_number="HOM-4471-22", loss_date=date(2026, 3, 12),
                      reported_amount_cents=475_000, currency="USD"))
    session.commit()
    post_email(mail([("claim-form.pdf", claim_form_pdf(pages=2), "application/pdf")], n=2))
    session.expire_all()
    flags = session.scalars(select(RedFlag).where(RedFlag.case_id == case.id,
                                                  RedFlag.rule == "statement_mismatch")).all()
    assert [f.facts["field"] for f in flags] == ["loss_date"]  # the policy and sum agree
    assert flags[0].reason.startswith(
        "The document claim-form.pdf (")
    assert ("says \"Date of loss: 14 March 2026\" but claim CLM-2026-0091 records the loss "
            "date as 2026-03-12.") in flags[0].reason


def test_word_files_and_long_emails_are_summarised_and_bad_files_say_why(post_email, session):
    long_body = ("Dear team, I am writing about my car. " * 35 + "\n"
                 "My policy number is MOT-9920-11 and the accident happened on 2 February "
                 "2026. The repairs cost $1,200.00 in total.")
    landed = post_email(mail([
        ("letter.docx", claim_form_docx(),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("broken.pdf", b"%PDF-1.4 not really", "application/pdf")], body=long_body, n=3))
    assert landed.status_code in (200, 201)
    rows = {r.key.split(":")[0] + (f":{r.status}"): r for r in session.scalars(
        select(DocumentSummary).where(
            DocumentSummary.interaction_id == landed.get_json()["interaction_id"]))}
    assert set(rows) == {"attachment:done", "attachment:unreadable", "body:done"}
    assert rows["body:done"].facts["policy_number"]["value"] == "MOT-9920-11"
    assert rows["attachment:unreadable"].message.startswith("Not read: the file is damaged")
    # Asked again (a redelivered task), nothing is read twice.
    session.rollback()  # (SQLite: an open read would hold the task's write lock)
    assert summarise(landed.get_json()["interaction_id"]) == 0
