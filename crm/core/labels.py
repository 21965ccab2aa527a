"""What people read instead of the codes the data speaks: the one table for everything
printed (the case file, a claim's status line, the sign-off form) and shown on screen — every
page embeds it (templates/base.html) and static/js/workspace/labels.js reads it from there.

A code missing here still reads as words ("hardship_plan" -> "hardship plan"), never with
underscores. A code that reads differently in one place ("other" as a kind of decision) has
its words in SCOPED under that place's name.
"""

from __future__ import annotations

LABELS = {
    # cases, tasks, priorities
    "open": "open", "pending": "pending", "resolved": "resolved", "closed": "closed",
    "low": "low", "normal": "normal", "high": "high", "urgent": "urgent", "done": "done",
    "snoozed": "snoozed", "follow_up": "follow-up", "callback": "callback",
    # claims (crm.claims.lifecycle) and their types
    "fnol": "first notice of loss", "triage": "triage",
    "awaiting_documents": "awaiting documents", "investigation": "investigation",
    "assessed": "assessed", "settlement_proposed": "settlement proposed", "settled": "settled",
    "declined": "declined", "reopened": "reopened", "motor": "motor", "property": "property",
    "travel": "travel", "health": "health", "liability": "liability", "life": "life",
    "other": "other", "waived": "waived", "received": "received",
    # debt accounts, plans, promises, payments
    "active": "active", "disputed": "disputed", "ceased": "contact stopped",
    "payment_plan": "payment plan", "paid": "paid", "time_barred": "time-barred",
    "completed": "completed", "broken": "broken", "kept": "kept",
    "bank_transfer": "bank transfer", "ach": "ACH", "check": "check", "card": "card",
    "cash": "cash", "cease_request": "cease request", "bankrupt": "bankruptcy",
    "deceased": "death", "right_party_contact": "right party contact",
    "wrong_party": "wrong party", "promise_to_pay": "promise to pay",
    "refused": "refused to pay", "dispute": "dispute raised",
    "attorney": "attorney represents the debtor", "left_message": "left message",
    "debt_account": "debt account",
    # fraud investigations, red flags and their facts
    "investigating": "investigating", "escalated": "escalated", "medium": "medium",
    "critical": "critical", "false_positive": "false positive",
    "confirmed_fraud": "confirmed fraud", "inconclusive": "inconclusive",
    "loss_soon_after_cover": "loss soon after cover", "prior_claims": "prior claims",
    "shared_identifier": "shared with other customers",
    "seen_on_confirmed_fraud": "seen on confirmed fraud",
    "statement_mismatch": "inconsistent statement", "cleared": "cleared",
    "bank_account": "bank account", "third_party_name": "third-party name",
    "third_party_phone": "third-party phone", "device": "device", "address": "address",
    # sign-off (crm.signoff.decisions)
    "claim_payout": "claim settlement (pay out)", "ex_gratia_payment": "ex gratia payment",
    "claim_rejection": "claim decline", "account_freeze": "freeze the account",
    "fraud_referral": "fraud referral", "refund_unauthorised": "refund unauthorised use",
    "settlement_offer": "settlement of the debt", "hardship_plan": "hardship plan",
    "write_off": "write-off", "approved": "approved", "rejected": "rejected",
    # ("other" as a kind of decision: SCOPED[DECISION_KIND])
    # messages, calls, notes
    "queued": "queued", "sent": "sent", "delivered": "delivered", "read": "read",
    "failed": "failed", "undelivered": "undelivered", "no-answer": "no answer",
    "no_answer": "no answer", "busy": "busy", "in-progress": "in progress",
    "ringing": "ringing", "canceled": "cancelled", "voicemail": "voicemail",
    "voicemail_left": "voicemail left", "abandoned": "abandoned", "accepted": "accepted",
    "saved": "saved", "logged": "logged", "recorded": "recorded",
    "sms": "SMS", "whatsapp": "WhatsApp", "voice": "call", "email": "email", "chat": "chat",
    "note": "note", "system": "system", "inbound": "inbound", "outbound": "outbound",
    "internal": "internal", "phone": "phone", "raw": "raw message", "file": "file",
    "recording": "call recording",
}


DECISION_KIND = "decision_kind"  # crm.signoff.decisions.KINDS
# Codes that read differently in one place than everywhere else: {place: {code: words}}.
SCOPED = {DECISION_KIND: {"other": "other judgement"}}


def label(code, scope: str | None = None) -> str:
    """A code as words: label("payment_plan") is "payment plan"; unknown codes lose their
    underscores; nothing stays nothing. scope: a place in SCOPED whose words come first."""
    if code is None or code == "":
        return ""
    scoped = SCOPED.get(scope, {}) if scope else {}
    return scoped.get(code) or LABELS.get(code, str(code).replace("_", " "))


def title(code, scope: str | None = None) -> str:
    """The same, capitalised for a heading or the start of a line ("Time-barred")."""
    words = label(code, scope)
    return words[:1].upper() + words[1:]
