"""Approval authority: a reviewer's limits and qualifications per client, and the
qualification a client requires per kind of decision (crm.admin.authority)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from console.api.admin.common import AdminIn, change, read
from console.api.core.blueprint import api, bp
from crm.admin import authority


class AuthorityIn(AdminIn):
    """What a reviewer may approve for one client (replaces what they held there)."""

    client_id: int | None = Field(default=None, description="the client it is for; may be "
                                  "left out when the person works for one client only")
    limits: dict[str, Any] = Field(default_factory=dict, description="{kind: amount_cents}: "
                                   "the largest sum they may approve per kind of decision; a "
                                   "kind left out: none")
    qualifications: list[Any] = Field(default_factory=list, max_length=20,
                                      description="free text, like \"attorney, ZA\" or "
                                      "\"licensed adjuster, US-TX\"")


class AuthorityOut(BaseModel):
    """A reviewer's authority for one client."""

    client_id: int
    limits: dict[str, int]
    qualifications: list[str]
    updated_at: datetime
    updated_by_id: int | None = None


class UserAuthorityOut(BaseModel):
    """A member of staff's approval authority, per client you administer."""

    user_id: int
    items: list[AuthorityOut]


class RequirementsIn(AdminIn):
    """The qualification each kind of decision needs at a client (replaces the old list)."""

    requires: dict[str, Any] = Field(description="{kind: qualification}, like "
                                     "{\"claim_rejection\": \"attorney, ZA\"}")


class RequirementsOut(BaseModel):
    """What a client requires to approve each kind of decision."""

    client_id: int
    requires: dict[str, str]


def _row(a) -> AuthorityOut:
    return AuthorityOut(client_id=a.client_id, limits=dict(a.limits or {}),
                        qualifications=list(a.qualifications or []), updated_at=a.updated_at,
                        updated_by_id=a.updated_by_id)


@api.route(bp, "/admin/users/<int:user_id>/authority", response=UserAuthorityOut,
           summary="A reviewer's approval authority", tags=["admin"], errors=(403, 404))
def admin_user_authority(user_id: int):
    """Their limits and qualifications for each client you administer."""
    user, rows = read(authority.of_user, user_id)
    return UserAuthorityOut(user_id=user.id, items=[_row(a) for a in rows])


@api.route(bp, "/admin/users/<int:user_id>/authority", "PUT", body=AuthorityIn,
           response=AuthorityOut, summary="Set a reviewer's approval authority for a client",
           tags=["admin"], errors=(403, 404))
def admin_set_user_authority(user_id: int, body: AuthorityIn):
    """Limits per kind of decision and qualifications; audited. Once any reviewer of a
    client holds authority, approvals there are checked against it (see the docs)."""
    return _row(change(authority.set_for, user_id, body.model_dump()))


@api.route(bp, "/admin/clients/<int:client_id>/signoff-requirements",
           response=RequirementsOut, summary="The qualification each kind of decision needs",
           tags=["admin"], errors=(403, 404))
def admin_signoff_requirements(client_id: int):
    """{kind: qualification} at this client."""
    return RequirementsOut(client_id=client_id,
                           requires=read(authority.requirements, client_id))


@api.route(bp, "/admin/clients/<int:client_id>/signoff-requirements", "PUT",
           body=RequirementsIn, response=RequirementsOut, tags=["admin"], errors=(403, 404),
           summary="Set the qualification each kind of decision needs")
def admin_set_signoff_requirements(client_id: int, body: RequirementsIn):
    """Replaces the client's list; audited."""
    return RequirementsOut(client_id=client_id,
                           requires=change(authority.set_requirements, client_id,
                                           body.requires))
