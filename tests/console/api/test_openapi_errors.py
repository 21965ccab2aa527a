"""Each API operation declares the refusals its code can raise, found by reading the code.

A contract fuzz only finds the refusals it manages to provoke; this follows every call a view
makes into our own modules (console, crm, channels) and collects the domain errors raised on
the way, so a new `raise Conflict(...)` deep in a service shows up as a missing declaration.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from console.api import api
from console.api.core.openapi import error_statuses

ROOT = Path(__file__).resolve().parents[3]
STATUS = {"Forbidden": 403, "NotFound": 404, "Conflict": 409, "Invalid": 422}


@cache
def _module(name: str) -> tuple[dict, dict]:
    """(functions by qualified name, imported names) of one of our modules; empty otherwise."""
    path = ROOT / (name.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / name.replace(".", "/") / "__init__.py"
    if not name.startswith(("console", "crm", "channels")) or not path.exists():
        return {}, {}
    tree = ast.parse(path.read_text())
    imports = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imports.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            imports.update({a.asname or a.name: a.name for a in node.names})
    functions = {f"{name}.{n.name}": n for n in tree.body if isinstance(n, ast.FunctionDef)}
    return functions, imports


def _function(qualified: str):
    module, _, _ = qualified.rpartition(".")
    return _module(module)[0].get(qualified), module


@cache
def raised(qualified: str, seen: frozenset = frozenset()) -> frozenset:
    """Statuses of the domain errors a function raises, itself or through what it calls."""
    node, module = _function(qualified)
    if node is None or qualified in seen:
        return frozenset()
    functions, imports = _module(module)
    found, seen = set(), seen | {qualified}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Raise) and sub.exc is not None:
            exc = sub.exc.func if isinstance(sub.exc, ast.Call) else sub.exc
            if isinstance(exc, ast.Name) and exc.id in STATUS:
                found.add(STATUS[exc.id])
        if isinstance(sub, ast.Call):
            f = sub.func
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
                    and f.value.id in imports:
                found |= raised(f"{imports[f.value.id]}.{f.attr}", seen)
            elif isinstance(f, ast.Name):
                local = f"{module}.{f.id}"
                found |= raised(local if local in functions else imports.get(f.id, ""), seen)
    return frozenset(found)


def _views():
    for route in api.routes:
        qualified = f"{route.view.__module__}.{route.view.__name__}"
        yield pytest.param(route, qualified, id=f"{route.method.upper()} {route.rule}")


@pytest.mark.parametrize(("route", "view"), list(_views()))
def test_an_operation_declares_the_refusals_its_code_raises(route, view):
    missing = raised(view) - set(error_statuses(route))
    assert not missing, f"{route.method.upper()} {route.rule} can answer {sorted(missing)} " \
                        f"but does not declare it (errors=...)"


def test_the_analysis_finds_known_refusals():
    # A check of the check: these are raised two or more calls below their views.
    assert raised("console.api.decisions.approve_decision") >= {403, 409}
    assert raised("console.api.fraud.investigations.escalate_case") == {404, 409, 422}
    assert raised("console.api.me.get_me") == frozenset()
