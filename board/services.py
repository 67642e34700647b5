"""Every write to board data: keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from board.agency_uses import agency_uses, uses_text
from board.logo import LogoRefused, read_logo
from board.models import (
    READ_RECORDS_KEPT_MONTHS_MAX,
    READ_RECORDS_KEPT_MONTHS_MIN,
    Agency,
    Attendance,
    AttendanceMark,
    Board,
    BoardAgency,
    Contribution,
    Group,
    ImportMapping,
    MainGroup,
    Meeting,
    Member,
    PublishedTotal,
    ReportingYear,
    Risk,
    agency_name_key,
    start_year_of,
)


@transaction.atomic
def meeting_save(*, meeting: Meeting) -> Meeting:
    """Add or change a meeting, and the reporting year it falls in if that is
    new, so a meeting on any date has its year and its attendance page."""
    meeting.full_clean()
    ReportingYear.objects.for_date(meeting.date)
    meeting.save()
    return meeting


def meeting_create(*, group: Group, date: Any, location: str = "", notes: str = "") -> Meeting:
    return meeting_save(meeting=Meeting(group=group, date=date, location=location, notes=notes))


@transaction.atomic
def attendance_record(*, meeting: Meeting, marks: dict[Member, str]) -> list[Attendance]:
    """Record a whole meeting's attendance at once: one mark per seat, by
    the key of a mark in the seat's board's attendance key.

    Every mark is validated before any is saved; unchanged marks are left
    alone so the history shows only real changes. A retired mark is refused
    for a new value, but a seat already holding it may keep it.
    """
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    boards = set(meeting.group.boards.values_list("id", flat=True))
    keys = AttendanceMark.keys_of({member.board_id for member in marks})
    to_save = []
    for member, status in marks.items():
        if member.board_id not in boards:
            raise ValidationError(f"{member} is not on a board that {meeting.group} serves.")
        mark = existing.get(member.pk) or Attendance(meeting=meeting, member=member)
        if mark.pk and mark.status == status:
            continue
        offered = {m.key: m for m in keys[member.board_id]}
        if status not in offered:
            raise ValidationError(f"{status!r} is not a mark of {member.board}'s attendance key.")
        if offered[status].retired:
            raise ValidationError(
                f"The mark {offered[status].code} ({offered[status].words}) is retired; "
                "choose another."
            )
        mark.status = status
        to_save.append(mark)
    for mark in to_save:
        mark.save()
    return to_save


# A board's own attendance key.


def _own_key(board: Board) -> list[AttendanceMark]:
    """The board's marks, saved: the default key is copied in first when the
    board has none of its own yet, so every change works on rows."""
    Board.objects.select_for_update().filter(pk=board.pk).first()  # one change at a time
    marks = list(AttendanceMark.objects.filter(board=board).order_by("position", "pk"))
    if not marks:
        bulk_create_with_history(AttendanceMark.default_key(board), AttendanceMark)
        marks = list(AttendanceMark.objects.filter(board=board).order_by("position", "pk"))
    return marks


def attendance_key_own(*, board: Board) -> list[AttendanceMark]:
    """Give the board its own copy of the default key, if it has none, and
    return its marks in order. A write: pages read keys through
    AttendanceMark.keys_of, which needs no rows."""
    with transaction.atomic():
        return _own_key(board)


#: The most marks a key may hold: a matrix's legend has to be read at a glance.
MAX_MARKS = 12


def attendance_mark_problems(*, mark: AttendanceMark) -> Problems:
    """What is wrong with a mark: a code and words each board member can
    tell apart from the others' (a spreadsheet of marks is read by them too)."""
    problems: Problems = {}
    code, words = mark.code.strip(), " ".join(mark.words.split())
    if not code:
        _add(problems, "code", 'Enter the code a cell shows, such as "MA".')
    elif len(code) > 8:
        _add(problems, "code", "The code must be 8 characters or fewer.")
    elif any(ch.isspace() for ch in code):
        _add(problems, "code", "The code cannot contain spaces.")
    if not words:
        _add(problems, "words", 'Enter what the mark means, such as "Member attended".')
    elif len(words) > 60:
        _add(problems, "words", "The words must be 60 characters or fewer.")
    others = AttendanceMark.keys_of([mark.board_id])[mark.board_id]
    others = [m for m in others if m.key != mark.key]
    if code and any(m.code.casefold() == code.casefold() for m in others):
        _add(problems, "code", f"The key already has a mark {code}; each code is used once.")
    if words and any(m.words.casefold() == words.casefold() for m in others):
        _add(problems, "words", f"The key already has a mark for {words!r}.")
    if mark.pk is None and len(others) >= MAX_MARKS:
        _add(problems, "code", f"A key holds at most {MAX_MARKS} marks; retire one instead.")
    offered = [m for m in others if not m.retired]
    if not (mark.counts_as_attended and not mark.retired) and not any(
        m.counts_as_attended for m in offered
    ):
        _add(
            problems,
            "present",
            "The key needs at least one mark that counts as present and towards the "
            "percentage; otherwise nobody could ever be recorded as attending.",
        )
    return problems


