"""The chat widget page a client's site embeds (an iframe made by static/js/chat-widget.js),
and the visitor's file uploads."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext

from channels.chat import socket as chat_socket
from channels.chat import tokens
from channels.chat.adapter import visitor_payload
from channels.host import db_session
from crm.chat import files, plain, widgets
from crm.core import i18n
from crm.core.errors import DomainError, NotFound
from crm.core.storage import instance_store
from crm.hours import offline
from crm.tenancy import clients as tenancy

bp = Blueprint("chat", __name__, url_prefix="/chat")


def _speak(lang: str | None) -> str:
    # The page's language: asked for by the embedding site (data-lang), else the browser's.
    # Flask-Babel's locale selector (console.core.languages) reads it from the environ.
    chosen = i18n.locale_of(lang) if lang else i18n.best_match(
        request.headers.get("Accept-Language"))
    request.environ["caseline.customer_locale"] = chosen
    return chosen


@bp.get("/widget")
def widget():
    """The visitor's chat window for one widget key: the client's look and questions."""
    key = (request.args.get("key") or "default")[:320]
    locale = _speak(request.args.get("lang"))
    session = db_session()
    status, gone = 200, None
    try:
        look = widgets.widget_for(session, key)
    except tenancy.ClientArchived as exc:
        look, status, gone = None, 410, exc.message  # the visitor is told it has gone
    except NotFound:
        look = None
    # Outside business hours the widget shows the offline form instead of the pre-chat one.
    closed = offline.widget_closed(session, key)
    session.rollback()
    return render_template("chat_widget.html", widget_key=key, widget=look, locale=locale,
                           closed=closed,
                           texts=_texts(), max_file=files.MAX_BYTES,
                           accepted=",".join(sorted(files.ACCEPTED)), gone=gone), status


def _texts() -> dict:
    # What the widget's script says, in the page's language (%(name)s filled in by the script).
    return {
        "you": gettext("You"), "agent": gettext("Agent"),
        "typing": gettext("%(name)s is typing…"),
        "waiting": gettext("Thank you. An agent will be with you shortly."),
        "place": gettext("You are number %(place)s in the queue."),
        "file_too_big": gettext(plain.FILE_TOO_BIG), "file_type": gettext(plain.FILE_TYPE),
        "wrong": gettext(plain.SOMETHING_WRONG),
        "transcript_sent": gettext("We have emailed the chat to %(email)s."),
        "thanks": gettext("Thank you for your feedback."),
        "offline": gettext("We are offline right now."),
    }


@bp.post("/files")
def upload():
    """A file from the visitor (X-Chat-Token names their visit): kept and shown to agents."""
    visit = tokens.read(current_app.secret_key, request.headers.get("X-Chat-Token", ""))
    if visit is None:
        return _refused(410, "expired", plain.EXPIRED, None)
    if not chat_socket.allow("files", visit.thread):
        return _refused(429, "rate_limited", plain.TOO_FAST, visit.language)
    sent = request.files.get("file")
    data = sent.read(files.MAX_BYTES + 1) if sent is not None else b""
    session = db_session()
    try:
        got = files.attach(session, visit, sent.filename if sent else "", data,
                           (request.form.get("id") or "")[:64],
                           instance_store(current_app.instance_path))
        session.commit()
    except DomainError as exc:
        session.rollback()
        status = 413 if exc.code == "file_too_big" else 400 if exc.code != "ended" else 410
        return _refused(status, exc.code, exc.message, visit.language)
    payload = visitor_payload(got.interaction.id, "visitor", got.interaction.body, None,
                              got.interaction.occurred_at)
    chat_socket.share(visit, payload)
    return jsonify({"ok": True, "message": payload}), 201


def _refused(status: int, code: str, message: str, locale: str | None):
    shown = message if message in plain.SHOWN else plain.SOMETHING_WRONG
    return jsonify({"ok": False, "error": {"code": code,
                                           "message": i18n.translate(locale, shown)}}), status
