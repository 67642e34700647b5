"""The annual report as a tagged PDF (PDF/UA-1) by WeasyPrint, from the lean
print template in templates/pdf/: a cover, contents with page numbers
(target-counter), running headers, page numbers, bookmarks from the headings,
and table header rows repeated on every page a table spans."""

from __future__ import annotations

import gc
import re
import ssl
import struct
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from reports import charts
from reports.models import SectionKind
from reports.sections import BuiltReport, BuiltSection, Table

PDF_VARIANT = "pdf/ua-1"

#: Tables of these keys are a kind of their own in the print style...
WHOLE_KEYS = frozenset(
    {
        "audits",
        "budget",
        "glossary",
        "key-facts",
        "little-progress",
        "members",
        "priority-ratings",
        "reviews",
        "training-impact",
    }
)
#: ...and tables whose key starts with one of these and a hyphen (then the
#: slug of a plan, group, review, round or inspection) are that kind.
KEY_PREFIXES = ("attendance", "inspection", "priority", "review", "section-11", "training")


def table_kind(table: Table) -> str:
    """The kind of a table, for its column widths in the print style
    (`.t-<kind>` in templates/pdf/annual_report.css): tables there have a
    fixed layout, their columns as wide as the style says rather than
    measured from every cell, which was most of the time a long report took."""
    if table.key in WHOLE_KEYS:
        return table.key
    return next((p for p in KEY_PREFIXES if table.key.startswith(f"{p}-")), "other")


def column_classes(table: Table) -> list[str]:
    """A class for each column: its position (`c1`, `c2`...) and its role:
    `c-first` (the row headers), `c-num` (figures, narrow and right-aligned)
    or `c-text`."""
    return [
        f"c{i} " + ("c-first" if i == 1 else "c-num" if numeric else "c-text")
        for i, (_, numeric) in enumerate(table.header_cells(), start=1)
    ]


#: The most columns a table has on a portrait page; a wider one (an
#: attendance matrix of a year's meetings) has a landscape page of its own.
PORTRAIT_COLUMNS = 7


def is_wide(table: Table) -> bool:
    return len(table.head) > PORTRAIT_COLUMNS


#: The report's chapters, each the kinds of section it gathers. A chapter
#: starts a page; its sections follow on one after another, so a short
#: section ("No audits are recorded") takes a few lines, not a page.
CHAPTERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Introduction", frozenset({SectionKind.INTRODUCTION, SectionKind.CONTEXT})),
    ("The year in figures", frozenset({SectionKind.KEY_FACTS})),
    (
        "What the partnership did",
        frozenset({SectionKind.EFFECTIVENESS, SectionKind.PRIORITIES, SectionKind.LITTLE_PROGRESS}),
    ),
    (
        "Learning from practice",
        frozenset(
            {
                SectionKind.REVIEWS,
                SectionKind.CHILD_DEATHS,
                SectionKind.AUDITS,
                SectionKind.SECTION_11,
                SectionKind.INSPECTIONS,
            }
        ),
    ),
    ("Training and its impact", frozenset({SectionKind.TRAINING, SectionKind.TRAINING_IMPACT})),
    (
        "Voices, scrutiny and the year ahead",
        frozenset({SectionKind.VOICE, SectionKind.SCRUTINY, SectionKind.NEXT_YEAR}),
    ),
    (
        "Appendices",
        frozenset(
            {
                SectionKind.MEMBERS,
                SectionKind.ATTENDANCE,
                SectionKind.BUDGET,
                SectionKind.GLOSSARY,
            }
        ),
    ),
)


@dataclass
class Chapter:
    number: int
    title: str
    sections: list[BuiltSection] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"chapter-{self.number}"


def chapter_title(kind: str) -> str:
    return next((title for title, kinds in CHAPTERS if kind in kinds), "Other")


