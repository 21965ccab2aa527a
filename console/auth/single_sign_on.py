"""Single sign-on with OpenID Connect (authlib): the redirect out, and the callback back in."""

from __future__ import annotations

import logging

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, current_app, render_template, request, url_for
from flask import session as cookie

from console.auth.sign_in import SignInForm, _safe_next, complete_sign_in, login_options
from console.core import database
from crm.core.errors import DomainError, Invalid
from crm.tenancy import clients, single_sign_on

log = logging.getLogger(__name__)
bp = Blueprint("single_sign_on", __name__)
_NEXT = "oidc_next"


@bp.get("/login/oidc")
def start():
    """Send the browser to the identity provider."""
    provider = _provider()
    if provider is None:
        return _refused("Single sign-on is not set up here. Sign in with your password.", 404)
    cookie[_NEXT] = _safe_next(request.args.get("next"))
    try:
        return provider.authorize_redirect(_callback_url())
    except (requests.RequestException, ValueError) as exc:
        log.warning("OIDC discovery failed: %s", exc)
        return _refused("The identity provider cannot be reached. Try again shortly.", 502)


@bp.get("/login/oidc/callback")
def callback():
    """The provider sent the browser back: check its signed answer, then sign the user in."""
    provider = _provider()
    if provider is None:
        return _refused("Single sign-on is not set up here. Sign in with your password.", 404)
    try:
        token = provider.authorize_access_token()
    except OAuthError as exc:
        message = exc.description or exc.error or "the identity provider refused"
        return _refused(f"Single sign-on did not complete: {message}.", 400)
    except (requests.RequestException, ValueError) as exc:
        log.warning("OIDC token exchange failed: %s", exc)
        return _refused("The identity provider cannot be reached. Try again shortly.", 502)
    except Exception as exc:  # authlib's JOSE errors: a bad signature, issuer, audience
        log.warning("OIDC id_token refused: %s", exc)
        return _refused("The identity provider's answer could not be verified.", 400)
    claims = dict(token.get("userinfo") or {})
    if not claims:
        return _refused("The identity provider sent no identity.", 400)
    settings = current_app.config["CASELINE"]
    session = database.session()
    try:
        user = single_sign_on.user_for_identity(
            session, email=claims.get("email"), email_verified=claims.get("email_verified"),
            groups=_groups(claims.get(settings.oidc_groups_claim)),
            role_map=single_sign_on.parse_role_map(settings.oidc_role_map),
            create=settings.oidc_create_users,
            new_user_clients=_new_user_clients(session, settings))
    except DomainError as exc:
        session.rollback()
        return _refused(exc.message, exc.status)
    session.commit()
    return complete_sign_in(user, "oidc", cookie.pop(_NEXT, None))


def _groups(value) -> list[str]:
    # Providers send a list, a single string, or nothing.
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _new_user_clients(session, settings):
    slugs = [s.strip() for s in settings.oidc_new_user_clients.split(",") if s.strip()]
    if not slugs:
        return []
    try:
        return clients.clients_by_slug(session, slugs)
    except DomainError:
        raise Invalid("OIDC_NEW_USER_CLIENTS names a client that does not exist") from None


def _refused(message: str, status: int):
    return render_template("login.html", form=SignInForm(formdata=None), error=message,
                           **login_options()), status


def _callback_url() -> str:
    settings = current_app.config["CASELINE"]
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/") + url_for("single_sign_on.callback")
    return url_for("single_sign_on.callback", _external=True)


def _provider():
    """This app's registered OIDC client, or None when single sign-on is not configured."""
    settings = current_app.config["CASELINE"]
    if not settings.oidc_discovery_url:
        return None
    oauth = current_app.extensions.get("caseline.oidc")
    if oauth is None:
        oauth = OAuth(current_app)
        oauth.register("oidc", client_id=settings.oidc_client_id,
                       client_secret=settings.oidc_client_secret,
                       server_metadata_url=settings.oidc_discovery_url,
                       client_kwargs={"scope": "openid email profile"})
        current_app.extensions["caseline.oidc"] = oauth
    return oauth.oidc
