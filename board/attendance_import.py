"""An attendance record of a series of meetings, as a board keeps it: a
grid of seats (rows) by meetings (columns headed by their dates), or a
long list of seat, date and mark; in the board's own words for its marks
("MA", "Rep attended", "Apols", "No cover"), each mapped to a mark of the
board's attendance key (board.importing).

The seats are the board's own (import them first): each name in the file
is mapped to one of its seats, suggested from its label, person, position
or agency. A meeting of the chosen group on a date it has no meeting yet is
added when the import is confirmed. A blank cell records nothing. Saved
meeting by meeting through board.services (meeting_create and
attendance_record), so the import refuses what the attendance form refuses.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from board import importing, selectors, services
from board.models import Attendance, AttendanceMark, Group, Meeting, Member
from core import mapping as m
from core.forms import GovukFormMixin


class AttendanceOptions(GovukFormMixin, forms.Form):
    group = forms.ChoiceField(
        label="Whose meetings are these?",
        error_messages={"required": "Choose the group whose meetings the file records."},
    )
    order = forms.ChoiceField(
        label="How does the file write its dates?",
        choices=list(m.DATE_ORDERS.items()),
        initial=m.DAY_FIRST,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, board: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a group"),
            *((g.slug, g.name) for g in board.groups.order_by("kind", "name")),
        ]


@dataclass
class _Context:
    group: Group | None
    seats: dict[str, Member]
    meetings: dict[datetime.date, Meeting]
    marks: dict[tuple[int, int], str]  # (meeting, seat) -> key
    key: dict[str, AttendanceMark]
    today: datetime.date


@importing.register
class AttendanceImporter(importing.Importer):
    kind = "attendance"
    noun = "an attendance record of a series of meetings"
    title = "Import attendance from a spreadsheet"
    section = "board:meetings"
    guidance = [
        "Either a row per seat and a column per meeting, headed by the day it met, with a mark "
        "in each cell; or a row per seat and meeting, with its date and mark.",
        "The seats must be on the board already (import them first); each name in the file is "
        "matched to one of them.",
        "The marks are mapped to the board's attendance key; a blank cell records nothing.",
    ]
    fields = [
        m.Field(
            "seat",
            "Seat",
            kind=m.CHOICE,
            required=True,
            aliases=(
                "member",
                "name",
                "agency",
                "organisation",
                "representative",
                "attendee",
                "partner",
                "person",
                "board member",
            ),
            hint="Who the row is about: a seat's label, a person, a position or an agency, "
            "each mapped to one of the board's seats.",
        ),
        m.Field(
            "meeting",
            "A meeting (headed by its date)",
            kind=m.MEETING,
            hint="Each column headed by the day a meeting was held holds its marks.",
            words_label="Marks in the meetings' columns",
        ),
        m.Field(
            "date",
            "Meeting date",
            kind=m.DATE,
            aliases=("date", "meeting date", "meeting", "date of meeting"),
            hint="In a list of one row per seat and meeting: the day it met.",
        ),
        m.Field(
            "mark",
            "Mark",
            kind=m.CHOICE,
            aliases=("attendance", "attended", "status", "mark", "code"),
            hint="In a list of one row per seat and meeting: the mark.",
        ),
    ]

    def options_form(self, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
        return AttendanceOptions(data, initial=initial, board=self.board)

    @property
    def order(self) -> str:
        return str(self.options.get("order") or m.DAY_FIRST)

    def guess_column(self, heading: str) -> str | None:
        try:
            m.parse_date(heading, order=self.order)
        except m.DateProblem:
            return None
        return "meeting"

    def _group(self) -> Group | None:
        slug = str(self.options.get("group") or "")
        return self.board.groups.filter(slug=slug).first() if slug else None

    def _seats(self) -> list[Member]:
        return list(
            Member.objects.filter(board=self.board)
            .select_related("agency")
            .order_by("agency__name", "position", "person", "pk")
        )

    def choices(self, f: m.Field) -> list[tuple[str, str]]:
        if f.name == "seat":
            return [(str(seat.pk), seat.label) for seat in self._seats()]
        if f.name in ("meeting", "mark"):
            return [
                (mark.key, f"{mark.code}: {mark.words}")
                for mark in selectors.attendance_key(board=self.board)
                if not mark.retired
            ]
        return []

    def known_words(self, f: m.Field) -> dict[str, str]:
        if f.name == "seat":
            return _seat_words(self._seats())
        if f.name in ("meeting", "mark"):
            words: dict[str, str] = {}
            for mark in selectors.attendance_key(board=self.board):
                if not mark.retired:
                    words.setdefault(m.word_key(mark.code), mark.key)
                    words.setdefault(m.word_key(mark.words), mark.key)
            return words
        return {}

    def done_url(self) -> str:
        url = reverse("board:meetings", kwargs={"board": self.board.slug})
        group = str(self.options.get("group") or "")
        return f"{url}?group={group}" if group else url

    # --- the preview -----------------------------------------------------------

    def _context(self) -> _Context:
        group = self._group()
        meetings = {meeting.date: meeting for meeting in Meeting.objects.filter(group=group)}
        marks = {
            (meeting_id, member_id): status
            for meeting_id, member_id, status in Attendance.objects.filter(
                meeting__group=group
            ).values_list("meeting_id", "member_id", "status")
        }
        return _Context(
            group=group,
            seats={str(seat.pk): seat for seat in self._seats()},
            meetings=meetings,
            marks=marks,
            key={mark.key: mark for mark in selectors.attendance_key(board=self.board)},
            today=timezone.localdate(),
        )

    def _meeting_columns(
        self, table: m.Table, mapping: m.Mapping, context: _Context, preview: m.Preview
    ) -> dict[int, datetime.date]:
        """Each meeting column's date, read from its heading; a heading that
        is not a past date is a problem of its column."""
        found: dict[int, datetime.date] = {}
        for column in mapping.columns_of("meeting"):
            heading = table.heading(column)
            try:
                day = m.parse_date(heading, order=self.order)
            except m.DateProblem as problem:
                preview.problems.append(
                    table.problem(
                        None,
                        column,
                        f"a meeting's column is headed by the day it met; {problem}.",
                    )
                )
                continue
            if day > context.today:
                preview.problems.append(
                    table.problem(
                        None,
                        column,
                        f"the meeting on {day:%-d %B %Y} has not happened yet: attendance is "
                        "recorded after a meeting.",
                    )
                )
                continue
            if day in found.values():
                other = next(c for c, d in found.items() if d == day)
                preview.problems.append(
                    table.problem(
                        None,
                        column,
                        f"column {m.column_letter(other)} is also headed {day:%-d %B %Y}: each "
                        "meeting has one column.",
                    )
                )
                continue
            found[column] = day
        return found

    def preview(self, table: m.Table, mapping: m.Mapping) -> m.Preview:
        context = self._context()
        preview = m.Preview()
        if context.group is None:
            preview.problems.append(
                m.CellProblem(None, "", "", "choose the group whose meetings the file records.")
            )
            return preview
        grid = bool(mapping.columns_of("meeting"))
        long = mapping.column_of("date") is not None or mapping.column_of("mark") is not None
        if grid == long or (
            long and None in (mapping.column_of("date"), mapping.column_of("mark"))
        ):
            preview.problems.append(
                m.CellProblem(
                    None,
                    "",
                    "",
                    "map a column for each meeting (headed by its date), or one Meeting date "
                    "column and one Mark column, not both.",
                )
            )
            return preview
        marks: dict[datetime.date, dict[str, str]] = {}
        if grid:
            self._grid(table, mapping, context, preview, marks)
        else:
            self._long(table, mapping, context, preview, marks)
        self._plan(preview, context, marks)
        return preview

    def _seat(self, cells: m.RowCells, context: _Context) -> Member | None:
        text = m.text_of(cells.raw("seat"))
        if not text:
            cells.refuse("seat", "the row names no seat.")
            return None
        value = cells.word("seat", text)
        if value is None:
            return None
        seat = context.seats.get(value)
        if seat is None:
            cells.refuse("seat", f"{text!r} is mapped to a seat the board no longer has.")
            return None
        cells.row.label = seat.label
        return seat

    def _grid(
        self,
        table: m.Table,
        mapping: m.Mapping,
        context: _Context,
        preview: m.Preview,
        marks: dict[datetime.date, dict[str, str]],
    ) -> None:
        columns = self._meeting_columns(table, mapping, context, preview)
        seen: dict[int, int] = {}
        for number, values in table.rows:
            row = m.PreviewRow(number=number)
            preview.rows.append(row)
            cells = m.RowCells(table, mapping, row, values, self.fields)
            seat = self._seat(cells, context)
            if seat is not None and seat.pk in seen:
                cells.refuse("seat", f"{seat.label} is also on row {seen[seat.pk]}.")
            if seat is not None:
                seen.setdefault(seat.pk, number)
            found: dict[datetime.date, str] = {}
            for column, day in columns.items():
                text = m.text_of(table.value(values, column))
                if not text:
                    continue
                key = cells.word("meeting", text, column)
                if key is not None:
                    found[day] = key
            self._row(row, seat, found, context, marks)

    def _long(
        self,
        table: m.Table,
        mapping: m.Mapping,
        context: _Context,
        preview: m.Preview,
        marks: dict[datetime.date, dict[str, str]],
    ) -> None:
        seen: dict[tuple[int, datetime.date], int] = {}
        for number, values in table.rows:
            row = m.PreviewRow(number=number)
            preview.rows.append(row)
            cells = m.RowCells(table, mapping, row, values, self.fields)
            seat = self._seat(cells, context)
            day = cells.date("date", order=self.order)
            if day is None and not row.problems:
                cells.refuse("date", "the meeting's date is missing.")
            elif day is not None and day > context.today:
                cells.refuse("date", f"the meeting on {day:%-d %B %Y} has not happened yet.")
            key = cells.choice("mark")
            if seat is not None and day is not None:
                if (seat.pk, day) in seen:
                    cells.refuse(
                        None,
                        f"{seat.label} at the meeting on {day:%-d %B %Y} is also on row "
                        f"{seen[(seat.pk, day)]}.",
                    )
                seen.setdefault((seat.pk, day), number)
            found = {day: key} if day is not None and key is not None else {}
            self._row(row, seat, found, context, marks)

    def _row(
        self,
        row: m.PreviewRow,
        seat: Member | None,
        found: dict[datetime.date, str],
        context: _Context,
        marks: dict[datetime.date, dict[str, str]],
    ) -> None:
        if seat is None or row.problems:
            row.status = m.ERROR if row.problems else m.SKIPPED
            return
        new = changed = same = 0
        for day, key in sorted(found.items()):
            mark = context.key.get(key)
            if mark is None or mark.retired:
                row.refuse(
                    m.CellProblem(row.number, "", "", f"{key!r} is not offered by the board's key.")
                )
                continue
            meeting = context.meetings.get(day)
            held = context.marks.get((meeting.pk, seat.pk)) if meeting else None
            if held == key:
                same += 1
                continue
            if held is None:
                new += 1
            else:
                changed += 1
                was = context.key.get(held)
                row.notes.append(f"{day:%-d %B %Y}: {was.words if was else held} → {mark.words}.")
            marks.setdefault(day, {})[str(seat.pk)] = key
        if row.problems:
            return
        if not found:
            row.status = m.SKIPPED
            row.notes.append("No marks on this row.")
            return
        row.status = m.NEW if new else (m.CHANGE if changed else m.UNCHANGED)
        counts = [f"{new} new mark{'s' if new != 1 else ''}"]
        if changed:
            counts.append(f"{changed} changed")
        if same:
            counts.append(f"{same} as recorded")
        row.notes.insert(0, ", ".join(counts) + ".")

    def _plan(
        self,
        preview: m.Preview,
        context: _Context,
        marks: dict[datetime.date, dict[str, str]],
    ) -> None:
        group = context.group
        assert group is not None
        tally: Counter[str] = Counter()
        for day in sorted(marks):
            meeting = context.meetings.get(day)
            if meeting is None:
                preview.notes.append(f"A meeting of {group.name} on {day:%-d %B %Y} will be added.")
            before = {
                seat: context.marks.get((meeting.pk, int(seat))) if meeting else None
                for seat in marks[day]
            }
            preview.plan.append(
                {
                    "date": day.isoformat(),
                    "meeting": meeting.pk if meeting else None,
                    "marks": dict(sorted(marks[day].items())),
                    "before": dict(sorted(before.items())),
                }
            )
            tally.update(marks[day].values())
        total = sum(tally.values())
        words = ", ".join(
            f"{count} {context.key[key].words}" for key, count in sorted(tally.items())
        )
        preview.notes.insert(
            0,
            f"This import would record {total} mark{'s' if total != 1 else ''} at "
            f"{len(marks)} meeting{'s' if len(marks) != 1 else ''} of {group.name}"
            + (f" ({words})." if words else "."),
        )

    # --- saving ------------------------------------------------------------------

    def save(self, preview: m.Preview, *, user: Any) -> str:
        group = self._group()
        assert group is not None
        seats = {str(seat.pk): seat for seat in Member.objects.filter(board=self.board)}
        added = recorded = 0
        for entry in preview.plan:
            day = datetime.date.fromisoformat(entry["date"])
            if entry["meeting"] is None:
                meeting = services.meeting_create(group=group, date=day)
                added += 1
            else:
                meeting = Meeting.objects.get(pk=entry["meeting"], group=group)
            changed = services.attendance_record(
                meeting=meeting,
                marks={seats[seat]: key for seat, key in entry["marks"].items()},
            )
            recorded += len(changed)
        return (
            f"{recorded} marks recorded at {len(preview.plan)} meetings of {group.name}"
            + (f", {added} of them new" if added else "")
            + "."
        )


def _seat_words(seats: list[Member]) -> dict[str, str]:
    """The words that name exactly one seat: its label, its person, its
    position, "agency - position", and its agency where the agency has one
    seat. A word two seats share is left for the person to map."""
    names: dict[str, set[str]] = {}
    for seat in seats:
        agency = seat.agency
        words = {seat.label, seat.person, seat.position}
        if agency is not None:
            words |= {agency.name, agency.short_name}
            words |= {f"{a} - {seat.position}" for a in (agency.name, agency.short_name) if a}
        for word in words:
            key = m.word_key(word)
            if key:
                names.setdefault(key, set()).add(str(seat.pk))
    return {key: next(iter(found)) for key, found in names.items() if len(found) == 1}