def chapters(built: BuiltReport) -> list[Chapter]:
    """The report's sections in their order, gathered into chapters: a run
    of sections of one chapter's kinds is that chapter; should the business
    manager put a section among another chapter's, the chapter starts again
    after it, so the order they chose is kept."""
    found: list[Chapter] = []
    for section in built.sections:
        title = chapter_title(section.kind)
        if not found or found[-1].title != title:
            found.append(Chapter(len(found) + 1, title))
        found[-1].sections.append(section)
    return found


def render_pdf_html(context: dict[str, Any]) -> str:
    built: BuiltReport = context["built"]
    return render_to_string(
        "pdf/annual_report.html",
        {
            **context,
            "chapters": chapters(built),
            "highlights": built.highlights,
            "highlight_groups": built.highlight_groups,
        },
    )


def _plotly_figures(built: BuiltReport) -> list[Any]:
    return [
        f.plot
        if f.plot is not None
        else charts.figure(title=f.caption, labels=f.labels, values=f.values, unit=f.unit)
        for f in built.figures
    ]


class ResourceRefused(Exception):
    """The PDF's HTML asked for an image it may not load, or a chart that
    could not be had."""


#: The address a chart stands at in the PDF's HTML while it is being
#: exported: `_Fetcher` hands WeasyPrint its image when layout reaches it.
CHART_URL = "assure-chart:{}"


@dataclass
class StandIns:
    """Charts not drawn yet when layout reaches them, stood in for by blank
    images of the size each will have (`sizes`, by chart number): WeasyPrint fetches every image as it
    builds its boxes, before layout, so a first build would otherwise wait
    for Chromium's start and every chart before laying anything out. Which
    charts were stood in for, and the images layout made of them, are kept
    to put the charts in their place once drawn."""

    sizes: Sequence[tuple[int, int]]
    used: dict[int, tuple[int, int]] = field(default_factory=dict)
    images: dict[str, Any] = field(default_factory=dict)


def _fetcher(exported: Future[list[bytes]] | None = None, stand_ins: StandIns | None = None) -> Any:
    """What a PDF's HTML may load: images in data: URIs and the charts being
    exported beside the layout (`CHART_URL`); nothing from the network or the
    disk. A chart that cannot be had stops the build, with kaleido's reason."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _Fetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            prefix = CHART_URL.format("")
            if exported is not None and url.startswith(prefix):
                number = int(url.removeprefix(prefix))
                if stand_ins is not None and not exported.done():
                    size = stand_ins.used[number] = stand_ins.sizes[number]
                    return URLFetcherResponse(
                        url, blank_png(*size), {"Content-Type": charts.MEDIA_TYPE}
                    )
                image = exported.result()[number]
                return URLFetcherResponse(url, image, {"Content-Type": charts.MEDIA_TYPE})
            return super().fetch(url, headers)

    return _Fetcher(
        allowed_protocols={"data"}, fail_on_errors=True, ssl_context=_unused_ssl_context()
    )


@cache
def _unused_ssl_context() -> ssl.SSLContext:
    """One TLS context for every build's fetcher, which never uses it (it
    loads data: only). Without it each fetcher made a default context,
    reading the system's certificates: some 20-60 ms a build."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


#: A PNG's signature and the start of its header chunk; then its width and
#: height (4 bytes each), then bit depth 8, colour type 2 (RGB), compression
#: 0, filter 0 and no interlacing: the charts Assure caches
#: (`reports.charts.opaque`).
_PNG_START = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"
_RGB8_PLAIN = bytes([8, 2, 0, 0, 0])


def png_idat(data: bytes) -> bytes | None:
    """The compressed pixel rows of an 8-bit RGB, non-interlaced PNG (its
    IDAT chunks joined), which are what a PDF image of the same size holds
    with the PNG predictors; None for any other image."""
    if not data.startswith(_PNG_START) or data[24:29] != _RGB8_PLAIN:
        return None
    chunks, position = [], 8
    while position + 8 <= len(data):
        (length,) = struct.unpack_from("!I", data, position)
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            chunks.append(data[position + 8 : position + 8 + length])
        elif kind == b"IEND":
            break
        position += 12 + length
    return b"".join(chunks) or None


