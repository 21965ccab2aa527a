"""A new presence state: what the supervisor's route and the agent's presence.set both take."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.api.core.openapi import documented
from console.routing.service import SUPERVISOR_CHOICES


class PresenceIn(BaseModel):
    """A new state for an agent (set by a supervisor, or by the agent on /agent)."""

    status: str = Field(max_length=16, json_schema_extra=documented(
        enum=list(SUPERVISOR_CHOICES)))
    reason: str | None = Field(default=None, max_length=80, description="why away")
