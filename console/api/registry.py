"""API routes declared with pydantic schemas, from which the OpenAPI document is generated."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, jsonify, request
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from channels.payloads import validate
from crm.errors import Invalid

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_TYPES = {"int": "integer", "float": "number"}


@dataclass
class Route:
    """One documented API operation."""

    rule: str
    method: str
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    tags: tuple[str, ...] = ()
    params: list[tuple[str, str]] = field(default_factory=list)


class Registry:
    """Collects routes as they are declared; renders them as OpenAPI 3.1."""

    def __init__(self, title: str, version: str, prefix: str):
        self.title, self.version, self.prefix = title, version, prefix
        self.routes: list[Route] = []

    def route(self, bp: Blueprint, rule: str, method: str = "GET", *, summary: str,
              body=None, query=None, response=None, status: int = 200, tags=()):
        """Register a view whose JSON body / query are validated and whose result is dumped."""
        params = [(name, _TYPES.get(conv or "", "string")) for conv, name in
                  _CONVERTER.findall(rule)]
        spec = Route(rule, method.lower(), summary, body, query, response, status, tuple(tags),
                     params)
        self.routes.append(spec)

        def decorator(view):
            @functools.wraps(view)
            def wrapper(**kwargs):
                if body is not None:
                    kwargs["body"] = _parse(body, request.get_json(silent=True), strict=True)
                if query is not None:  # a query string is text: "50" is the number 50
                    kwargs["query"] = _parse(query, request.args.to_dict(), strict=False)
                result = view(**kwargs)
                if isinstance(result, BaseModel):
                    return jsonify(result.model_dump(mode="json")), status
                return result

            bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
            return wrapper

        return decorator

    def document(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document for every registered route."""
        models = {m for r in self.routes for m in (r.body, r.query, r.response) if m}
        models |= {ErrorBody}
        keys = [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)]
        _, schema = models_json_schema(keys, ref_template="#/components/schemas/{model}")
        paths: dict[str, dict] = {}
        for r in self.routes:
            path = self.prefix + _CONVERTER.sub(r"{\2}", r.rule)
            paths.setdefault(path, {})[r.method] = _operation(r)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "paths": paths,
            "components": {
                "schemas": schema.get("$defs", {}),
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                },
            },
            "security": [{"bearer": []}, {"session": []}],
        }


class ErrorDetail(BaseModel):
    """What went wrong, for people and programs."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """Every API error has this shape, with a 4xx status."""

    error: ErrorDetail


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(r: Route) -> dict:
    plain = _CONVERTER.sub(r"\2", r.rule).replace("/", "_").strip("_")
    op: dict[str, Any] = {"summary": r.summary, "tags": list(r.tags),
                          "operationId": f"{r.method}_{plain}"}
    parameters = [{"name": n, "in": "path", "required": True, "schema": {"type": t}}
                  for n, t in r.params]
    if r.query is not None:
        for name, f in r.query.model_fields.items():
            parameters.append({"name": name, "in": "query", "required": f.is_required(),
                               "description": f.description or "",
                               "schema": r.query.model_json_schema()["properties"][name]})
    if parameters:
        op["parameters"] = parameters
    if r.body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": _ref(r.body)}}}
    ok = {"description": "OK"}
    if r.response is not None:
        ok["content"] = {"application/json": {"schema": _ref(r.response)}}
    error = {"content": {"application/json": {"schema": _ref(ErrorBody)}}}
    op["responses"] = {str(r.status): ok,
                       "401": {"description": "Not signed in", **error},
                       "404": {"description": "Not found", **error},
                       "422": {"description": "Invalid input", **error}}
    return op


def _parse(model: type[BaseModel], data, *, strict: bool):
    if data is None:
        raise Invalid("the request body must be a JSON object")
    return validate(model, data, strict=strict)
