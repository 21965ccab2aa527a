"""Email pages: one email for staff (sanitised, sandboxed), the opt-out link, the demo outbox."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask_login import current_user, login_required

from channels.email import sink
from channels.email.display import csp, sanitise
from channels.email.inbound import store_for
from channels.email.parse import html_of
from channels.email.webhook import blueprint as webhook_blueprint
from console.core import database, languages
from console.core.extensions import csrf
from console.email.mail_tasks import read_opt_out
from crm.core.errors import NotFound
from crm.email import sending as mail

bp = Blueprint("email", __name__)


def register(app: Flask) -> None:
    """Mount the inbound webhook and the email pages (and declare the email tasks)."""
    app.register_blueprint(webhook_blueprint(database.session))
    app.register_blueprint(bp)


@bp.get("/cases/<int:case_id>/emails/<int:interaction_id>")
@login_required
def view(case_id: int, interaction_id: int):
    """One email: headers, the text part, attachments, and the HTML part in a sandbox."""
    session, item, images, html = _opened(case_id, interaction_id)
    blocked = sanitise(html)[1] if html else 0
    page = render_template("email_view.html", item=item, case_id=case_id, has_html=bool(html),
                           images=images, blocked=blocked,
                           files=[a for a in item.attachments if a.kind != "raw"],
                           raw_file=next((a for a in item.attachments if a.kind == "raw"), None))
    session.commit()  # keeps the audit of a sensitive view
    return page


@bp.get("/cases/<int:case_id>/emails/<int:interaction_id>/html")
@login_required
def html_body(case_id: int, interaction_id: int):
    """The sanitised HTML part, served under a CSP that forbids every script."""
    session, _item, images, html = _opened(case_id, interaction_id)
    session.commit()
    safe, _ = sanitise(html, remote_images=images)
    document = ('<!doctype html><html><head><meta charset="utf-8">'
                '<base target="_blank"></head><body>' + safe + "</body></html>")
    return document, 200, {"Content-Type": "text/html; charset=utf-8",
                           "Content-Security-Policy": csp(remote_images=images),
                           "X-Content-Type-Options": "nosniff",
                           "Referrer-Policy": "no-referrer",
                           "Cache-Control": "private, no-store"}


@bp.route("/email/opt-out/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; RFC 8058 one-click POSTs carry no cookie or form
def opt_out(token: str):
    """GET asks first (link scanners follow links); POST, the button or one-click, opts out."""
    found = read_opt_out(current_app.config["CASELINE"], token)
    if found is None:
        return _opt_out_page("invalid", None, token, 404)
    session = database.session()
    try:
        target = mail.opt_out_target(session, *found)
    except NotFound:
        session.rollback()
        return _opt_out_page("invalid", None, token, 404)
    if request.method == "POST":
        mail.opt_out(session, *found)
        session.commit()
        return _opt_out_page("done", target, token)
    session.rollback()
    return _opt_out_page("already" if target.opted_out else "confirm", target, token)


def _opt_out_page(state: str, target, token: str, status: int = 200):
    languages.for_customer(target.language if target is not None else None)
    page = render_template("email_opt_out.html", state=state, target=target, token=token)
    # The URL holds the token: keep it out of caches, search indexes and Referer headers.
    return page, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                          "X-Robots-Tag": "noindex"}


@bp.get("/demo/outbox")
@login_required
def outbox():
    """What the demo's local SMTP sink received (demo mode only)."""
    if not sink.running():
        abort(404, "The demo mail sink is not running (start the console with the simulator).")
    return render_template("email_outbox.html", messages=sink.messages())


def _opened(case_id: int, interaction_id: int):
    """(session, email, remote images wanted, its HTML part) for the signed-in member of staff."""
    session = database.session()
    item = mail.get_email(session, current_user, case_id, interaction_id)
    raw = _raw(item)
    return session, item, request.args.get("images") == "1", html_of(raw) if raw else ""


def _raw(item) -> bytes:
    raw = next((a for a in item.attachments if a.kind == "raw"), None)
    if raw is None:
        return b""
    try:
        with store_for(current_app.config["CASELINE"]).open(raw.storage_key) as fh:
            return fh.read()
    except FileNotFoundError:
        return b""
