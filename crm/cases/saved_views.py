"""Saved views: a member of staff names a worklist view (its list, filters and sort) to come
back to it in one click. Views are their owner's alone: anyone else's read as not found."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.cases.worklist import VIEWS, Filters
from crm.core.errors import Conflict, Invalid, NotFound, required_text
from crm.models import SavedView, User

MAX_NAME = 60
MAX_VIEWS = 30
KEYS = ("view", "status", "priority", "line", "due", "sort")


def of(session: Session, actor: User) -> list[SavedView]:
    """The actor's saved views, by name."""
    return list(session.scalars(select(SavedView).where(SavedView.user_id == actor.id)
                                .order_by(func.lower(SavedView.name), SavedView.id)))


def create(session: Session, actor: User, name: str, filters: dict) -> SavedView:
    """Save a view under a name the actor has not used yet."""
    name = _name(name)
    clean = checked(filters)
    held = session.scalar(select(func.count()).where(SavedView.user_id == actor.id)) or 0
    if held >= MAX_VIEWS:
        raise Invalid(f"at most {MAX_VIEWS} saved views; delete one first")
    view = SavedView(user_id=actor.id, name=name, filters=clean)
    _store(session, view, name)
    return view


def change(session: Session, actor: User, view_id: int, *, name: str | None = None,
           filters: dict | None = None) -> SavedView:
    """Rename a view or replace its filters."""
    view = get(session, actor, view_id)
    if name is not None:
        view.name = _name(name)
    if filters is not None:
        view.filters = checked(filters)
    _store(session, view, view.name)
    return view


def delete(session: Session, actor: User, view_id: int) -> None:
    """Forget a view."""
    session.delete(get(session, actor, view_id))
    session.flush()


def get(session: Session, actor: User, view_id: int) -> SavedView:
    """One of the actor's views, or NotFound (also for someone else's)."""
    view = session.get(SavedView, view_id) if 0 < view_id < 2**63 else None
    if view is None or view.user_id != actor.id:
        raise NotFound("saved view not found")
    return view


def checked(filters: dict) -> dict:
    """The filters with only known keys and allowed values, or Invalid."""
    if not isinstance(filters, dict):
        raise Invalid("filters must be an object")
    unknown = set(filters) - set(KEYS)
    if unknown:
        raise Invalid(f"unknown filters: {', '.join(sorted(map(str, unknown)))}")
    if any(v is not None and not isinstance(v, str) for v in filters.values()):
        raise Invalid("filter values are text")
    view = filters.get("view") or "assigned"
    if view not in VIEWS:
        raise Invalid(f"view must be one of {', '.join(VIEWS)}")
    Filters(**{k: filters.get(k) or None for k in KEYS if k != "view"}).check()
    return {"view": view, **{k: filters[k] for k in KEYS if k != "view" and filters.get(k)}}


def _name(name: str | None) -> str:
    return required_text(name, "give the view a name", MAX_NAME)


def _store(session: Session, view: SavedView, name: str) -> None:
    try:
        with session.begin_nested():
            session.add(view)
            session.flush()
    except IntegrityError:
        raise Conflict(f"you already have a view named {name}", code="name_taken") from None
