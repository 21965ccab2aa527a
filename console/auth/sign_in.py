"""Who is calling: session cookies for pages, bearer tokens for the API and the socket."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask import session as cookie
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from console.auth import sign_in_limits
from console.core import database, shared_state
from console.core.extensions import csrf, login_manager
from crm.models import User
from crm.tenancy import users

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
            return _sign_in(form)
        return render_template("login.html", form=form, error="Enter your email and password."), 400
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    return render_template("login.html", form=form, error=None)


def _sign_in(form: SignInForm):
    # Counted before the password is checked: a blocked guesser costs no argon2 time.
    address, email = request.remote_addr, form.email.data
    wait = sign_in_limits.attempt(address, email)
    if wait is not None:
        page = render_template("login.html", form=form, error=wait.message)
        return page, 429, {"Retry-After": str(wait.seconds)}
    session = database.session()
    try:
        user = users.authenticate(session, email, form.password.data)
    except users.SignInRefused as exc:
        session.rollback()
        return render_template("login.html", form=form, error=exc.message), 401
    session.commit()
    sign_in_limits.succeeded(address, email)
    _new_csrf_secret()  # a token issued before sign-in (perhaps to an attacker) stops working
    login_user(user)
    new_sign_in()
    return redirect(_safe_next(request.args.get("next")))


def _new_csrf_secret() -> None:
    # Flask-WTF keeps the secret in the session and caches it on g; the next form makes anew.
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    cookie.pop(field, None)
    g.pop(field, None)


# What else signing out means, as then(login_id): set by the socket layer, which imports
# this module (so this one cannot import it).
_on_sign_out: list[Callable[[str], None]] = []


def when_signed_out(then: Callable[[str], None]) -> None:
    """Run `then(login_id)` after a browser signs out (once, however often registered)."""
    if then not in _on_sign_out:
        _on_sign_out.append(then)


@bp.post("/logout")
def logout():
    """Sign out (POST with CSRF, so another site cannot sign you out)."""
    csrf.protect()
    login_id = cookie.get(LOGIN_ID)
    logout_user()
    cookie.pop(LOGIN_ID, None)
    _new_csrf_secret()
    if login_id:
        _sign_ins().end(login_id)
        for then in _on_sign_out:
            then(login_id)  # realtime: a tab left open must not go on receiving calls and cases
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


# Where a redirect may go after sign-in: a path on this site, in printable ASCII with no
# spaces (browsers drop tabs and newlines inside URLs, so "/\t/evil" would become "//evil").
_LOCAL_PATH = re.compile(r"/(?![/\\])[\x21-\x7e]*")


def _safe_next(target: str | None) -> str:
    # An absolute or scheme-relative URL here would be an open redirect.
    if target and _LOCAL_PATH.fullmatch(target) and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("web.index")


# Pages other sites may frame: the web-chat widget, which a client's site embeds.
EMBEDDABLE = frozenset({"chat.widget"})


@bp.after_app_request
def _refuse_framing(response):
    """No other site may frame the console (clickjacking); the chat widget is made to be."""
    if request.endpoint in EMBEDDABLE:
        return response
    policy = response.headers.get("Content-Security-Policy")
    if policy is None:
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    elif "frame-ancestors" not in policy:
        response.headers["Content-Security-Policy"] = f"{policy}; frame-ancestors 'none'"
    # A page that chose its own framers (an email body shown inside the console: 'self')
    # keeps them; older browsers read X-Frame-Options instead.
    same_site = "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN" if same_site else "DENY")
    return response
