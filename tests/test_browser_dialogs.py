"""The console asks in the page: no script of ours opens the browser's own dialogs."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static" / "js"
# A call of window.prompt/confirm/alert (or the bare globals), not a word in a comment.
BROWSER_DIALOG = re.compile(r"(?<![\w.])(?:window\.)?(prompt|confirm|alert)\s*\(")


def test_no_script_opens_a_browser_prompt_confirm_or_alert():
    found = []
    for path in sorted(STATIC.rglob("*.js")):
        if "vendor" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("//", 1)[0]
            if BROWSER_DIALOG.search(code):
                found.append(f"{path.relative_to(STATIC)}:{number}: {line.strip()}")
    assert found == [], "use static/js/workspace/dialogs.js instead:\n" + "\n".join(found)
