"""Pages for signed-in staff."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from channels.voice import control
from console.api.core.schemas import UserOut, present
from console.core import database
from crm.core.errors import Forbidden
from crm.hours import settings as hours
from crm.imports import who
from crm.models.playbooks import STEP_KINDS
from crm.models.work import LINES_OF_WORK

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


@bp.get("/imports")
@login_required
def imports():
    """The collections manager's portfolio import: upload a CSV, watch it, fetch rejects."""
    if not who.may_import(current_user):
        # Still a 403, but a page that says who may import and whom to ask for access.
        session = database.session()
        try:
            granters = [{"name": u.name, "email": u.email}
                        for u in who.granters(session, current_user)]
        finally:
            session.rollback()
        return _page("imports_forbidden.html", granters=granters), 403
    return _page("imports.html", clients=sorted(current_user.clients, key=lambda c: c.name))


@bp.get("/playbooks")
@login_required
def playbooks():
    """Supervisors write each line of work's playbook (an edit is a new version)."""
    _supervisors_only()
    return _page("playbooks.html", clients=sorted(current_user.clients, key=lambda c: c.name),
                 lines=LINES_OF_WORK, kinds=STEP_KINDS)


@bp.get("/articles")
@login_required
def articles():
    """Supervisors write the knowledge base and see which articles agents flagged."""
    _supervisors_only()
    return _page("articles.html", clients=sorted(current_user.clients, key=lambda c: c.name),
                 lines=LINES_OF_WORK)


def _supervisors_only() -> None:
    if not current_user.has_role("supervisor"):
        abort(403, description="This page is for supervisors. Your console is at /.")


@bp.get("/search")
@login_required
def search():
    """The search results page: every match, a page at a time (the API does the finding)."""
    return _page("search.html", q=request.args.get("q", "")[:200])


def _page(template: str, **context):
    # The phone asks Twilio for a token only where one can be issued (no 503 in the console).
    return render_template(template, me=present(UserOut, current_user),
                           phone_mode="twilio" if control.voice_configured() else "simulated",
                           **context)


def _admins_only() -> None:
    # Admins, and client admins (who see only their clients' hours and audit trail).
    if not ({"admin", hours.CLIENT_ADMIN} & set(current_user.roles or ())):
        abort(403, description="This page is for admins. Your console is at /.")


@bp.get("/admin/hours")
@login_required
def admin_hours():
    """Business hours per client and queue, and what happens outside them."""
    _admins_only()
    session = database.session()
    try:
        clients, queues = hours.manageable(session, current_user)
        clients = [{"id": c.id, "name": c.name} for c in clients]
        queues = [{"id": q.id, "name": q.name, "client_id": q.client_id} for q in queues]
    except Forbidden as exc:
        abort(403, description=exc.message)
    finally:
        session.rollback()
    return _page("admin_hours.html", clients=clients, queues=queues)


@bp.get("/admin/audit")
@login_required
def admin_audit():
    """The audit viewer: search the trail, export it as CSV."""
    _admins_only()
    return _page("admin_audit.html")
