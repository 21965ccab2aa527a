"""Signed, expiring links to the files of an outbound message, for whoever has no staff
session: Twilio fetching an MMS or WhatsApp file (MediaUrl), a chat visitor opening one."""

from __future__ import annotations

import time

from flask import Blueprint, Flask, abort, current_app, send_file
from itsdangerous import BadSignature, URLSafeTimedSerializer

from console.core import database
from console.core.extensions import csrf
from crm.core import audit
from crm.core.storage import instance_store
from crm.models import Attachment, Interaction

bp = Blueprint("media_links", __name__)
_SALT = "caseline.media-link"
# Twilio fetches media within seconds of the send; a chat visitor may reopen their visit for
# as long as its token lives (7 days). Nothing is reachable by a link after that.
PROVIDER_TTL = 60 * 60
VISITOR_TTL = 7 * 24 * 60 * 60
# Types a browser may show in place; anything else is only ever a download.
INLINE = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf",
                    "text/plain"})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["CASELINE"].secret_key, salt=_SALT)


def sign(attachment_id: int, ttl: int = PROVIDER_TTL) -> str:
    """The path of a link to one attachment, good for ttl seconds."""
    return f"/media/{_serializer().dumps([attachment_id, ttl])}"


def _read(token: str) -> int | None:
    try:
        (attachment_id, ttl), signed_at = _serializer().loads(token, return_timestamp=True)
    except (BadSignature, ValueError, TypeError):
        return None
    if time.time() - signed_at.timestamp() > int(ttl):
        return None
    return int(attachment_id)


@bp.get("/media/<token>")
def fetch(token: str):
    """The file behind a genuine, unexpired link; each fetch is audited."""
    attachment_id = _read(token)
    session = database.session()
    att = session.get(Attachment, attachment_id) if attachment_id else None
    if att is None or not att.storage_key:
        abort(404)
    item = session.get(Interaction, att.interaction_id)
    audit.record(session, None, "attachment.fetched_by_link", att, client_id=item.client_id,
                 after={"interaction_id": item.id, "filename": att.filename})
    name, ctype, key = att.filename, att.content_type, att.storage_key
    session.commit()
    try:
        handle = instance_store(current_app.instance_path).open(key)
    except FileNotFoundError:
        abort(404)
    response = send_file(handle, mimetype=ctype, as_attachment=ctype not in INLINE,
                         download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def register_media_links(app: Flask) -> None:
    """Mount the link route (no session, no CSRF: the signature is the proof)."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
