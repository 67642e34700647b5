"""How the columns of a training spreadsheet are read: which of Assure's
fields each holds, recognised from its heading where Assure knows the name
(its own, or one training units use: "Capacity", "Booked", "DNA",
"Attendance rate"), and chosen by the person where it does not.

A file is never refused for a column Assure does not know: the page names
the column, shows what it holds, and asks whether it is one of Assure's
fields (or an agency's delegates) or is to be ignored. What is chosen here
is plain data (a list of targets, one per column), so the step can move
onto a board-wide column-mapping framework when one exists, without
changing how a training row is checked: `apply` turns the file's rows into
rows keyed by Assure's column names, which is all training.spreadsheets
reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from board.models import Agency
from core import spreadsheets as sheets

SpreadsheetError = sheets.SpreadsheetError

PERIODS, COURSES = "periods", "courses"
KINDS = {COURSES: "one row per course", PERIODS: "one row per period and delivery mode"}

#: A column the person chose not to import.
IGNORE = "ignore"
#: The start of a target holding one agency's delegates: "agency:<slug>".
AGENCY = "agency:"

#: The columns of a file of period figures: the column's name and the field.
PERIOD_COLUMNS = {
    "Owner": "owner",
    "Year": "year",
    "Quarter": "quarter",
    "Mode": "mode",
    "Courses delivered": "courses_delivered",
    "Places offered": "places_offered",
    "Delegates booked": "delegates_booked",
    "Delegates attended": "delegates_attended",
    "No-shows": "delegates_no_show",
    "Cancellations": "cancellations",
    "Late cancellations": "late_cancellations",
    "Early cancellations": "early_cancellations",
    "Learners registered": "learners_registered",
    "Learners completed": "learners_completed",
    "Learners passed": "learners_passed",
    "Satisfaction %": "satisfaction_pct",
    "Places filled %": "places_filled_pct",
    "Attended of booked %": "attendance_pct",
    "Completion %": "completion_pct",
    "Pass rate %": "pass_rate_pct",
    "Notes": "notes",
}
PERIOD_REQUIRED = ("Year", "Quarter", "Mode")

#: The columns of a file of courses.
COURSE_COLUMNS = {
    "Owner": "owner",
    "Course": "title",
    "Date": "date",
    "Mode": "mode",
    "Sessions": "sessions",
    "Places": "places_offered",
    "Places per session": "places_per_session",
    "Delegates booked": "delegates_booked",
    "Delegates attended": "delegates_attended",
    "No-shows": "delegates_no_show",
    "Cancellations": "cancellations",
    "Late cancellations": "late_cancellations",
    "Early cancellations": "early_cancellations",
    "Places filled %": "places_filled_pct",
    "Attended of booked %": "attendance_pct",
    "Notes": "notes",
}
COURSE_REQUIRED = ("Course", "Date", "Mode", "Delegates attended")

#: What each column holds, in words, for the page that asks.
DESCRIPTIONS = {
    "Owner": "whose figures: blank for the board, or a pan-area group's name",
    "Year": "the reporting year, such as 2020-21",
    "Quarter": "1 to 4, or blank for the whole year",
    "Mode": "the delivery mode, such as Virtual classroom",
    "Courses delivered": "how many courses (sessions) ran",
    "Course": "the course's title",
    "Date": "the day it ran, or its first session's",
    "Sessions": "how many times it ran (blank is once)",
    "Places": "its places across all its sessions (its capacity)",
    "Places per session": "the places of each session, times the sessions",
    "Places offered": "places across the period's courses (capacity)",
    "Delegates booked": "bookings standing when it ran (registrations)",
    "Delegates attended": "delegates who came",
    "No-shows": "booked delegates who did not come (DNA)",
    "Cancellations": "bookings cancelled before it ran, late ones included",
    "Late cancellations": "cancellations made late (some of the cancellations)",
    "Early cancellations": "cancellations made in good time (with the late ones, all of them)",
    "Places filled %": "the rate as the file states it",
    "Attended of booked %": "the attendance rate as the file states it",
    "Notes": "anything else about the row",
}

#: The columns Assure's own course export adds, which hold what it computes
#: and are read back as ignored.
COMPUTED_COLUMNS = (
    "Places filled % as computed",
    "Attended of booked % as computed",
    "Agency not recorded",
)

#: Other names training units give Assure's columns, compared without case,
#: spaces or punctuation. Names that could mean two things ("registered" is
#: e-learning's learners registered, or bookings) are left to the person.
_COMMON = {
    "owner": "Owner",
    "deliverymode": "Mode",
    "delivery": "Mode",
    "format": "Mode",
    "attended": "Delegates attended",
    "attendance": "Delegates attended",
    "attendees": "Delegates attended",
    "numberattended": "Delegates attended",
    "noattended": "Delegates attended",
    "actualattendance": "Delegates attended",
    "booked": "Delegates booked",
    "bookings": "Delegates booked",
    "placesbooked": "Delegates booked",
    "numberbooked": "Delegates booked",
    "nobooked": "Delegates booked",
    "registrations": "Delegates booked",
    "dna": "No-shows",
    "dnas": "No-shows",
    "didnotattend": "No-shows",
    "noshow": "No-shows",
    "noshows": "No-shows",
    "nonattendance": "No-shows",
    "cancelled": "Cancellations",
    "cancellation": "Cancellations",
    "cancels": "Cancellations",
    "totalcancellations": "Cancellations",
    "latecancellation": "Late cancellations",
    "cancelledlate": "Late cancellations",
    "latecancelled": "Late cancellations",
    "latecancels": "Late cancellations",
    "earlycancellation": "Early cancellations",
    "cancelledearly": "Early cancellations",
    "earlycancelled": "Early cancellations",
    "attendancerate": "Attended of booked %",
    "attendance%": "Attended of booked %",
    "attended%": "Attended of booked %",
    "%attended": "Attended of booked %",
    "attendedvsbooked": "Attended of booked %",
    "attendedversusbooked": "Attended of booked %",
    "attendedofbooked": "Attended of booked %",
    "attendancerate%": "Attended of booked %",
    "placesfilled": "Places filled %",
    "%placesfilled": "Places filled %",
    "fillrate": "Places filled %",
    "%filled": "Places filled %",
    "capacityfilled%": "Places filled %",
    "notes": "Notes",
    "comments": "Notes",
    "comment": "Notes",
    "satisfaction": "Satisfaction %",
    "satisfactionrate": "Satisfaction %",
}
_COURSE = {
    "coursetitle": "Course",
    "title": "Course",
    "coursename": "Course",
    "training": "Course",
    "trainingcourse": "Course",
    "coursedate": "Date",
    "startdate": "Date",
    "dateofcourse": "Date",
    "sessiondate": "Date",
    "datedelivered": "Date",
    "deliverydate": "Date",
    "numberofsessions": "Sessions",
    "noofsessions": "Sessions",
    "nosessions": "Sessions",
    "sessionsdelivered": "Sessions",
    "sessionsrun": "Sessions",
    "capacity": "Places",
    "placesoffered": "Places",
    "placesavailable": "Places",
    "totalplaces": "Places",
    "totalcapacity": "Places",
    "capacitypersession": "Places per session",
    "placespersession": "Places per session",
}
_PERIOD = {
    "period": "Quarter",
    "qtr": "Quarter",
    "reportingyear": "Year",
    "financialyear": "Year",
    "sessions": "Courses delivered",
    "sessionsdelivered": "Courses delivered",
    "coursesrun": "Courses delivered",
    "capacity": "Places offered",
    "places": "Places offered",
}


def columns_of(kind: str) -> dict[str, str]:
    return COURSE_COLUMNS if kind == COURSES else PERIOD_COLUMNS


def folded(text: str) -> str:
    """A heading compared: no case, spaces or punctuation but % ("No. of
    sessions" is "noofsessions")."""
    return re.sub(r"[^\w%]+", "", text.casefold()).replace("_", "")


def recognise(kind: str, heading: str) -> str:
    """The column of Assure's a heading names, or "" when Assure does not
    know it (computed columns of Assure's own export read as IGNORE)."""
    columns = columns_of(kind)
    key = folded(heading)
    if not key:
        return ""
    for name in columns:
        if folded(name) == key:
            return name
    if any(folded(name) == key for name in COMPUTED_COLUMNS):
        return IGNORE
    found = (_COURSE if kind == COURSES else _PERIOD).get(key) or _COMMON.get(key, "")
    return found if found in columns else ""


def guess_kind(header: list[str]) -> str:
    """A file with a column of dates lists courses; without, periods."""
    for heading in header:
        if folded(heading) == "date" or recognise(COURSES, heading) == "Date":
            return COURSES
    return PERIODS


# --- the file ----------------------------------------------------------------


@dataclass
class Upload:
    """A file as read, before its columns are matched: plain JSON, to wait
    in the session while the person chooses."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    kind: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "header": self.header, "rows": self.rows, "kind": self.kind}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Upload:
        return cls(data["name"], list(data["header"]), list(data["rows"]), data["kind"])

    def samples(self, index: int, limit: int = 3) -> list[str]:
        """The first few values of a column, as the page shows them."""
        found = []
        for row in self.rows:
            value = row[index] if index < len(row) else None
            text = "" if value is None else " ".join(str(value).split())
            if text:
                found.append(text[:40])
            if len(found) == limit:
                break
        return found


def check_size(size: int) -> None:
    limit = settings.ASSURE_MAX_UPLOAD_BYTES
    if size > limit:
        raise SpreadsheetError(
            f"The file is {sheets.describe_size(size)}; the largest Assure accepts is "
            f"{sheets.describe_size(limit)}."
        )


def _check_encoding(content: bytes) -> None:
    """Text Assure would misread: UTF-16, which Excel's "Unicode text" writes."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SpreadsheetError(
            "The file is saved as UTF-16 text, which Assure cannot read: save it as "
            '"CSV UTF-8" or as an Excel workbook (XLSX).'
        )


