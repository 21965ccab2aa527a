"""Input checked one way wherever it arrives: JSON of a bounded shape whose text a database
can store, validated by pydantic models (API bodies and Socket.IO events alike)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError

from crm.core.db import MAX_ID
from crm.core.errors import DomainError, Invalid

Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# Far beyond any body or event the app takes, far below what costs real time to walk.
MAX_DEPTH = 32
MAX_VALUES = 10_000

# PostgreSQL text cannot hold NUL, and no database can store a lone surrogate (it has no
# UTF-8 form); browsers and Twilio send neither.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BadInput(DomainError):
    """Input refused before any rule looks at it: unreadable, unstorable or out of shape."""

    code = "invalid_input"
    status = 400


def has_unstorable(text: str) -> bool:
    """True when text holds a character no database column can store."""
    return _UNSTORABLE.search(text) is not None


def check_value(value: Any) -> None:
    """Refuse (BadInput) a decoded JSON value nested too deeply, too large, or holding text
    no database can store; walked without recursion, stopping at the first fault."""
    pending, count = [(value, 0)], 1
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if has_unstorable(item):
                raise BadInput("A request may not contain NUL characters or lone surrogates.")
        elif isinstance(item, dict | list | tuple):
            if depth >= MAX_DEPTH:
                raise BadInput(f"A request may nest at most {MAX_DEPTH} levels deep.")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            count += len(children)
            if count > MAX_VALUES:
                raise BadInput(f"A request may hold at most {MAX_VALUES} values.")
            pending.extend((child, depth + 1) for child in children)


def read_json(data: str | bytes) -> Any:
    """Decode a JSON body and check its shape (BadInput instead of a recursion error)."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise BadInput(f"A request may nest at most {MAX_DEPTH} levels deep.") from None
    check_value(value)
    return value


def validate(model: type[BaseModel], data: Any, *, strict: bool = True):
    """data as the model (strict: no `true` or `"1"` for a number), or Invalid naming the first
    field at fault."""
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        found = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in exc.errors()}
        where, message = next(iter(found.items()))
        first = exc.errors()[0]
        raise Invalid(f"{where}: {message}", field=where if first["loc"] else None,
                      fields=found) from None


def event_payload(model: type[BaseModel], args: tuple):
    """A Socket.IO event's arguments as the model: one JSON object (none reads as {})."""
    if len(args) > 1 or (args and not isinstance(args[0], dict)):
        raise Invalid("send one JSON object")
    data = args[0] if args else {}
    check_value(data)
    return validate(model, data)


def refusal(code: str, message: str) -> dict:
    """A socket handler's error ack, in the shape of the HTTP API's errors."""
    return {"ok": False, "error": {"code": code, "message": message}}


def socket_event(model: type[BaseModel]) -> Callable:
    """Wrap handler(payload) as a Socket.IO handler(*args) that answers bad arguments with an
    error ack (never a traceback), before the handler runs."""
    def wrap(handler: Callable):
        @functools.wraps(handler)
        def handle(*args):
            try:
                payload = event_payload(model, args)
            except DomainError as exc:
                return refusal(exc.code, exc.message)
            return handler(payload)
        return handle
    return wrap
