"""Customer-facing texts in the customer's language: the catalogues in translations/.

The console's pages use the same catalogues through Flask-Babel; the domain (a STOP
confirmation, a chat transcript) and the channels (TwiML, the chat socket) translate here,
with no web framework, for a customer rather than for the signed-in user.
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
DEFAULT = "en"
# Languages with a catalogue; anything else is answered in English.
LANGUAGES = {"en": "English", "es": "Español"}
# What Twilio's <Say language=…> is told for each (its voices are named by region).
VOICE_LANGUAGES = {"en": "en-US", "es": "es-ES"}


def locale_of(language: str | None) -> str:
    """The catalogue for a stored language ("es", "es-MX", "ES_es"), else English."""
    primary = (language or "").strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT


def best_match(accept_language: str | None) -> str:
    """The first language of an Accept-Language header that has a catalogue, else English."""
    ranked = []
    for n, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, n, tag))
    for quality, _, tag in sorted(ranked):
        primary = tag.split("-")[0].lower()
        if quality < 0 and primary in LANGUAGES:
            return primary
    return DEFAULT


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of a locale (`make setup` compiles them); English is the source."""
    if locale == DEFAULT:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [locale], domain="messages")


@functools.cache
def script_texts(locale: str) -> dict:
    """The JavaScript's catalogue (domain "js") of a locale as {msgid: text or [forms]}: what
    the agent UI's t() and tn() read (static/js/i18n.js). Only translated entries."""
    if locale_of(locale) == DEFAULT:
        return {}
    found = Translations.load(str(TRANSLATIONS), [locale_of(locale)], domain="js")
    catalogue = getattr(found, "_catalog", {})
    out: dict = {}
    for key, text in sorted(catalogue.items(), key=lambda kv: str(kv[0])):
        if isinstance(key, tuple):  # (msgid, n): the language's plural forms, in order
            out.setdefault(key[0], []).append(text)
        elif key and text:
            out[key] = text
    return out


def translate(locale: str | None, message: str, **values) -> str:
    """message in the locale's language where translated, with %(name)s values filled in."""
    text = translations(locale_of(locale)).gettext(message)
    return text % values if values else text


def translate_plural(locale: str | None, singular: str, plural: str, n: int, **values
                     ) -> str:
    """The singular or plural form for n, translated; %(num)d is n."""
    text = translations(locale_of(locale)).ngettext(singular, plural, n)
    return text % {"num": n, **values}


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated later, for whom it is shown to."""
    return message
