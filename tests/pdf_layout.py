"""Reading a built PDF's text the way a reader sees it, to catch what a
layout gets wrong: words drawn over other words (a cell's text running into
the next cell) and text past the page's margin (a wide table running off the
page). PDFium (pypdfium2) gives each glyph's box as drawn; glyphs are put
together into words, and words are what must neither overlap nor cross the
margin. Words, not glyphs, because letters of one word may touch when
kerned; two words never should."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MM = 72 / 25.4

#: How far two words may overlap, in points each way, before it counts: the
#: tight boxes of a descender and the capital below it may just touch.
TOLERANCE = 0.6


@dataclass
class Word:
    page: int  # from 1
    text: str
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Word) -> bool:
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.top, other.top) - max(self.bottom, other.bottom)
        return width > TOLERANCE and height > TOLERANCE

    def __str__(self) -> str:
        return f"page {self.page}: {self.text!r} at ({self.left:.1f}, {self.bottom:.1f})"


@dataclass
class Problems:
    overlaps: list[tuple[Word, Word]]
    outside: list[Word]
    pages: int

    def __bool__(self) -> bool:
        return bool(self.overlaps or self.outside)

    def __str__(self) -> str:
        lines = [f"{a} overlaps {b}" for a, b in self.overlaps[:20]]
        lines += [f"{w} crosses the margin" for w in self.outside[:20]]
        return "\n".join(lines)


def _words(textpage: pdfium.PdfTextPage, page: int) -> list[Word]:
    """Glyphs in drawing order, put together while their origins go on
    rightwards on one baseline; a space, a new line or a step back starts
    another word. (Origins, not boxes: an italic f or a j reaches over its
    neighbour within a word.)"""
    words: list[Word] = []
    current: Word | None = None
    last_x = last_y = 0.0
    x, y = ctypes.c_double(), ctypes.c_double()
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        if char.isspace() or pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            current = None
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        if right - left <= 0 and top - bottom <= 0:
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, ctypes.byref(x), ctypes.byref(y))
        if current is None or x.value < last_x - 0.01 or abs(y.value - last_y) > TOLERANCE:
            current = Word(page, char, left, bottom, right, top)
            words.append(current)
        else:
            current.text += char
            current.left = min(current.left, left)
            current.bottom = min(current.bottom, bottom)
            current.right = max(current.right, right)
            current.top = max(current.top, top)
        last_x, last_y = x.value, y.value
    return words


def _overlapping(words: list[Word]) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes overlap: a sweep along x, so a page of a
    few thousand words is compared in a moment."""
    found: list[tuple[Word, Word]] = []
    ordered = sorted(words, key=lambda w: w.left)
    active: list[Word] = []
    for word in ordered:
        active = [a for a in active if a.right - TOLERANCE > word.left]
        found.extend((a, word) for a in active if a.overlaps(word))
        active.append(word)
    return found


def layout_problems(
    data: bytes, *, side_mm: float = 18, top_mm: float = 8, bottom_mm: float = 8
) -> Problems:
    """Every pair of overlapping words, and every word within `side_mm` of
    the page's left or right edge or `top_mm`/`bottom_mm` of its top or
    bottom (the running header and page number live in the top and bottom
    margins, the body between the side margins)."""
    document = pdfium.PdfDocument(data)
    overlaps: list[tuple[Word, Word]] = []
    outside: list[Word] = []
    try:
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()
            words = _words(page.get_textpage(), number + 1)
            overlaps += _overlapping(words)
            outside += [
                w
                for w in words
                if w.left < side_mm * MM - TOLERANCE
                or w.right > width - side_mm * MM + TOLERANCE
                or w.bottom < bottom_mm * MM
                or w.top > height - top_mm * MM
            ]
        return Problems(overlaps, outside, len(document))
    finally:
        document.close()


def page_words(data: bytes) -> list[list[Word]]:
    """Every page's words, for tests that look for where something is drawn."""
    document = pdfium.PdfDocument(data)
    try:
        return [_words(document[n].get_textpage(), n + 1) for n in range(len(document))]
    finally:
        document.close()