def read_upload(name: str, content: bytes) -> Upload:
    """The file's header and rows, or SpreadsheetError saying why it cannot
    be read (size, rows, unpacked size, not a spreadsheet, no rows)."""
    check_size(len(content))
    if content[:4] != b"PK\x03\x04":
        _check_encoding(content)
    table = sheets.read_table(
        name,
        content,
        max_rows=settings.ASSURE_IMPORT_MAX_ROWS,
        max_unpacked_bytes=settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES,
    )
    header = [" ".join(str(h).split()) if h is not None else "" for h in table[0]]
    if not any(header):
        raise SpreadsheetError("The first row is blank: put the column names in the first row.")
    if len(table) == 1:
        raise SpreadsheetError(
            "The file has its column names and no rows below them: nothing to import."
        )
    rows = [[*row, *([None] * (len(header) - len(row)))][: len(header)] for row in table[1:]]
    return Upload(name, header, rows, guess_kind(header))


# --- choosing -----------------------------------------------------------------


@dataclass
class Choice:
    """One column of the file and what it is read as."""

    index: int
    heading: str
    target: str  # a column of Assure's, AGENCY + slug, IGNORE, or "" (not chosen)
    recognised: bool  # Assure knew the heading (or the board chose it before)
    samples: list[str] = field(default_factory=list)

    @property
    def letter(self) -> str:
        return column_letter(self.index)