def _free_mark_key(board: Board, words: str, taken: set[str]) -> str:
    base = slugify(words)[:34] or "mark"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def attendance_mark_save(*, mark: AttendanceMark) -> AttendanceMark:
    """Add a mark to the board's key (at its end) or change one. The board
    gets its own copy of the default key first, so a change to one of its
    marks is a change to the board's copy. Changing whether a mark counts
    changes the percentages of every meeting that used it; published
    reports keep theirs (their snapshots are frozen)."""
    board = mark.board
    marks = _own_key(board)
    if mark.pk is None and mark.key:
        # A mark of the default key, read before the board had its own copy.
        saved = next((m for m in marks if m.key == mark.key), None)
        if saved is not None:
            mark.pk = saved.pk
            mark.position = saved.position
            mark.retired = saved.retired
            mark._state.adding = False
    mark.code = mark.code.strip()
    mark.words = " ".join(mark.words.split())
    _raise(attendance_mark_problems(mark=mark))
    if mark.pk is None:
        mark.key = _free_mark_key(board, mark.words, {m.key for m in marks})
        mark.position = max((m.position for m in marks), default=0) + 1
    mark.full_clean(validate_unique=False)
    mark.save()
    return mark


def _saved_mark(mark: AttendanceMark) -> AttendanceMark:
    """The board's saved row for `mark` (which may be a default-key mark
    read before the board had its own copy)."""
    marks = _own_key(mark.board)
    found = next((m for m in marks if m.key == mark.key), None)
    if found is None:
        raise ValidationError(f"The mark {mark.code} is not in {mark.board}'s key.")
    return found


def attendance_mark_uses(*, mark: AttendanceMark) -> int:
    """How many attendances hold the mark (on seats of its board)."""
    return Attendance.objects.filter(member__board_id=mark.board_id, status=mark.key).count()


@transaction.atomic
def attendance_mark_retire(*, mark: AttendanceMark, retired: bool = True) -> AttendanceMark:
    """Stop offering a mark (the meetings that used it keep it), or offer it
    again. The key keeps at least one mark that counts as present."""
    saved = _saved_mark(mark)
    if saved.retired == retired:
        return saved
    if retired:
        left = [
            m
            for m in AttendanceMark.objects.filter(board=saved.board, retired=False)
            if m.pk != saved.pk
        ]
        if not any(m.counts_as_attended for m in left):
            raise ValidationError(
                {
                    "__all__": [
                        f"{saved.code} ({saved.words}) is the last mark that counts as present "
                        "at a counted meeting; add another before retiring it."
                    ]
                }
            )
    saved.retired = retired
    saved.save(update_fields=["retired"])
    return saved


@transaction.atomic
def attendance_mark_delete(*, mark: AttendanceMark) -> None:
    """Remove a mark nobody has been given; a mark in use can only be retired."""
    saved = _saved_mark(mark)
    uses = attendance_mark_uses(mark=saved)
    if uses:
        raise ValidationError(
            {
                "__all__": [
                    f"{saved.code} ({saved.words}) is used {uses} time{'s' if uses != 1 else ''} "
                    "in the attendance already recorded, so it cannot be deleted; retire it "
                    "instead and it will no longer be offered."
                ]
            }
        )
    if saved.counts_as_attended and not saved.retired:
        left = AttendanceMark.objects.filter(board=saved.board, retired=False).exclude(pk=saved.pk)
        if not any(m.counts_as_attended for m in left):
            raise ValidationError(
                {
                    "__all__": [
                        f"{saved.code} ({saved.words}) is the last mark that counts as present "
                        "at a counted meeting; add another before deleting it."
                    ]
                }
            )
    saved.delete()


