"""The five routes an admin subject shares (list, create, get, change, delete), declared once.

A subject module gives its models, its service (crm.admin.<subject>: listing, create, get,
update, delete) and the words of its summaries; crud() registers the routes, named as if
written by hand (admin_list_<plural>, admin_create_<singular>, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from console.api.admin.common import AdminDeleted, ClientQuery, change, read, read_list
from console.api.core.blueprint import api, bp


@dataclass(frozen=True)
class Subject:
    """One admin subject's API: its path, models, service and the words of its routes."""

    path: str  # "/admin/dispositions"
    id_name: str  # the path parameter: "code_id"
    service: object  # the crm.admin module
    singular: str  # in route names: "disposition"
    plural: str  # "dispositions"
    create: type[BaseModel]
    patch: type[BaseModel]
    out: type[BaseModel]
    items: type[BaseModel]  # {"items": [out]}
    # (verb: summary) for list, create, get, update, delete
    summaries: dict[str, str] = field(default_factory=dict)
    # (verb: statuses the route answers beyond the shared ones)
    errors: dict[str, tuple] = field(default_factory=dict)
    # A row as its out model, when it is not simply read from the row's attributes.
    present: Callable[[Any], BaseModel] | None = None

    def shown(self, row) -> BaseModel:
        """The row as the API answers it."""
        return self.present(row) if self.present else self.out.model_validate(row)


def crud(subject: Subject) -> None:
    """Register the subject's list, create, get, update and delete routes."""
    one = f"{subject.path}/<int:{subject.id_name}>"
    for verb, rule, method, extra in (
            ("list", subject.path, "GET", {"query": ClientQuery, "response": subject.items}),
            ("create", subject.path, "POST", {"body": subject.create,
                                              "response": subject.out, "status": 201}),
            ("get", one, "GET", {"response": subject.out}),
            ("update", one, "PATCH", {"body": subject.patch, "response": subject.out}),
            ("delete", one, "DELETE", {"response": AdminDeleted})):
        view = _VIEWS[verb](subject)
        view.__name__ = (f"admin_list_{subject.plural}" if verb == "list"
                         else f"admin_{verb}_{subject.singular}")
        api.route(bp, rule, method, summary=subject.summaries[verb], tags=["admin"],
                  errors=subject.errors.get(verb, (403,)), **extra)(view)


def _list(s: Subject):
    def view(query: ClientQuery):
        return s.items(items=[s.shown(row)
                              for row in read_list(s.service.listing, query.client_id)])
    return view


def _create(s: Subject):
    def view(body):
        return s.shown(change(s.service.create, body.given()))
    return view


def _get(s: Subject):
    def view(**ids):
        return s.shown(read(s.service.get, ids[s.id_name]))
    return view


def _update(s: Subject):
    def view(body, **ids):
        return s.shown(change(s.service.update, ids[s.id_name], body.given()))
    return view


def _delete(s: Subject):
    def view(**ids):
        change(s.service.delete, ids[s.id_name])
        return AdminDeleted()
    return view


_VIEWS = {"list": _list, "create": _create, "get": _get, "update": _update, "delete": _delete}
