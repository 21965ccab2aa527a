"""A member of staff's own settings: their language, desktop notifications and their sound."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.core import audit, i18n
from crm.core.errors import Invalid
from crm.models import User

# Off until the person turns them on: the browser asks its permission only then.
NOTIFICATION_DEFAULTS = {"desktop": False, "sound": False}


def notifications(user: User) -> dict[str, bool]:
    """Whether this person wants desktop notifications and a sound for calls and offers."""
    saved = (user.preferences or {}).get("notifications") or {}
    return {key: bool(saved.get(key, default)) for key, default in NOTIFICATION_DEFAULTS.items()}


def set_notifications(
    session: Session, actor: User, *, desktop: bool, sound: bool
) -> dict[str, bool]:
    """Change one's own notification settings (audited, as every change to an account)."""
    before = notifications(actor)
    after = {"desktop": desktop, "sound": sound}
    # A new dict: the JSON column is stored only when it is assigned, not mutated.
    actor.preferences = {**(actor.preferences or {}), "notifications": after}
    session.flush()
    if before != after:
        audit.record(
            session,
            actor,
            "user.preferences_changed",
            actor,
            object_type="user",
            before={"notifications": before},
            after={"notifications": after},
        )
    return after


def set_locale(session: Session, actor: User, locale: str | None) -> str | None:
    """Choose the console's language (None: the browser's); audited."""
    locale = (locale or "").strip() or None
    if locale is not None and locale not in i18n.LANGUAGES:
        raise Invalid(f"language: one of {', '.join(sorted(i18n.LANGUAGES))}, or none "
                      "for the browser's", field="locale")
    before = actor.locale
    actor.locale = locale
    session.flush()
    if before != locale:
        audit.record(session, actor, "user.preferences_changed", actor, object_type="user",
                     before={"locale": before}, after={"locale": locale})
    return locale