@cache
def blank_png(width: int, height: int) -> bytes:
    """A white 8-bit RGB PNG of this size: a chart's stand-in while it is
    drawn (`StandIns`). Only its size is read during layout."""
    row = b"\x00" + b"\xff" * (3 * width)
    header = struct.pack("!II", width, height) + _RGB8_PLAIN

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack("!I", len(data)) + body + struct.pack("!I", zlib.crc32(body))

    return (
        _PNG_START[:8]
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 1))
        + chunk(b"IEND", b"")
    )


def png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's width and height, from its header; None for anything else."""
    if not data.startswith(_PNG_START):
        return None
    width, height = struct.unpack_from("!II", data, 16)
    return width, height


def _charts_passed_through(images: dict[str, Any]) -> None:
    """WeasyPrint decodes every PNG it embeds and encodes it again to take
    its pixel rows (`RasterImage.get_x_object`): for a report's charts, a
    tenth of a warm build. The charts are 8-bit RGB PNGs already: their own
    rows go into the PDF as they are, the same pixels. Any other image (a
    logo with transparency, a JPEG) is left to WeasyPrint."""
    import pydyf
    from weasyprint.images import RasterImage

    for image in images.values():
        if not isinstance(image, RasterImage) or image.format != "PNG" or image.mode != "RGB":
            continue
        rows = png_idat(image.image_data.data)
        if rows is None:
            continue
        weasyprint_x_object = image.get_x_object

        def x_object(
            interpolate: bool,
            dpi_ratio: float,
            image: Any = image,
            rows: bytes = rows,
            weasyprint_x_object: Any = weasyprint_x_object,
        ) -> Any:
            if dpi_ratio != 1:  # resampled to a lower resolution: WeasyPrint's way
                return weasyprint_x_object(interpolate, dpi_ratio)
            return pydyf.Stream(
                [rows],
                pydyf.Dictionary(
                    {
                        "Type": "/XObject",
                        "Subtype": "/Image",
                        "Width": image.width,
                        "Height": image.height,
                        "ColorSpace": "/DeviceRGB",
                        "BitsPerComponent": 8,
                        "Interpolate": "true" if interpolate else "false",
                        "Filter": "/FlateDecode",
                        "DecodeParms": pydyf.Dictionary(
                            {"Predictor": 15, "Columns": image.width, "Colors": 3}
                        ),
                    }
                ),
            )

        image.get_x_object = x_object


#: Rules of WeasyPrint's user-agent stylesheet that match every element of a
#: document (footnote and note calls and markers, which Assure's documents
#: never use): WeasyPrint computes a style for each of them on every
#: element, a sixth of the time a long report took.
_EVERY_ELEMENT = re.compile(r"^::(?:footnote|note)-[a-z-]+ \{[^}\n]*\}\n", re.MULTILINE)


@cache
def _lean_user_agent_sheet() -> Any:
    """WeasyPrint's user-agent stylesheet less the rules that match every
    element for features Assure's documents do not use, and with list markers
    styled on list items only (the rule otherwise names every element's
    marker). Everything else, and so every document's look, is unchanged;
    should a later WeasyPrint word these rules differently, nothing is taken
    out and documents are as before, only slower."""
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    # The sheet's counter styles are WeasyPrint's own, already defined: read
    # them into a throw-away set, not again into the one documents use.
    return CSS(string=lean_user_agent_text(UA), counter_style=CounterStyle())


def lean_user_agent_text(sheet: str) -> str:
    return _EVERY_ELEMENT.sub("", sheet).replace("\n::marker {", "\nli::marker {")


