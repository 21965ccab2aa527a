"""What every admin route shares: the strict input base, the deletion answer, the query."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from console.api.core.blueprint import actor
from console.auth import page_views
from console.core import database


class AdminIn(BaseModel):
    """An admin form: a field it does not know is refused (a typo is not silently dropped)."""

    model_config = ConfigDict(extra="forbid")

    def given(self) -> dict:
        """The fields the request sent (a PATCH changes only those)."""
        return self.model_dump(exclude_unset=True)


class ClientQuery(BaseModel):
    """Narrow a list to one client."""

    client_id: int | None = Field(default=None, description="only this client's")


class AdminDeleted(BaseModel):
    """Confirmation of a deletion."""

    deleted: bool = True


def change(service, *args):
    """Run a service change as the caller and commit it; its result."""
    session = database.session()
    result = service(session, actor(), *args)
    session.commit()
    return result


def read(service, *args):
    """Run a service read as the caller; its result (a list read's audit row committed)."""
    session = database.session()
    result = service(session, actor(), *args)
    session.commit()
    return result


def read_list(service, *args):
    """Run a list read as the caller; audited unless it comes from an admin page whose view
    was (console.auth.page_views)."""
    session = database.session()
    result = service(session, actor(), *args, audited=not page_views.covered())
    session.commit()
    return result
