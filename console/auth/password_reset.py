"""Forgotten passwords: ask for a link by email, then set a new password through it."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from channels import registry
from channels.base import OutboundMessage, PermanentSendError
from console.auth import sign_in_limits
from console.core import database
from console.core.extensions import csrf
from console.core.tasks import celery, enqueue
from crm.core.errors import DomainError
from crm.models import PasswordReset, utcnow
from crm.tenancy import passwords

log = logging.getLogger(__name__)
bp = Blueprint("password_reset", __name__)
_SALT = "caseline.password-reset"
SENT = ("If an account uses that address, a link to set a new password is on its way. "
        "It works once, for 30 minutes.")


class ForgotForm(FlaskForm):
    """The address to send the link to."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])


class NewPasswordForm(FlaskForm):
    """The new password, twice."""

    password = PasswordField("New password", validators=[DataRequired(), Length(min=8,
                                                                                max=1024)])
    again = PasswordField("The same again", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])


@bp.route("/login/forgot", methods=["GET", "POST"])
def forgot():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotForm()
    if request.method == "GET":
        return render_template("password_forgot.html", form=form, error=None, sent=False)
    csrf.protect()
    if not form.validate():
        return render_template("password_forgot.html", form=form, sent=False,
                               error="Enter your email address."), 400
    # Counted per address and per account from it: no one floods a mailbox or the SMTP server.
    wait = sign_in_limits.reset_requested(request.remote_addr, form.email.data)
    if wait is not None:
        page = render_template("password_forgot.html", form=form, error=wait.message, sent=False)
        return page, 429, {"Retry-After": str(wait.seconds)}
    session = database.session()
    reset = passwords.request_reset(session, form.email.data)
    session.commit()
    if reset is not None:
        enqueue(send_reset_link, reset.id)
    return render_template("password_forgot.html", form=ForgotForm(formdata=None), error=None,
                           sent=True)


@bp.route("/login/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Set a new password through an emailed link (good once, for a short while)."""
    form, session = NewPasswordForm(), database.session()
    reset_id = _read(token)
    try:
        if reset_id is None:
            raise passwords.ResetRefused("This reset link is not valid. Ask for a new one.")
        passwords.usable(session, reset_id)
    except DomainError as exc:
        return render_template("password_reset.html", form=None, error=exc.message), 400
    if request.method == "GET":
        return render_template("password_reset.html", form=form, error=None)
    csrf.protect()
    if not form.validate():
        errors = [e for field in form for e in field.errors] or ["Enter the new password twice."]
        return render_template("password_reset.html", form=form, error=errors[0]), 400
    try:
        passwords.reset_password(session, reset_id, form.password.data)
    except DomainError as exc:
        session.rollback()
        return render_template("password_reset.html", form=form, error=exc.message), exc.status
    session.commit()
    flash("Your password is changed, and every other sign-in of yours has ended. Sign in.")
    return redirect(url_for("auth.login"))


@celery.task(name="auth.send_reset_link")
def send_reset_link(reset_id: int) -> bool:
    """Email the reset link (once: a redelivered task sends nothing more)."""
    session = database.session()
    reset = session.get(PasswordReset, reset_id)
    if reset is None or reset.sent_at is not None or reset.used_at is not None:
        return False
    settings = current_app.config["CASELINE"]
    link = f"{_public_base(settings)}/login/reset/{_sign(settings, reset.id)}"
    body = (f"Hello {reset.user.name},\n\nSomeone (we hope you) asked to set a new password "
            f"for your Caseline account.\n\nSet it here (the link works once, for "
            f"{int(passwords.LIFETIME.total_seconds() // 60)} minutes):\n{link}\n\n"
            "If it was not you, ignore this email; your password stays as it is.\n")
    try:
        registry.adapter_for("email", settings).send(OutboundMessage(
            interaction_id=0, to=reset.user.email, subject="Set a new Caseline password",
            body=body))
    except PermanentSendError:
        log.warning("password reset %s could not be sent", reset_id, exc_info=True)
        return False
    reset.sent_at = utcnow()
    session.commit()
    return True


def _sign(settings, reset_id: int) -> str:
    return URLSafeSerializer(settings.secret_key, salt=_SALT).dumps(reset_id)


def _read(token: str) -> int | None:
    settings = current_app.config["CASELINE"]
    try:
        value = URLSafeSerializer(settings.secret_key, salt=_SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _public_base(settings) -> str:
    # Never the Host header of the request: an attacker asking for a victim's link with a
    # forged Host would get the victim's link pointing at the attacker's site.
    base = settings.public_base_url
    config = current_app.config
    if not base and config.get("SERVER_NAME"):
        base = f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    return (base or "http://127.0.0.1:5000").rstrip("/")
