"""An article's Markdown as safe HTML: rendered by markdown-it, then sanitised by nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# CommonMark plus tables and strikethrough; raw HTML in the source is escaped, not passed.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"])
_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del",
         "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr",
         "th", "td"}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}


def html(markdown: str) -> str:
    """Safe HTML for the console (links open elsewhere, without the opener)."""
    return nh3.clean(_MARKDOWN.render(markdown or ""), tags=_TAGS, attributes=_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener noreferrer",
                     filter_style_properties={"text-align"})
