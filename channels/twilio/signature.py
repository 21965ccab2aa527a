"""Verifying `X-Twilio-Signature` against the public URL Twilio actually called."""

from __future__ import annotations

import functools
import hmac
import logging

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

from channels.twilio import identifiers

log = logging.getLogger(__name__)


def public_url() -> str:
    """PUBLIC_BASE_URL + path + the raw query string: the URL Twilio signed.

    Behind a proxy `request.url` is the internal URL, and Werkzeug re-encodes the query, so
    the URL is rebuilt from configuration and the raw bytes of the query.
    """
    settings = current_app.config["CASELINE"]
    base = (settings.public_base_url or request.host_url).rstrip("/")
    url = base + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return url


def is_valid() -> bool:
    """True when the request carries a valid Twilio signature over every POSTed parameter."""
    token = current_app.config["CASELINE"].twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    # The MultiDict itself: the validator reads every value of a repeated name via getlist.
    params = request.form
    validator, url = RequestValidator(token), public_url()
    # The URL exactly as configured is what Twilio signs almost always: one HMAC. Only a
    # mismatch pays for the SDK's full check (the URL with and without an explicit port).
    return hmac.compare_digest(validator.compute_signature(url, params).encode(),
                               signature.encode()) or validator.validate(url, params, signature)


def twilio_signed(view):
    """Refuse (403, nothing stored) any request not signed by Twilio with our auth token, and
    (400) a signed one whose identifiers are not in Twilio's form."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not is_valid():
            log.warning("refused unsigned or forged Twilio webhook on %s", request.path)
            abort(403, description="invalid Twilio signature")
        identifiers.check(request.form)
        return view(*args, **kwargs)

    return wrapper
