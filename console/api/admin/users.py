"""Staff accounts: roles, clients, team, skills with levels, languages, capacity per medium."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from console.api.admin.common import AdminIn, ClientQuery, change, read, read_list
from console.api.core.blueprint import api, bp
from crm.admin import users


class UserIn(AdminIn):
    """A new member of staff."""

    email: str = Field(max_length=320)
    name: str = Field(max_length=200)
    roles: list[str] = Field(max_length=10)
    client_ids: list[int] = Field(default_factory=list, max_length=100)
    skills: dict[str, int] = Field(default_factory=dict, description="{skill: level 1-5}")
    languages: list[str] = Field(default_factory=list, max_length=20)
    capacity: dict[str, int] = Field(default_factory=dict, description="{medium: items at "
                                     "once}; unset media use the defaults")
    team: str | None = Field(default=None, max_length=120)
    password: str | None = Field(default=None, max_length=200, description="at least 8 "
                                 "characters; none: they sign in by single sign-on")


class UserPatch(AdminIn):
    """Changes to a member of staff."""

    name: str | None = Field(default=None, max_length=200)
    roles: list[str] | None = Field(default=None, max_length=10)
    client_ids: list[int] | None = Field(default=None, max_length=100)
    skills: dict[str, int] | None = None
    languages: list[str] | None = Field(default=None, max_length=20)
    capacity: dict[str, int] | None = None
    team: str | None = Field(default=None, max_length=120)
    password: str | None = Field(default=None, max_length=200)
    active: bool | None = None


class StaffOut(BaseModel):
    """A member of staff as an admin sees them."""

    id: int
    email: str
    name: str
    roles: list[str]
    client_ids: list[int]
    skills: dict
    languages: list[str]
    capacity: dict
    team: str | None = None
    active: bool
    two_factor: bool
    last_login_at: datetime | None = None


class StaffList(BaseModel):
    """Staff."""

    items: list[StaffOut]


def _out(user) -> StaffOut:
    return StaffOut(id=user.id, email=user.email, name=user.name, roles=list(user.roles),
                    client_ids=sorted(user.client_ids), skills=dict(user.skills or {}),
                    languages=list(user.languages or []), capacity=dict(user.capacity or {}),
                    team=user.team.name if user.team else None, active=user.active,
                    two_factor=user.two_factor, last_login_at=user.last_login_at)


@api.route(bp, "/admin/users", summary="Staff you administer", query=ClientQuery,
           response=StaffList, tags=["admin"], errors=(403, 404))
def admin_list_users(query: ClientQuery):
    """Admins: everyone; client admins: those who work only for their clients."""
    return StaffList(items=[_out(u) for u in read_list(users.listing, query.client_id)])


@api.route(bp, "/admin/users", "POST", summary="Add a member of staff", body=UserIn,
           response=StaffOut, status=201, tags=["admin"], errors=(403, 409))
def admin_create_user(body: UserIn):
    """A new account with roles, clients, skills, languages and capacity."""
    return _out(change(users.create, body.model_dump(exclude_none=True)))


@api.route(bp, "/admin/users/<int:user_id>", summary="A member of staff", response=StaffOut,
           tags=["admin"], errors=(403,))
def admin_get_user(user_id: int):
    """One account you administer."""
    return _out(read(users.get, user_id))


@api.route(bp, "/admin/users/<int:user_id>", "PATCH", summary="Change a member of staff",
           body=UserPatch, response=StaffOut, tags=["admin"], errors=(403,))
def admin_update_user(user_id: int, body: UserPatch):
    """Roles, clients, skills, languages, capacity, team, password or active."""
    return _out(change(users.update, user_id, body.given()))


@api.route(bp, "/admin/users/<int:user_id>", "DELETE", summary="End a member of staff's "
           "access", response=StaffOut, tags=["admin"], errors=(403, 409))
def admin_delete_user(user_id: int):
    """Deactivated, not erased: their work and the audit trail still name them; their
    tokens are revoked and open sockets closed."""
    return _out(change(users.delete, user_id))
