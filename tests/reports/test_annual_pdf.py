"""The annual report's PDF, read back with pikepdf: tagged (PDF/UA-1) with a
structure tree, the document's language and title, alternative text on
every figure, table header cells, bookmarks, and the page numbers the
contents list gives. Charts come from one kaleido session per build and a
cache keyed by the figure."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from decimal import Decimal
from typing import Any

import pikepdf
import pytest
from django.core.files.storage import default_storage

from board.models import Attendance
from reports import charts, pdf, snapshots
from reports.sections import Figure, Table, build_report
from tests.factories import AttendanceFactory, ContributionFactory, MeetingFactory, MemberFactory
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    complete_data,
    draft,
    media,
    png,
    write_narrative,
    year_2016,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _walk(node: Any, found: list[Any]) -> None:
    if isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                _walk(kid, found)
        elif kids is not None:
            _walk(kids, found)


def elements(document: pikepdf.Pdf) -> list[Any]:
    found: list[Any] = []
    _walk(document.Root.StructTreeRoot, found)
    return found


@pytest.fixture
def report_pdf(world):
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    built = build_report(report)
    data, pages = pdf.render_pdf(snapshots.document_context(built, version=1, changes=""))
    return report, built, data, pages


def test_the_pdf_is_tagged_with_its_language_and_title(report_pdf):
    report, _, data, pages = report_pdf
    document = pikepdf.open(io.BytesIO(data))
    assert str(document.Root.Lang) == "en-GB"
    assert str(document.docinfo["/Title"]) == report.title
    assert bool(document.Root.MarkInfo.Marked) is True
    assert "/StructTreeRoot" in document.Root
    with document.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
    assert len(document.pages) == pages
    assert pages >= 5  # cover, contents, and a page per section at least


def test_every_figure_has_its_alternative_text(report_pdf):
    _, built, data, _ = report_pdf
    document = pikepdf.open(io.BytesIO(data))
    figures = [e for e in elements(document) if e.S == "/Figure"]
    summaries = [f.summary for f in built.figures]
    # The priorities' ratings, the strategic board's attendance and the budget.
    assert [f.key for f in built.figures] == [
        "priority-ratings-chart",
        f"attendance-chart-{built.report.board.groups.get().slug}",
        "budget-chart",
    ]
    assert [str(f.get("/Alt", "")) for f in figures] == summaries


def test_every_chart_has_its_table_of_figures_in_its_section(report_pdf):
    _, built, _, _ = report_pdf
    for section in built.sections:
        tables = {t.key: section.blocks.index(t) for t in section.tables}
        for figure in section.figures:
            assert figure.table in tables, figure.key
            # The chart comes first, its table after it.
            assert section.blocks.index(figure) < tables[figure.table]


def test_tables_have_header_cells_and_repeat_their_header_row(report_pdf):
    _, _, data, _ = report_pdf
    document = pikepdf.open(io.BytesIO(data))
    kinds = Counter(str(e.S) for e in elements(document))
    assert kinds["/Table"] >= 3
    assert kinds["/TH"] > kinds["/Table"]
    assert kinds["/THead"] >= kinds["/Table"]
    css = pdf.render_pdf_html({"built": report_pdf[1]})
    assert "thead { display: table-header-group; }" in css


def test_the_pdf_has_bookmarks_for_each_section_and_numbered_contents(report_pdf):
    _, built, data, _ = report_pdf
    document = pikepdf.open(io.BytesIO(data))
    with document.open_outline() as outline:
        top = [(item.title, [kid.title for kid in item.children]) for item in outline.root]
    assert top[0] == ("Contents", [])
    assert top[1] == ("2016-17 in numbers", [])
    chapters = pdf.chapters(built)
    assert [title for title, _ in top[2:]] == [f"Chapter {c.number} {c.title}" for c in chapters]
    assert [kid for _, kids in top[2:] for kid in kids] == [s.title for s in built.sections]
    document = pdf.render_document(snapshots.document_context(built, version=1, changes=""))
    texts = pdf.page_texts(document)
    pages = len(texts)
    assert f"Page 2 of {pages}" in texts[1]
    # The contents list gives each section's page, and the section starts there.
    contents = texts[1]
    for section in built.sections:
        start = next(
            i
            for i, t in enumerate(texts)
            if (i > 1 and t.startswith(section.title)) or (f" {section.title} " in t and i > 1)
        )
        assert f"{section.title}" in contents
        assert str(start + 1) in contents


def test_charts_are_exported_in_one_session_and_cached_by_figure(monkeypatch):
    sessions = []

    async def fake_export(figures):
        sessions.append(len(figures))
        return [png(10 + i, 10) for i in range(len(figures))]

    monkeypatch.setattr(charts, "_export_all", fake_export)
    one = charts.figure(title="A", labels=["x", "y"], values=[1, 2], unit="%")
    two = charts.figure(title="B", labels=["x"], values=[3], unit="£")
    first = charts.export_images([one, two])
    assert sessions == [2]
    again = charts.export_images(
        [two, one, charts.figure(title="C", labels=["z"], values=[4], unit="%")]
    )
    assert sessions == [2, 1]
    assert again[:2] == [first[1], first[0]]
    assert default_storage.exists(f"cache/charts/{charts.figure_key(one)}.png")


def test_a_system_check_warns_when_chromium_is_missing(settings):
    settings.BROWSER_PATH = "/nowhere/chromium"
    (warning,) = charts.check_chromium()
    assert warning.id == "reports.W001"
    assert "/nowhere/chromium" in warning.msg
    settings.BROWSER_PATH = "/usr/bin/chromium"
    assert charts.check_chromium() == []


def _block(built, kind: type, key: str) -> Any:
    return next(b for s in built.sections for b in s.blocks if isinstance(b, kind) and b.key == key)


def test_a_long_budget_charts_the_eleven_largest_and_the_others_together(world):
    for i in range(1, 15):
        ContributionFactory(
            board=world.board, year=year_2016(), label=f"Partner {i:02d}", amount=Decimal(1000 * i)
        )
    built = build_report(draft(world))
    chart = _block(built, Figure, "budget-chart")
    assert chart.labels == [f"Partner {i:02d}" for i in range(14, 3, -1)] + [
        "All other 3 contributions"
    ]
    assert chart.values == [1000.0 * i for i in range(14, 3, -1)] + [6000.0]
    assert chart.folded == 3
    assert (
        chart.caption
        == "Contributions by partner, 2016-17: the 11 largest, and the other 3 together"
    )
    assert chart.summary == (
        "A bar chart of the 14 contributions to the budget for 2016-17, £105,000 in all; the "
        "largest was Partner 14 at £14,000. The chart shows the 11 largest, largest first, and "
        "one bar for the other 3 together (£6,000). The table below gives every figure."
    )
    assert len(_block(built, Table, "budget").rows) == 14  # the table keeps every row


def test_a_budget_of_twelve_lines_charts_every_line(world):
    for i in range(1, 13):
        ContributionFactory(
            board=world.board, year=year_2016(), label=f"Partner {i:02d}", amount=Decimal(1000 * i)
        )
    chart = _block(build_report(draft(world)), Figure, "budget-chart")
    assert len(chart.labels) == 12
    assert chart.folded == 0
    assert "All other" not in " ".join(chart.labels) + chart.summary + chart.caption


def test_attendance_charts_the_eleven_lowest_and_the_others_on_average(world):
    meetings = [world.meeting] + [
        MeetingFactory(group=world.group, date=datetime.date(2016, month, 1))
        for month in (7, 9, 11)
    ]
    # 14 seats: the world's member attended its one recorded meeting (100%);
    # Seat 01 to Seat 13 attended this many of the four meetings.
    for number, attended in enumerate([0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4], start=1):
        seat = MemberFactory(
            board=world.board, agency=None, position=f"Seat {number:02d}", groups=[world.group]
        )
        for i, meeting in enumerate(meetings):
            AttendanceFactory(
                meeting=meeting,
                member=seat,
                status=Attendance.Status.ATTENDED if i < attended else Attendance.Status.ABSENT,
            )
    built = build_report(draft(world))
    chart = _block(built, Figure, f"attendance-chart-{world.group.slug}")
    assert chart.labels == [f"Seat {n:02d}" for n in range(1, 12)] + [
        "All other 3 members (average)"
    ]
    assert chart.values == [0, 25, 25, 25, 50, 50, 50, 50, 75, 75, 75, (75 + 100 + 100) / 3]
    assert chart.folded == 3
    name = world.group.name
    assert chart.caption == (
        f"Attendance at {name} by member, 2016-17: the 11 lowest, and the other 3 members on average"
    )
    assert chart.summary == (
        f"A bar chart of attendance at {name} in 2016-17: the 11 members with the lowest "
        "attendance, lowest first, and one bar for the average of the other 3 members (92%). "
        "In all, 14 members over 4 meetings, 55% on average; the lowest was Seat 01 at 0%. "
        "The table below gives every member's figures."
    )
    assert len(_block(built, Table, f"attendance-{world.group.slug}").rows) == 14


def _cells_overflowing(document: Any) -> list[str]:
    """Text drawn past the right edge of its table cell, or a word broken."""
    from weasyprint.formatting_structure import boxes

    found = []
    for page in document.pages:
        for cell in page._page_box.descendants():
            if not isinstance(cell, boxes.TableCellBox):
                continue
            right = cell.content_box_x() + cell.width
            words = set("".join(cell.element.itertext()).split())
            for box in cell.descendants():
                if isinstance(box, boxes.TextBox) and (
                    box.position_x + box.width > right + 0.01
                    or any(word not in words for word in box.text.split())
                ):
                    found.append(box.text)
    return found


def test_long_tables_have_a_fixed_layout_and_repeat_their_header_on_every_page(world, monkeypatch):
    async def plain_charts(figures):
        return [png(10, 5) for _ in figures]

    monkeypatch.setattr(charts, "_export_all", plain_charts)
    for i in range(1, 91):
        ContributionFactory(
            board=world.board,
            year=year_2016(),
            label=f"Partner with a long and descriptive name {i:02d}",
            amount=Decimal(1000 * i),
        )
    built = build_report(draft(world))
    document = pdf.render_document(snapshots.document_context(built, version=1, changes=""))
    texts = pdf.page_texts(document)
    budget_pages = [t for t in texts if "Partner with a long and descriptive name" in t]
    assert len(budget_pages) >= 2
    for text in budget_pages:
        # The header row heads the table on every page it spans, before any row.
        assert "Contributor 2016-17 2015-16 Partner" in text
        assert text.index("Contributor 2016-17 2015-16") < text.index("Partner with")
    tables = [
        box
        for page in document.pages
        for box in page._page_box.descendants()
        if type(box).__name__ == "TableBox"
    ]
    assert tables
    assert {t.style["table_layout"] for t in tables} == {"fixed"}
    budget = next(t for t in tables if "t-budget" in t.element.get("class"))
    widths = [round(column.width) for group in budget.column_groups for column in group.children]
    assert widths[1] == widths[2] == round(budget.width * 0.2)  # figures: a fifth each
    assert widths[0] == round(budget.width * 0.6)  # the contributor: the rest
    assert _cells_overflowing(document) == []


def test_every_table_kind_has_its_column_classes():
    table = Table(
        key="attendance-alpha-board",
        caption="",
        head=["Member", "1 May", "Attended", "Attendance"],
        numeric=[False, False, True, True],
        rows=[],
    )
    assert pdf.table_kind(table) == "attendance"
    assert pdf.column_classes(table) == ["c1 c-first", "c2 c-text", "c3 c-num", "c4 c-num"]
    for key, kind in [
        ("training-impact", "training-impact"),
        ("training-face-to-face", "training"),
        ("reviews", "reviews"),
        ("review-child-a", "review"),
        ("section-11-2016", "section-11"),
        ("priority-business-plan-1", "priority"),
        ("budget", "budget"),
        ("something-new", "other"),
    ]:
        assert pdf.table_kind(Table(key=key, caption="", head=[], rows=[])) == kind


def test_the_lean_user_agent_sheet_leaves_out_only_the_rules_matching_every_element():
    from weasyprint.html import UA

    lean = pdf.lean_user_agent_text(UA)
    removed = set(UA.splitlines()) - set(lean.splitlines())
    assert sorted(line.split(" {")[0] for line in removed) == [
        "::footnote-call",
        "::footnote-marker",
        "::marker",
        "::note-call",
        "::note-callback",
        "::note-marker",
    ]
    added = set(lean.splitlines()) - set(UA.splitlines())
    assert [line.split(" {")[0] for line in added] == ["li::marker"]
    assert not [line for line in lean.splitlines() if line.startswith("::")]
    # A sheet worded otherwise is left as it is.
    assert pdf.lean_user_agent_text("p { margin: 0 }\n") == "p { margin: 0 }\n"


def test_the_lean_sheet_draws_the_same_pages_as_weasyprints_own(caplog):
    """Lists (with their markers), quotes, headings and a table drawn with
    the lean user-agent sheet and with WeasyPrint's own: the same drawing."""
    from weasyprint import HTML

    html = (
        '<html lang="en-GB"><head><title>Lists</title></head><body><h2>Heading</h2>'
        "<ul><li>First point</li><li>Second</li></ul><ol><li>Numbered point</li></ol>"
        "<p><q>Quoted</q> and <strong>strong</strong></p><table><caption>Caption</caption>"
        "<thead><tr><th>Agency</th><th>£</th></tr></thead>"
        "<tbody><tr><td>Police</td><td>1,000</td></tr></tbody></table></body></html>"
    )

    def drawn(data: bytes) -> list[bytes]:
        with pikepdf.open(io.BytesIO(data)) as document:
            return [page.Contents.read_bytes() for page in document.pages]

    lean = pdf.write(pdf.lay_out(html))
    own = HTML(string=html).render(pdf_variant=pdf.PDF_VARIANT, pdf_tags=True)
    own_pdf = own.write_pdf(pdf_variant=pdf.PDF_VARIANT, pdf_tags=True)
    assert drawn(lean) == drawn(own_pdf)
    assert b"First point" not in lean  # text is drawn as glyphs, so compare drawings
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_collection_is_paused_while_a_document_is_made_and_resumes_after():
    import gc

    seen = []
    with pdf.collection_paused():
        seen.append(gc.isenabled())
    assert (seen, gc.isenabled()) == ([False], True)
    with pytest.raises(ValueError, match="a build that fails"), pdf.collection_paused():
        raise ValueError("a build that fails")
    assert gc.isenabled()
    gc.disable()
    try:
        with pdf.collection_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def _budget_with_a_chart(world):
    for i in range(1, 4):
        ContributionFactory(
            board=world.board, year=year_2016(), label=f"Partner {i}", amount=Decimal(1000 * i)
        )
    return build_report(draft(world))


