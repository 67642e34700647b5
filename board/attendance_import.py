"""An attendance record of a series of meetings, as a board keeps it: a row
per person (or seat), a column per meeting headed by the day it met, and in
each cell the board's own mark ("A", "R", "Ap", "X", "✓"), each code mapped
to a mark of the board's attendance key (board.importing, ADR 0017).

A meeting's date is read from its heading ("12/05/2025", "12 May 2025"),
or from the rows above it: a row of dates over a row of meeting names, or
a month ("May 2025") over the day. A numeric date that reads only month
first is named, never swapped.

Each name is matched to the board's seats (import them first): a person, a
seat's label, a position or an agency names one or more seats, and on each
meeting's date the seat held that day (board.terms) takes the mark. So a
person who moved from one seat to another is marked in the right one, and
a mark on a day they held no seat is named (a mark that does not count
towards the percentage, such as "not yet a member", is left out with a
note). A name that matches no seat is named until it is mapped to a seat
on the words page.

A meeting of the chosen group on a date it has no meeting yet is added
through board.services.meeting_create, and marks are recorded through
attendance_record, meeting by meeting, all or nothing. A blank cell
records nothing, so marks already recorded and not in the file stay.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from board import importing, selectors, services, terms
from board.models import (
    Attendance,
    AttendanceMark,
    Group,
    Meeting,
    Member,
    start_year_of,
    year_label,
)
from core import mapping as m
from core.forms import GovukFormMixin

#: A name mapped to "the seat of that name held on each meeting's date".
BY_DATE = "by-date"
#: How many rows above the headings a meeting's date is looked for in.
ROWS_ABOVE = 3

_NUMERIC = re.compile(r"^\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,4}$")
_DAY = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\.?$"
)
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$")
_MONTHS = {
    name.casefold(): number
    for number, names in enumerate(
        [
            (),
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ]
    )
    for name in names
}


def _day(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def _whole_date(text: str, order: str) -> datetime.date | None:
    """The text as a whole date, None when it is not one; DateProblem for
    a numeric date that reads only the other way round (never swapped)."""
    try:
        return m.parse_date(text, order=order)
    except m.DateProblem:
        if _NUMERIC.match(text):
            raise
    return None


def meeting_date(texts: list[str], *, order: str) -> datetime.date | None:
    """A meeting column's date from its heading and the cells above it
    (nearest first): the first that is a whole date, or a month and year
    in one with the day in another. None when none of them is a date;
    DateProblem for a date written wrongly (a numeric date that reads only
    the other way round, a month with no day)."""
    month: tuple[int, int, str] | None = None
    day: int | None = None
    for text in (" ".join(t.split()) for t in texts):
        whole = _whole_date(text, order) if text else None
        if whole is not None:
            return whole
        folded = text.casefold()
        found = _MONTH_YEAR.match(folded)
        if found and found.group(1) in _MONTHS and month is None:
            month = (_MONTHS[found.group(1)], int(found.group(2)), text)
        elif (number := _DAY.match(folded)) and day is None:
            day = int(number.group(1))
    if month is None:
        return None
    which, year, shown = month
    if day is None:
        raise m.DateProblem(
            f"{shown!r} gives no day: write the day the meeting was held in its heading or in "
            "the row above"
        )
    if not m.FIRST_YEAR <= year <= m.LAST_YEAR:
        raise m.DateProblem(f"{shown!r} is outside the years Assure accepts")
    try:
        return datetime.date(year, which, day)
    except ValueError:
        raise m.DateProblem(f"{shown!r} has no day {day}") from None


class AttendanceOptions(GovukFormMixin, forms.Form):
    group = forms.ChoiceField(
        label="Whose meetings does the file record?",
        help_text="A meeting of this group on a date it has none yet is added.",
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
        main = selectors.main_group(board=board)
        if main is not None:
            self.fields["group"].initial = main.slug


@dataclass
class _Context:
    """The board's seats, the group's meetings and marks, read once per preview."""

    group: Group
    seats: dict[int, Member]
    by_word: dict[str, list[Member]]
    on_group: set[int]
    meetings: dict[datetime.date, Meeting]
    marks: dict[tuple[int, int], str]  # (meeting, seat) -> the mark's key
    key: dict[str, AttendanceMark]
    today: datetime.date


def _names_of(seat: Member) -> set[str]:
    """The words that name a seat: its person, its label, its position, and
    for an agency's seat with no person named, its agency."""
    names = {seat.person, seat.label, seat.position}
    if not seat.person and seat.agency is not None:
        names |= {seat.agency.name, seat.agency.short_name}
    return {key for name in names if (key := m.word_key(name))}