def column_letter(index: int) -> str:
    """A spreadsheet's name for the column at `index` (0 is A, 26 is AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def agency_names(agencies: list[Agency]) -> dict[str, Agency]:
    """The names a heading may give an agency by: its name, short name and
    web name, compared as headings are."""
    names: dict[str, Agency] = {}
    for agency in agencies:
        for name in (agency.name, agency.short_name, agency.slug):
            if name:
                names.setdefault(folded(name), agency)
    return names


def suggest(
    upload: Upload, agencies: list[Agency], remembered: dict[str, str] | None = None
) -> list[Choice]:
    """What each column is read as: Assure's own or a known name for one of
    its columns, an agency's name for its delegates, what the person chose
    for the same heading earlier in this session, or nothing (to choose)."""
    names = agency_names(agencies)
    slugs = {a.slug for a in agencies}
    remembered = remembered or {}
    choices = []
    for index, heading in enumerate(upload.header):
        target = recognise(upload.kind, heading)
        if not target and folded(heading) in names:
            target = AGENCY + names[folded(heading)].slug
        earlier = remembered.get(f"{upload.kind}:{folded(heading)}", "")
        recognised = bool(target)
        if not target and earlier and valid_target(upload.kind, earlier, slugs):
            target, recognised = earlier, True
        if not heading:
            target, recognised = IGNORE, True  # a column with no name holds nothing to read
        choices.append(Choice(index, heading, target, recognised, upload.samples(index)))
    return choices


def valid_target(kind: str, target: str, agency_slugs: set[str]) -> bool:
    if target == IGNORE or target in columns_of(kind):
        return True
    return kind == COURSES and target.startswith(AGENCY) and target[len(AGENCY) :] in agency_slugs


def mapping_problems(kind: str, choices: list[Choice]) -> tuple[dict[int, str], list[str]]:
    """What is wrong with the choices: per column (not chosen, chosen for
    two columns) and for the file (a column it needs that none holds)."""
    per_column: dict[int, str] = {}
    taken: dict[str, Choice] = {}
    for choice in choices:
        if not choice.target:
            per_column[choice.index] = (
                f"Choose what column {choice.letter} ({choice.heading}) holds, or ignore it."
            )
        elif choice.target != IGNORE:
            if choice.target in taken:
                first = taken[choice.target]
                per_column[choice.index] = (
                    f"Column {first.letter} ({first.heading}) is already read as "
                    f"{target_label(choice.target)}: ignore one of them."
                )
            else:
                taken[choice.target] = choice
    general = []
    required = COURSE_REQUIRED if kind == COURSES else PERIOD_REQUIRED
    missing = [name for name in required if name not in taken]
    if kind == COURSES and "Places" not in taken and "Places per session" not in taken:
        missing.insert(3, "Places")
    if missing:
        general.append(
            f"A file of {KINDS[kind]} needs a column for each of "
            f"{', '.join(missing)}: choose which column holds each."
        )
    if kind == COURSES and "Places" in taken and "Places per session" in taken:
        general.append(
            "Read one column as Places or as Places per session, not both: ignore the other."
        )
    return per_column, general


def target_label(target: str, agencies: dict[str, Agency] | None = None) -> str:
    if target == IGNORE:
        return "ignored"
    if target.startswith(AGENCY):
        slug = target[len(AGENCY) :]
        agency = (agencies or {}).get(slug)
        return f"delegates from {agency.short_name or agency.name if agency else slug}"
    return target


def apply(upload: Upload, choices: list[Choice]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The file's rows keyed by Assure's column names (and AGENCY + slug),
    ignored columns left out; and the heading each came from, for the
    preview's messages."""
    kept = [(c.index, c.target) for c in choices if c.target and c.target != IGNORE]
    rows = [{target: row[index] for index, target in kept} for row in upload.rows]
    headings = {c.target: c.heading or column_letter(c.index) for c in choices if c.target}
    return rows, headings