def test_charts_are_exported_beside_the_layout_and_drawn_in_the_pdf(world, monkeypatch):
    """The export starts before WeasyPrint lays the page out; layout takes
    each chart when it reaches it, and the PDF draws it."""
    import threading

    events = []

    async def drawn_charts(figures):
        events.append(("export", threading.current_thread().name))
        return [png(40, 20) for _ in figures]

    real_lay_out = pdf.lay_out

    def lay_out(html, charts_exported=None, stand_ins=None):
        events.append(("layout", "assure-chart:0" in html))
        return real_lay_out(html, charts_exported, stand_ins)

    monkeypatch.setattr(charts, "_export_all", drawn_charts)
    monkeypatch.setattr(pdf, "lay_out", lay_out)
    built = _budget_with_a_chart(world)
    document = pdf.render_document(snapshots.document_context(built, version=1, changes=""))
    assert ("layout", True) in events
    assert [e for e in events if e[0] == "export"] != []
    figure = _block(built, Figure, "budget-chart")
    assert figure.image_uri.startswith("data:image/png;base64,")
    with pikepdf.open(io.BytesIO(pdf.write(document))) as written:
        figures = [e for e in elements(written) if e.S == "/Figure"]
        assert [str(f.Alt) for f in figures] == [f.summary for f in built.figures]
    assert figure.summary in [str(f.Alt) for f in figures]