@transaction.atomic
def attendance_mark_move(*, mark: AttendanceMark, up: bool) -> AttendanceMark:
    """Move a mark one place up or down the key (the order of the legend and
    of the choices)."""
    marks = _own_key(mark.board)
    index = next((i for i, m in enumerate(marks) if m.key == mark.key), None)
    if index is None:
        raise ValidationError(f"The mark {mark.code} is not in {mark.board}'s key.")
    other = index - 1 if up else index + 1
    if not 0 <= other < len(marks):
        return marks[index]
    marks[index], marks[other] = marks[other], marks[index]
    for position, item in enumerate(marks, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    return marks[other]


@transaction.atomic
def risk_save(*, risk: Risk, board: Board) -> Risk:
    risk.board = board
    risk.full_clean()
    risk.save()
    return risk


Problems = dict[str, list[str]]


def _add(problems: Problems, name: str, message: str) -> None:
    problems.setdefault(name, []).append(message)


def _model_problems(instance: Any, *, exclude: Iterable[str] = ()) -> Problems:
    """The model's own field and clean() rules, as field errors. Uniqueness
    is left to each service, which says which record it clashes with."""
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {}


def _raise(problems: Problems) -> None:
    if problems:
        raise ValidationError(problems)  # type: ignore[arg-type]


# Members and their seats.


def member_problems(*, member: Member, groups: Iterable[Group]) -> Problems:
    """What is wrong with a seat: the model's rules, a seat the board already
    has, and groups that do not serve the member's board."""
    problems = _model_problems(member)
    if member.board_id is None:
        return problems
    clash = Member.objects.filter(
        board_id=member.board_id, position=member.position, person=member.person
    )
    clash = (
        clash.filter(agency_id=member.agency_id)
        if member.agency_id
        else clash.filter(agency__isnull=True)
    )
    if clash.exclude(pk=member.pk).exists():
        _add(
            problems,
            "person",
            "This board already has a seat with this person, position and agency.",
        )
    groups = list(groups)
    serving = set(
        Group.boards.through.objects.filter(
            group_id__in=[g.pk for g in groups], board_id=member.board_id
        ).values_list("group_id", flat=True)
    )
    for group in groups:
        if group.pk not in serving:
            _add(problems, "groups", f"{group} does not serve {member.board}.")
    return problems


def _newly_named(model: Any, record: Any) -> list[Agency]:
    """The record's agency if saving it names it anew (a new record, or
    another agency than the stored one): that one goes on the board's list.
    A record edited with the agency it had leaves the list alone, so a past
    seat corrected after its agency came off the list does not put it back."""
    if record.agency_id is None:
        return []
    if record.pk is not None:
        stored = model.objects.filter(pk=record.pk).values_list("agency_id", flat=True).first()
        if stored == record.agency_id:
            return []
    return [record.agency]


@transaction.atomic
def member_save(*, member: Member, groups: Iterable[Group]) -> Member:
    """Add or change a seat and the groups it sits on, all or nothing."""
    groups = list(groups)
    member.person = member.person.strip()
    member.position = member.position.strip()
    _raise(member_problems(member=member, groups=groups))
    named = _newly_named(Member, member)
    member.save()
    board_agencies_add(board=member.board, agencies=named)
    if {g.pk for g in member.groups.all()} != {g.pk for g in groups}:
        member.groups.set(groups)
    return member


# A seat's term: its end, and who took it over.


def _held_from(member: Member) -> datetime.date | None:
    year = member.first_recorded or member.last_recorded
    return member.start or (year.start if year is not None else None)


def member_end_problems(
    *, member: Member, end: datetime.date | None, successor: Member | None = None
) -> Problems:
    """What stops `member` ending on `end` (taken over by `successor`, if
    given): the seat's own rules (Member.clean: not before it started, not
    before the first year a source records it, a successor of the same
    board that is not the seat itself or one it led to), and a successor
    that was already in the seat before this one started."""
    if end is None:
        return {"end": ["Enter the last day the seat was held."]}
    changed = Member.objects.select_related(
        "board", "agency", "first_recorded", "last_recorded"
    ).get(pk=member.pk)
    changed.end, changed.successor = end, successor
    problems = _model_problems(changed)
    started = _held_from(changed)
    if successor is not None and started is not None:
        taken_over = _held_from(successor)
        if taken_over is not None and taken_over <= started:
            _add(
                problems,
                "successor",
                f"{successor.label} was in their seat by {taken_over:%-d %B %Y}, before this "
                "seat started, so they cannot have taken it over.",
            )
    return problems


@transaction.atomic
def member_end(
    *, member: Member, end: datetime.date | None, successor: Member | None = None
) -> Member:
    """End a seat on `end` (the last day it is held), naming the seat that
    took it over if there is one. The change is in the seat's history."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    _raise(member_end_problems(member=member, end=end, successor=successor))
    member.end, member.successor = end, successor
    member.save(update_fields=["end", "successor"])
    return member


def member_succeed_problems(
    *, member: Member, person: str, start: datetime.date | None
) -> Problems:
    """What stops recording `person` as taking `member`'s seat over from
    `start`: a missing or too early start, a seat already taken over, or a
    new seat the board already has."""
    problems: Problems = {}
    if start is None:
        _add(problems, "start", "Enter the day the new member takes the seat.")
        return problems
    if start == datetime.date.min:
        _add(problems, "start", "Enter a later date: the seat would end the day before.")
        return problems
    started = _held_from(member)
    if started is not None and start <= started:
        _add(
            problems,
            "start",
            f"The new member must start after this seat started ({started:%-d %B %Y}).",
        )
    if member.successor_id is not None:
        assert member.successor is not None
        _add(problems, "__all__", f"{member.successor.label} already took this seat over.")
    new = _successor_seat(member, person, start)
    for name, messages in member_problems(member=new, groups=[]).items():
        for message in messages:
            _add(problems, name if name in ("person", "start") else "__all__", message)
    if not problems and (member.end is None or member.end >= start):
        ending = member_end_problems(member=member, end=start - datetime.timedelta(days=1))
        for message in (m for messages in ending.values() for m in messages):
            _add(problems, "start", message)
    return problems


def _successor_seat(member: Member, person: str, start: datetime.date) -> Member:
    return Member(
        board=member.board,
        agency=member.agency,
        position=member.position,
        role=member.role,
        person=person.strip(),
        start=start,
    )


@transaction.atomic
def member_succeed(
    *, member: Member, person: str, start: datetime.date | None, notes: str = ""
) -> Member:
    """Record who took a seat over from `start`: a new seat in the same
    position, agency, role and groups, and the old seat ending the day
    before (unless it had already ended earlier, the seat standing empty
    between), with the new seat as its successor. Returns the new seat."""
    # Locks the seat's own row: PostgreSQL cannot lock the nullable side of the
    # join to its successor.
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("successor").get(pk=member.pk)
    )
    _raise(member_succeed_problems(member=member, person=person, start=start))
    assert start is not None
    new = _successor_seat(member, person, start)
    new.notes = notes.strip()
    member_save(member=new, groups=list(member.groups.all()))
    if member.end is None or member.end >= start:
        member.end = start - datetime.timedelta(days=1)
    member.successor = new
    member.save(update_fields=["end", "successor"])
    return new


# Groups, what they report to, and which boards a pan-area group serves.


def _served_after(
    group: Group, chosen: set[Board], changeable: set[Board] | None
) -> tuple[set[Board], Problems]:
    """The boards a group serves once saved. Someone limited to `changeable`
    boards adds or removes only those; the group's other boards stay as
    they are."""
    problems: Problems = {}
    if changeable is None:
        return chosen, problems
    outside = sorted(b.name for b in chosen - changeable)
    if outside:
        _add(
            problems,
            "boards",
            f"You can add a group only to boards you are on; you are not on {', '.join(outside)}.",
        )
    kept = set(group.boards.all()) - changeable if group.pk else set()
    return kept | (chosen & changeable), problems


def group_problems(
    *, group: Group, boards: Iterable[Board], changeable: Iterable[Board] | None = None
) -> Problems:
    """What is wrong with a group: the model's rules (Group.clean: never
    reporting to itself or to one of its own sub-groups), its web name, and
    the boards it serves."""
    problems = _model_problems(group, exclude=["slug"] if not group.slug else [])
    chosen = set(boards)
    served, board_problems = _served_after(
        group, chosen, None if changeable is None else set(changeable)
    )
    for name, messages in board_problems.items():
        problems.setdefault(name, []).extend(messages)
    if not served:
        _add(problems, "boards", "Choose at least one board that this group serves.")
    if group.pk is not None:
        for mark in (
            MainGroup.objects.filter(group=group).exclude(board__in=served).select_related("board")
        ):
            _add(
                problems,
                "boards",
                f"This group is the main group of {mark.board}; mark another group as its "
                "main one before taking this group off it.",
            )
    if group.slug and Group.objects.filter(slug=group.slug).exclude(pk=group.pk).exists():
        _add(problems, "slug", f"Another group already has the short web name {group.slug}.")
    return problems


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "group"
    slug, n = base, 2
    while Group.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def group_save(
    *, group: Group, boards: Iterable[Board], changeable: Iterable[Board] | None = None
) -> Group:
    """Add or change a group. `boards` are the boards chosen for it; someone
    who may change only some boards (a business manager: the boards they
    are on) passes those as `changeable`, and the group's other boards are
    kept untouched. The admin passes None: it manages every board."""
    chosen = set(boards)
    changeable_set = None if changeable is None else set(changeable)
    _raise(group_problems(group=group, boards=chosen, changeable=changeable_set))
    served, _ = _served_after(group, chosen, changeable_set)
    if not group.slug:
        group.slug = _unique_slug(group.name)
    group.save()
    if {b.pk for b in group.boards.all()} != {b.pk for b in served}:
        group.boards.set(served)
    return group


# The board's main group.


def main_group_problems(*, board: Board, group: Group | None) -> Problems:
    if group is not None and not group.boards.filter(pk=board.pk).exists():
        return {"group": [f"{group} does not serve {board}, so it cannot be its main group."]}
    return {}


@transaction.atomic
def main_group_set(*, board: Board, group: Group | None) -> MainGroup | None:
    """Mark `group` as the board's main group (its strategic board), or
    clear the mark (None). Every change is in the mark's history."""
    _raise(main_group_problems(board=board, group=group))
    mark = MainGroup.objects.select_for_update().filter(board=board).first()
    if group is None:
        if mark is not None:
            mark.delete()
        return None
    if mark is None:
        mark = MainGroup(board=board, group=group)
    elif mark.group_id == group.pk:
        return mark
    mark.group = group
    mark.full_clean()
    mark.save()
    return mark


