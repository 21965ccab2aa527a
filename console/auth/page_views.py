"""One audit row per admin page load: the page's own list reads ride on its view.

Opening /admin reads half a dozen lists through the API; audited one by one they bury the
trail. The page request records `admin.viewed` and keeps a fresh view id in the signed
session cookie; its scripts send that id in PAGE_VIEW_HEADER with their list reads, and such a
read is not audited again. The marker counts only from the same signed-in browser, for the
same user, within WINDOW seconds of the recorded view; a bearer-token call, or one without
the marker, is audited as ever.
"""

from __future__ import annotations

import hmac
import secrets
import time

from flask import request
from flask import session as cookie
from flask_login import current_user

from console.auth.sign_in import bearer_token

PAGE_VIEW_HEADER = "X-Caseline-Page-View"
WINDOW = 120.0  # seconds: a page's first loads, not a tab left open all afternoon
_KEY = "admin_page_view"


def begin(user_id: int) -> str:
    """A new view id for this browser's page load (the caller audits the view)."""
    view_id = secrets.token_urlsafe(16)
    cookie[_KEY] = {"id": view_id, "user": user_id, "at": time.time()}
    return view_id


def covered() -> bool:
    """True when this API read belongs to a page view already audited in this session."""
    given = request.headers.get(PAGE_VIEW_HEADER, "")
    seen = cookie.get(_KEY)
    if not given or not isinstance(seen, dict) or bearer_token():
        return False
    if not current_user.is_authenticated or seen.get("user") != current_user.id:
        return False
    if not 0 <= time.time() - float(seen.get("at", 0)) <= WINDOW:
        return False
    return hmac.compare_digest(str(seen.get("id", "")), given)