@pytest.mark.parametrize("as_stated", [True, False])
def test_a_chart_not_drawn_yet_stands_as_a_blank_of_its_size_until_it_is(
    world, monkeypatch, as_stated
):
    """Layout does not wait for Chromium: a chart not drawn when WeasyPrint
    asks for it stands as a blank image of its figure's size, and the PDF
    embeds the chart itself; a chart of another size than its figure said
    has the document laid out again around it."""
    import threading

    laid_out = threading.Event()
    sizes = []

    async def drawn_after_layout(figures):
        assert laid_out.wait(timeout=30)
        sizes.extend(charts.pixel_size(f) if as_stated else (40, 20) for f in figures)
        return [png(*size) for size in sizes]

    real_lay_out = pdf.lay_out
    stood_in = []

    def lay_out(html, charts_exported=None, stand_ins=None):
        document = real_lay_out(html, charts_exported, stand_ins)
        stood_in.append(dict(stand_ins.used) if stand_ins else None)
        laid_out.set()
        return document

    monkeypatch.setattr(charts, "_export_all", drawn_after_layout)
    monkeypatch.setattr(pdf, "lay_out", lay_out)
    built = _budget_with_a_chart(world)
    document = pdf.render_document(snapshots.document_context(built, version=1, changes=""))
    number = built.figures.index(_block(built, Figure, "budget-chart"))
    assert stood_in[0][number] == charts.pixel_size(_plotly_figure(built, number))
    assert stood_in[1:] == ([] if as_stated else [None])  # laid out again around the charts
    with pikepdf.open(io.BytesIO(pdf.write(document))) as written:
        found = {i.objgen: i for p in written.pages for i in p.get_images().values()}
        images = [pikepdf.PdfImage(i).as_pil_image() for i in found.values()]
    assert sorted(i.size for i in images) == sorted(sizes)
    assert {i.convert("RGB").getpixel((0, 0)) for i in images} == {(29, 112, 184)}


