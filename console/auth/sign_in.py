"""Who is calling: session cookies for pages, bearer tokens for the API and the socket."""

from __future__ import annotations

import re
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
from console.core import database
from console.core.extensions import csrf, login_manager
from crm.models import User
from crm.tenancy import sign_ins, users

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    """The sign-in form (CSRF-protected by Flask-WTF)."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    session = database.session()
    try:
        user = session.get(User, int(user_id))
    except ValueError:
        return None
    if user is None or not user.is_active:
        return None
    # The cookie is only a key: a sign-in ended (signed out, revoked on the sessions page,
    # the password reset) leaves copies of it (another tab, a thief) opening nothing.
    row = sign_ins.live(session, cookie.get(LOGIN_ID), user.id)
    if row is None:
        return None
    g.sign_in = row
    if session.dirty:
        session.commit()  # last seen (at most once a minute), before the view does anything
    return user


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def actor_from_token(token: str | None) -> User | None:
    """The active user owning an API token (the token is kept on g: its scope matters)."""
    session = database.session()
    record = users.token_for(session, token) if token else None
    g.api_token = record
    if record is None:
        return None
    if session.dirty:
        session.commit()  # last use (at most once a minute), shown on the tokens page
    return record.user


def token_is_read_only() -> bool:
    """True when this request came with a read-only API token."""
    record = g.get("api_token")
    return record is not None and record.scope == "read"


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
        return render_template("login.html", form=form, error="Enter your email and password.",
                               **login_options()), 400
    if current_user.is_authenticated:
        return redirect(landing(current_user))
    return render_template("login.html", form=form, error=None, **login_options())


def _sign_in(form: SignInForm):
    # Counted before the password is checked: a blocked guesser costs no argon2 time.
    address, email = request.remote_addr, form.email.data
    wait = sign_in_limits.attempt(address, email)
    if wait is not None:
        page = render_template("login.html", form=form, error=wait.message, **login_options())
        return page, 429, {"Retry-After": str(wait.seconds)}
    session = database.session()
    try:
        user = users.authenticate(session, email, form.password.data)
    except users.SignInRefused as exc:
        session.rollback()
        return render_template("login.html", form=form, error=exc.message,
                               **login_options()), 401
    session.commit()
    next_url = _safe_next(request.args.get("next"))
    if user.two_factor:
        # The password was right; the sign-in waits for the authenticator's code (whose
        # failures count like wrong passwords, so success here is not taken back yet).
        hold_pending(user, "code", next_url)
        return redirect(url_for("two_factor.code"))
    sign_in_limits.succeeded(address, email)
    # A user whose client requires a second factor they have not set up is signed in but
    # held on the enrolment page (console.auth.two_factor) until they do.
    return complete_sign_in(user, "password", next_url)


def complete_sign_in(user: User, method: str, next_url: str | None = None):
    """Sign the browser in as the user and go on to where they were going."""
    start_session(user, method)
    going_home = next_url in (None, "", url_for("web.index"))
    return redirect(landing(user) if going_home else next_url)


# Roles that work no cases: someone holding only these starts on the admin screens.
_ADMINISTRATION = frozenset({"admin", "client_admin"})


def landing(user: User) -> str:
    """Where a sign-in goes when nowhere else was asked for: /admin for an administrator
    with no other role (their console would be empty), else the console."""
    if user.roles and set(user.roles) <= _ADMINISTRATION:
        return url_for("admin.home")
    return url_for("web.index")


def start_session(user: User, method: str) -> None:
    """Sign the browser in as the user: a new server-side sign-in, a new CSRF secret."""
    cookie.pop(PENDING, None)
    _new_csrf_secret()  # a token issued before sign-in (perhaps to an attacker) stops working
    session = database.session()
    key = sign_ins.start(session, user, method=method,
                         user_agent=request.headers.get("User-Agent", ""),
                         ip=request.remote_addr or "")
    session.commit()
    login_user(user)
    cookie[LOGIN_ID] = key


# A password accepted, the code still to come: (user id, step, next, when), in the signed
# session cookie for a few minutes.
PENDING = "pending_sign_in"
PENDING_FOR = 300  # seconds


def hold_pending(user: User, step: str, next_url: str) -> None:
    """Remember that this browser passed the password and owes a code."""
    cookie[PENDING] = {"user": user.id, "step": step, "next": next_url, "at": time.time()}


def pending_sign_in(step: str) -> tuple[User, str] | None:
    """The user (and where to go after) of this browser's half-done sign-in at this step."""
    held = cookie.get(PENDING)
    if not isinstance(held, dict) or held.get("step") != step:
        return None
    if time.time() - float(held.get("at") or 0) > PENDING_FOR:
        cookie.pop(PENDING, None)
        return None
    user = database.session().get(User, int(held.get("user") or 0))
    if user is None or not user.is_active:
        return None
    return user, _safe_next(held.get("next"))


def login_options() -> dict:
    """What the sign-in page offers besides the password (single sign-on, when configured)."""
    settings = current_app.config["CASELINE"]
    return {"sso_label": settings.oidc_label if settings.oidc_discovery_url else None}


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
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    logout_user()
    cookie.pop(LOGIN_ID, None)
    cookie.pop(PENDING, None)
    _new_csrf_secret()
    if login_id:
        session = database.session()
        sign_ins.end_by_key(session, login_id, actor, "signed_out")
        session.commit()
        signed_out(login_id)
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


LOGIN_ID = "login_id"


def signed_out(login_id: str | None) -> None:
    """Tell the socket layer this browser's sign-in ended (its open tabs close at once)."""
    if login_id:
        for then in _on_sign_out:
            then(login_id)  # realtime: a tab left open must not go on receiving calls and cases


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
