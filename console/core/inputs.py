"""Input every route can rely on: ids the database can hold, text it can store, forms as forms,
bodies of a bounded size and JSON of a bounded shape.

Checked once for the whole app, before any view runs, so a bad value gets a clear 4xx instead
of reaching a query (where PostgreSQL refuses it mid-transaction and SQLite may not).
"""

from __future__ import annotations

from flask import Flask, Request, request
from flask import json as flask_json
from werkzeug.routing import IntegerConverter

from channels.payloads import MAX_ID, BadInput, has_unstorable, read_json
from console.core.errors import error_response

__all__ = ["MAX_ID", "register_input_checks"]

# The composer's email carries up to 10 MB of attachments as base64 (4/3 larger).
MAX_EMAIL_JSON = 15 * 1024 * 1024
# A portfolio CSV: a million rows of about 200 bytes (werkzeug spools the upload to disk).
MAX_IMPORT_UPLOAD = 256 * 1024 * 1024
MAX_CHAT_UPLOAD = 5 * 1024 * 1024 + 64 * 1024  # a visitor's file (crm.chat.files) and its form
MAX_COMPOSER_UPLOAD = 10 * 1024 * 1024 + 64 * 1024  # one composer file and its framing


def _at_most(n: int) -> str:
    """A regex matching the decimal numbers 0..n (leading zeros allowed) and nothing larger."""
    digits = str(n)
    size = len(digits)
    ways = [rf"\d{{1,{size - 1}}}", digits]
    for i, d in enumerate(digits):
        if d != "0":
            ways.append(rf"{digits[:i]}[0-{int(d) - 1}]\d{{{size - i - 1}}}")
    return "(?:" + "|".join(ways) + ")"


class IdConverter(IntegerConverter):
    """`<int:…>` limited to what an id column holds: a larger number matches no route at all,
    so it is a 404 whatever the method (not a 405 from a sibling route)."""

    regex = _at_most(MAX_ID)

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class _BoundedJSON:
    """flask.json for request bodies: refuses deep nesting, huge arrays and unstorable text
    (BadInput, a 400) before any view or model sees the value."""

    dumps = staticmethod(flask_json.dumps)
    loads = staticmethod(read_json)


class CheckedRequest(Request):
    """The app's request: its JSON body is read by _BoundedJSON."""

    @property
    def json_module(self):
        return _BoundedJSON

    @json_module.setter
    def json_module(self, _provider) -> None:
        pass  # Flask hands every request the app's provider; bodies keep the bounded reader


def register_input_checks(app: Flask) -> None:
    """Bounded `<int:…>` URL parts and bodies, and refusal of text no database can store."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = CheckedRequest
    app.before_request(_refuse_unstorable)


def _set_body_limit() -> None:
    # Five routes take more than the default, each still bounded: the composer's email and
    # its uploads, a portfolio upload, a chat visitor's file, and the email webhook, which
    # reads at most EMAIL_MAX_BYTES of a signed-in sender's raw message and answers its own 413.
    if request.endpoint == "api.post_email":
        request.max_content_length = MAX_EMAIL_JSON
    elif request.endpoint == "api.post_import":
        request.max_content_length = MAX_IMPORT_UPLOAD
    elif request.endpoint == "chat.upload":
        request.max_content_length = MAX_CHAT_UPLOAD
    elif request.endpoint == "api.upload_file":
        request.max_content_length = MAX_COMPOSER_UPLOAD
    elif request.endpoint == "email_webhook.inbound":
        request.max_content_length = None


def _refuse_unstorable():
    _set_body_limit()
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        # Refused on the declared size, before a byte of the body is read.
        return error_response(413, "too_large", f"The request body is larger than the "
                                                f"{limit // 1024} KiB this route accepts.")
    form = request.form.items(multi=True) if request.mimetype in _FORMS else ()
    # A multipart part may come with no name at all (None), which is nothing to store.
    if any(text is not None and has_unstorable(text)
           for pair in [("", request.path), *request.args.items(multi=True), *form]
           for text in pair):
        return _invalid("A request may not contain NUL characters or lone surrogates.")
    # Pages read a JSON body as form fields (Flask-WTF): it must be an object. API and
    # webhook bodies are read (and checked, by _BoundedJSON) once the caller is known.
    if request.is_json and request.content_length \
            and not request.path.startswith(("/api/", "/webhooks/")) \
            and not isinstance(request.get_json(silent=True), dict):
        return _invalid("Send the form's fields as a JSON object.")
    return None


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _invalid(message: str):
    return error_response(400, BadInput.code, message)