def _plotly_figure(built: Any, number: int) -> Any:
    return pdf._plotly_figures(built)[number]


def test_a_chart_that_cannot_be_exported_stops_the_pdf_with_its_reason(world, monkeypatch):
    async def no_browser(figures):
        raise RuntimeError("Chromium could not start")

    monkeypatch.setattr(charts, "_export_all", no_browser)
    built = _budget_with_a_chart(world)
    with pytest.raises(RuntimeError, match=r"^Chromium could not start$"):
        pdf.render_document(snapshots.document_context(built, version=1, changes=""))


@pytest.mark.parametrize(
    "source", ["file:///etc/passwd", "report.css", "http://127.0.0.1:9/image.png"]
)
def test_a_pdf_loads_nothing_from_the_disk_or_the_network(source):
    """Only data: URIs and the charts being exported: an address elsewhere
    stops the build instead of being read into the PDF."""
    html = (
        f'<html lang="en-GB"><head><title>T</title></head><body><img src="{source}"></body></html>'
    )
    with pytest.raises(pdf.ResourceRefused, match=r"^Error fetching .*: URI uses disallowed"):
        pdf.lay_out(html)
    tiny = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnIHdpZHRoPSc0JyBoZWlnaHQ9JzQnLz4="
    assert len(pdf.lay_out(html.replace(source, tiny)).pages) == 1


