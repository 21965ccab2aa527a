"""Checks shared by the admin forms: each problem named by its field, all reported at once."""

from __future__ import annotations

import re

from crm.core.errors import Conflict, Invalid

NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2})?$")
LEVELS = range(1, 6)
MEDIA = ("voice", "chat", "sms", "whatsapp", "email", "investigation")


class Problems:
    """What is wrong with a form, by field; raise_any() refuses it with all of them."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        """Note the first problem of a field."""
        self.found.setdefault(field, message)

    def raise_any(self) -> None:
        """Invalid (422) naming every field at fault, when there is one."""
        if self.found:
            field, message = next(iter(self.found.items()))
            raise Invalid(f"{field}: {message}", fields=dict(self.found))


def conflict(field: str, message: str) -> Conflict:
    """A duplicate (409), named by the field that clashes."""
    return Conflict(message, code="duplicate", fields={field: message})


def text(problems: Problems, field: str, value, *, at_most: int, required: bool = True) -> str:
    """Trimmed text of a field (one line), noting a blank or too long one."""
    value = " ".join(str(value or "").split())
    if required and not value:
        problems.add(field, "Required.")
    elif len(value) > at_most:
        problems.add(field, f"At most {at_most} characters.")
    return value


def name(problems: Problems, field: str, value) -> str:
    """A machine name (skill, queue, line of work): lower-case letters, digits, underscores."""
    value = str(value or "").strip().lower()
    if not NAME.match(value):
        problems.add(field, "Use lower-case letters, digits and underscores (up to 32), "
                            "starting with a letter.")
    return value


def skills(problems: Problems, field: str, value) -> dict[str, int]:
    """{skill: level 1-5}."""
    out: dict[str, int] = {}
    if not isinstance(value, dict):
        problems.add(field, "Give skills as name: level.")
        return out
    for skill, level in value.items():
        key = str(skill).strip().lower()
        if not NAME.match(key):
            problems.add(field, f"{skill!r} is not a skill name: use lower-case letters, "
                                "digits and underscores.")
        elif isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            problems.add(field, f"The level of {key} must be a whole number from 1 to 5.")
        else:
            out[key] = level
    return out


def languages(problems: Problems, field: str, value) -> list[str]:
    """Language codes (en, es, pt-BR)."""
    if not isinstance(value, list):
        problems.add(field, "Give a list of language codes.")
        return []
    out = []
    for code in value:
        code = str(code).strip()
        if not LANGUAGE.match(code):
            problems.add(field, f"{code!r} is not a language code (like en, es or pt-BR).")
        else:
            out.append(code)
    return list(dict.fromkeys(out))


def per_medium(problems: Problems, field: str, value, *, low: int, high: int,
               unit: str) -> dict[str, int]:
    """{medium: whole number in [low, high]}."""
    out: dict[str, int] = {}
    if not isinstance(value, dict):
        problems.add(field, "Give a number per medium.")
        return out
    for medium, n in value.items():
        if medium not in MEDIA:
            problems.add(field, f"{medium!r} is not a medium: use {', '.join(MEDIA)}.")
        elif isinstance(n, bool) or not isinstance(n, int) or not low <= n <= high:
            problems.add(field, f"{medium}: a whole number of {unit} from {low} to {high}.")
        else:
            out[medium] = n
    return out


def whole(problems: Problems, field: str, value, *, low: int, high: int) -> int:
    """A whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.add(field, f"A whole number from {low} to {high}.")
        return low
    return value
