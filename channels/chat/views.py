"""The chat widget page a client's site embeds (an iframe made by static/js/chat-widget.js)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from channels.host import db_session
from crm.hours import offline

bp = Blueprint("chat", __name__, url_prefix="/chat")


@bp.get("/widget")
def widget():
    """The visitor's chat window for one widget key."""
    key = (request.args.get("key") or "default")[:320]
    session = db_session()
    closed = offline.widget_closed(session, key)  # outside business hours: the offline form
    session.rollback()
    return render_template("chat_widget.html", widget_key=key, closed=closed)
