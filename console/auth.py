"""Who is calling: session cookies for pages, bearer tokens for the API and the socket."""

from __future__ import annotations

import secrets
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from console import database, shared_state
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
    if _sign_ins().ended(cookie.get(LOGIN_ID)):
        return None  # signed out: a copy of the old cookie (another tab, a thief) is no key
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
            new_sign_in()
            return redirect(_safe_next(request.args.get("next")))
        return render_template("login.html", form=form, error="Enter your email and password."), 400
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    return render_template("login.html", form=form, error=None)


@bp.post("/logout")
def logout():
    """Sign out (POST with CSRF, so another site cannot sign you out)."""
    csrf.protect()
    login_id = cookie.get(LOGIN_ID)
    logout_user()
    cookie.pop(LOGIN_ID, None)
    if login_id:
        _sign_ins().end(login_id)
        from console.realtime.agent import end_sign_in  # realtime imports auth; import late

        end_sign_in(login_id)  # a tab left open must not go on receiving calls and cases
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


LOGIN_ID = "login_id"


def new_sign_in() -> None:
    """Mark this browser's sign-in with a random id (in its session cookie): the sockets its
    tabs open join that sign-in's room, which signing out ends."""
    cookie[LOGIN_ID] = secrets.token_urlsafe(12)


class _LocalSignIns:
    """Sign-ins ended in this process (embedded mode): id -> until when it is remembered."""

    def __init__(self):
        self._until: dict[str, float] = {}

    def end(self, login_id: str) -> None:
        now = time.time()
        self._until = {k: t for k, t in self._until.items() if t > now}
        self._until[login_id] = now + _remembered()

    def ended(self, login_id: str | None) -> bool:
        return bool(login_id) and self._until.get(login_id, 0) > time.time()


class _SharedSignIns:
    """Sign-ins ended, in Redis: every web process refuses their cookie."""

    def __init__(self, redis):
        self.redis = redis

    def end(self, login_id: str) -> None:
        self.redis.set(f"caseline:signin-ended:{login_id}", "1", ex=int(_remembered()))

    def ended(self, login_id: str | None) -> bool:
        return bool(login_id) and bool(self.redis.exists(f"caseline:signin-ended:{login_id}"))


def _remembered() -> float:
    # Flask refuses a session cookie older than this, so an ended sign-in need not outlive it.
    return current_app.permanent_session_lifetime.total_seconds()


def _sign_ins():
    return shared_state.store("sign_ins", _LocalSignIns, _SharedSignIns)


def _safe_next(target: str | None) -> str:
    # Only local paths: an absolute URL here would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.index")
