"""The TOTP second factor in the browser: the code step of signing in, and enrolment."""

from __future__ import annotations

import segno
from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from console.auth import sign_in_limits
from console.auth.sign_in import complete_sign_in, pending_sign_in
from console.core import database
from console.core.extensions import csrf
from crm.core.errors import DomainError
from crm.tenancy import two_factor

bp = Blueprint("two_factor", __name__)

# Where a user whose client requires a second factor may go before enrolling.
_BEFORE_ENROLMENT = {"two_factor.enrol", "two_factor.confirm", "auth.logout", "auth.login",
                     "static", "health.healthz", "health.readyz"}


class CodeForm(FlaskForm):
    """A six-digit authenticator code, or a recovery code."""

    code = StringField("Code", validators=[DataRequired(), Length(max=32)])


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    held = pending_sign_in("code")
    if held is None:
        return redirect(url_for("auth.login"))
    user, next_url = held
    form = CodeForm()
    if request.method == "GET":
        return render_template("login_code.html", form=form, error=None)
    csrf.protect()
    if not form.validate():
        return render_template("login_code.html", form=form, error="Enter the code."), 400
    # Codes are guessed like passwords: the same counters, so six digits hold out.
    wait = sign_in_limits.attempt(request.remote_addr, user.email)
    if wait is not None:
        page = render_template("login_code.html", form=form, error=wait.message)
        return page, 429, {"Retry-After": str(wait.seconds)}
    session = database.session()
    try:
        used = two_factor.verify(session, user, form.code.data)
    except DomainError as exc:
        session.rollback()
        return render_template("login_code.html", form=form, error=exc.message), 401
    session.commit()
    for _attempt in ("password", "code"):  # both steps were counted; both were good
        sign_in_limits.succeeded(request.remote_addr, user.email)
    if used == "recovery":
        left = two_factor.recovery_codes_left(session, user)
        flash(f"You signed in with a recovery code; {left} left. Make new ones on the "
              "two-factor page if you are running out.")
    return complete_sign_in(user, "password", next_url)


@bp.get("/account/two-factor")
@login_required
def enrol():
    """Two-factor status; when off, a new secret as a QR code and text, to confirm by a code."""
    user = current_user
    session = database.session()
    if user.two_factor:
        left = two_factor.recovery_codes_left(session, user)
        return render_template("two_factor.html", form=CodeForm(), on=True, left=left,
                               codes=None, error=None, me=user)
    if not user.totp_secret or request.args.get("restart"):
        two_factor.begin_enrolment(session, user)
        session.commit()
    return _enrol_page(user, CodeForm(), None)


@bp.post("/account/two-factor")
@login_required
def confirm():
    """Confirm the authenticator with a code; the recovery codes are shown this once."""
    csrf.protect()
    form, user, session = CodeForm(), current_user, database.session()
    if not form.validate():
        return _enrol_page(user, form, "Enter the six-digit code from your app."), 400
    try:
        codes = two_factor.confirm(session, user, form.code.data)
    except DomainError as exc:
        session.rollback()
        return _enrol_page(user, form, exc.message), exc.status
    session.commit()
    return render_template("two_factor.html", form=CodeForm(), on=True, codes=codes,
                           left=len(codes), error=None, me=user)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def new_codes():
    """Replace the recovery codes (a current code first: a borrowed browser cannot)."""
    return _with_code(lambda session, user: two_factor.new_recovery_codes(session, user),
                      check=True)


@bp.post("/account/two-factor/off")
@login_required
def turn_off():
    """Turn two-factor off with a current code (not while a client requires it)."""
    return _with_code(lambda session, user: two_factor.disable(session, user,
                                                               request.form.get("code", "")))


def _with_code(action, check: bool = False):
    csrf.protect()
    form, user, session = CodeForm(), current_user, database.session()
    try:
        if check:
            two_factor.verify(session, user, form.code.data or "")
        codes = action(session, user)
    except DomainError as exc:
        session.rollback()
        left = two_factor.recovery_codes_left(session, user) if user.two_factor else 0
        return render_template("two_factor.html", form=CodeForm(), on=user.two_factor,
                               left=left, codes=None, error=exc.message, me=user), exc.status
    session.commit()
    if codes:
        return render_template("two_factor.html", form=CodeForm(), on=True, codes=codes,
                               left=len(codes), error=None, me=user)
    return redirect(url_for("two_factor.enrol"))


def _enrol_page(user, form, error):
    uri = two_factor.provisioning_uri(user)
    # Drawn here as inline SVG: the secret never goes to a QR web service. segno writes only
    # a path of the modules (no text of ours), so the markup is safe to embed.
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    qr = Markup(svg)  # noqa: S704
    return render_template("two_factor.html", form=form, on=False, qr=qr,
                           secret=user.totp_secret, codes=None, error=error, me=user,
                           required=user.two_factor_required)


@bp.before_app_request
def _enrol_first():
    """A user whose client requires a second factor does nothing else until they enrol
    (single sign-on leaves the second factor to the identity provider)."""
    if request.endpoint in _BEFORE_ENROLMENT or not current_user.is_authenticated:
        return None
    row = g.get("sign_in")
    if row is None or row.method != "password":
        return None  # an API token, or single sign-on
    if current_user.two_factor or not current_user.two_factor_required:
        return None
    if request.path.startswith("/api/"):
        body = {"error": {"code": "two_factor_required",
                          "message": "set up two-factor sign-in at /account/two-factor first"}}
        return jsonify(body), 403
    return redirect(url_for("two_factor.enrol"))
