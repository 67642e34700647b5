"""Spreadsheets laid out as boards keep them, made in the tests: trackers,
membership lists and attendance records with their own headings, words,
title rows, merged cells and several sheets. Nobody here wrote them in
Assure's layout: that is the point of them."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook


@dataclass
class SheetSpec:
    title: str
    rows: list[Sequence[Any]]
    #: Merged ranges ("A3:F3"), with the value in their first cell.
    merged: list[str] = field(default_factory=list)
    #: Rows above the table (a title, notes), each a list of cells.
    above: list[Sequence[Any]] = field(default_factory=list)


def xlsx(*sheets: SheetSpec) -> bytes:
    """A workbook of the sheets, in order, each with its rows above the
    table first."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for row in [*spec.above, *spec.rows]:
            sheet.append(list(row))
        for ref in spec.merged:
            sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


#: A business plan tracker as a partnership might keep it: a title and a
#: note above the table, a heading row per priority (merged across the
#: table), refs written "1.a", priorities "Priority 1: ...", its own RAG
#: words, leads as free text, due dates as dates and as text.
TRACKER_HEADINGS = [
    "Action No.",
    "Priority Area",
    "What we will do",
    "Lead Officer",
    "By when",
    "Progress RAG",
    "Outcome RAG",
    "Progress update",
    "Evidence of impact",
]


def tracker_rows() -> list[list[Any]]:
    return [
        [
            "1.a",
            "Priority 1: Neglect",
            "Launch the neglect strategy with partners",
            "Head of Early Help",
            datetime.date(2026, 6, 30),
            "Complete",
            "On track",
            "Launched at the June conference",
            "Audit of 20 cases, October",
        ],
        [
            "1.b",
            "Priority 1: Neglect",
            "Train 200 practitioners in the graded care profile",
            "Training Manager",
            "Q4 2026-27",
            "On Track",
            "Not started",
            "",
            "",
        ],
        [
            "P2 A1",
            "Priority 2: Exploitation",
            "Map children missing from education",
            "Education Safeguarding Lead",
            "March 2027",
            "Off track",
            "Off track",
            "Data sharing agreement not yet signed",
            "",
        ],
        [
            "P2 A2",
            "2",
            "Agree the exploitation screening tool",
            "DCI Public Protection",
            "Ongoing",
            "On track",
            "Not started",
            "",
            "",
        ],
    ]


def tracker_xlsx(*, rows: list[list[Any]] | None = None, merged_headings: bool = False) -> bytes:
    """The tracker on its first sheet (with a title row and a blank row
    above), and a second sheet of notes, as trackers come."""
    body = rows if rows is not None else tracker_rows()
    spec = SheetSpec(
        "Tracker 2026-27",
        [TRACKER_HEADINGS, *body],
        above=[["Alpha Safeguarding Children Partnership: Business Plan Tracker"], []],
    )
    if merged_headings:
        spec.merged.append("A1:I1")
    notes = SheetSpec(
        "Key", [["RAG", "Meaning"], ["On track", "Going to plan"], ["Off track", "Behind"]]
    )
    return xlsx(spec, notes)
