"""Inconsistency flags: a loss date, amount or bank account stated in a note, a call's
wrap-up, an email or a message, or a loss date, amount, bank account or policy number read
from a document (a claim form's PDF, crm.documents), that disagrees with the claim record, both
sources quoted.

Only what people said counts: staff's notes, wrap-ups, messages to and from the customer, and
the documents they sent. The notes the system writes itself ("Claim CLM-1: moved to settled,
USD 4,000.00") and the messages it sends on its own (auto-replies, chat transcripts) state
nothing new, and would only quote the record, or an old value of it, back at itself.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from crm.cases import timeline
from crm.fraud.rules.base import Facts, Finding
from crm.fraud.rules.statements import Stated, stated
from crm.models import Claim, DocumentSummary, Interaction, RedFlag

NAME = "statement_mismatch"
# Where agents and customers state facts in words (a call's words are in its wrap-up).
MEDIA = ("note", "email", "voice", "sms", "whatsapp", "chat")
_SOURCES = {"note": "A note", "email": "An email", "voice": "A call", "sms": "A text message",
            "whatsapp": "A WhatsApp message", "chat": "A chat message"}
_FIELDS = {"loss_date": ("loss date", lambda c: c.loss_date and c.loss_date.isoformat()),
           "amount": ("reported amount", lambda c: c.reported_amount_cents is not None
                      and str(c.reported_amount_cents)),
           "bank_account": ("bank account", lambda c: c.bank_account_key),
           "policy_number": ("policy number", lambda c: c.policy_number
                             and "".join(c.policy_number.split()).upper())}
# The facts a document's summary holds that the claim record also has.
DOCUMENT_FACTS = ("loss_date", "amount", "bank_account", "policy_number")


def texts(item: Interaction) -> list[tuple[str, str]]:
    """(source, text) pairs of an interaction: its body, and each wrap-up's notes."""
    source = _SOURCES.get(item.medium, "A message")
    found = [(source, item.body)] if item.body and item.medium != "voice" else []
    found += [("A call's wrap-up", w.get("notes") or "")
              for w in (item.meta or {}).get("wrap_ups", []) if w.get("notes")]
    return found


def _shown(what: str, claim: Claim) -> str:
    if what == "amount":
        return f"{claim.currency} {claim.reported_amount_cents / 100:,.2f}"
    if what == "bank_account":
        return claim.bank_account or claim.bank_account_key or ""
    if what == "policy_number":
        return claim.policy_number or ""
    return claim.loss_date.isoformat()


def said_by_people():
    """The interactions in which a person stated something: not a note the system logged,
    not a message it sent on its own (outbound with no one's name on it)."""
    return and_(Interaction.medium.in_(MEDIA), Interaction.status != timeline.LOGGED,
                or_(Interaction.direction != "outbound", Interaction.agent_id.is_not(None)))


def _statements(facts: Facts) -> list[Interaction]:
    s, case = facts.session, facts.case
    flagged = [f.facts.get("stated", {}).get("interaction_id") for f in s.scalars(
        select(RedFlag).where(RedFlag.case_id == case.id, RedFlag.rule == NAME))]
    newest = select(Interaction.id).where(
        Interaction.case_id == case.id, said_by_people()).order_by(
        Interaction.occurred_at.desc(), Interaction.id.desc()).limit(
        facts.thresholds.statement_scan)
    wanted = {i for i in (*facts.interaction_ids, *flagged) if i}
    return list(s.scalars(select(Interaction).where(
        Interaction.case_id == case.id, said_by_people(),
        or_(Interaction.id.in_(newest.scalar_subquery()), Interaction.id.in_(wanted)))
        .order_by(Interaction.id)))


def evaluate(facts: Facts) -> list[Finding]:
    """One finding per stated fact that no claim in its scope records."""
    if not facts.claims:
        return []
    found = []
    for item in _statements(facts):
        for source, text in texts(item):
            for fact in stated(text):
                finding = _check(facts, item, source, text, fact)
                if finding:
                    found.append(finding)
    for item, source, text, fact, ref in _documents(facts):
        finding = _check(facts, item, source, text, fact, ref)
        if finding:
            found.append(finding)
    return found


def _documents(facts: Facts):
    """(interaction, source, text, fact, key) of each fact read from the case's documents."""
    s = facts.session
    rows = s.scalars(select(DocumentSummary).where(
        DocumentSummary.case_id == facts.case.id, DocumentSummary.status == "done",
        # A long email's own text is read as a statement already (texts()).
        DocumentSummary.attachment_id.is_not(None))
        .order_by(DocumentSummary.id).limit(facts.thresholds.statement_scan)).all()
    items = {i.id: i for i in s.scalars(select(Interaction).where(
        Interaction.id.in_({r.interaction_id for r in rows})))} if rows else {}
    for row in rows:
        name = next((a.filename for a in items[row.interaction_id].attachments
                     if a.id == row.attachment_id), None) or "attached"
        source = f"The document {name}"
        claim = (row.facts or {}).get("claim_number", {}).get("value", "")
        for what in DOCUMENT_FACTS:
            got = (row.facts or {}).get(what)
            if got and got.get("value"):
                fact = Stated(what, got["value"], got.get("shown") or got["value"],
                              got.get("quote") or got["value"])
                yield (items[row.interaction_id], source, f"{claim} {fact.quote}", fact,
                       f"doc{row.id}")


def _check(facts: Facts, item: Interaction, source: str, text: str,
           fact: Stated, ref: str | None = None) -> Finding | None:
    label, value_of = _FIELDS[fact.what]
    # A text naming a claim speaks of that claim; otherwise of any claim on the case.
    named = [c for c in facts.claims if c.number.lower() in text.lower()]
    scope = [c for c in (named or facts.claims) if value_of(c)]
    if not scope or any(value_of(c) == fact.value for c in scope):
        return None
    claim = scope[-1]  # the newest claim in scope is the one it most likely means
    record = _shown(fact.what, claim)
    when = item.occurred_at.date().isoformat()
    return Finding(
        NAME, f"{fact.what}:{ref or item.id}:{fact.value}"[:200],
        f"{source} ({when}) says \"{fact.quote}\" but claim {claim.number} records the "
        f"{label} as {record}.",
        {"field": fact.what,
         "stated": {"source": source.removeprefix("A ").removeprefix("An ")
                    .removeprefix("The "),
                    "interaction_id": item.id, "quote": fact.quote, "value": fact.shown},
         "record": {"claim": claim.number, "field": label, "value": record}},
        claim_id=claim.id)
