"""The /admin pages: clients, addresses, chat widgets, staff, queues, wrap-up codes, canned
replies."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from console.api.core.schemas import UserOut, present
from console.auth import page_views
from console.core import database
from crm.admin import resource, scope
from crm.core.errors import Forbidden
from crm.core.i18n import N_
from crm.models import ROLES
from crm.routing.router import LINES
from crm.signoff import decisions

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The sections of the admin page and the other admin pages, in the navigation's order:
# (label, href); a "#" link is a section of /admin. Labels are marked (N_) and said in the
# reader's language by the template.
NAVIGATION = (
    (N_("Clients"), "#clients"),
    (N_("Addresses"), "#addresses"),
    (N_("Chat widgets"), "#widgets"),
    (N_("Staff"), "#users"),
    (N_("Sign-off authority"), "#authority"),
    (N_("Queues"), "#queues"),
    (N_("Wrap-up codes"), "#dispositions"),
    (N_("Canned replies"), "#replies"),
    (N_("Business hours"), "/admin/hours"),
    (N_("Audit"), "/admin/audit"),
)
ROLE_LABELS = {"agent": "Agent", "collections": "Collections", "fraud": "Fraud",
               "claims": "Claims", "reviewer": "Reviewer", "supervisor": "Supervisor",
               "client_admin": "Client admin", "admin": "Admin"}


@bp.app_context_processor
def _navigation() -> dict:
    # Every admin page includes templates/admin/_nav.html, which reads this.
    return {"admin_navigation": NAVIGATION}


def require_administrator() -> None:
    """Refuse a signed-in person who administers nothing (403 page)."""
    try:
        scope.require(current_user)
    except Forbidden:
        abort(403, description="The admin screens are for administrators. Your console "
                               "is at /.")


@bp.get("/")
@login_required
def home():
    """The admin page: a section a subject, each a list and a form."""
    require_administrator()
    grantable = [r for r in ROLES if r != "admin" or scope.is_admin(current_user)]
    # One audit row for the page; its scripts' list reads carry the view id and add none.
    view_id = page_views.begin(current_user.id)
    session = database.session()
    resource.viewed(session, current_user, "/admin", view_id)
    session.commit()
    return render_template("admin/admin.html", me=present(UserOut, current_user),
                           page_view=view_id, page_view_header=page_views.PAGE_VIEW_HEADER,
                           is_admin=scope.is_admin(current_user),
                           roles=[(r, ROLE_LABELS.get(r, r)) for r in grantable],
                           lines=LINES, money_kinds=sorted(decisions.MONEY_KINDS),
                           kinds=[(k, decisions.kind_label(k)) for k in decisions.KINDS])