# Reporting years.

#: The years Assure accepts: from the first statutory boards to a decade ahead.
FIRST_YEAR = 2000
YEARS_AHEAD = 10


def reporting_year_problems(*, start_year: int) -> Problems:
    last = timezone.localdate().year + YEARS_AHEAD
    if not FIRST_YEAR <= start_year <= last:
        return {"start_year": [f"Enter a year between {FIRST_YEAR} and {last}."]}
    label = ReportingYear.span(start_year).label
    if ReportingYear.objects.filter(label=label).exists():
        return {"start_year": [f"The reporting year {label} already exists."]}
    return {}


@transaction.atomic
def reporting_year_create(*, start_year: int) -> ReportingYear:
    """Add the reporting year starting in April of `start_year`."""
    _raise(reporting_year_problems(start_year=start_year))
    year = ReportingYear.span(start_year)
    year.full_clean()
    year.save()
    return year


@transaction.atomic
def reporting_years_fill(*, today: datetime.date) -> list[ReportingYear]:
    """Save every reporting year from the first one saved to the one holding
    `today` that is not saved yet, and return those it saved
    (docs/adr/0007). With no year saved there is nothing to fill: the pages
    offer the current year, and it is saved when something is recorded."""
    labels = set(ReportingYear.objects.values_list("label", flat=True))
    if not labels:
        return []
    first = min(int(label[:4]) for label in labels)
    made = []
    for start_year in range(first, start_year_of(today) + 1):
        span = ReportingYear.span(start_year)
        if span.label not in labels:
            year, created = ReportingYear.objects.get_or_create(
                label=span.label, defaults={"start": span.start, "end": span.end}
            )
            if created:
                made.append(year)
    return made


