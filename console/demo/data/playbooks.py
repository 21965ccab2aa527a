"""The demo client's playbooks (one per line of work) and knowledge base articles."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.knowledge import articles
from crm.models import User
from crm.playbooks import catalog

DISCLOSURE = ("This is {agent} from Caseline Collections. This is an attempt to collect a "
              "debt, and any information obtained will be used for that purpose. This call "
              "may be recorded.")
ARTICLES = [
    ("fnol", "Taking a first notice of loss", "insurance", ["property", "motor"],
     "## What to capture\n\n1. The **policy number** and who is calling.\n2. The date, time "
     "and place of the loss.\n3. What happened, in the caller's words.\n4. Any injuries or "
     "police report number.\n\nTell the caller what happens next: a handler calls within "
     "**one working day**."),
    ("hail", "Storm and hail damage to a home", "insurance", ["property"],
     "Ask for photos of the roof, the gutters and any water inside. Advise emergency "
     "repairs to stop further damage and **keep the receipts**: reasonable costs are "
     "covered.\n\n| Damage | Documents |\n| --- | --- |\n| Roof | Roofer's quote |\n"
     "| Contents | Photos, receipts |"),
    ("motor", "Motor claims: the other driver", "insurance", ["motor"],
     "Capture the other driver's name, registration and insurer. Never admit liability "
     "for the customer; dash-cam footage helps and can be attached to the claim."),
    ("fraud", "Red flags and how to escalate", "fraud", ["escalated"],
     "A loss soon after the policy started, a changed bank account or a story that "
     "differs between calls are **red flags**. Do not accuse: escalate to the fraud team "
     "from the case and keep working the claim as normal."),
    ("disclosure", "The collections call disclosure", "collections",
     ["right_party_contact", "promise_to_pay"],
     "Confirm you are speaking to the debtor (right party) **before** saying anything about "
     "the debt. Then read the disclosure word for word:\n\n> " + DISCLOSURE),
    ("hardship", "Hardship and payment plans", "collections", ["refused", "dispute"],
     "If the debtor cannot pay, offer a plan they can keep. A plan over 12 months or a "
     "settlement below 70% needs a supervisor's sign-off."),
    ("retention", "Keeping a policyholder who wants to cancel", "retention",
     ["retained", "retention_offer", "cancelled"],
     "Ask why they want to leave before offering anything. Price: the loyalty discount "
     "(up to 15%). Service: apologise and own the fix. If they still want to go, take the "
     "cancellation politely and confirm it **in writing**."),
]


def playbooks(ids: dict[str, int]) -> list[dict]:
    """The four playbooks, their steps linked to the articles (ids by article key)."""
    return [
        {"line_of_work": "insurance", "name": "Claims first notice of loss", "steps": [
            {"key": "verify", "title": "Verify the caller is the policyholder"},
            {"key": "policy", "title": "Capture the policy number", "kind": "field",
             "trigger": "field:claim.policy_number", "article_id": ids["fnol"]},
            {"key": "loss", "title": "Capture the loss date and what happened", "kind": "field",
             "trigger": "field:claim.loss_date"},
            {"key": "amount", "title": "Capture the estimated amount", "kind": "field",
             "trigger": "field:claim.reported_amount_cents", "required": False},
            {"key": "documents", "title": "Send the claim form and document list",
             "kind": "document", "trigger": "document", "article_id": ids["hail"]},
            {"key": "next", "title": "Tell the caller what happens next", "kind": "script",
             "body": "A claims handler will call you within one working day. Keep any "
                     "damaged items and receipts until we have seen them."}]},
        {"line_of_work": "fraud", "name": "Fraud investigation", "steps": [
            {"key": "review", "title": "Review the red flags and the ring", "kind": "checklist",
             "article_id": ids["fraud"]},
            {"key": "evidence", "title": "Attach the evidence to the investigation"},
            {"key": "decide", "title": "Decide: false positive, confirmed or inconclusive",
             "kind": "decision"}]},
        {"line_of_work": "collections", "name": "Collections call", "steps": [
            {"key": "right-party", "title": "Confirm you are speaking to the debtor"},
            {"key": "disclosure", "title": "Read the disclosure", "kind": "script",
             "body": DISCLOSURE, "article_id": ids["disclosure"]},
            {"key": "validation", "title": "Validation notice sent", "kind": "field",
             "trigger": "field:debt.validation_notice_sent_on"},
            {"key": "outcome", "title": "Record the call's outcome", "kind": "decision",
             "trigger": "disposition"}]},
        {"line_of_work": "retention", "name": "Cancellation request", "steps": [
            {"key": "reason", "title": "Ask why they want to cancel", "kind": "script",
             "body": "Before we go ahead, may I ask what made you decide to cancel?",
             "article_id": ids["retention"]},
            {"key": "offer", "title": "Make the retention offer that fits", "kind": "decision"},
            {"key": "outcome", "title": "Record the outcome", "kind": "decision",
             "trigger": "disposition"},
            {"key": "confirm", "title": "Confirm in writing", "kind": "document",
             "trigger": "document"}]},
    ]


def load(session: Session, client_id: int, supervisor: User) -> int:
    """Write the articles and playbooks as the demo supervisor; how many playbooks."""
    ids = {}
    for key, title, line, tags, body in ARTICLES:
        ids[key] = articles.create(session, supervisor, {
            "client_id": client_id, "title": title, "body": body, "line_of_work": line,
            "tags": tags}).id
    books = playbooks(ids)
    for book in books:
        catalog.create(session, supervisor, {"client_id": client_id, **book})
    return len(books)
