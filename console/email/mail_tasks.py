"""Email tasks: send one queued email, sweep due retries, poll the IMAP mailbox."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import formataddr, parseaddr

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from channels import registry
from channels.base import OutboundMessage, PermanentSendError, TemporarySendError
from channels.email.imap import Refused, poll
from channels.email.inbound import DEFAULT_MAX_BYTES, land, store_for
from console.core import database
from console.core.tasks import celery, enqueue, periodic
from crm.core.errors import DomainError, Invalid
from crm.email import sending as mail

log = logging.getLogger(__name__)
_SALT = "caseline.email-opt-out"


@celery.task(name="email.send")
def send_email(interaction_id: int) -> str:
    """Send one queued email once (claimed queued→sending); settle it sent/queued/failed."""
    settings = current_app.config["CASELINE"]
    session = database.session()
    job = mail.claim(session, interaction_id, _domain(settings.email_from))
    if job is None:
        return "not queued"
    try:
        mail.recheck(session, interaction_id, job.client_id, job.to)
        message = _message(job, settings)
        result = registry.adapter_for("email", settings).send(message)
    except DomainError as exc:
        mail.mark_failed(session, interaction_id, exc.message)
        if exc.aftermath is not None:  # a blocked attempt, kept on the case
            exc.aftermath(session)
            session.commit()
        return "failed"
    except PermanentSendError as exc:
        mail.mark_failed(session, interaction_id, str(exc))
        return "failed"
    except TemporarySendError as exc:
        return "retry" if mail.mark_retry(session, interaction_id, str(exc)) else "failed"
    except Exception as exc:
        # Never strand a claimed email in `sending`: a bug gets retried like a 4xx, and logged.
        session.rollback()
        log.exception("sending email %s failed unexpectedly", interaction_id)
        mail.mark_retry(session, interaction_id, f"internal error: {type(exc).__name__}")
        return "retry"
    mail.mark_sent(session, interaction_id, sender=result.raw.get("from") or settings.email_from,
                   raw=result.raw.get("message"), store=store_for(settings))
    return "sent"


@periodic(timedelta(seconds=30))
@celery.task(name="email.sweep")
def sweep_email() -> int:
    """Re-enqueue queued emails whose backoff has passed (a broker outage loses none)."""
    session = database.session()
    mail.recover_stale(session)
    ids = mail.due(session)
    for interaction_id in ids:
        enqueue(send_email, interaction_id)
    return len(ids)


@periodic(timedelta(seconds=60))
@celery.task(name="email.poll_imap")
def poll_imap() -> int:
    """Fetch unseen mail from IMAP_URL; each message is marked seen only once stored."""
    settings = current_app.config["CASELINE"]
    if not settings.imap_url:
        return 0
    session = database.session()
    limit = int(current_app.config.get("EMAIL_MAX_BYTES", DEFAULT_MAX_BYTES))

    def store(raw: bytes) -> None:
        if len(raw) > limit:
            raise Refused(f"{len(raw)} bytes is over the {limit} byte limit")
        try:
            land(session, raw, settings)
        except DomainError as exc:
            raise Refused(exc.message) from exc

    return poll(settings.imap_url, store)


def opt_out_url(settings, case_id: int, address: str, link_base: str | None = None) -> str:
    """The signed opt-out link carried by collections emails, on the console's public URL."""
    token = URLSafeSerializer(settings.secret_key, salt=_SALT).dumps([case_id, address])
    return f"{public_base(settings, link_base)}/email/opt-out/{token}"


def public_base(settings, link_base: str | None = None) -> str:
    """PUBLIC_BASE_URL, else where the console was reached (the queuing request, SERVER_NAME)."""
    base = settings.public_base_url or link_base
    config = current_app.config
    if not base and config.get("SERVER_NAME"):
        scheme = config.get("PREFERRED_URL_SCHEME") or "http"
        base = f"{scheme}://{config['SERVER_NAME']}{config.get('APPLICATION_ROOT') or ''}"
    if not base:
        # A guessed host would send customers to a dead link; failing shows the agent why.
        raise Invalid("cannot build the opt-out link: set PUBLIC_BASE_URL")
    return base.rstrip("/")


def read_opt_out(settings, token: str) -> tuple[int, str] | None:
    """(case id, address) of a genuine opt-out token, else None."""
    try:
        case_id, address = URLSafeSerializer(settings.secret_key, salt=_SALT).loads(token)
        return int(case_id), str(address)
    except (BadSignature, ValueError, TypeError):
        return None


def _message(job: mail.Sendable, settings) -> OutboundMessage:
    name, address = parseaddr(settings.email_from)
    local, _, domain = address.partition("@")
    headers = {"Message-ID": job.message_id,
               "Reply-To": formataddr((name, f"{local}+{job.case_reference}@{domain}")),
               "In-Reply-To": job.in_reply_to,
               "References": " ".join(job.references) or None,
               "X-Caseline-Case": job.case_reference}
    body = job.body
    if job.opt_out:
        link = opt_out_url(settings, job.case_id, job.to, job.link_base)
        body += f"\n\n--\nTo stop receiving emails from us at this address: {link}\n"
        headers["List-Unsubscribe"] = f"<{link}>"  # RFC 2369: the same link as the footer
        if link.startswith("https://"):
            # RFC 8058 one-click is defined for an HTTPS URI only; mail clients ignore it else.
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    store = store_for(settings)
    files = []
    for filename, content_type, key in job.attachments:
        with store.open(key) as fh:
            files.append((filename, content_type, fh.read()))
    return OutboundMessage(interaction_id=job.interaction_id, to=job.to, body=body,
                           sender=settings.email_from, subject=job.subject, headers=headers,
                           attachments=tuple(files))


def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "caseline.local"