def test_the_cover_draws_the_boards_logo_with_its_alternative_text(world):
    from board.services import board_logo_set

    board_logo_set(board=world.board, data=png(300, 100))
    world.board.refresh_from_db()
    built = build_report(draft(world))
    context = snapshots.document_context(built, version=1, changes="")
    assert context["logo_uri"].startswith("data:image/png;base64,")
    data, _ = pdf.render_pdf(context)
    with pikepdf.open(io.BytesIO(data)) as document:
        alts = [str(e.get("/Alt", "")) for e in elements(document) if e.S == "/Figure"]
    assert alts[0] == f"{world.board.name} logo"
    assert alts[1:] == [f.summary for f in built.figures]
    # The frozen HTML carries the same logo inside itself.
    assert context["logo_uri"] in snapshots.render_html(context).decode()


def test_a_board_without_a_logo_has_a_cover_of_its_name_alone(world):
    built = build_report(draft(world))
    context = snapshots.document_context(built, version=1, changes="")
    assert context["logo_uri"] == ""
    data, _ = pdf.render_pdf(context)
    with pikepdf.open(io.BytesIO(data)) as document:
        alts = [str(e.get("/Alt", "")) for e in elements(document) if e.S == "/Figure"]
    assert alts == [f.summary for f in built.figures]
    assert pdf.page_texts(pdf.render_document(context))[0].startswith(world.board.name)


