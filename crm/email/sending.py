"""Outbound email on a case: checked, queued with its headers; crm.messaging.delivery sends it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import guardrails
from crm.cases import records as cases
from crm.cases import timeline
from crm.core import audit, events
from crm.core.errors import Invalid, NotFound
from crm.core.files import safe_filename, sniff
from crm.core.storage import BlobStore
from crm.customers import identity
from crm.email.receiving import CASE_TOKEN
from crm.guardrails import collections
from crm.messaging import uploads
from crm.messaging.delivery import STATUS_RANK
from crm.models import (
    Attachment,
    Case,
    Client,
    ContactPoint,
    DebtAccount,
    Interaction,
    User,
    utcnow,
)

MAX_SUBJECT = 900
MAX_BODY = 100_000
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
# (case id, address) -> the signed opt-out URL; the console signs it with its secret.
OptOutLink = Callable[[int, str], str]


@dataclass(frozen=True)
class OptOutTarget:
    """Who an opt-out link speaks for: the client's name, the address, whether it is done."""

    client_name: str
    address: str
    opted_out: bool
    language: str | None = None  # the customer's, for the page's words


def queue_email(session: Session, actor: User, case_id: int, *, to: str, subject: str,
                body: str, in_reply_to_id: int | None = None, attachments=(),
                store: BlobStore | None = None, opt_out_link: OptOutLink | None = None,
                message_domain: str = "caseline.local", upload_ids=()) -> Interaction:
    """Write an outbound email as `queued`, headers and all; the send pipeline delivers it.

    `attachments` are (filename, bytes); `upload_ids` the agent's composer uploads.

    `opt_out_link(case_id, address)` is the signed link a collections email must carry.
    """
    case = cases.get(session, actor, case_id, audit_view=False)
    address = identity.normalise_email(to)
    _refuse_unless_customers(session, case, address)
    rules = guardrails.describe("email")
    lifted = guardrails.check(session, case, rules,
                              point=_contact_point(session, case.client_id, address),
                              body=f"{subject or ''}\n{body or ''}", actor=actor)
    subject = " ".join((subject or "").split())
    if not subject:
        raise Invalid("an email needs a subject")
    if len(subject) > MAX_SUBJECT:
        raise Invalid(f"a subject can have at most {MAX_SUBJECT} characters")
    text = (body or "").replace("\x00", "").strip()
    if not text:
        raise Invalid("an email needs a body")
    if len(text) > MAX_BODY:
        raise Invalid(f"an email body can have at most {MAX_BODY} characters")
    if not CASE_TOKEN.search(subject):
        # The token lets a reply thread even when a mail client drops every header we set.
        subject = f"{subject} [{case.reference}]"
    in_reply_to, references = _thread_headers(session, case, in_reply_to_id)
    files = _checked_files(attachments)
    uploaded = uploads.pending(session, actor, case, upload_ids, rules)
    if files and store is None:
        raise Invalid("attachments need a file store")
    # Fixed now, so a retry re-sends the same message and a reply can name it at once.
    message_id = f"<cl.{secrets.token_hex(12)}@{message_domain}>"
    headers = {"Message-ID": message_id, "In-Reply-To": in_reply_to,
               "References": " ".join(references) or None, "X-Caseline-Case": case.reference}
    if _on_debt(session, case):
        text = collections.with_disclosures(session, case, rules, text)
        text, unsubscribe = _with_opt_out(text, case, address, opt_out_link)
        headers.update(unsubscribe)
    item, _ = timeline.record(
        session, case, medium="email", direction="outbound", status="queued",
        status_seq=STATUS_RANK["queued"], body=text, subject=subject, to_addr=address,
        agent_id=actor.id, occurred_at=utcnow(), thread_key=message_id,
        meta={"headers": {k: v for k, v in headers.items() if v}, "in_reply_to": in_reply_to,
              "references": references, "attempts": 0,
              **({guardrails.LIFTED: list(lifted)} if lifted else {})})
    item.provider_id = message_id
    for name, data in files:
        key, digest = store.put(data)
        session.add(Attachment(interaction_id=item.id, kind="file", filename=name,
                               content_type=sniff(data), size=len(data), storage_key=key,
                               sha256=digest))
    uploads.attach(session, item, uploaded)
    audit.record(session, actor, "email.queued", item, client_id=case.client_id,
                 after={"case_id": case.id, "to": address,
                        **({"files": [f.filename for f in uploaded]} if uploaded else {})})
    events.emit(session, events.OUTBOUND_QUEUED, interaction_id=item.id, case_id=case.id,
                client_id=case.client_id, medium="email")
    return item


def _on_debt(session: Session, case: Case) -> bool:
    return session.scalar(select(DebtAccount.id).where(DebtAccount.case_id == case.id)
                          .limit(1)) is not None


def _with_opt_out(text: str, case: Case, address: str, opt_out_link: OptOutLink | None
                  ) -> tuple[str, dict]:
    # A collections email carries a simple way to opt out (Regulation F), in the footer and
    # as List-Unsubscribe (RFC 2369); the footer is stored, so the timeline shows it too.
    if opt_out_link is None:
        raise Invalid("cannot build the opt-out link: set PUBLIC_BASE_URL")
    link = opt_out_link(case.id, address)
    headers = {"List-Unsubscribe": f"<{link}>"}
    if link.startswith("https://"):
        # RFC 8058 one-click is defined for an HTTPS URI only; mail clients ignore it else.
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return f"{text}\n\n--\nTo stop receiving emails from us at this address: {link}\n", headers


