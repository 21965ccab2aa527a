"""Email in the console: poll the IMAP mailbox; sign and read opt-out links.

Outbound email is sent by the one send task of every medium (console.messaging.send_tasks).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import parseaddr

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from channels.email.imap import Refused, poll
from channels.email.inbound import DEFAULT_MAX_BYTES, land
from console.core import database
from console.core.tasks import celery, periodic
from crm.core.errors import DomainError, Invalid

log = logging.getLogger(__name__)
_SALT = "caseline.email-opt-out"


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


def message_domain(settings) -> str:
    """The domain our Message-IDs end in: EMAIL_FROM's."""
    return parseaddr(settings.email_from)[1].rpartition("@")[2] or "caseline.local"