def _picture(mode: str, **save: Any) -> bytes:
    """A small picture of many colours (a gradient and a stripe), so that a
    row or a channel out of place shows."""
    from PIL import Image

    image = Image.new("RGB", (37, 23))
    image.putdata([(x * 6, y * 11, (x * y) % 256) for y in range(23) for x in range(37)])
    if mode != "RGB":
        image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, **{"format": "PNG", **save})
    return out.getvalue()


def _pixels(data: bytes) -> bytes:
    from PIL import Image

    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def test_charts_reach_the_pdf_as_their_own_rows_and_other_pictures_as_before(monkeypatch):
    """An 8-bit RGB PNG (every chart) is embedded as its own compressed rows,
    not decoded and encoded again; a picture with transparency (a logo) goes
    WeasyPrint's way. Read back, each has its own pixels."""
    from weasyprint.images import RasterImage

    encoded = []
    weasyprint_png_data = RasterImage._get_png_data
    monkeypatch.setattr(
        RasterImage,
        "_get_png_data",
        staticmethod(lambda image: encoded.append(image.mode) or weasyprint_png_data(image)),
    )
    chart, logo = _picture("RGB"), _picture("RGBA")
    html = (
        '<html lang="en-GB"><head><title>Pictures</title></head><body>'
        f'<img src="{charts.data_uri(chart)}" alt="A chart">'
        f'<img src="{charts.data_uri(logo)}" alt="A logo"></body></html>'
    )
    with pikepdf.open(io.BytesIO(pdf.write(pdf.lay_out(html)))) as document:
        drawn = {
            name: pikepdf.PdfImage(image) for name, image in document.pages[0].get_images().items()
        }
        by_mask = {bool(image.obj.get("/SMask")): image for image in drawn.values()}
        as_drawn = {
            has_mask: image.as_pil_image().convert("RGB").tobytes()
            for has_mask, image in by_mask.items()
        }
    assert as_drawn == {False: _pixels(chart), True: _pixels(logo)}
    assert encoded == ["RGB", "L"]  # the logo's colours and its mask only


def test_only_a_plain_8_bit_rgb_png_is_passed_through():
    plain = _picture("RGB")
    assert pdf.png_idat(plain) is not None
    interlaced = plain[:28] + b"\x01" + plain[29:]  # the header's interlace method
    for other in (_picture("RGBA"), _picture("L"), _picture("P"), _picture("I;16"), interlaced):
        assert pdf.png_idat(other) is None
    assert pdf.png_idat(b"\xff\xd8\xff\xe0 a JPEG") is None


def test_pdf_streams_are_compressed_at_level_6_and_read_back_the_same():
    import zlib

    import pydyf

    operators = b"BT /F1 10 Tf 72 712 Td (Page 1 of 37) Tj ET\n" * 400
    squeezer = pdf._Deflate().compressobj(level=9)  # what pydyf asks for
    squeezed = squeezer.compress(operators) + squeezer.flush()
    assert squeezed == zlib.compress(operators, 6)
    assert zlib.decompress(squeezed) == operators
    pdf.write(pdf.lay_out('<html lang="en-GB"><head><title>T</title></head><body>T</body></html>'))
    assert isinstance(pydyf.zlib, pdf._Deflate)


