"""Errors as clear 4xx responses: JSON for the API and webhooks, a page for people."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crm.errors import DomainError

log = logging.getLogger(__name__)

_JSON_PREFIXES = ("/api/", "/webhooks/", "/healthz", "/readyz")


def wants_json() -> bool:
    """True for API and webhook paths, or a client that asks for JSON."""
    return request.path.startswith(_JSON_PREFIXES) or request.accept_mimetypes.best == (
        "application/json"
    )


def error_response(status: int, code: str, message: str):
    """The one error shape: `{"error": {"code", "message"}}` or the error page."""
    if wants_json():
        return jsonify({"error": {"code": code, "message": message}}), status
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Map domain errors, HTTP errors and surprises onto error_response."""

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return error_response(exc.status, exc.code, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return error_response(400, "csrf", "The form expired or came from elsewhere; reload "
                                           "the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal", "Something went wrong on our side; it has been "
                                               "logged.")