def _saved_year(year: ReportingYear) -> ReportingYear:
    """A year a page offered, which may not be saved yet (the current year)."""
    return year if year.pk else ReportingYear.for_start_year(year.start.year)


# Budget contributions and the published total.


def contribution_problems(*, contribution: Contribution, year: ReportingYear) -> Problems:
    """The model's rules, and a second line from the same contributor in a
    year (the budget matches lines to last year's by contributor)."""
    problems = _model_problems(contribution, exclude=["year"])
    label = contribution.label.strip()
    if label and contribution.board_id:
        clash = Contribution.objects.filter(
            board_id=contribution.board_id, year__label=year.label, label__iexact=label
        ).exclude(pk=contribution.pk)
        if clash.exists():
            _add(
                problems,
                "label",
                f"{year} already has a contribution from {label}; change that one instead.",
            )
    return problems


@transaction.atomic
def contribution_save(*, contribution: Contribution, year: ReportingYear) -> Contribution:
    """Add or change a contribution for `year`, creating the year if new."""
    contribution.label = contribution.label.strip()
    _raise(contribution_problems(contribution=contribution, year=year))
    contribution.year = _saved_year(year)
    named = _newly_named(Contribution, contribution)
    contribution.save()
    board_agencies_add(board=contribution.board, agencies=named)
    return contribution


