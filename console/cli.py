"""The `caseline` command: serve, worker, beat, db, users, demo data."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup

from console.app import create_app
from console.core.config import ConfigError
from crm.tenancy import users as user_service


def _factory():
    return create_app()


@click.group(cls=FlaskGroup, create_app=_factory, add_default_commands=False,
             add_version_option=False, load_dotenv=False, set_debug_flag=False)
def cli():
    """Caseline: the omnichannel agent console."""


def settings():
    """The running app's settings."""
    return current_app.config["CASELINE"]


def _check_database() -> None:
    from console.core.database import get_db

    get_db().check()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int):
    """Serve the console (in-process tasks and sockets unless REDIS_URL is set)."""
    _check_database()
    from console.server import run

    run(current_app._get_current_object(), host, port)


@cli.command()
@click.option("--concurrency", default=2, show_default=True, type=int)
def worker(concurrency: int):
    """Run a Celery worker (production mode: needs REDIS_URL)."""
    _check_database()
    if not settings().redis_url:
        raise ConfigError("caseline worker needs REDIS_URL (the Celery broker)")
    from console.core.tasks import celery

    celery.worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}",
                        "--pool=threads"])


@cli.command()
def beat():
    """Run Celery beat, the periodic scheduler (exactly one per deployment)."""
    if not settings().redis_url:
        raise ConfigError("caseline beat needs REDIS_URL (the Celery broker)")
    from console.core.tasks import celery

    os.makedirs(current_app.instance_path, exist_ok=True)  # its schedule file lives there
    celery.start(["beat", "--loglevel=INFO", "--schedule",
                  f"{current_app.instance_path}/celerybeat-schedule"])


@cli.group()
def db():
    """Database schema."""


@db.command("upgrade")
def db_upgrade():
    """Apply every migration."""
    _check_database()
    from console.core.migrate import upgrade

    upgrade(settings().database_url)
    click.echo("database is up to date")


@cli.command("seed-demo")
@click.option("--seed", default=7, show_default=True, type=int)
def seed_demo(seed: int):
    """Load deterministic demo data (users for every role, customers and histories)."""
    _check_database()
    from console.demo.seed import seed as seed_data

    summary = seed_data(seed=seed)
    click.echo(summary)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(host: str, port: int):
    """Migrate, seed demo data when empty, and serve with the channel simulator."""
    _check_database()
    from console.core.migrate import upgrade
    from console.demo.seed import print_logins, seed_if_empty
    from console.server import run

    upgrade(settings().database_url)
    click.echo(seed_if_empty())
    print_logins()
    settings().simulator = True
    run(current_app._get_current_object(), host, port)


@cli.group()
def users():
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", required=True, multiple=True,
              help="Repeat for several roles (agent, collections, fraud, claims, reviewer, "
                   "supervisor, admin).")
@click.option("--password", default=None, help="Prompted for when omitted.")
@click.option("--client", "client_slugs", multiple=True,
              help="Client slug(s) the user works for; default: every client.")
def users_create(email, name, roles, password, client_slugs):
    """Create a staff user."""
    from console.core.database import session
    from crm.core.errors import DomainError
    from crm.tenancy import clients as tenancy

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    s = session()
    try:
        clients = tenancy.clients_by_slug(s, client_slugs)
        user = user_service.create_user(s, email, name, list(roles), password, clients)
        s.commit()
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"created user {user.id} {user.email} ({', '.join(user.roles)})")


@users.command("token")
@click.argument("email")
@click.option("--label", default="cli")
@click.option("--scope", type=click.Choice(["full", "read"]), default="full", show_default=True,
              help="read: GET only, any write is refused with 403.")
def users_token(email, label, scope):
    """Print a new API token for a user (shown once)."""
    from console.core.database import session
    from crm.core.errors import DomainError

    s = session()
    try:
        token = user_service.issue_token(s, user_service.get_by_email(s, email), label,
                                         scope=scope)
        s.commit()
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(token)


@users.command("deactivate")
@click.argument("email")
def users_deactivate(email):
    """End a user's access: sign-in, tokens and open sockets."""
    _change_user(email, lambda s, user: user_service.deactivate(s, user))
    click.echo(f"deactivated {email}")


@users.command("revoke-tokens")
@click.argument("email")
def users_revoke_tokens(email):
    """Revoke every API token of a user (sockets opened with one close)."""
    n = _change_user(email, lambda s, user: user_service.revoke_tokens(s, user))
    click.echo(f"revoked {n} token(s) of {email}")


def _change_user(email, change):
    from console.core.database import session
    from crm.core.errors import DomainError

    s = session()
    try:
        result = change(s, user_service.get_by_email(s, email))
        s.commit()
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    return result


def main() -> None:
    """Entry point: configuration problems end in one clear line, never a traceback."""
    try:
        cli.main(prog_name="caseline")
    except ConfigError as exc:
        click.echo(f"caseline: error: {exc}", err=True)
        sys.exit(1)
