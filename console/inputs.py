"""Input every route can rely on: ids the database can hold, text it can store, forms as forms.

Checked once for the whole app, before any view runs, so a bad value gets a clear 4xx instead
of reaching a query (where PostgreSQL refuses it mid-transaction and SQLite may not).
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from console.errors import error_response

MAX_ID = 2**63 - 1  # the largest BIGINT: an id in a URL beyond it names nothing


class IdConverter(IntegerConverter):
    """`<int:…>` limited to what an id column holds: larger numbers match no route (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register_input_checks(app: Flask) -> None:
    """Bounded `<int:…>` URL parts, and refusal of text no database column can store."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_unstorable)


def _refuse_unstorable():
    # PostgreSQL text cannot hold NUL; Twilio and browsers never send it, so it is refused
    # everywhere (path, query, form fields, JSON) rather than stored on one database only.
    json = request.is_json and bool(request.content_length)
    body = request.get_json(silent=True) if json else None
    form = request.form.items(multi=True) if request.mimetype in _FORMS else ()
    if _has_nul([request.path, *request.args.items(multi=True), *form, body]):
        return _invalid("A request may not contain NUL characters.")
    if json and not request.path.startswith(("/api/", "/webhooks/")) \
            and not isinstance(body, dict):
        # Pages read a JSON body as form fields (Flask-WTF): it must be an object.
        return _invalid("Send the form's fields as a JSON object.")
    return None


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _invalid(message: str):
    return error_response(400, "invalid_input", message)