@transaction.atomic
def contribution_remove(*, contribution: Contribution) -> None:
    """Remove a contribution; its history keeps what it was and who removed it."""
    contribution.delete()


def published_total_problems(*, amount: Decimal | None) -> Problems:
    if amount is not None and amount < 0:
        return {"amount": ["The published total cannot be less than £0."]}
    return {}


@transaction.atomic
def published_total_save(*, total: PublishedTotal) -> PublishedTotal:
    _raise(published_total_problems(amount=total.amount))
    total.notes = total.notes.strip()
    total.full_clean()
    total.save()
    return total


@transaction.atomic
def published_total_set(
    *, board: Board, year: ReportingYear, amount: Decimal | None, notes: str = ""
) -> PublishedTotal | None:
    """Record the total the published report states for a year, or remove
    it (amount None)."""
    _raise(published_total_problems(amount=amount))
    existing = PublishedTotal.objects.filter(board=board, year__label=year.label).first()
    if amount is None:
        if existing is not None:
            existing.delete()
        return None
    total = existing or PublishedTotal(board=board, year=_saved_year(year))
    total.amount = amount
    total.notes = notes
    return published_total_save(total=total)


# Boards: an Admin adds and changes them (board/setup_views.py).

#: Slugs that name a page rather than a board (/boards/new/).
RESERVED_BOARD_SLUGS = frozenset({"new"})


def free_board_slug(*, name: str) -> str:
    """The web name of a new board, made from its name: lower-case words
    joined by hyphens, with -2, -3... when another board has it already."""
    base = slugify(name)[:50].strip("-") or "board"
    slug, n = base, 2
    while slug in RESERVED_BOARD_SLUGS or Board.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def board_problems(*, board: Board) -> Problems:
    """What is wrong with a board's details: the model's rules (a name, a
    short name, an area, a kind, a web address that is one), and a name
    another board already has."""
    problems = _model_problems(board, exclude=["slug"] if not board.slug else [])
    name = board.name.strip()
    if name and Board.objects.filter(name__iexact=name).exclude(pk=board.pk).exists():
        _add(problems, "name", f"There is already a board called {name}.")
    if board.slug:
        held = (
            Board.objects.filter(pk=board.pk).values_list("slug", flat=True).first()
            if board.pk is not None
            else None
        )
        if held is not None and held != board.slug:
            _add(problems, "slug", f"A board's web name never changes: it stays {held}.")
        elif board.pk is None and board.slug in RESERVED_BOARD_SLUGS:
            _add(problems, "slug", f"{board.slug} names a page of its own: choose another.")
        elif Board.objects.filter(slug=board.slug).exclude(pk=board.pk).exists():
            _add(problems, "slug", f"Another board already has the web name {board.slug}.")
    return problems


@transaction.atomic
def board_save(*, board: Board) -> Board:
    """Add or change a board. A new board's web name (slug) is made from its
    name and never changes afterwards, so addresses people saved keep
    working; every change is in the board's history."""
    _raise(board_problems(board=board))
    if not board.slug:
        board.slug = free_board_slug(name=board.name)
    board.save()
    return board


# Agencies: shared by every board (a police force sits on several), so a
# business manager adds them and changes only those no other board uses;
# an Admin changes any (docs/adr/0019-set-up-in-pages.md).


def agency_boards(*, agency: Agency) -> set[int]:
    """The ids of the boards whose records name the agency: its seats, its
    contributions and the boards' lists of partner agencies. Three queries."""
    if agency.pk is None:
        return set()
    seats = Member.objects.filter(agency=agency).values_list("board_id", flat=True)
    money = Contribution.objects.filter(agency=agency).values_list("board_id", flat=True)
    listed = BoardAgency.objects.filter(agency=agency).values_list("board_id", flat=True)
    return set(seats.distinct()) | set(money.distinct()) | set(listed)


def agency_named(*, name: str, other_than: Agency | None = None) -> Agency | None:
    """The agency with this name, case and spacing aside (agency_name_key),
    other than `other_than`: the one a person adding an agency of that name
    is offered instead. One query."""
    if not name or not name.strip():
        return None
    found = Agency.objects.filter(name_key=agency_name_key(name))
    if other_than is not None and other_than.pk is not None:
        found = found.exclude(pk=other_than.pk)
    return found.order_by("pk").first()


