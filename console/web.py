"""Pages for signed-in staff."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from console.api.schemas import UserOut, present

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def index():
    """The agent console."""
    return render_template("console.html", me=present(UserOut, current_user))


@bp.get("/board")
@login_required
def board():
    """The supervisor's live board (queues, agents, today's chart)."""
    if not current_user.has_role("supervisor"):
        abort(403)
    return render_template("board.html", me=present(UserOut, current_user))
