"""Clients (tenants), teams, staff users and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.models.base import Base, BigId, utcnow

# client_admin: administers only the clients they belong to (their addresses, staff, queues).
ROLES = ("agent", "collections", "fraud", "claims", "reviewer", "supervisor", "client_admin",
         "admin")

user_clients = Table(
    "user_clients",
    Base.metadata,
    Column("user_id", BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("client_id", BigId, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
)


class Client(Base):
    """A business whose work this is: an insurer, a lender, a creditor."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Staff of this client must sign in with a second factor (TOTP) as well as a password.
    require_two_factor: Mapped[bool] = mapped_column(default=False)
    # Branding of what customers see (the chat widget): #rrggbb, an https logo, a greeting.
    brand_colour: Mapped[str | None] = mapped_column(String(7))
    logo_url: Mapped[str | None] = mapped_column(String(500))
    greeting: Mapped[str | None] = mapped_column(String(300))
    # Set when the client is let go: its staff lose it, its addresses stop routing; the row
    # stays (the audit trail refers to it) and can be restored.
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InboundAddress(Base):
    """An address customers contact a client on: a Twilio number, a mailbox, a chat widget."""

    __tablename__ = "inbound_addresses"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    # "phone" (E.164, also the WhatsApp sender), "email" (lower-cased), "chat" (widget key)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(320))
    # The queue / line of work contacts on this address go to (insurance, fraud, collections).
    line_of_work: Mapped[str | None] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(120), default="")
    # A chat widget's settings (crm.chat.widgets): which pre-chat fields it asks, which it needs,
    # and its own colour, logo and greeting (else the client's branding).
    widget: Mapped[dict | None] = mapped_column()
    # A phone number that is (also) a WhatsApp sender: channels read it as kind "phone" all
    # the same; this says how it was set up.
    whatsapp: Mapped[bool] = mapped_column(default=False)


class Team(Base):
    """A group of staff, usually one line of work."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class User(Base):
    """A member of staff who signs in to the console."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    roles: Mapped[list] = mapped_column(default=list)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The console's language for this user (None: the browser's), see docs/languages.md.
    locale: Mapped[str | None] = mapped_column(String(16))
    skills: Mapped[dict] = mapped_column(default=dict)
    languages: Mapped[list] = mapped_column(default=list)
    capacity: Mapped[dict] = mapped_column(default=dict)
    # Their own settings (desktop notifications, sound), kept with them across browsers.
    preferences: Mapped[dict] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # TOTP second factor: the base32 secret (set at enrolment, live once confirmed), and the
    # last time step accepted, so one code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship()
    clients: Mapped[list[Client]] = relationship(secondary=user_clients, lazy="selectin")

    # The session-user protocol (is_authenticated, get_id) without importing a web framework.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Disabled users cannot sign in or use a token, nor can staff whose every client
        is archived."""
        return self.active and not self.clients_archived

    @property
    def clients_archived(self) -> bool:
        """True when the user works only for archived clients (and is not an admin)."""
        return (bool(self.clients) and "admin" not in self.roles
                and all(c.archived_at is not None for c in self.clients))

    def get_id(self) -> str:
        """The id kept in the signed session cookie."""
        return str(self.id)

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of the roles (admin holds every role)."""
        return "admin" in self.roles or any(r in self.roles for r in roles)

    @property
    def client_ids(self) -> set[int]:
        """The ids of the clients whose data this user may see (archived ones: none)."""
        return {c.id for c in self.clients if c.archived_at is None}

    @property
    def two_factor(self) -> bool:
        """True once the user has confirmed a TOTP authenticator."""
        return self.totp_enabled_at is not None

    @property
    def two_factor_required(self) -> bool:
        """True when any of the user's clients makes a second factor mandatory."""
        return any(c.require_two_factor for c in self.clients)


class ApiToken(Base):
    """A bearer token for the API and the socket; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120), default="")
    # "full" (read and write) or "read" (GET only: any write is refused with 403).
    scope: Mapped[str] = mapped_column(String(8), default="full")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