def agency_problems(*, agency: Agency, changeable: Iterable[Board] | None = None) -> Problems:
    """What is wrong with an agency: the model's rules, a short web name
    another agency has, and (for someone who changes only some boards,
    `changeable`) a change to an agency other boards' records name."""
    problems = _model_problems(agency, exclude=["slug"] if not agency.slug else [])
    if agency.slug and Agency.objects.filter(slug=agency.slug).exclude(pk=agency.pk).exists():
        _add(problems, "slug", f"Another agency already has the short web name {agency.slug}.")
    same = agency_named(name=agency.name, other_than=agency)
    if same is not None:
        _add(
            problems,
            "name",
            f"There is already an agency named {same.name}: choose it rather than adding "
            "another (case and spacing do not count).",
        )
    if changeable is not None and agency.pk is not None:
        others = agency_boards(agency=agency) - {b.pk for b in changeable}
        if others:
            names = sorted(Board.objects.filter(pk__in=others).values_list("name", flat=True))
            _add(
                problems,
                "__all__",
                f"{agency.name} is also named in the records of {', '.join(names)}, so only "
                "an Admin may change it: ask one, or add an agency of your own.",
            )
    return problems


def _unique_agency_slug(name: str) -> str:
    base = slugify(name)[:70].strip("-") or "agency"
    slug, n = base, 2
    while Agency.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def agency_save(
    *, agency: Agency, changeable: Iterable[Board] | None = None, board: Board | None = None
) -> Agency:
    """Add or change an agency. A business manager passes the boards they
    change as `changeable`: an agency other boards' records name is refused
    to them. The admin passes None. Given a `board`, the agency goes on that
    board's list of partner agencies (added from the board's own pages)."""
    if agency.pk is not None:
        # Whether others use it is judged on the agency as stored.
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
    _raise(agency_problems(agency=agency, changeable=changeable))
    if not agency.slug:
        agency.slug = _unique_agency_slug(agency.name)
    try:
        with transaction.atomic():
            agency.save()
    except IntegrityError:
        # Someone added the same name a moment ago: say so, as for any clash.
        _raise(agency_problems(agency=agency, changeable=changeable))
        raise
    if board is not None:
        board_agencies_add(board=board, agencies=[agency])
    return agency


# A board's own list of partner agencies: what its forms offer
# (docs/adr/0021-a-boards-own-agencies.md).


@transaction.atomic
def board_agencies_add(*, board: Board, agencies: Iterable[Agency | None]) -> list[Agency]:
    """Put agencies on the board's list of partner agencies, those not on it
    already, and return them. Every service that names an agency on a board
    (a seat, a contribution, an audit, a course, a recommendation) calls it,
    so the list always holds the agencies the board's records name. One
    query when all are on the list already."""
    wanted = {a.pk: a for a in agencies if a is not None and a.pk is not None}
    if not wanted:
        return []
    have = set(
        BoardAgency.objects.filter(board=board, agency_id__in=wanted).values_list(
            "agency_id", flat=True
        )
    )
    added = [agency for pk, agency in wanted.items() if pk not in have]
    for agency in added:
        BoardAgency.objects.get_or_create(board=board, agency=agency)
    return added


def board_agency_problems(
    *, board: Board, agency: Agency, day: datetime.date | None = None
) -> Problems:
    """Why `agency` cannot come off `board`'s list on `day` (today if not
    given): the records of that day's reporting year or a later one that
    name it (board.agency_uses). Past years' records do not keep it on."""
    problems: Problems = {}
    year = ReportingYear.span_of(day or timezone.localdate())
    uses = agency_uses(board=board, agency=agency, year=year)
    if uses:
        _add(
            problems,
            "__all__",
            f"{agency.name} stays on {board.name}'s list: the board still uses it in "
            f"{year} or later ({uses_text(uses)}). Take it off once those records "
            "name another agency or their year is past.",
        )
    return problems


@transaction.atomic
def board_agency_remove(*, board: Board, agency: Agency, day: datetime.date | None = None) -> None:
    """Take an agency off the board's list of partner agencies (one that left
    the partnership, or one added by mistake), so the board's forms no longer
    offer it for new records. Refused while the board still uses it
    (board_agency_problems); the list's history keeps who took it off and
    when. The agency itself stays in Assure, as do past records naming it."""
    link = BoardAgency.objects.select_for_update().filter(board=board, agency=agency).first()
    if link is None:
        raise ValidationError(f"{agency.name} is not on {board.name}'s list.")
    _raise(board_agency_problems(board=board, agency=agency, day=day))
    link.delete()


