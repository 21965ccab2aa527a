"""The application factory: a list of verbs."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from channels.voice.webhooks import bp as voice_bp
from console.admin.pages import bp as admin_bp
from console.api import bp as api_bp
from console.auth import account, my_settings, password_reset, single_sign_on, two_factor
from console.auth import sign_in as auth
from console.claims.wiring import register_claims
from console.collections.wiring import register_collections
from console.core import health
from console.core.config import ROOT, Settings
from console.core.database import register_database
from console.core.errors import register_error_handlers, register_socket_error_handler
from console.core.extensions import csrf, login_manager, socketio
from console.core.inputs import register_input_checks
from console.core.languages import register_languages
from console.core.logs import configure_logging
from console.core.tasks import register_tasks
from console.documents.wiring import register_documents
from console.email.pages import register as register_email
from console.fraud.wiring import register_fraud
from console.messaging.wiring import register_messaging
from console.playbooks.wiring import register_playbooks
from console.realtime import gatekeeper, register_agent_namespace, register_listeners
from console.routing.offers import register_offer_handlers
from console.routing.service import register_routing
from console.voice.screen_pop import register_voice
from console.web import bp as web_bp
from crm.core import events


def create_app(settings: Settings | None = None, *, check_database: bool = False) -> Flask:
    """Build the Caseline app from settings (the environment's when none are given)."""
    settings = settings or Settings.from_env()
    app = Flask("console", root_path=str(ROOT / "console"), static_folder=str(ROOT / "static"),
                template_folder=str(ROOT / "templates"), instance_path=settings.instance_path)
    app.config.update(settings.flask_config(), CASELINE=settings)
    configure_logging(settings.log_format)
    db = register_database(app, settings.database_url)
    if check_database:
        db.check()
    register_extensions(app, settings)
    register_languages(app)
    register_input_checks(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_tasks(app, settings)
    register_realtime(app)
    register_messaging(app)
    register_proxy_fix(app, settings)  # last: around Socket.IO's middleware too
    return app


def register_proxy_fix(app: Flask, settings: Settings) -> None:
    """Trust one proxy's X-Forwarded-* headers in production (nginx in front).

    Wraps the outermost WSGI app: socketio.init_app wraps app.wsgi_app in engine.io's
    middleware, which answers /socket.io/ itself, so a ProxyFix inside it would never see
    socket traffic and the chat's limits would key every visitor by nginx's address.
    """
    if settings.production:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def register_extensions(app: Flask, settings: Settings) -> None:
    """Bind Socket.IO, Flask-Login and CSRF to the app."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    # Redis carries emits between processes; without it, a plain in-process manager (named
    # explicitly, so an earlier app's queue in this process is not reused).
    queue = {"message_queue": settings.redis_url} if settings.redis_url else {
        "client_manager": None}
    socketio.init_app(app, async_mode=async_mode(), logger=False, engineio_logger=False,
                      cors_allowed_origins=[settings.public_base_url] if settings.public_base_url
                      else None, **queue)


def async_mode() -> str:
    """gevent inside gunicorn's gevent worker (the standard library is patched), else threads."""
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def register_blueprints(app: Flask) -> None:
    """Mount pages, auth, the API and the probes."""
    for bp in (health.bp, auth.bp, two_factor.bp, password_reset.bp, single_sign_on.bp,
               account.bp, my_settings.bp, api_bp, web_bp, admin_bp):
        app.register_blueprint(bp)
    register_email(app)
    app.register_blueprint(voice_bp)


def register_realtime(app: Flask) -> None:
    """Socket namespaces, and the listeners turning committed domain events into emits."""
    events.clear_listeners()  # one app per process: a new app replaces the old listeners
    register_socket_error_handler()
    register_agent_namespace()
    gatekeeper.register(app)
    register_listeners(app)
    register_voice(app)
    register_routing(app)
    register_offer_handlers()
    register_collections()
    register_fraud()
    register_claims()
    register_documents()
    register_playbooks()