def _lean_html(**kwargs: Any) -> Any:
    from weasyprint import HTML

    class LeanHTML(HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [_lean_user_agent_sheet()]

    return LeanHTML(**kwargs)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while WeasyPrint lays out and writes a
    document: it makes millions of short-lived objects, and collecting as they
    come took a fifth of the time of a long report; pausing it costs a few MiB
    at the peak (238 MiB against 230 for a 45-page report). Collection resumes,
    as it was, when the document is done or fails."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def lay_out(
    html: str,
    charts_exported: Future[list[bytes]] | None = None,
    stand_ins: StandIns | None = None,
) -> Any:
    """The laid-out WeasyPrint document of a print template's HTML, whose
    images are data: URIs or charts at `CHART_URL` being exported by
    `charts_exported`."""
    from weasyprint.urls import FatalURLFetchingError

    _keep_text_layouts()
    _leaders_in_one_piece()
    with collection_paused():
        document = _lean_html(
            string=html,
            base_url=str(settings.BASE_DIR),
            url_fetcher=_fetcher(charts_exported, stand_ins),
        )
        images: dict[str, Any] = {}
        try:
            laid_out = document.render(pdf_variant=PDF_VARIANT, pdf_tags=True, cache=images)
        except FatalURLFetchingError as refused:  # a BaseException: make it an Exception
            raise ResourceRefused(f"{refused}: {refused.__cause__}") from refused.__cause__
        _charts_passed_through(images)
        if stand_ins is not None:
            stand_ins.images = images
        return laid_out


