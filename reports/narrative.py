"""The text the business manager writes in a report's narrative sections:
Markdown rendered by markdown-it-py and cleaned by nh3, never by regular
expressions.

Cleaned twice: on the way in (`clean_source` keeps the words and drops any
HTML someone typed or pasted) and on the way out (`render` turns the Markdown
into HTML and nh3 keeps only the tags and link schemes a report needs), so a
body that reached the database some other way is still safe to show.
"""

from __future__ import annotations

import html

import nh3
from django.utils.safestring import SafeString, mark_safe

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


def clean_source(text: str) -> str:
    """The Markdown as typed, without any HTML tags (and without the content
    of script and style elements), in the form Assure stores Markdown
    (core.text.markdown: plain line endings, hard line breaks as backslashes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    stripped = nh3.clean(text, tags=set(), attributes={}, strip_comments=True)
    return text_rules.markdown(html.unescape(stripped))


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
