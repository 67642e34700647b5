"""The text the business manager writes in a report's narrative sections:
Markdown rendered by markdown-it-py and cleaned by nh3, never by regular
expressions.

Cleaned twice: on the way in (`clean_source` keeps the words and drops any
HTML someone typed or pasted) and on the way out (`render` turns the Markdown
into HTML and nh3 keeps only the tags and link schemes a report needs), so a
body that reached the database some other way is still safe to show.

Cleaning on the way in is repeated until nothing changes: one pass turns
`&lt;script&gt;` into `<script>`, which the next pass removes. A body kept
in the database is so always clean already, cleaning it again changes
nothing, and no escaped markup waits in it for a reader that unescapes.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from core import text as text_rules

#: The most a narrative section holds: far more than any report's section.
MAX_LENGTH = 50_000

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

#: GOV.UK classes for the tags a section's HTML holds.
GOVUK_CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "table": "govuk-table",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "tr": "govuk-table__row",
    "blockquote": "govuk-inset-text",
}

_parser = text_rules.MARKDOWN


#: More passes than any escaping people type needs; past it, what is left is
#: stripped of angle brackets altogether.
_PASSES = 8


def _clean_once(text: str) -> str:
    stripped = nh3.clean(text, tags=set(), attributes={}, strip_comments=True)
    return html.unescape(stripped).strip()


def clean_source(text: str) -> str:
    """The Markdown as typed, without any HTML tags (and without the content
    of script and style elements), however many times they were escaped, in
    the form Assure stores Markdown (core.text.markdown: plain line endings,
    hard line breaks as backslashes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    for _ in range(_PASSES):
        cleaned = _clean_once(text)
        if cleaned == text.strip():
            return text_rules.markdown(cleaned)
        text = cleaned
    return text_rules.markdown(_clean_once(text).replace("<", "").replace(">", ""))


def render(text: str) -> SafeString:
    """The Markdown as cleaned HTML with GOV.UK classes. Headings start at
    level 3, since the section's own title is a level 2 heading."""
    tokens = _parser.parse(clean_source(text))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1])
            token.tag = f"h{min(level + 2, 6)}"
    raw = _parser.renderer.render(tokens, _parser.options, {})
    cleaned = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes={
            tag: ALLOWED_ATTRIBUTES.get(tag, set()) | {"class"}
            for tag in ALLOWED_TAGS
            if tag in GOVUK_CLASSES or tag in ALLOWED_ATTRIBUTES
        },
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={tag: {"class": css} for tag, css in GOVUK_CLASSES.items()},
        strip_comments=True,
    )
    return mark_safe(cleaned)


def plain_text(text: str) -> str:
    """The words of a section, for the glossary and the data files."""
    return html.unescape(nh3.clean(str(render(text)), tags=set())).strip()


#: A parser that takes every link, so the ones the renderer would drop can
#: be named to the person who wrote them.
_any_link = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_any_link.validateLink = lambda url: True  # type: ignore[method-assign]


def unsafe_links(text: str) -> list[str]:
    """The addresses of the Markdown's links and images that use a scheme a
    report does not allow (javascript:, data:, vbscript: ...), as written."""
    found: list[str] = []
    for token in _any_link.parse(clean_source(text)):
        for child in token.children or []:
            href = child.attrGet("href") if child.type == "link_open" else None
            src = child.attrGet("src") if child.type == "image" else None
            address = str(href or src or "")
            scheme = urlsplit(address).scheme.lower()
            if address and scheme and scheme not in URL_SCHEMES and address not in found:
                found.append(address)
    return found
