"""Who is calling: session cookies for pages, bearer tokens for the API and the socket."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from console import database
from console.extensions import csrf, login_manager
from crm import users
from crm.models import User

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    """The sign-in form (CSRF-protected by Flask-WTF)."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    try:
        user = database.session().get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def actor_from_token(token: str | None) -> User | None:
    """The active user owning an API token."""
    return users.user_for_token(database.session(), token) if token else None


def current_actor() -> User | None:
    """The signed-in user of this request or socket event (token first, then cookie)."""
    token = bearer_token()
    if token:
        return actor_from_token(token)
    return current_user if current_user.is_authenticated else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    form = SignInForm()
    if request.method == "POST":
        csrf.protect()
        if form.validate():
            session = database.session()
            try:
                user = users.authenticate(session, form.email.data, form.password.data)
            except users.SignInRefused as exc:
                session.commit()  # keep the failed-attempt count and any lockout
                return render_template("login.html", form=form, error=exc.message), 401
            session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        return render_template("login.html", form=form, error="Enter your email and password."), 400
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    return render_template("login.html", form=form, error=None)


@bp.post("/logout")
def logout():
    """Sign out (POST with CSRF, so another site cannot sign you out)."""
    csrf.protect()
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    # Only local paths: an absolute URL here would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.index")