def _weasyprints_own(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """WeasyPrint's own functions of these names back in place for the test."""
    pdf.lay_out('<html lang="en-GB"><head><title>T</title></head><body>T</body></html>')
    for (owner, name), own in pdf.WEASYPRINTS_OWN.items():
        if name in names:
            monkeypatch.setattr(owner, name, own)


def _drawings(data: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(data)) as document:
        return [page.Contents.read_bytes() for page in document.pages]


#: Text of every kind a report draws, and the kinds whose drawing differs
#: from their layout: justified, cut short with an ellipsis, preformatted
#: lines, a word broken to fit its column.
TEXTS = (
    '<html lang="en-GB"><head><title>Texts</title><style>'
    ".j { text-align: justify; width: 60mm } .e { width: 30mm; overflow: hidden;"
    " white-space: nowrap; text-overflow: ellipsis } pre { white-space: pre }"
    " td { width: 12mm; overflow-wrap: break-word }</style></head><body>"
    "<h2>Priorities and progress</h2><p>The partnership met <strong>six</strong> times;"
    " <a href='#x'>attendance</a> was 84%.</p><p class='j'>"
    + "Partners agreed a shared plan for early help across the borough. "
    * 4
    + "</p><p class='e'>A caption far too long for its narrow box</p>"
    "<pre>Line one\nLine two</pre><ul><li>First point</li><li>Second</li></ul>"
    "<table><thead><tr><th>Agency</th><th>£</th></tr></thead><tbody>"
    "<tr><td>Safeguardingpartnership</td><td>1,000</td></tr></tbody></table></body></html>"
)


def test_text_drawn_from_the_layout_it_was_laid_out_with_is_drawn_as_weasyprint_draws_it(
    monkeypatch,
):
    """Drawing takes the glyphs shaped for layout (`_keep_text_layouts`): the
    same page drawing, operator for operator, as WeasyPrint shaping it anew."""
    kept = _drawings(pdf.write(pdf.lay_out(TEXTS)))
    _weasyprints_own(monkeypatch, "set_text", "deactivate", "reactivate", "draw_text")
    assert kept == _drawings(pdf.write(pdf.lay_out(TEXTS)))


CONTENTS = (
    '<html lang="en-GB"><head><title>Contents</title><style>'
    "a::after { content: leader('.') ' ' target-counter(attr(href url), page) }"
    "</style></head><body><p><a href='#a'>Introduction</a></p>"
    "<p><a href='#b'>Case reviews and the record of actions on recommendations</a></p>"
    "<h2 id='a' style='break-before: page'>Introduction</h2><h2 id='b'>Reviews</h2></body></html>"
)


def _leaders(document: Any) -> list[list[Any]]:
    from weasyprint.formatting_structure.boxes import TextBox

    lines = [box for box in document.pages[0]._page_box.descendants() if box.is_leader]
    return [[c for c in line.descendants() if isinstance(c, TextBox)] for line in lines]


def test_a_leader_is_one_string_of_its_dots_where_its_copies_were(monkeypatch):
    ours = _leaders(pdf.lay_out(CONTENTS))
    _weasyprints_own(monkeypatch, "handle_leader")
    copies = _leaders(pdf.lay_out(CONTENTS))
    assert len(ours) == len(copies) == 2
    for (piece,), dots in zip(ours, copies, strict=True):
        assert len(dots) > 20
        assert piece.text == "." * len(dots)
        left = min(dot.position_x for dot in dots)
        right = max(dot.position_x + dot.width for dot in dots)
        assert piece.position_x == pytest.approx(left, abs=1e-6)
        assert piece.position_x + piece.width == pytest.approx(right, abs=1e-6)


def test_page_references_follow_the_pages_a_pdf_has():
    import pydyf

    pdf.write(pdf.lay_out('<html lang="en-GB"><head><title>T</title></head><body>T</body></html>'))
    document = pydyf.PDF()
    document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = document.page_references
    assert document.page_references is first  # kept, not made again
    document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert document.page_references == (first[0], b"4 0 R")