def board_agencies_fill(*, boards: Iterable[Board] | None = None) -> int:
    """Put on each board's list every agency its seats and contributions
    name (all boards, or `boards`), for records written without the
    services: the past reports' fixtures and the synthetic generator's bulk
    rows. Returns how many were added. A few queries, whatever the size."""
    seats = Member.objects.filter(agency__isnull=False)
    money = Contribution.objects.filter(agency__isnull=False)
    links = BoardAgency.objects.all()
    if boards is not None:
        ids = [b.pk for b in boards]
        seats, money = seats.filter(board_id__in=ids), money.filter(board_id__in=ids)
        links = links.filter(board_id__in=ids)
    named = set(seats.values_list("board_id", "agency_id").distinct()) | set(
        money.values_list("board_id", "agency_id").distinct()
    )
    missing = named - set(links.values_list("board_id", "agency_id"))
    BoardAgency.objects.bulk_create(
        [BoardAgency(board_id=b, agency_id=a) for b, a in sorted(missing)],
        ignore_conflicts=True,
    )
    return len(missing)


# Reporting years, as the admin keeps them: their rules are the model's own.


@transaction.atomic
def reporting_year_save(*, year: ReportingYear) -> ReportingYear:
    year.full_clean()
    year.save()
    return year


# How long the board keeps the record of who read its case reviews.


def read_retention_problems(*, months: Any) -> Problems:
    """The period must be whole months from one year to ten: shorter would
    let a year's reads go before the annual report that covers them is
    written, and would let anyone who may set it clear away their own reads."""
    low, high = READ_RECORDS_KEPT_MONTHS_MIN, READ_RECORDS_KEPT_MONTHS_MAX
    if isinstance(months, bool) or not isinstance(months, int):
        return {"months": ["Enter the number of months as a whole number, such as 24."]}
    if not low <= months <= high:
        return {
            "months": [
                f"Keep read records for at least {low} months and at most {high} months "
                f"({low // 12} to {high // 12} years)."
            ]
        }
    return {}


@transaction.atomic
def read_retention_set(*, board: Board, months: int) -> Board:
    """Set how many months the board keeps read records. The change is in
    the board's history with who made it; the next prune_read_records
    removes what the new period no longer keeps."""
    _raise(read_retention_problems(months=months))
    locked = Board.objects.select_for_update().get(pk=board.pk)
    if locked.read_records_kept_months != months:
        locked.read_records_kept_months = months
        locked.save(update_fields=["read_records_kept_months"])
    board.read_records_kept_months = months
    return locked


@transaction.atomic
def board_logo_set(*, board: Board, data: bytes) -> Board:
    """Keep `data` as the board's logo: read by its content (board.logo),
    drawn again as a PNG and stored through Django's storage API under a
    new name, so a report being built keeps the logo it started with. The
    file it replaces is removed once the change is saved; a refused upload
    (ValidationError on "logo") changes nothing."""
    try:
        logo = read_logo(data, limit=settings.ASSURE_MAX_LOGO_BYTES)
    except LogoRefused as refused:
        raise ValidationError({"logo": [str(refused)]}) from refused
    board = Board.objects.select_for_update().get(pk=board.pk)
    old = board.logo.name
    board.logo.save(f"{board.slug}-{uuid.uuid4().hex[:12]}.png", ContentFile(logo.png), save=False)
    board.save(update_fields=["logo"])
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return board


@transaction.atomic
def board_logo_remove(*, board: Board) -> Board:
    """The board has no logo any more; its file goes once that is saved."""
    board = Board.objects.select_for_update().get(pk=board.pk)
    old = board.logo.name
    if old:
        board.logo = ""  # type: ignore[assignment]
        board.save(update_fields=["logo"])
        transaction.on_commit(lambda: default_storage.delete(old))
    return board


# The mappings a board's own spreadsheets were imported with.


@transaction.atomic
def import_mapping_remember(
    *,
    board: Board,
    kind: str,
    columns: dict[str, str],
    words: dict[str, dict[str, str]],
    options: dict[str, Any],
    saved_by: Any,
) -> ImportMapping:
    """Keep how the board's last file of `kind` was mapped, for the next
    one. Called by the import's own save, in its transaction, so a mapping
    is remembered only with the rows it imported."""
    mapping, _ = ImportMapping.objects.select_for_update().get_or_create(board=board, kind=kind)
    mapping.columns = {str(k): str(v) for k, v in columns.items()}
    mapping.words = {
        str(name): {str(w): str(v) for w, v in values.items()} for name, values in words.items()
    }
    mapping.options = options
    mapping.saved_by = saved_by if getattr(saved_by, "pk", None) else None
    mapping.full_clean()
    mapping.save()
    return mapping
