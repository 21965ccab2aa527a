"""The catalogues: every customer-facing text has its Spanish, and languages are matched."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from crm.core import i18n

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("domain", ["messages", "js"])
def test_every_message_of_the_template_is_translated_into_spanish(domain):
    with open(ROOT / "translations" / f"{domain}.pot", "rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(fh) if m.id}
    with open(ROOT / "translations" / "es" / "LC_MESSAGES" / f"{domain}.po", "rb") as fh:
        spanish = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in read_po(fh)
                   if m.id}
    assert wanted <= set(spanish)
    assert [m for m in wanted if not all(spanish[m].string if isinstance(
        spanish[m].string, tuple) else [spanish[m].string]) or spanish[m].fuzzy] == []


def test_a_stored_language_finds_its_catalogue_else_english():
    assert [i18n.locale_of(x) for x in ("es", "es-MX", "ES_es", "pl", None, "")] == [
        "es", "es", "es", "en", "en", "en"]
    assert i18n.best_match("pl-PL,es;q=0.8,en;q=0.5") == "es"
    assert i18n.best_match("en;q=0.4, es;q=0.9") == "es"
    assert i18n.best_match("de, fr") == "en" and i18n.best_match(None) == "en"


def test_texts_are_translated_with_their_values_and_english_is_the_source():
    assert i18n.translate("es", "You are number %(place)s in the queue.", place=3) == \
        "Usted es el número 3 en la cola."
    assert i18n.translate("en", "Please hold.") == "Please hold."
    assert i18n.translate("es", "A text nobody translated.") == "A text nobody translated."
