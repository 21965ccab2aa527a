"""Errors as clear 4xx responses: JSON for the API and webhooks, a page for people."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from console.core import database
from console.core.extensions import socketio
from crm.core.errors import DomainError

log = logging.getLogger(__name__)

_JSON_PREFIXES = ("/api/", "/webhooks/", "/healthz", "/readyz")


def wants_json() -> bool:
    """True for API and webhook paths, or a client that asks for JSON."""
    return request.path.startswith(_JSON_PREFIXES) or request.accept_mimetypes.best == (
        "application/json"
    )


def error_response(status: int, code: str, message: str, field: str | None = None,
                   fields: dict | None = None):
    """The one error shape: `{"error": {"code", "message"[, "field", "fields"]}}` (`field`,
    the input at fault, and `fields`, each field's fault, where there are) or the error page."""
    if wants_json():
        error = {"code": code, "message": message, **({"field": field} if field else {}),
                 **({"fields": fields} if fields else {})}
        return jsonify({"error": error}), status
    return render_template("error.html", status=status, message=message), status


def _first_line(exc: Exception) -> str:
    # The driver's own words, without the statement and parameters SQLAlchemy appends.
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]


UNSTORABLE = "A value in the request is out of range or cannot be stored."
INTERNAL = "Something went wrong on our side; it has been logged."


def register_error_handlers(app: Flask) -> None:
    """Map domain errors, HTTP errors and surprises onto error_response."""

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        if exc.aftermath is not None:
            # The refused request is undone, then what the refusal must leave behind (a
            # blocked contact attempt on the case) is kept in a transaction of its own.
            database.discard()
            session = database.session()
            try:
                exc.aftermath(session)
                session.commit()
            except Exception:  # the refusal still stands; losing its record must not hide it
                log.exception("could not keep what a refusal leaves behind")
                database.discard()
        return error_response(exc.status, exc.code, exc.message, exc.field, exc.fields)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return error_response(400, "csrf", "The form expired or came from elsewhere; reload "
                                           "the page and try again.")

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _unstorable(exc: Exception):
        # A value the database cannot hold (a number past its column's range, say) that no
        # check caught: the request's transaction is rolled back, nothing stored.
        log.warning("refused a value the database cannot store on %s %s: %s", request.method,
                    request.path, _first_line(exc))
        database.discard()  # now, not at teardown: the context may outlive the request
        return error_response(400, "invalid_input", UNSTORABLE)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        body, status = error_response(exc.code or 500, code, exc.description or exc.name)
        response = app.make_response((body, status))
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            # RFC 9110: a 405 names the methods the resource takes.
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal", INTERNAL)


def register_socket_error_handler() -> None:
    """A socket event whose handler fails gets the error as its ack, in the HTTP errors' shape,
    and its transaction is rolled back."""

    @socketio.on_error_default
    def _failed(exc: Exception) -> dict | bool:
        if isinstance(exc, ConnectionRefusedError):
            raise exc  # a refused connection is an answer, not a failure
        database.discard()
        if request.event.get("message") == "connect":
            # A connection whose check failed is refused: any other answer would accept it.
            log.exception("refused a socket connection: its check failed")
            return False
        if isinstance(exc, DataError | OverflowError):
            log.warning("refused a socket value the database cannot store: %s", _first_line(exc))
            return {"ok": False, "error": {"code": "invalid_input", "message": UNSTORABLE}}
        log.exception("unhandled error in socket event %s", request.event.get("message"))
        return {"ok": False, "error": {"code": "internal", "message": INTERNAL}}
