"""Pages for signed-in staff."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from channels.voice import control
from console.api.core.schemas import UserOut, present

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def index():
    """The agent console."""
    return _page("console.html")


@bp.get("/board")
@login_required
def board():
    """The supervisor's live board (queues, agents, today's chart)."""
    if not current_user.has_role("supervisor"):
        abort(403, description="The board is for supervisors. Your console is at /.")
    return _page("board.html")


def _page(template: str):
    # The phone asks Twilio for a token only where one can be issued (no 503 in the console).
    return render_template(template, me=present(UserOut, current_user),
                           phone_mode="twilio" if control.voice_configured() else "simulated")
