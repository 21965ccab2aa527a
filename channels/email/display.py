"""HTML email made safe to show: nh3-sanitised, remote images held back until asked for."""

from __future__ import annotations

import copy
import re

import nh3

_ATTRIBUTES = copy.deepcopy(nh3.ALLOWED_ATTRIBUTES)
_ATTRIBUTES["*"] = {"title", "dir", "lang", "style"}
# Layout and colour only: nothing that can fetch (url(), image-set) or overlay the console.
_STYLES = {"color", "background-color", "font-weight", "font-style", "font-size", "font-family",
           "text-align", "text-decoration", "vertical-align", "margin", "margin-top",
           "margin-bottom", "margin-left", "margin-right", "padding", "padding-top",
           "padding-bottom", "padding-left", "padding-right", "border", "border-collapse",
           "width", "max-width", "height", "line-height", "white-space"}
_SCHEMES = {"http", "https", "mailto", "tel"}
_RISKY_STYLE = re.compile(r"(?i)url\s*\(|image-set|expression|javascript:|@import|\\")
# The page the sanitised fragment is served in: no script at all, even if nh3 missed one.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src {images}; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups "
       "allow-popups-to-escape-sandbox")


def sanitise(html: str, *, remote_images: bool = False) -> tuple[str, int]:
    """(safe HTML, number of remote images held back) for an email body."""
    blocked = 0

    def keep(tag: str, attr: str, value: str) -> str | None:
        nonlocal blocked
        if attr == "style" and _RISKY_STYLE.search(value):
            return None
        if tag == "img" and attr == "src":
            remote = value.strip().lower().startswith(("http:", "https:", "//"))
            if remote and not remote_images:
                blocked += 1
                return None
        return value

    safe = nh3.clean(html, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, attribute_filter=keep,
                     link_rel="noopener noreferrer nofollow", strip_comments=True,
                     filter_style_properties=_STYLES,
                     set_tag_attribute_values={"a": {"target": "_blank"}})
    return safe, blocked


def csp(*, remote_images: bool = False) -> str:
    """The Content-Security-Policy of a served email body."""
    return CSP.format(images="https:" if remote_images else "'none'")
