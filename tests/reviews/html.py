"""Reading a part of a page as the text a person sees."""

from __future__ import annotations

import lxml.html


def text_of(content: bytes | str, target: str) -> str:
    """The text of the first element that `target` names: "#id", or a tag
    name, optionally followed by a tag inside it ("#reviews tbody"). Words
    are joined by single spaces."""
    root = lxml.html.fromstring(content)
    first, *rest = target.split()
    if first.startswith("#"):
        found = root.get_element_by_id(first[1:], None)
    else:
        found = next(iter(root.iter(first)), None)
    for tag in rest:
        found = next(iter(found.iter(tag)), None) if found is not None else None
    if found is None:
        raise AssertionError(f"No {target} on the page")
    return " ".join(found.text_content().split())
