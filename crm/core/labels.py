"""What people read instead of the codes the data speaks: the one table for everything
printed (the case file, a claim's status line, the sign-off form) and shown on screen — every
page embeds it (templates/base.html) and static/js/workspace/labels.js reads it from there.

A code missing here still reads as words ("hardship_plan" -> "hardship plan"), never with
underscores. A code that reads differently in one place ("other" as a kind of decision) has
its words in SCOPED under that place's name.
"""

from __future__ import annotations


def N_(words: str) -> str:
    """Marks words for the message catalogue (make extract); pages show them translated."""
    return words


LABELS = {
    # cases, tasks, priorities
    "open": N_("open"), "pending": N_("pending"), "resolved": N_("resolved"),
    "closed": N_("closed"),
    "low": N_("low"), "normal": N_("normal"), "high": N_("high"), "urgent": N_("urgent"),
    "done": N_("done"),
    "snoozed": N_("snoozed"), "follow_up": N_("follow-up"), "callback": N_("callback"),
    # claims (crm.claims.lifecycle) and their types
    "fnol": N_("first notice of loss"), "triage": N_("triage"),
    "awaiting_documents": N_("awaiting documents"), "investigation": N_("investigation"),
    "assessed": N_("assessed"), "settlement_proposed": N_("settlement proposed"),
    "settled": N_("settled"),
    "declined": N_("declined"), "reopened": N_("reopened"), "motor": N_("motor"),
    "property": N_("property"),
    "travel": N_("travel"), "health": N_("health"), "liability": N_("liability"),
    "life": N_("life"),
    "other": N_("other"), "waived": N_("waived"), "received": N_("received"),
    # debt accounts, plans, promises, payments
    "active": N_("active"), "disputed": N_("disputed"), "ceased": N_("contact stopped"),
    "payment_plan": N_("payment plan"), "paid": N_("paid"), "time_barred": N_("time-barred"),
    "completed": N_("completed"), "broken": N_("broken"), "kept": N_("kept"),
    "bank_transfer": N_("bank transfer"), "ach": N_("ACH"), "check": N_("check"),
    "card": N_("card"),
    "cash": N_("cash"), "cease_request": N_("cease request"), "bankrupt": N_("bankruptcy"),
    "deceased": N_("death"), "right_party_contact": N_("right party contact"),
    "wrong_party": N_("wrong party"), "promise_to_pay": N_("promise to pay"),
    "refused": N_("refused to pay"), "dispute": N_("dispute raised"),
    "attorney": N_("attorney represents the debtor"), "left_message": N_("left message"),
    "debt_account": N_("debt account"),
    # fraud investigations, red flags and their facts
    "investigating": N_("investigating"), "escalated": N_("escalated"), "medium": N_("medium"),
    "critical": N_("critical"), "false_positive": N_("false positive"),
    "confirmed_fraud": N_("confirmed fraud"), "inconclusive": N_("inconclusive"),
    "loss_soon_after_cover": N_("loss soon after cover"), "prior_claims": N_("prior claims"),
    "shared_identifier": N_("shared with other customers"),
    "seen_on_confirmed_fraud": N_("seen on confirmed fraud"),
    "statement_mismatch": N_("inconsistent statement"), "cleared": N_("cleared"),
    "bank_account": N_("bank account"), "third_party_name": N_("third-party name"),
    "third_party_phone": N_("third-party phone"), "device": N_("device"), "address": N_("address"),
    # sign-off (crm.signoff.decisions)
    "claim_payout": N_("claim settlement (pay out)"), "ex_gratia_payment": N_("ex gratia payment"),
    "claim_rejection": N_("claim decline"), "account_freeze": N_("freeze the account"),
    "fraud_referral": N_("fraud referral"), "refund_unauthorised": N_("refund unauthorised use"),
    "settlement_offer": N_("settlement of the debt"), "hardship_plan": N_("hardship plan"),
    "write_off": N_("write-off"), "approved": N_("approved"), "rejected": N_("rejected"),
    # ("other" as a kind of decision: SCOPED[DECISION_KIND])
    # messages, calls, notes
    "queued": N_("queued"), "sent": N_("sent"), "delivered": N_("delivered"), "read": N_("read"),
    "failed": N_("failed"), "undelivered": N_("undelivered"), "no-answer": N_("no answer"),
    "no_answer": N_("no answer"), "busy": N_("busy"), "in-progress": N_("in progress"),
    "ringing": N_("ringing"), "canceled": N_("cancelled"), "voicemail": N_("voicemail"),
    "voicemail_left": N_("voicemail left"), "abandoned": N_("abandoned"),
    "accepted": N_("accepted"),
    "saved": N_("saved"), "logged": N_("logged"), "recorded": N_("recorded"),
    "sms": N_("SMS"), "whatsapp": N_("WhatsApp"), "voice": N_("call"), "email": N_("email"),
    "chat": N_("chat"),
    "note": N_("note"), "system": N_("system"), "inbound": N_("inbound"),
    "outbound": N_("outbound"),
    "internal": N_("internal"), "phone": N_("phone"), "raw": N_("raw message"), "file": N_("file"),
    "recording": N_("call recording"),
}


DECISION_KIND = "decision_kind"  # crm.signoff.decisions.KINDS
# Codes that read differently in one place than everywhere else: {place: {code: words}}.
SCOPED = {DECISION_KIND: {"other": N_("other judgement")}}


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
