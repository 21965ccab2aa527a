"""Flask-Babel for the server-rendered pages: whose language a page is in.

A customer-facing page (the chat widget, the opt-out page) names its customer's language with
`for_customer`; any other page is in the signed-in user's chosen language, else the browser's
(Accept-Language), else English. Only languages with a catalogue are ever picked.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel, gettext, refresh
from flask_login import current_user

from crm.core import i18n, labels

babel = Babel()


# Where a customer-facing view notes its customer's language for this request (the chat
# widget's view sets it too, from channels, which cannot import this module).
CUSTOMER_LOCALE = "caseline.customer_locale"


def for_customer(locale: str | None) -> str:
    """This request's pages speak the customer's language (else the visitor's browser's)."""
    chosen = i18n.locale_of(locale) if locale else i18n.best_match(
        request.headers.get("Accept-Language"))
    request.environ[CUSTOMER_LOCALE] = chosen
    return chosen


def select_locale() -> str:
    """The customer's language on their pages, else the user's setting, else the browser's."""
    if CUSTOMER_LOCALE in request.environ:
        return request.environ[CUSTOMER_LOCALE]
    chosen = getattr(current_user, "locale", None) if current_user else None
    if chosen:
        return i18n.locale_of(chosen)
    return i18n.best_match(request.headers.get("Accept-Language"))


def shown_labels() -> dict[str, str]:
    """crm.core.labels' words for codes, in the language this page is shown in."""
    return {code: gettext(words) for code, words in labels.LABELS.items()}


def register_languages(app: Flask) -> None:
    """Bind Flask-Babel to the catalogues in translations/ (compiled by `make setup`)."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", i18n.DEFAULT)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(i18n.TRANSLATIONS))
    app.jinja_env.globals["page_locale"] = select_locale
    app.jinja_env.globals["script_texts"] = lambda: i18n.script_texts(select_locale())
    # The words for codes (crm.core.labels): every page embeds them, in the page's language,
    # for static/js labels.js, so the screens and the printed case file read from one table.
    app.jinja_env.globals["code_labels"] = shown_labels
    # Flask-Babel keeps the locale it chose on the app context; a request decides afresh.
    app.before_request(refresh)
