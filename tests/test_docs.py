"""The README stays a short page, and it and docs/ link only to files and headings that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
# [text](target) with a relative target; absolute URLs and mail links are not checked here.
LINK = re.compile(r"\[[^\]]*\]\((?!https?:|mailto:)([^)\s]+)\)")


def _links(page: Path) -> list[str]:
    return LINK.findall(page.read_text(encoding="utf-8"))


def _anchors(page: Path) -> set[str]:
    # GitHub's heading ids: lower-cased, punctuation dropped, spaces to hyphens.
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_readme_is_at_most_8_kb():
    assert len(README.read_bytes()) <= 8192


def test_readme_names_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text
    assert "make test" in text


def test_readme_links_every_docs_page_and_each_exists():
    linked = {target.split("#")[0] for target in _links(README) if target.startswith("docs/")}
    missing = sorted(t for t in linked if not (ROOT / t).is_file())
    assert missing == []
    pages = {f"docs/{p.name}" for p in DOCS.glob("*.md")}
    assert sorted(pages - linked) == []


def test_every_relative_link_resolves():
    broken = []
    for page in [README, *sorted(DOCS.glob("*.md"))]:
        for target in _links(page):
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.is_file():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
            elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert broken == []
