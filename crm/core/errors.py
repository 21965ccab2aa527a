"""Domain errors that callers turn into clear 4xx responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class DomainError(Exception):
    """Base class: a request the domain refuses, with a stable code and a human message."""

    code = "invalid"
    status = 400
    # Work to do in a transaction of its own once the refused request is rolled back (a
    # blocked contact attempt is kept although nothing else of the request is).
    aftermath: Callable[[Session], object] | None = None

    # The input field at fault, when there is one: a form puts the message beside it.
    field: str | None = None

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        # {field: what is wrong with it}: a form shows each message by its field; `field` is
        # the first of them (one field at fault is the common case).
        self.fields = fields or ({field: message} if field else None)
        if code:
            self.code = code
        if field or fields:
            self.field = field or next(iter(fields))


class NotFound(DomainError):
    """The object does not exist, or the actor may not know it exists."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The actor is known but lacks the role for this action."""

    code = "forbidden"
    status = 403


class Invalid(DomainError):
    """The input is malformed or breaks a rule."""

    code = "invalid"
    status = 422


class Conflict(DomainError):
    """The request conflicts with the current state (already accepted, already merged, ...)."""

    code = "conflict"
    status = 409


def required_text(value: str | None, missing: str, at_most: int = 2000, *,
                  field: str | None = None) -> str:
    """Free text a person must give, whitespace collapsed: Invalid(missing) when blank."""
    text = " ".join((value or "").split())
    if not text:
        raise Invalid(missing, field=field)
    if len(text) > at_most:
        raise Invalid(f"at most {at_most} characters", field=field)
    return text
