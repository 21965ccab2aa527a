"""POST /webhooks/email/inbound: a raw RFC 5322 message, authorised by a shared bearer token."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.orm import Session

from channels.email.inbound import DEFAULT_MAX_BYTES, land


def blueprint(get_session: Callable[[], Session]) -> Blueprint:
    """The inbound-email webhook, using the app's per-context database session."""
    bp = Blueprint("email_webhook", __name__, url_prefix="/webhooks/email")

    @bp.post("/inbound")
    def inbound():
        """Store one message; 401 without the token, 413 over the size limit."""
        settings = current_app.config["CASELINE"]
        if not _authorised(settings.inbound_email_token):
            return _error(401, "unauthorized", "a valid `Authorization: Bearer` inbound email "
                                               "token is required")
        limit = int(current_app.config.get("EMAIL_MAX_BYTES", DEFAULT_MAX_BYTES))
        if request.content_length is not None and request.content_length > limit:
            return _too_large(limit)
        raw = request.stream.read(limit + 1)
        if len(raw) > limit:
            return _too_large(limit)
        if not raw.strip():
            return _error(422, "invalid", "the body must be a raw RFC 5322 message")
        landed = land(get_session(), raw, settings)
        if landed.interaction is None:
            return jsonify({"status": landed.outcome, "reason": landed.reason}), 202
        return jsonify({"status": landed.outcome, "interaction_id": landed.interaction.id,
                        "case_id": landed.case.id}), 201 if landed.created else 200

    return bp


def _authorised(expected: str | None) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not given.strip():
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _too_large(limit: int):
    return _error(413, "too_large", f"the message is larger than the {limit // 1024} KiB limit "
                                    "for inbound email; nothing was stored")


def _error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status