def _refuse_unless_customers(session: Session, case: Case, address: str) -> None:
    # Like SMS to a number: on a debt case, mail to anyone else discloses the debt to a third
    # party. An address is one customer's per client (unique), so the client's lookup finds it.
    cp = _contact_point(session, case.client_id, address)
    if cp is None or cp.customer_id != case.customer_id:
        raise Invalid(f"{address} is not an email address of this customer")


def _opt_out_link(session: Session, case_id: int, address: str) -> tuple[
        Case, str, ContactPoint | None]:
    # What a (verified) opt-out link names: its case, the address, its contact point if any.
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("this opt-out link is no longer valid")
    value = identity.normalise_email(address)
    return case, value, _contact_point(session, case.client_id, value)


def opt_out_target(session: Session, case_id: int, address: str) -> OptOutTarget:
    """What an opt-out link would do, read only: the page asks before anything changes."""
    case, value, cp = _opt_out_link(session, case_id, address)
    return OptOutTarget(client_name=session.get(Client, case.client_id).name, address=value,
                        opted_out=cp is not None and bool((cp.opt_outs or {}).get("email")),
                        language=case.customer.language)


def opt_out(session: Session, case_id: int, address: str) -> ContactPoint:
    """Opt an address out of email (from the link in a collections email); audited."""
    case, value, cp = _opt_out_link(session, case_id, address)
    if cp is None:
        cp = identity.add_contact_point(session, None, case.customer, value)
    before = dict(cp.opt_outs or {})
    if not before.get("email"):
        cp.opt_outs = {**before, "email": utcnow().isoformat()}
        audit.record(session, None, "contact.opted_out", cp, client_id=case.client_id,
                     before={"opt_outs": before},
                     after={"medium": "email", "value": value, "opt_outs": cp.opt_outs})
        events.emit(session, events.CUSTOMER_UPDATED, customer_id=cp.customer_id,
                    client_id=case.client_id)
    return cp


def _contact_point(session, client_id, address) -> ContactPoint | None:
    return session.scalars(select(ContactPoint).where(
        ContactPoint.client_id == client_id, ContactPoint.kind == "email",
        ContactPoint.value == address)).first()


def last_from(session: Session, case_id: int, address: str) -> int | None:
    """The newest email on a case from this address (a composer reply answers it)."""
    address = (address or "").strip().lower()
    return session.scalars(select(Interaction.id).where(
        Interaction.case_id == case_id, Interaction.medium == "email",
        Interaction.direction == "inbound", func.lower(Interaction.from_addr) == address)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(1)).first()


def queue_auto_reply(session: Session, case: Case, parent: Interaction, body: str, *,
                     kind: str = "auto_reply") -> Interaction:
    """A system answer to an inbound email (outside business hours, say): threaded on it and
    marked automatic (RFC 3834 Auto-Submitted), so a well-behaved mail system never answers
    it in turn. No guardrails: nothing but the fact of the message is said."""
    said = " ".join((parent.subject or "").split())
    subject = said if said.lower().startswith("re:") else f"Re: {said or 'your message'}"
    subject = subject[:MAX_SUBJECT - 20]
    if not CASE_TOKEN.search(subject):
        subject = f"{subject} [{case.reference}]"
    in_reply_to, references = _thread_headers(session, case, parent.id)
    domain = (parent.to_addr or "").rpartition("@")[2] or "caseline.local"
    message_id = f"<cl.{secrets.token_hex(12)}@{domain}>"
    headers = {"Message-ID": message_id, "In-Reply-To": in_reply_to,
               "References": " ".join(references) or None, "X-Caseline-Case": case.reference,
               "Auto-Submitted": "auto-replied"}
    item, _ = timeline.record(
        session, case, medium="email", direction="outbound", status="queued",
        status_seq=STATUS_RANK["queued"], body=body, subject=subject,
        to_addr=identity.normalise_email(parent.from_addr or ""), occurred_at=utcnow(),
        thread_key=message_id,
        meta={"headers": {k: v for k, v in headers.items() if v}, "in_reply_to": in_reply_to,
              "references": references, "attempts": 0, "kind": kind, "system": True})
    item.provider_id = message_id
    session.flush()
    events.emit(session, events.OUTBOUND_QUEUED, interaction_id=item.id, case_id=case.id,
                client_id=case.client_id, medium="email")
    return item


def _thread_headers(session, case, parent_id) -> tuple[str | None, list[str]]:
    if parent_id is None:
        return None, []
    parent = session.get(Interaction, parent_id)
    if parent is None or parent.case_id != case.id or parent.medium != "email":
        raise NotFound("the email being answered is not on this case")
    if not parent.thread_key:
        return None, []
    refs = [*((parent.meta or {}).get("references") or []), parent.thread_key]
    return parent.thread_key, refs[-20:]


def _checked_files(attachments) -> list[tuple[str, bytes]]:
    files = [(safe_filename(name), bytes(data)) for name, data in attachments]
    total = sum(len(d) for _, d in files)
    if total > MAX_ATTACHMENTS_BYTES:
        raise Invalid(f"attachments can total at most {MAX_ATTACHMENTS_BYTES // 1024 // 1024} MB")
    return files


def get_email(session: Session, actor: User, case_id: int, interaction_id: int) -> Interaction:
    """One email of a case the actor may see (a sensitive case's view is audited)."""
    case = cases.get(session, actor, case_id)
    item = session.get(Interaction, interaction_id)
    if item is None or item.case_id != case.id or item.medium != "email":
        raise NotFound("email not found")
    return item
