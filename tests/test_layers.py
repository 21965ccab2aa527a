"""Imports point down only: crm imports no web/Twilio code; channels never import console."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "crm": {"flask", "flask_socketio", "flask_login", "flask_wtf", "twilio", "socketio",
            "console", "channels", "celery"},
    "channels": {"console"},
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports(package):
    bad = [f"{p.relative_to(ROOT)} imports {name}"
           for p in (ROOT / package).rglob("*.py") for name in _imports(p)
           if name in FORBIDDEN[package]]
    assert bad == []
