"""The visitor token: a signed, expiring record of a chat visit, kept in the visitor's browser."""

from __future__ import annotations

from dataclasses import asdict

from itsdangerous import BadSignature, URLSafeTimedSerializer

from crm.chat.visits import Visit

SALT = "caseline.chat.visitor"
MAX_AGE = 7 * 24 * 3600


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def issue(secret: str, visit: Visit) -> str:
    """A token that lets this browser resume this visit (and only this one)."""
    return _serializer(secret).dumps(asdict(visit))


def read(secret: str, token: str) -> Visit | None:
    """The visit behind a token, or None when it is forged, malformed or expired."""
    try:
        data = _serializer(secret).loads(token or "", max_age=MAX_AGE)
        return Visit(**data)
    except (BadSignature, TypeError, ValueError):
        return None
