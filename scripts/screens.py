"""The screenshot set: main screens at 1440x900 and 1280x720, light and dark, in docs/screens/.

Starts the console on a free port with a fresh demo database, signs in as each role through
the real form and saves one viewport-sized PNG per screen, size and colour scheme, so a review
can compare them with the last ones committed. Run `make screens` (or this file with the
virtualenv's Python); needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screens"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CASELINE = [sys.executable, "-c", "from console.cli import main; main()"]
PASSWORD = "caseline-demo"  # the published demo password
SIZES = ((1440, 900), (1280, 720))
SCHEMES = ("light", "dark")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_console(folder: Path) -> tuple[str, subprocess.Popen]:
    """Migrate and seed a fresh SQLite database; serve it with the call simulator."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASELINE_", "REDIS_"))}
    env.update(
        INSTANCE_PATH=str(folder / "instance"),
        CASELINE_TASKS="thread",
        DATABASE_URL=f"sqlite:///{folder / 'screens.db'}",
        CASELINE_SIMULATOR="1",
        CASELINE_SIM_CALL_EVERY="0",
    )
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([*CASELINE, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(
        [*CASELINE, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return base, proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("the console exited on start") from None
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the console did not start in 60 s")


def sign_in(page, base: str, role: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=email]", f"{role}@caseline.demo")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def settle(page) -> None:
    """Let the page's requests land and its fonts draw before the picture is taken."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(300)


def shoot(page, name: str, size: tuple[int, int], scheme: str) -> Path:
    path = OUT / f"{name}-{size[0]}x{size[1]}-{scheme}.png"
    settle(page)
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def console_screens(page, base: str, size, scheme) -> list[Path]:
    """The agent's console: the worklist alone, then a case with its timeline; then search."""
    sign_in(page, base, "agent")
    expect(page.locator("#wl-assigned .wl-case").first).to_be_visible()
    shots = [shoot(page, "worklist", size, scheme)]
    page.locator("#wl-assigned .wl-case").first.click()
    expect(page.locator("#timeline .tl-item").first).to_be_visible()
    shots.append(shoot(page, "console-case", size, scheme))
    page.goto(base + "/search?q=a")
    expect(page.locator("#results-status")).not_to_be_empty()
    shots.append(shoot(page, "search", size, scheme))
    page.goto(base + "/account/sessions")
    shots.append(shoot(page, "account", size, scheme))
    return shots


def collections_screens(page, base: str, size, scheme) -> list[Path]:
    """A collector's console on a debtor's case: the debt panel above the composer."""
    sign_in(page, base, "collections")
    first = page.locator("#wl-collections .wl-debt").first
    expect(first).to_be_visible()
    first.click()
    expect(page.locator("#debt-panel")).to_be_visible()
    expect(page.locator("#timeline .tl-item").first).to_be_visible()
    # The side column's jump bar brings the accounts to its top, as a collector would.
    page.locator("#side-nav").get_by_role("button", name="Debts").click()
    return [shoot(page, "console-debt", size, scheme)]


def supervisor_screens(page, base: str, size, scheme) -> list[Path]:
    sign_in(page, base, "supervisor")
    page.goto(base + "/board")
    expect(page.locator("#board-agents tr").first).to_be_visible()
    shots = [shoot(page, "board", size, scheme)]
    page.goto(base + "/imports")
    shots.append(shoot(page, "imports", size, scheme))
    return shots


def login_screen(page, base: str, size, scheme) -> list[Path]:
    page.goto(base + "/login")
    return [shoot(page, "login", size, scheme)]


SCREENS = (login_screen, console_screens, collections_screens, supervisor_screens)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="caseline-screens-") as tmp:
        base, proc = start_console(Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
                )
                for scheme in SCHEMES:
                    for size in SIZES:
                        for screens in SCREENS:
                            context = browser.new_context(
                                viewport={"width": size[0], "height": size[1]},
                                color_scheme=scheme,
                                locale="en-US",
                                timezone_id="UTC",
                            )
                            context.set_default_timeout(20_000)
                            for path in screens(context.new_page(), base, size, scheme):
                                print(path.relative_to(ROOT), flush=True)
                            context.close()
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
