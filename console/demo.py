"""Deterministic demo data: a user for every role, customers and their histories."""

from __future__ import annotations

import random
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from console import database
from crm import identity, tenancy, timeline, users
from crm.models import ROLES, User, utcnow

DEMO_PASSWORD = "caseline-demo"  # noqa: S105 - the published demo password
DEMO_DOMAIN = "caseline.demo"
FIRST = ["Ana", "Bongani", "Chloé", "Dmitri", "Emeka", "Fatima", "Günther", "Hana", "Ines",
         "José", "Kwame", "Lerato", "Mei", "Nikolai", "Olga", "Priya", "Quentin", "Rosa",
         "Sipho", "Thandiwe", "Ulrich", "Valentina", "Wei", "Xolani", "Yusuf", "Zanele"]
LAST = ["Adeyemi", "Bauer", "Castillo", "Dlamini", "Eriksson", "Fernández", "Gupta", "Horvath",
        "Ivanova", "Jansen", "Khumalo", "López", "Müller", "Naidoo", "O'Brien", "Petrov"]


def demo_users() -> list[tuple[str, str, list[str]]]:
    """(email, name, roles) of the demo staff: one per role."""
    return [(f"{role}@{DEMO_DOMAIN}", f"Demo {role.title()}", [role]) for role in ROLES]


def seed(seed: int = 7) -> str:
    """Load the demo data set; returns a one-line summary."""
    rng = random.Random(seed)
    session = database.session()
    client = tenancy.default_client(session)
    for email, name, roles in demo_users():
        if session.scalar(select(User.id).where(User.email == email)) is None:
            users.create_user(session, email, name, roles, DEMO_PASSWORD, [client])
    region = current_app.config["CASELINE"].default_phone_region
    now = utcnow()
    for n in range(20):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        phone = f"+1415555{n:04d}"
        _customer, case, _ = identity.find_or_create(session, client.id, phone,
                                                    display_name=name, region=region)
        for k in range(5):
            timeline.record(session, case, medium="note", direction="internal", status="saved",
                            body=f"Demo note {k + 1} for {name}",
                            occurred_at=now - timedelta(days=rng.randint(1, 900)))
    session.commit()
    return f"seeded {len(demo_users())} users and 20 customers"


def seed_if_empty() -> str:
    """Seed unless the demo users already exist."""
    session = database.session()
    if session.scalar(select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}"))):
        session.rollback()  # on SQLite an open read transaction would hold the write lock
        return "demo data already present"
    return seed()


def print_logins() -> None:
    """Show the demo sign-ins on start."""
    print(f"\nDemo sign-ins (password: {DEMO_PASSWORD}):")
    for email, _name, roles in demo_users():
        print(f"  {roles[0]:<12} {email}")
    print(flush=True)
