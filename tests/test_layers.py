"""The layering is checked by import-linter (contracts in pyproject.toml), as `make lint` runs it:
it passes on the tree, and a domain module importing the web layer breaks it."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True,
                          text=True, timeout=120)


def test_the_layer_contracts_hold():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_domain_module_importing_the_console_breaks_them(tmp_path):
    for name in ("console", "channels", "crm"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "crm" / "cases" / "records.py").open("a") as f:
        f.write("\nfrom console.core import database  # noqa: E402 (the mistake under test)\n")
    done = _lint(tmp_path)
    assert done.returncode != 0
    assert "crm.cases.records -> console.core.database" in done.stdout


def test_signing_out_that_imports_the_sockets_breaks_them(tmp_path):
    # How logout once reached realtime (a late import); the sockets hook into sign-out now.
    for name in ("console", "channels", "crm"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "console" / "auth" / "sign_in.py").open("a") as f:
        f.write("\n\ndef _end(login_id):\n"
                "    from console.realtime.agent import end_sign_in\n\n"
                "    end_sign_in(login_id)\n")
    done = _lint(tmp_path)
    assert done.returncode != 0
    assert "console.auth.sign_in -> console.realtime.agent" in done.stdout