def _agency_names(seat: Member) -> set[str]:
    agency = seat.agency
    return {m.word_key(agency.name), m.word_key(agency.short_name)} if agency else set()


def _position_names(seat: Member) -> set[str]:
    return {m.word_key(seat.position)}


def _held(seat: Member, day: datetime.date) -> bool:
    start, until = terms.held_from(seat), terms.known_until(seat)
    return (start is None or start <= day) and (until is None or day <= until)


def _span(seat: Member) -> str:
    start, until = terms.held_from(seat), terms.known_until(seat)
    if start and until:
        return f"held from {_day(start)} to {_day(until)}"
    if start:
        return f"held from {_day(start)}"
    return f"held until {_day(until)}" if until else "held"


@importing.register
class AttendanceImporter(importing.Importer):
    kind = "attendance"
    noun = "an attendance record of a series of meetings"
    title = "Import an attendance record"
    section = "board:meetings"
    guidance = [
        "A row per person or seat and a column per meeting, headed by the day it met "
        "(12/05/2025 or 12 May 2025), or with the date in a row above the headings (a row of "
        "dates over a row of meeting names, or a month over the day).",
        "The seats must be on the board already (import them first). Each name is matched to "
        "the seat it held on each meeting's date; a name Assure cannot match is named, and you "
        "map it to a seat.",
        "The codes in the cells are mapped to the marks of the board's attendance key; a blank "
        "cell records nothing. A meeting the group does not have yet is added.",
    ]
    fields = [
        m.Field(
            "person",
            "Name",
            kind=m.CHOICE,
            required=True,
            aliases=(
                "person",
                "seat",
                "member",
                "full name",
                "member name",
                "board member",
                "representative",
                "attendee",
            ),
            hint="The person (or a seat's label, position or agency): matched to the seat "
            "held on each meeting's date.",
            words_label="Names in the file, and the seats they hold",
        ),
        m.Field(
            "agency",
            "Agency",
            aliases=("organisation", "organization", "agency name", "partner agency"),
            hint="Optional: tells apart two seats of one name.",
        ),
        m.Field(
            "position",
            "Position",
            aliases=("job title", "title", "post", "designation", "role"),
            hint="Optional: tells apart two seats of one name.",
        ),
        m.Field(
            "meeting",
            "A meeting (headed by its date)",
            kind=m.MEETING,
            hint="Each column headed by the day a meeting was held (or with that day above "
            "its heading) holds that meeting's marks.",
            words_label="Codes in the meetings' columns",
        ),
    ]

    def options_form(self, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
        return AttendanceOptions(data, initial=initial, board=self.board)

    @property
    def order(self) -> str:
        return str(self.options.get("order") or m.DAY_FIRST)

    def guess_column(self, heading: str) -> str | None:
        try:
            found = meeting_date([heading], order=self.order)
        except m.DateProblem:
            return "meeting"
        return "meeting" if found else None

    def guess_columns(self, table: m.Table, columns: dict[int, str]) -> dict[int, str]:
        guessed = dict(columns)
        for column in range(table.width):
            if column in guessed:
                continue
            try:
                found = meeting_date(self._texts(table, column), order=self.order)
            except m.DateProblem:
                found = datetime.date.min
            if found is not None:
                guessed[column] = "meeting"
        return guessed

    @staticmethod
    def _texts(table: m.Table, column: int) -> list[str]:
        above = [m.text_of(table.value(values, column)) for _, values in table.above[:ROWS_ABOVE]]
        return [table.heading(column), *above]

    def _group(self) -> Group | None:
        slug = str(self.options.get("group") or "")
        if not slug:
            return selectors.main_group(board=self.board)
        return self.board.groups.filter(slug=slug).first()

    def _seats(self) -> list[Member]:
        return list(
            Member.objects.filter(board=self.board)
            .select_related("agency", "first_recorded", "last_recorded")
            .order_by("agency__name", "position", "person", "pk")
        )

    def choices(self, f: m.Field) -> list[tuple[str, str]]:
        if f.name == "person":
            return [
                (BY_DATE, "The seat of that name held on each meeting's date"),
                *((str(seat.pk), seat.label) for seat in self._seats()),
            ]
        if f.name == "meeting":
            return [
                (mark.key, f"{mark.code}: {mark.words}")
                for mark in selectors.attendance_key(board=self.board)
                if not mark.retired
            ]
        return []

    def known_words(self, f: m.Field) -> dict[str, str]:
        if f.name == "person":
            return {key: BY_DATE for seat in self._seats() for key in _names_of(seat)}
        if f.name == "meeting":
            words: dict[str, str] = {}
            for mark in selectors.attendance_key(board=self.board):
                if not mark.retired:
                    words.setdefault(m.word_key(mark.code), mark.key)
                    words.setdefault(m.word_key(mark.words), mark.key)
            return words
        return {}

    def done_url(self) -> str:
        url = reverse("board:meetings", kwargs={"board": self.board.slug})
        group, last = self._group(), getattr(self, "_last_day", None)
        if group is None or last is None:
            return url
        return f"{url}?group={group.slug}&year={year_label(start_year_of(last))}"

    # --- the preview -----------------------------------------------------------

    def _context(self, group: Group) -> _Context:
        seats = self._seats()
        by_word: dict[str, list[Member]] = {}
        for seat in seats:
            for key in _names_of(seat):
                by_word.setdefault(key, []).append(seat)
        meetings = {meeting.date: meeting for meeting in Meeting.objects.filter(group=group)}
        marks = {
            (meeting_id, member_id): status
            for meeting_id, member_id, status in Attendance.objects.filter(
                meeting__group=group, member__board=self.board
            ).values_list("meeting_id", "member_id", "status")
        }
        return _Context(
            group=group,
            seats={seat.pk: seat for seat in seats},
            by_word=by_word,
            on_group=set(group.members.filter(board=self.board).values_list("pk", flat=True)),
            meetings=meetings,
            marks=marks,
            key={mark.key: mark for mark in selectors.attendance_key(board=self.board)},
            today=timezone.localdate(),
        )

    def _meeting_columns(
        self, table: m.Table, mapping: m.Mapping, context: _Context, preview: m.Preview
    ) -> dict[int, datetime.date]:
        """Each meeting column's date; a column with no date, a date to
        come, or a date another column has, is a problem of its column."""
        found: dict[int, datetime.date] = {}
        for column in mapping.columns_of("meeting"):
            try:
                day = meeting_date(self._texts(table, column), order=self.order)
            except m.DateProblem as problem:
                preview.problems.append(table.problem(None, column, f"{problem}."))
                continue
            if day is None:
                preview.problems.append(
                    table.problem(
                        None,
                        column,
                        "a meeting's column is headed by the day it met (or has that day above "
                        "its heading); no date is written there.",
                    )
                )
                continue
            if day > context.today:
                preview.problems.append(
                    table.problem(
                        None,
                        column,
                        f"the meeting on {_day(day)} has not happened yet: attendance is "
                        "recorded after a meeting.",
                    )
                )
                continue
            other = next((c for c, d in found.items() if d == day), None)
            if other is not None:
                preview.problems.append(
                    table.problem(
                        None,
                        column,
                        f"column {m.column_letter(other)} is also the meeting on {_day(day)}: "
                        "each meeting has one column.",
                    )
                )
                continue
            found[column] = day
        return found

    def preview(self, table: m.Table, mapping: m.Mapping) -> m.Preview:
        preview = m.Preview()
        group = self._group()
        if group is None:
            preview.problems.append(
                m.CellProblem(None, "", "", "choose the group whose meetings the file records.")
            )
            return preview
        context = self._context(group)
        if not mapping.columns_of("meeting"):
            preview.problems.append(
                m.CellProblem(
                    None, "", "", "no column is mapped to a meeting: map each meeting's column."
                )
            )
        columns = self._meeting_columns(table, mapping, context, preview)
        marks: dict[datetime.date, dict[str, str]] = {}
        seen: dict[tuple[datetime.date, int], int] = {}
        for number, values in table.rows:
            row = m.PreviewRow(number=number)
            preview.rows.append(row)
            cells = m.RowCells(table, mapping, row, values, self.fields)
            self._row(cells, columns, context, marks, seen)
        self._summary(preview, context, marks)
        return preview

    def _named(self, cells: m.RowCells, context: _Context, name: str) -> list[Member]:
        """The seats a name in the Name column means, as the words page maps it."""
        value = cells.mapping.words.get("person", {}).get(m.word_key(name))
        if value == m.BLANK:
            cells.row.notes.append("Left out: its name is mapped to be left blank.")
            return []
        if value is None:
            cells.refuse(
                "person",
                f"{name!r} matches none of the board's seats: map the name to a seat on the "
                "words page, or add the seat first.",
            )
            return []
        if value == BY_DATE:
            return list(context.by_word.get(m.word_key(name), []))
        seat = context.seats.get(int(value)) if value.isdigit() else None
        if seat is None:
            cells.refuse("person", f"{name!r} is mapped to a seat the board no longer has.")
            return []
        return [seat]

    def _candidates(self, cells: m.RowCells, context: _Context, marked: bool) -> list[Member]:
        """The seats the row's name can mean; [] with a problem (or a note,
        for a row left out) when there are none."""
        row = cells.row
        name = " ".join(m.text_of(cells.raw("person")).split())
        agency = m.word_key(cells.text("agency", 200) or "")
        position = m.word_key(cells.text("position", 200) or "")
        row.label = name or m.text_of(cells.raw("agency"))
        if name:
            seats = self._named(cells, context, name)
            if len(seats) < 2:
                return seats
        elif agency:
            seats = [seat for seat in context.seats.values() if agency in _agency_names(seat)]
            if not seats:
                cells.refuse(
                    "agency",
                    f"{row.label!r} matches none of the board's seats: add the seat first, or "
                    "name the person in the Name column.",
                )
        elif marked:
            cells.refuse("person", "the row has marks but names no one.")
            return []
        else:
            row.notes.append("Left out: the row names no one and has no marks.")
            return []
        # The agency and position tell apart seats of one name; where the file
        # writes them differently from Assure, the name alone decides.
        for given, names in ((agency, _agency_names), (position, _position_names)):
            narrowed = [seat for seat in seats if given and given in names(seat)]
            if narrowed:
                seats = narrowed
        return seats

    def _seat_on(
        self,
        cells: m.RowCells,
        column: int,
        day: datetime.date,
        mark: AttendanceMark,
        seats: list[Member],
    ) -> Member | None:
        """The one seat of the row's candidates held on `day`, or None with
        a problem named on the cell (or a note, for a mark that does not
        count towards the percentage on a day no seat was held)."""
        row, table = cells.row, cells.table
        held = [seat for seat in seats if _held(seat, day)]
        if len(held) == 1:
            return held[0]
        if held:
            labels = "; ".join(seat.label for seat in held)
            message = (
                f"{row.label!r} names {len(held)} seats held on {_day(day)} ({labels}): map the "
                "name to one of them on the words page."
            )
        elif not mark.counted:
            row.notes.append(
                f"{_day(day)}: {mark.code} ({mark.words}) left out: no seat of {row.label} was "
                "held then."
            )
            return None
        else:
            spans = "; ".join(f"{seat.label}, {_span(seat)}" for seat in seats)
            message = (
                f"{row.label} held no seat of the board on {_day(day)} ({spans}). Correct the "
                "seat's dates, or the cell."
            )
        row.refuse(table.problem(row.number, column, message))
        return None

    def _row(
        self,
        cells: m.RowCells,
        columns: dict[int, datetime.date],
        context: _Context,
        marks: dict[datetime.date, dict[str, str]],
        seen: dict[tuple[datetime.date, int], int],
    ) -> None:
        row, table = cells.row, cells.table
        written = {
            column: text
            for column in columns
            if m.word_key(text := m.text_of(table.value(cells.values, column)))
        }
        seats = self._candidates(cells, context, marked=bool(written))
        if len(seats) == 1:
            row.label = seats[0].label
        counts: Counter[str] = Counter()
        for column, text in written.items():
            day = columns[column]
            if m.word_key(text) not in cells.mapping.words.get("meeting", {}):
                row.refuse(
                    table.problem(
                        row.number,
                        column,
                        f"{text!r} is not a code the board's key has been given yet: say which "
                        "mark it stands for on the words page.",
                    )
                )
                continue
            key = cells.word("meeting", text, column)
            mark = context.key.get(key) if key is not None else None
            if key is not None and (mark is None or mark.retired):
                cells.row.refuse(
                    table.problem(
                        row.number,
                        column,
                        f"{text!r} is mapped to a mark the key no longer offers.",
                    )
                )
                continue
            seat = self._seat_on(cells, column, day, mark, seats) if mark and seats else None
            if seat is None or key is None or mark is None:
                continue
            other = seen.setdefault((day, seat.pk), row.number)
            if other != row.number:
                row.refuse(
                    table.problem(
                        row.number,
                        column,
                        f"{seat.label} at the meeting on {_day(day)} is also on row {other}.",
                    )
                )
                continue
            meeting = context.meetings.get(day)
            before = context.marks.get((meeting.pk, seat.pk)) if meeting else None
            if before == key:
                counts["same"] += 1
                continue
            counts["new" if before is None else "changed"] += 1
            if before is not None:
                was = context.key.get(before)
                row.notes.append(
                    f"{_day(day)}: {was.words if was else before} → {mark.words} ({seat.label})."
                )
            marks.setdefault(day, {})[str(seat.pk)] = key
        self._row_status(row, counts, seats, context)

    @staticmethod
    def _row_status(
        row: m.PreviewRow, counts: Counter[str], seats: list[Member], context: _Context
    ) -> None:
        if row.problems:
            row.status = m.ERROR
            return
        if not seats or not sum(counts.values()):
            row.status = m.SKIPPED
            if seats:
                row.notes.insert(0, "No marks on this row.")
            return
        new, changed, same = counts["new"], counts["changed"], counts["same"]
        row.status = m.NEW if new else (m.CHANGE if changed else m.UNCHANGED)
        said = [f"{new} new mark{'s' if new != 1 else ''}"]
        if changed:
            said.append(f"{changed} changed")
        if same:
            said.append(f"{same} as recorded already")
        row.notes.insert(0, ", ".join(said) + ".")
        if len(seats) == 1 and seats[0].pk not in context.on_group:
            row.notes.append(
                f"{seats[0].label} does not sit on {context.group.name}; its marks show in the "
                "group's matrix all the same."
            )

    def _summary(
        self,
        preview: m.Preview,
        context: _Context,
        marks: dict[datetime.date, dict[str, str]],
    ) -> None:
        group = context.group
        tally: Counter[str] = Counter()
        added: list[datetime.date] = []
        changed = 0
        for day in sorted(marks):
            meeting = context.meetings.get(day)
            if meeting is None:
                added.append(day)
            before = {
                seat: context.marks.get((meeting.pk, int(seat))) if meeting else None
                for seat in marks[day]
            }
            changed += sum(1 for value in before.values() if value is not None)
            preview.plan.append(
                {
                    "group": group.pk,
                    "date": day.isoformat(),
                    "meeting": meeting.pk if meeting else None,
                    "marks": dict(sorted(marks[day].items())),
                    "before": dict(sorted(before.items())),
                }
            )
            tally.update(marks[day].values())
        total = sum(tally.values())
        words = ", ".join(
            f"{count} {context.key[key].words}"
            for key, count in sorted(tally.items(), key=lambda kv: context.key[kv[0]].position)
        )
        preview.notes.append(
            f"This import would record {total} mark{'s' if total != 1 else ''} "
            f"({total - changed} new, {changed} changed) at {len(marks)} "
            f"meeting{'s' if len(marks) != 1 else ''} of {group.name}"
            + (f": {words}." if words else ".")
        )
        if added:
            preview.notes.append(
                f"{len(added)} meeting{'s' if len(added) != 1 else ''} will be added: "
                + ", ".join(_day(day) for day in added)
                + "."
            )
        preview.notes.append(
            "A blank cell records nothing: marks already recorded that the file leaves blank "
            "stay as they are."
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
            self._last_day = day
        meetings = len(preview.plan)
        return (
            f"{recorded} mark{'s' if recorded != 1 else ''} recorded at {meetings} "
            f"meeting{'s' if meetings != 1 else ''} of {group.name}"
            + (f", {added} of them added" if added else "")
            + "."
        )