class _Deflate:
    """zlib as pydyf sees it, but compressing at level 6, zlib's default,
    where pydyf asks for 9: on a report's page contents (2 MiB of drawing
    operators) level 9 took four times as long, about 80 ms a build, for
    files 5% smaller. Nothing but the size changes: the same streams come out
    when read."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = 6, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(min(level, 6), *args, **kwargs)


@cache
def _deflate_at_level_6() -> None:
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _Deflate()


#: WeasyPrint's and pydyf's own functions that `reports.pdf` replaces, by
#: (owner, name): for tests that draw a document both ways.
WEASYPRINTS_OWN: dict[tuple[Any, str], Any] = {}


def _replace(owner: Any, name: str, new: Any) -> None:
    """Put `new` in place of `owner.name`, remembering the original."""
    WEASYPRINTS_OWN[(owner, name)] = (
        owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
    )
    setattr(owner, name, new)


#: Characters that end a paragraph for Pango: a text without any is laid out
#: the same whether or not Pango is told it is one paragraph.
_PARAGRAPH_ENDS = frozenset("\n\r\x85\u2028\u2029")


@cache
def _keep_text_layouts() -> None:
    """WeasyPrint shapes every piece of text at least twice: once to lay out
    its line, then, having let Pango's layout go (`Layout.deactivate`), again
    from nothing each time it is drawn (`Layout.reactivate`: a new Pango
    context, font and layout, the text shaped anew). A contents page's
    dotted leaders are some 3,000 copies of one "." sharing one layout, each
    shaped again to draw it. Here a line's layout is kept from its layout
    through its drawing, and drawing uses the glyphs already shaped.

    A kept layout is the one drawing would make: the same text, style and
    font. Drawing tells Pango the text is one paragraph, which for a text
    with no paragraph end changes nothing but would have Pango shape it
    again, so such a text is marked one paragraph when it is set. Where the
    two could differ, drawing makes its own as before: text spaced out by
    justification, a style other than the one it was laid out with, and a
    line that drawing shortens with an ellipsis (its layout is let go once
    drawn). Layouts go with the document's boxes. Should a later WeasyPrint
    rename these functions, nothing is kept and text is shaped again, only
    slower."""
    from weasyprint import draw
    from weasyprint.text import line_break
    from weasyprint.text.ffi import pango

    layout_class = line_break.Layout
    names = ("set_text", "deactivate", "reactivate")
    if not all(hasattr(layout_class, name) for name in names) or not hasattr(draw, "draw_text"):
        return
    weasyprint_set_text = layout_class.set_text
    weasyprint_deactivate = layout_class.deactivate
    weasyprint_reactivate = layout_class.reactivate
    weasyprint_draw_text = draw.draw_text

    def set_text(self: Any, text: str, justify: bool = False) -> None:
        weasyprint_set_text(self, text, justify)
        if _PARAGRAPH_ENDS.isdisjoint(self.text):
            pango.pango_layout_set_single_paragraph_mode(self.layout, True)

    def deactivate(self: Any) -> None:
        if self.__dict__.pop("assure_altered", False):
            weasyprint_deactivate(self)

    def reactivate(self: Any, style: Any) -> None:
        kept = "layout" in self.__dict__ and self.style is style
        if not kept or self.justification_spacing:
            weasyprint_reactivate(self, style)

    def draw_text(stream: Any, textbox: Any, offset_x: Any, text_overflow: Any, *args: Any) -> Any:
        block_ellipsis = args[0] if args else "none"
        textbox.pango_layout.assure_altered = (
            text_overflow == "ellipsis" or block_ellipsis != "none"
        )
        return weasyprint_draw_text(stream, textbox, offset_x, text_overflow, *args)

    _replace(layout_class, "set_text", set_text)
    _replace(layout_class, "deactivate", deactivate)
    _replace(layout_class, "reactivate", reactivate)
    _replace(draw, "draw_text", draw_text)


#: How far (in CSS pixels) a leader drawn as one piece may end from where
#: its copies ended: any more and its letters are spaced otherwise (kerned
#: between copies), and the copies are kept.
_LEADER_TOLERANCE = 0.01


@cache
def _leaders_in_one_piece() -> None:
    """A leader (the contents' dots between an entry and its page) is laid
    out by WeasyPrint as one text box for each copy of its text: some 3,000
    boxes of "." on a report's contents page, each drawn, tagged and written
    on its own, more than half the text boxes of a 40-page report. Here the
    copies on a line become one box of the text repeated, at the first
    copy's place and as wide as all of them: the same dots in the same
    places, drawn as one string. Where the repeated text would not be
    exactly as wide as its copies (letters kerned across copies), the copies
    stay. Should a later WeasyPrint lay leaders out otherwise, they are left
    as it makes them."""
    from weasyprint.layout import inline, leader
    from weasyprint.text.line_break import create_layout, line_size

    if not hasattr(inline, "handle_leader") or not hasattr(leader, "leader_index"):
        return
    weasyprint_handle_leader = inline.handle_leader

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        weasyprint_handle_leader(context, line, containing_block)
        _, leader_box = leader.leader_index(line)
        copies = sorted(getattr(leader_box, "children", ()), key=lambda box: box.position_x)
        if len(copies) < 2:
            return
        first, last = copies[0], copies[-1]
        if any(c.text != first.text or c.style is not first.style for c in copies):
            return
        text = first.text * len(copies)
        layout = create_layout(text, first.style, context, None, first.justification_spacing)
        width = last.position_x + last.width - first.position_x
        line_width, _ = line_size(layout.get_first_line()[0], first.style)
        if abs(line_width - width) > _LEADER_TOLERANCE:
            return
        piece = first.copy_with_text(text)
        piece.pango_layout = layout
        piece.width = width
        leader_box.children = (piece,)

    _replace(inline, "handle_leader", handle_leader)


@cache
def _page_references_once() -> None:
    """pydyf makes the list of a PDF's page references afresh every time it
    is asked for it, and WeasyPrint asks once for every tagged element (to
    say its page): for a report of 40 pages, a quarter of a million small
    strings, about half of the time tagging takes. The list is kept while the
    PDF has the same pages. Should a later pydyf not have the property,
    nothing changes."""
    import pydyf

    if not isinstance(pydyf.PDF.__dict__.get("page_references"), property):
        return
    weasyprint_page_references = pydyf.PDF.page_references

    def page_references(self: Any) -> tuple[bytes, ...]:
        kids = self.pages["Kids"]
        known = self.__dict__.get("assure_page_references")
        if known is None or known[0] is not kids or known[1] != len(kids):
            known = (kids, len(kids), weasyprint_page_references.fget(self))
            self.assure_page_references = known
        return known[2]

    _replace(pydyf.PDF, "page_references", property(page_references))


def write(document: Any) -> bytes:
    """A laid-out document's PDF: tagged, PDF/UA-1."""
    _deflate_at_level_6()
    _page_references_once()
    _keep_text_layouts()
    with collection_paused():
        return bytes(document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True) or b"")


