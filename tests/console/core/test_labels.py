"""One table of words for codes: crm/core/labels.py is what the PDF prints, what every page
embeds, and what static/js/workspace/labels.js reads; sign-off kinds come from it too."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from crm.core import labels
from crm.signoff import decisions

LABELS_JS = Path(__file__).resolve().parents[3] / "static/js/workspace/labels.js"
EMBEDDED = re.compile(r'<script type="application/json" id="caseline-labels">(.*?)</script>',
                      re.S)


def test_every_page_embeds_the_python_table_for_the_browser(client, login, agent):
    login(agent)
    for page in ("/", "/board", "/search"):
        text = client.get(page).get_data(as_text=True)
        [found] = EMBEDDED.findall(text)
        assert json.loads(html.unescape(found)) == labels.LABELS, page


def test_a_spanish_page_embeds_the_words_in_spanish(client, login, agent, session):
    agent.locale = "es"
    session.commit()
    login(agent)
    [found] = EMBEDDED.findall(client.get("/").get_data(as_text=True))
    shown = json.loads(html.unescape(found))
    assert shown.keys() == labels.LABELS.keys()
    assert (shown["open"], shown["payment_plan"], shown["fnol"]) == (
        "abierto", "plan de pagos", "primer aviso de siniestro")


def test_the_browser_keeps_no_table_of_its_own():
    source = LABELS_JS.read_text()
    assert 'getElementById("caseline-labels")' in source
    # No code: "words" entries: a second table would drift from the first again.
    assert not re.search(r'^\s+[\w"-]+: "[^"]*",', source, re.M)


def test_sign_off_kinds_read_from_the_one_table():
    assert [decisions.kind_label(k) for k in decisions.KINDS] == [
        "Claim settlement (pay out)", "Ex gratia payment", "Claim decline",
        "Freeze the account", "Fraud referral", "Refund unauthorised use",
        "Settlement of the debt", "Hardship plan", "Write-off", "Other judgement"]
    assert labels.label("other") == "other"  # the scoped words stay in their place
