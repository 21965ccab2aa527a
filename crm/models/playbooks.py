"""Playbooks (the steps of a line of work, versioned), a case's runs of them, and articles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow

STEP_KINDS = ("checklist", "field", "script", "decision", "document")
STEP_STATES = ("done", "skipped")


class Playbook(Base):
    """A client's playbook for one line of work; its steps live in immutable versions."""

    __tablename__ = "playbooks"
    __table_args__ = (UniqueConstraint("client_id", "line_of_work"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    line_of_work: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(default=1)  # the current one: new runs start on it
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PlaybookVersion(Base):
    """One version of a playbook's steps; never changed once written (runs pin it)."""

    __tablename__ = "playbook_versions"
    __table_args__ = (UniqueConstraint("playbook_id", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    playbook_id: Mapped[int] = mapped_column(ForeignKey("playbooks.id", ondelete="CASCADE"))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    # [{key, title, kind, required, body, article_id, trigger}] in order (crm.playbooks.steps)
    steps: Mapped[list] = mapped_column(default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlaybookRun(Base):
    """A case working a line of work through the playbook version it started with."""

    __tablename__ = "playbook_runs"
    __table_args__ = (UniqueConstraint("case_id", "line_of_work"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    line_of_work: Mapped[str] = mapped_column(String(32))
    version_id: Mapped[int] = mapped_column(ForeignKey("playbook_versions.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlaybookStepState(Base):
    """A step of a run done or skipped (with the reason), by whom (None: by the work itself)."""

    __tablename__ = "playbook_step_states"
    __table_args__ = (UniqueConstraint("run_id", "step_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("playbook_runs.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # done or skipped
    reason: Mapped[str | None] = mapped_column(Text)  # why it was skipped
    # What completed it on its own ("claim.policy_number captured"), when the work did.
    source: Mapped[str | None] = mapped_column(String(200))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Article(Base):
    """A knowledge base article (Markdown) for a client and line of work (None: every line)."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_client_line", "client_id", "line_of_work"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    line_of_work: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Words that suggest it from what a case holds: claim types, disposition codes.
    tags: Mapped[list] = mapped_column(default=list)
    rating_total: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)
    outdated: Mapped[bool] = mapped_column(default=False)
    outdated_note: Mapped[str | None] = mapped_column(Text)
    outdated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ArticleRating(Base):
    """One person's rating of an article (1-5); rating again replaces it."""

    __tablename__ = "article_ratings"
    __table_args__ = (UniqueConstraint("article_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stars: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
