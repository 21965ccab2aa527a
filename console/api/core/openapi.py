"""API routes declared with pydantic schemas, from which the OpenAPI document is generated."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, jsonify, request
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from channels.payloads import MAX_ID, validate
from crm.core.errors import Invalid

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
    errors: tuple[int, ...] = ()
    also: tuple[int, ...] = ()  # other success statuses with the same body (200: it existed)
    view: Any = None  # the function that answers it
    form: type[BaseModel] | None = None  # a multipart form (with a file) the view reads itself
    produces: str = "application/json"


class Registry:
    """Collects routes as they are declared; renders them as OpenAPI 3.1."""

    def __init__(self, title: str, version: str, prefix: str):
        self.title, self.version, self.prefix = title, version, prefix
        self.routes: list[Route] = []

    def route(self, bp: Blueprint, rule: str, method: str = "GET", *, summary: str,
              body=None, query=None, response=None, status: int = 200, tags=(), errors=(),
              also=(), form=None, produces: str = "application/json"):
        """Register a view whose JSON body / query are validated and whose result is dumped.

        `errors` are the statuses the view itself can answer beyond those every route shares
        (400, 401; 404 with a path id; 413 and 422 with a body or query): 403 for a role it
        checks, 409 for a state it refuses, 502/503 for Twilio. `also`: other success statuses
        the view answers itself, as (model, status), with the same body (an idempotent create
        answers 200 with what was there). `form`: the multipart fields (a file upload) the view
        reads from the request itself; `produces`: the content type of a successful answer
        that is not JSON (say, CSV text).
        """
        params = [(name, _TYPES.get(conv or "", "string")) for conv, name in
                  _CONVERTER.findall(rule)]
        unknown = set(errors) - set(_ERRORS)
        if unknown:
            raise ValueError(f"{rule}: undocumented error statuses {sorted(unknown)}")
        spec = Route(rule, method.lower(), summary, body, query, response, status, tuple(tags),
                     params, tuple(errors), tuple(also), form=form, produces=produces)
        self.routes.append(spec)

        def decorator(view):
            spec.view = view
            @functools.wraps(view)
            def wrapper(**kwargs):
                if body is not None:
                    kwargs["body"] = _parse(body, request.get_json(silent=True), strict=True)
                if query is not None:  # a query string is text: "50" is the number 50
                    kwargs["query"] = _parse(query, request.args.to_dict(), strict=False)
                result = view(**kwargs)
                if isinstance(result, BaseModel):
                    return jsonify(result.model_dump(mode="json")), status
                if isinstance(result, tuple) and isinstance(result[0], BaseModel):
                    return jsonify(result[0].model_dump(mode="json")), result[1]
                return result

            bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
            return wrapper

        return decorator

    def document(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document for every registered route."""
        models = {m for r in self.routes for m in (r.body, r.query, r.response, r.form) if m}
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


def documented(*, nullable: bool = True, items: dict | None = None, **schema):
    """A field's JSON schema additions for rules its service checks (with its own messages):
    allowed values, patterns, lengths (`items`: of each array item); nullable=False when the
    service refuses null (the field may still be omitted)."""

    def apply(field_schema: dict) -> None:
        if not nullable and "anyOf" in field_schema:
            kept = [s for s in field_schema.pop("anyOf") if s.get("type") != "null"]
            field_schema.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
            field_schema.pop("default", None)
        if items:
            field_schema["items"].update(items)
        field_schema.update(schema)

    return apply


# Text a service refuses when blank (after trimming whitespace).
NOT_BLANK = {"minLength": 1, "pattern": r"\S"}


class ErrorDetail(BaseModel):
    """What went wrong, for people and programs."""

    code: str
    message: str
    field: str | None = Field(None, description="the input field at fault, where there is "
                              "one (a form shows the message beside it)")
    fields: dict[str, str] | None = Field(default=None, description="invalid input: what is "
                                          "wrong with each field, by its name")


class ErrorBody(BaseModel):
    """Every API error has this shape, with a 4xx status."""

    error: ErrorDetail


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


# Why each error status is answered (the body is always ErrorBody).
_ERRORS = {
    400: "Malformed request: JSON that cannot be read, text or a number the database cannot "
         "store (a NUL character, say), or (cookie sessions) a missing CSRF token",
    401: "Not signed in, or the token is invalid or revoked",
    403: "Signed in, but the role or the relationship this action needs is missing",
    404: "Not found, or not visible to you",
    409: "Refused in the current state (already decided, not on a call, ...)",
    413: "The request body is too large",
    415: "A type of file this route (or the chosen medium) does not take",
    422: "Invalid input: the message says which field and why",
    429: "Too many requests: slow down and try again",
    502: "Twilio refused or did not answer; nothing changed",
    503: "Twilio is not configured on this server",
}
# An id in a URL: what the route's converter accepts (larger numbers name nothing, 404).
_ID_SCHEMA = {"type": "integer", "minimum": 0, "maximum": MAX_ID}


def error_statuses(r: Route) -> list[int]:
    """Every error status the operation can answer, from its inputs and its declared errors."""
    found = {400, 401, *r.errors}
    if r.params:
        found.add(404)
    if r.body is not None or r.form is not None:
        found |= {413, 422}
    if r.query is not None:
        found.add(422)
    return sorted(found)


def _operation(r: Route) -> dict:
    plain = _CONVERTER.sub(r"\2", r.rule).replace("/", "_").strip("_")
    op: dict[str, Any] = {"summary": r.summary, "tags": list(r.tags),
                          "operationId": f"{r.method}_{plain}"}
    parameters = [{"name": n, "in": "path", "required": True,
                   "schema": dict(_ID_SCHEMA) if t == "integer" else {"type": t}}
                  for n, t in r.params]
    if r.query is not None:
        properties = r.query.model_json_schema()["properties"]
        for name, f in r.query.model_fields.items():
            parameters.append({"name": name, "in": "query", "required": f.is_required(),
                               "description": f.description or "",
                               "schema": properties[name]})
    if parameters:
        op["parameters"] = parameters
    if r.body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": _ref(r.body)}}}
    if r.form is not None:
        op["requestBody"] = {"required": True,
                             "content": {"multipart/form-data": {"schema": _ref(r.form)}}}
    ok: dict[str, Any] = {"description": "No content" if r.status == 204 else "OK"}
    if r.response is not None:
        ok["content"] = {"application/json": {"schema": _ref(r.response)}}
    elif r.produces != "application/json":
        ok["content"] = {r.produces: {"schema": {"type": "string"}}}
    error = {"content": {"application/json": {"schema": _ref(ErrorBody)}}}
    op["responses"] = {str(r.status): ok, **{str(code): ok for code in r.also}, **{
        str(code): {"description": _ERRORS[code], **error} for code in error_statuses(r)}}
    return op


def _parse(model: type[BaseModel], data, *, strict: bool):
    if data is None:
        raise Invalid("the request body must be a JSON object")
    return validate(model, data, strict=strict)