def lay_out_with_charts(html: Callable[[], str], holders: Sequence[Any], figures: list[Any]) -> Any:
    """The laid-out document of the HTML `html()` makes, with `figures`
    drawn as the images of `holders` (anything with an `image_uri`), in
    order. The charts not cached yet are exported while WeasyPrint lays the
    document out: a chart not drawn yet when WeasyPrint asks for it stands
    as a blank image of its size (`StandIns`), so Chromium's start and the
    drawing, the longest part of a first build, come beside the layout
    instead of before it; once both are done each chart takes its stand-in's
    place in the PDF. Should a chart come out another size than its figure
    said, the document is laid out again around the charts themselves.
    Afterwards each holder has its chart as a data: URI."""
    if not holders:
        return lay_out(html())
    exported = charts.export_in_background(figures)
    stand_ins = StandIns([charts.pixel_size(figure) for figure in figures])
    try:
        for number, holder in enumerate(holders):
            holder.image_uri = CHART_URL.format(number)
        document = lay_out(html(), exported, stand_ins)
        if stand_ins.used and not _charts_in_place(stand_ins, exported.result()):
            document = lay_out(html(), exported)
    except Exception:
        # Never leave the export running behind a failed layout, and when
        # the export is what failed, give its reason rather than WeasyPrint's
        # "Error fetching" the chart.
        wait([exported])
        if (reason := exported.exception()) is not None:
            raise reason from None
        raise
    for holder, image in zip(holders, exported.result(), strict=True):
        holder.image_uri = charts.data_uri(image)
    return document


def _charts_in_place(stand_ins: StandIns, drawn: list[bytes]) -> bool:
    """Each stood-in chart's own image in its stand-in's place, for the PDF
    to embed; False, changing nothing, when any chart is not the size its
    stand-in had (or not an image WeasyPrint made of it)."""
    from weasyprint.images import RasterImage

    placed: dict[int, Any] = {
        number: stand_ins.images.get(CHART_URL.format(number)) for number in stand_ins.used
    }
    if any(
        not isinstance(image, RasterImage) or png_size(drawn[number]) != stand_ins.used[number]
        for number, image in placed.items()
    ):
        return False
    for number, image in placed.items():
        image.image_data = image.cache_image_data(drawn[number])
        _charts_passed_through({CHART_URL.format(number): image})
    return True


def render_document(context: dict[str, Any]) -> Any:
    """The laid-out WeasyPrint document, charts drawn."""
    built: BuiltReport = context["built"]
    return lay_out_with_charts(
        lambda: render_pdf_html(context), built.figures, _plotly_figures(built)
    )


def render_pdf(context: dict[str, Any]) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    document = render_document(context)
    return write(document), len(document.pages)


def page_texts(document: Any) -> list[str]:
    """The text drawn on each page, margin boxes included, in reading order:
    what the PDF shows, for tests that compare it with the data."""
    from weasyprint.formatting_structure.boxes import TextBox

    texts = []
    for page in document.pages:
        words = [box.text for box in page._page_box.descendants() if isinstance(box, TextBox)]
        texts.append(" ".join(words))
    return texts
