"""The one way Assure writes and reads spreadsheets (CSV and XLSX).

Every download Assure offers, and every importer, goes through here, so no
value a person typed can become a live formula on a colleague's machine.

Writing. A spreadsheet runs a cell whose text begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (OWASP "CSV injection"). In a
CSV such text is written with a single quote in front, which a spreadsheet
shows as text. Text that already starts with quotes followed by one of those
characters gets one more quote, so the escaping is a bijection and
``csv_unescape`` gives back exactly the text that was written. In an XLSX
every text cell is written as a text cell (never a formula cell), marked
"quote prefix" when it begins with one of those characters so a spreadsheet
keeps it as text even after someone edits it; the text itself is unchanged,
but for the characters XML cannot carry (a carriage return, control
characters), which are written as Excel writes them (``_x000D_``).
Dates stay dates and numbers stay numbers in both.

Reading. ``read_table`` turns an uploaded CSV or XLSX into rows of plain,
JSON-serialisable values, undoing the CSV escaping, and refuses, with a
message that names the limit, a file with too many rows, an XLSX that would
unpack to more than the configured size (a zip bomb included), or anything
that is not a readable spreadsheet.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

#: What a spreadsheet treats as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Columns past this are not read: a workbook can claim 16,384 columns, and
#: padding every row to that width costs far more than the file's size.
MAX_COLUMNS = 200
#: The most characters a cell holds (Excel's own limit); longer cells are refused on import.
MAX_CELL_CHARACTERS = 32_767
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message says why, in words for the person."""


# --- escaping -------------------------------------------------------------------


def _runs_as_formula(text: str) -> bool:
    """True for text a spreadsheet would run, and for text that already
    carries quotes in front of such a start (so escaping stays reversible)."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def csv_escape(text: str) -> str:
    """The text as a CSV cell a spreadsheet shows as text."""
    return "'" + text if _runs_as_formula(text) else text


def csv_unescape(text: str) -> str:
    """The inverse of csv_escape: the text that was exported."""
    return text[1:] if text.startswith("'") and _runs_as_formula(text) else text


#: Characters an XLSX file's XML cannot carry as they are: control
#: characters, and the carriage return, which XML turns into a line feed.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x0d\x0e-\x1f]")
_XSTRING_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_XSTRING_CODE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xlsx_escape(text: str) -> str:
    """Text as an XLSX string holds it: characters XML cannot carry are
    written ``_x000D_`` as Excel writes them, and text that already looks
    like such a code has its underscore written ``_x005F_``."""
    text = _XSTRING_ESCAPE.sub(r"_x005F_\1", text)
    return _XML_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def xlsx_unescape(text: str) -> str:
    """The inverse of xlsx_escape, which also reads the codes Excel writes."""
    return _XSTRING_CODE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _local(value: datetime.datetime) -> datetime.datetime:
    """A datetime as the wall-clock time people see in Assure (spreadsheets know no zones)."""
    if timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def csv_cell(value: Any) -> str:
    """One value as CSV text: dates in ISO form, numbers as written, text escaped."""
    if isinstance(value, datetime.datetime):
        return _local(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if _is_number(value):
        return str(value)
    return csv_escape(_text(value))


# --- writing --------------------------------------------------------------------


def write_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows (the header first) as a UTF-8 CSV with a byte-order mark, which
    Excel needs to read anything beyond ASCII."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if value is None or _is_number(value):
        return WriteOnlyCell(sheet, value=value)
    text = _text(value)
    cell = WriteOnlyCell(sheet)
    cell.value = xlsx_escape(text)
    cell.data_type = "s"  # openpyxl would make text starting with "=" a formula
    if _runs_as_formula(text):
        cell.quotePrefix = True
    return cell


def write_xlsx(rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1") -> bytes:
    """Rows (the header first) as a one-sheet workbook of text, date and number cells."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def spreadsheet_response(
    rows: Iterable[Sequence[Any]], *, fmt: str, filename: str, sheet_title: str = "Sheet1"
) -> HttpResponse:
    """A download of the rows as CSV or XLSX; `filename` has no extension."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Spreadsheets are CSV or XLSX, not {fmt!r}.")
    content = write_csv(rows) if fmt == "csv" else write_xlsx(rows, sheet_title=sheet_title)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# --- reading --------------------------------------------------------------------


def describe_size(n: int) -> str:
    """A size in the words people use: "300 bytes", "12 KB", "2.0 MB"."""
    if n >= 1_048_576:
        return f"{n / 1_048_576:.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def plain_value(value: Any) -> Any:
    """A cell as JSON can hold it: dates as ISO text, times and durations as
    text, numbers and text as they are."""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _too_many_rows(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"The file has more than {max_rows:,} rows; Assure imports at most {max_rows:,} "
        "rows at a time. Split it into smaller files."
    )


def _limited(rows: Iterator[list[Any]], max_rows: int) -> list[list[Any]]:
    """The non-blank rows, header included, stopping as soon as there are
    more data rows than allowed, so a huge file costs no more than a small one."""
    table: list[list[Any]] = []
    for row in rows:
        if not any(v is not None and str(v).strip() for v in row):
            continue
        table.append(row)
        if len(table) > max_rows + 1:
            raise _too_many_rows(max_rows)
    return table


def _decode_text(content: bytes) -> str:
    """A CSV's text: UTF-8 (with or without its mark), else Windows' own
    encoding, as Excel saves a plain CSV in England."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            raise SpreadsheetError(
                "The file is not a spreadsheet: its text could not be read."
            ) from None


