"""My settings: the language the console speaks to me, and my notifications (desktop, sound)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from console.core import database
from console.core.extensions import csrf
from crm.core import i18n
from crm.core.errors import DomainError
from crm.models import User
from crm.tenancy import preferences

bp = Blueprint("settings", __name__)


@bp.route("/account/settings", methods=["GET", "POST"])
@login_required
def my_settings():
    """Show and change one's language and notification settings (each change audited)."""
    session = database.session()
    me = session.get(User, current_user.id)
    if request.method == "POST":
        csrf.protect()
        try:
            preferences.set_locale(session, me, request.form.get("locale"))
            preferences.set_notifications(session, me, desktop=_ticked("desktop"),
                                          sound=_ticked("sound"))
        except DomainError as exc:
            session.rollback()
            return _page(me, exc.message), 422
        session.commit()
        refresh()  # said in the language just chosen
        flash(_("Your settings are saved."))
        return redirect(url_for("settings.my_settings"))
    return _page(me, None)


def _ticked(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "true")


def _page(me: User, error: str | None):
    return render_template("account_settings.html", me=me, error=error,
                           languages=i18n.LANGUAGES, chosen=me.locale or "",
                           notifications=preferences.notifications(me))
