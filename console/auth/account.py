"""A user's own security pages: their sign-ins (revocable) and their API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask import session as cookie
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from console.auth import sign_in
from console.core import database
from console.core.extensions import csrf
from crm.core import audit
from crm.core.errors import DomainError
from crm.models import User
from crm.tenancy import api_tokens, sign_ins, users

bp = Blueprint("account", __name__)


class TokenForm(FlaskForm):
    """A new API token: what it is for, and what it may do."""

    label = StringField("Name", validators=[DataRequired(), Length(max=120)])
    scope = RadioField("Scope", choices=[SelectChoice("read", "Read only"),
                                         SelectChoice("full", "Read and write")],
                       default="read")


@bp.get("/account/sessions")
@login_required
def sessions():
    """Where the user is signed in, with a way to end any of it."""
    return _sessions_page(current_user)


@bp.post("/account/sessions/<int:sign_in_id>/revoke")
@login_required
def revoke_session(sign_in_id: int):
    """End one of the user's sign-ins (this one signs this browser out)."""
    csrf.protect()
    return _revoke(current_user, sign_in_id, url_for("account.sessions"))


@bp.get("/admin/users/<int:user_id>/sessions")
@login_required
def user_sessions(user_id: int):
    """An admin's view of a user's sign-ins (users of the admin's clients only)."""
    user = _managed_user(user_id)
    session = database.session()
    audit.record(session, current_user, "sign_ins.viewed", user)
    session.commit()
    return _sessions_page(user)


@bp.post("/admin/users/<int:user_id>/sessions/<int:sign_in_id>/revoke")
@login_required
def revoke_user_session(user_id: int, sign_in_id: int):
    """An admin ends one of a user's sign-ins."""
    csrf.protect()
    user = _managed_user(user_id)
    return _revoke(user, sign_in_id, url_for("account.user_sessions", user_id=user.id))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """The user's API tokens: create one (its value shown once), see last use, revoke."""
    form, session, raw = TokenForm(), database.session(), None
    if request.method == "POST":
        csrf.protect()
        if not form.validate():
            return _tokens_page(form, None, "Give the token a name and a scope."), 400
        try:
            raw = users.issue_token(session, current_user, form.label.data.strip(),
                                    actor=current_user, scope=form.scope.data)
        except DomainError as exc:
            session.rollback()
            return _tokens_page(form, None, exc.message), exc.status
        session.commit()
        form = TokenForm(formdata=None)
    return _tokens_page(form, raw, None)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one token: the API refuses it and sockets opened with it close at once."""
    csrf.protect()
    session = database.session()
    try:
        token = api_tokens.revoke(session, current_user, token_id, current_user)
    except DomainError as exc:
        abort(exc.status, description=exc.message)
    session.commit()
    flash(f"The token “{token.label or token.id}” is revoked.")
    return redirect(url_for("account.tokens"))


def _sessions_page(user: User):
    rows = sign_ins.listing(database.session(), user)
    here = g.sign_in.id if g.get("sign_in") is not None else None
    return render_template("account_sessions.html", me=current_user, user=user, rows=rows,
                           here=here, own=user.id == current_user.id)


def _tokens_page(form, raw, error):
    rows = api_tokens.listing(database.session(), current_user)
    return render_template("account_tokens.html", me=current_user, form=form, rows=rows,
                           raw=raw, error=error)


def _revoke(user: User, sign_in_id: int, back: str):
    session = database.session()
    try:
        row = sign_ins.get(session, user, sign_in_id)
    except DomainError as exc:
        abort(exc.status, description=exc.message)
    own = g.get("sign_in") is not None and row.id == g.sign_in.id
    sign_ins.end(session, row, current_user, "revoked")
    session.commit()
    if own:
        key = cookie.pop(sign_in.LOGIN_ID, None)
        logout_user()
        sign_in.signed_out(key)
        return redirect(url_for("auth.login"))
    flash("That sign-in has ended; its tabs are signed out.")
    return redirect(back)


def _managed_user(user_id: int) -> User:
    # Admins manage users of their own clients only: never reveal anyone else exists.
    if not current_user.has_role("admin"):
        abort(403, description="This page is for administrators.")
    user = database.session().get(User, user_id)
    if user is None or not user.client_ids <= current_user.client_ids:
        abort(404, description="No such user.")
    return user
