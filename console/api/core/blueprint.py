"""The API blueprint: every request authenticated (a cookie or a bearer token)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from console.api.core.openapi import Registry
from console.auth.sign_in import bearer_token, current_actor, token_is_read_only
from console.core.errors import error_response
from console.core.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
api = Registry("Caseline API", "1.0", bp.url_prefix)

_PUBLIC = {"api.openapi"}
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@bp.before_request
def _authenticate():
    if request.endpoint in _PUBLIC:
        return None
    actor = current_actor()
    if actor is None:
        message = "invalid or revoked API token" if bearer_token() else "sign in or send a token"
        return error_response(401, "unauthorized", message)
    if request.method in _UNSAFE and token_is_read_only():
        return error_response(403, "forbidden", "this API token is read-only")
    if request.method in _UNSAFE and not bearer_token():
        # Cookie-authenticated writes need the CSRF token; bearer requests cannot be forged
        # by another site, so they skip it.
        csrf.protect()
    g.actor = actor
    return None


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document, generated from the routes' schemas."""
    return jsonify(api.document())


def actor():
    """The authenticated user of this API request."""
    return g.actor