def read_csv(content: bytes, *, max_rows: int) -> list[list[Any]]:
    text = _decode_text(content)
    rows = ([csv_unescape(v) for v in row] for row in csv.reader(io.StringIO(text)))
    try:
        return _limited(rows, max_rows)
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file could not be read: {exc}.") from None


def _check_unpacked_size(content: bytes, max_unpacked_bytes: int) -> None:
    """Refuse a workbook that would unpack past the limit, before opening it.

    The sizes come from the zip's own directory. Python's zipfile never
    unpacks a member beyond the size its directory states (it stops and the
    read fails), so a zip bomb that understates its sizes cannot get past this
    either.
    """
    not_xlsx = SpreadsheetError(
        "The file is not a spreadsheet Assure can read: it is not a valid XLSX file."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise not_xlsx from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes:
        raise SpreadsheetError(
            f"The workbook unpacks to {describe_size(unpacked)}; the most Assure opens is "
            f"{describe_size(max_unpacked_bytes)}. Save it as a CSV file, or split it."
        )


def read_xlsx(content: bytes, *, max_rows: int, max_unpacked_bytes: int) -> list[list[Any]]:
    """The first worksheet's rows. Any failure of the workbook reader (a
    corrupt or hand-made file) is a SpreadsheetError, never a crash."""
    _check_unpacked_size(content, max_unpacked_bytes)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error on a broken file
        raise SpreadsheetError(
            "The file is not a spreadsheet Assure can read: it is not a valid XLSX file."
        ) from None
    try:
        if not book.worksheets:
            raise SpreadsheetError(
                "The workbook has no sheet of rows (only charts): put the actions on the "
                "first sheet."
            )
        sheet = book.worksheets[0]
        # The sheet's own claim of its size is ignored: a wrong one would cut
        # rows off, and a huge one would pad every row to thousands of cells.
        sheet.reset_dimensions()
        rows = (
            [xlsx_unescape(v) if isinstance(v, str) else plain_value(v) for v in _trimmed(row)]
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        )
        return _limited(rows, max_rows)
    except SpreadsheetError:
        raise
    except Exception:  # likewise, while the rows are read
        raise SpreadsheetError(
            "The workbook could not be read: it looks damaged. Save it again from your "
            "spreadsheet program, or as a CSV file."
        ) from None
    finally:
        book.close()


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row without the empty cells after its last value."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def _looks_binary(content: bytes) -> bool:
    return b"\x00" in content[:2048]


def read_table(
    name: str, content: bytes, *, max_rows: int, max_unpacked_bytes: int
) -> list[list[Any]]:
    """An uploaded CSV or XLSX as its non-blank rows (the header first), or
    SpreadsheetError saying why it cannot be read."""
    if not content.strip():
        raise SpreadsheetError("The file is empty.")
    if content[:4] == b"PK\x03\x04":
        table = read_xlsx(content, max_rows=max_rows, max_unpacked_bytes=max_unpacked_bytes)
    elif name.lower().endswith(".csv") or not _looks_binary(content):
        table = read_csv(content, max_rows=max_rows)
    else:
        raise SpreadsheetError(
            "The file is not a spreadsheet: upload a CSV or an Excel (XLSX) file."
        )
    if not table:
        raise SpreadsheetError("The file is empty.")
    return table


# --- reading a whole workbook, as people lay spreadsheets out -------------------


@dataclass
class Sheet:
    """One sheet of an uploaded file as plain, JSON-serialisable values: its
    non-blank rows with the numbers a spreadsheet program shows beside them
    (so a problem can name "row 7"), and its merged ranges ("B3:B5"), which
    the importers either refuse, naming them, or fill in when asked."""

    name: str
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": [[n, values] for n, values in self.rows],
            "merged": self.merged,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sheet:
        return cls(
            name=str(data["name"]),
            rows=[(int(n), list(values)) for n, values in data["rows"]],
            merged=[str(r) for r in data.get("merged", [])],
        )

    @property
    def width(self) -> int:
        return max((len(values) for _, values in self.rows), default=0)


class _RowBudget:
    """Counts non-blank rows across every sheet of a file, and refuses the
    file as soon as there are more than the limit (headers included in the
    count: a workbook's sheets each have one)."""

    def __init__(self, max_rows: int, sheets: int = 1) -> None:
        self.left = max_rows + sheets
        self.max_rows = max_rows

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise SpreadsheetError(
                f"The file has more than {self.max_rows:,} rows; Assure imports at most "
                f"{self.max_rows:,} rows at a time. Split it into smaller files, or delete the "
                "sheets you are not importing."
            )


def _blank(values: Sequence[Any]) -> bool:
    return not any(v is not None and str(v).strip() for v in values)


def _book_csv(name: str, content: bytes, max_rows: int) -> list[Sheet]:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SpreadsheetError(
            "The file is saved as UTF-16 text, which Assure cannot read: save it as "
            '"CSV UTF-8" or as an Excel workbook (XLSX).'
        )
    text = _decode_text(content)
    budget = _RowBudget(max_rows)
    sheet = Sheet(name=name.rsplit("/", 1)[-1] or "CSV")
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            values: list[Any] = [csv_unescape(v) for v in row[:MAX_COLUMNS]]
            if _blank(values):
                continue
            budget.take()
            sheet.rows.append((number, _trimmed_list(values)))
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file could not be read: {exc}.") from None
    return [sheet]


def _trimmed_list(values: list[Any]) -> list[Any]:
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return values[:end]


def _xlsx_value(value: Any) -> Any:
    return xlsx_unescape(value) if isinstance(value, str) else plain_value(value)


def _book_sheet(worksheet: Any, budget: _RowBudget) -> Sheet:
    """One worksheet's rows and merged ranges, read in one pass.

    openpyxl's read-only sheets do not expose merged ranges, so the sheet's
    XML is walked with the parser they use themselves (openpyxl 3.1,
    pinned), which collects the merged ranges it meets after the rows."""
    from openpyxl.worksheet._reader import WorkSheetParser

    sheet = Sheet(name=str(worksheet.title))
    book = worksheet.parent
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            values: list[Any] = []
            for cell in cells:
                column = cell["column"]
                if column > MAX_COLUMNS:
                    break
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = _xlsx_value(cell["value"])
            if _blank(values):
                continue
            budget.take()
            sheet.rows.append((int(number), _trimmed_list(values)))
        found = parser.merged_cells
        if found is not None:
            sheet.merged = [str(cell.ref) for cell in found.mergeCell]
    return sheet


def _book_xlsx(content: bytes, max_rows: int, max_unpacked_bytes: int) -> list[Sheet]:
    _check_unpacked_size(content, max_unpacked_bytes)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error on a broken file
        raise SpreadsheetError(
            "The file is not a spreadsheet Assure can read: it is not a valid XLSX file."
        ) from None
    try:
        worksheets = list(book.worksheets)
        if not worksheets:
            raise SpreadsheetError("The workbook has no sheet of rows (only charts).")
        budget = _RowBudget(max_rows, sheets=len(worksheets))
        return [_book_sheet(worksheet, budget) for worksheet in worksheets]
    except SpreadsheetError:
        raise
    except Exception:  # likewise, while the rows are read
        raise SpreadsheetError(
            "The workbook could not be read: it looks damaged. Save it again from your "
            "spreadsheet program, or as a CSV file."
        ) from None
    finally:
        book.close()


def read_book(name: str, content: bytes, *, max_rows: int, max_unpacked_bytes: int) -> list[Sheet]:
    """Every sheet of an uploaded CSV or XLSX, with its row numbers and
    merged ranges, or SpreadsheetError saying why the file cannot be read
    (the same limits as read_table, the rows counted across all sheets)."""
    if not content.strip():
        raise SpreadsheetError("The file is empty.")
    if content[:4] == b"PK\x03\x04":
        sheets = _book_xlsx(content, max_rows, max_unpacked_bytes)
    elif name.lower().endswith(".csv") or not _looks_binary(content):
        sheets = _book_csv(name, content, max_rows)
    else:
        raise SpreadsheetError(
            "The file is not a spreadsheet: upload a CSV or an Excel (XLSX) file."
        )
    if not any(sheet.rows for sheet in sheets):
        raise SpreadsheetError("The file is empty: none of its sheets has anything in it.")
    return sheets
