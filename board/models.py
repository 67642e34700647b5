"""The partnership itself: boards, the people and agencies around the table,
their groups and meetings, who came, who paid, and the risks the board holds.

Everything a fixture refers to has a natural key, so the past reports load in
any order and load again without duplicating anything.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import CleanTextModel, NaturalKeyManager
from core.validators import REF_CHARACTERS, validate_ref


class SourceDocument(CleanTextModel):
    """A published document that facts in Assure were transcribed from, with
    the gaps its text extraction left (lost charts, broken tables)."""

    key = models.SlugField(max_length=80, unique=True, help_text="The seed file's name.")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.CharField(
        max_length=60, blank=True, help_text="Publication date as the document gives it."
    )
    notes = models.TextField(
        blank=True, help_text="What the transcription could not read and how it was recorded."
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    @classmethod
    def get_by_natural_key(cls, key: str) -> SourceDocument:
        return cls.objects.get(key=key)


#: How long a board keeps the record of who read its case reviews, in
#: calendar months: two years unless the business manager sets another
#: period, from one year (an annual report's cycle, so a year's reads are
#: there when the next report is written) to ten.
READ_RECORDS_KEPT_MONTHS = 24
READ_RECORDS_KEPT_MONTHS_MIN = 12
READ_RECORDS_KEPT_MONTHS_MAX = 120


class Board(CleanTextModel):
    class Kind(models.TextChoices):
        LSCB = "lscb", "Local Safeguarding Children Board"
        PARTNERSHIP = "partnership", "Safeguarding children partnership"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=20, help_text="For example LSCB or BBSCB.")
    area = models.CharField(max_length=100, help_text="The local authority area it serves.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LSCB)
    website = models.URLField(blank=True)
    read_records_kept_months = models.PositiveSmallIntegerField(
        "months read records are kept",
        default=READ_RECORDS_KEPT_MONTHS,
        validators=[
            MinValueValidator(READ_RECORDS_KEPT_MONTHS_MIN),
            MaxValueValidator(READ_RECORDS_KEPT_MONTHS_MAX),
        ],
        editable=False,
        help_text="How long the record of who read each case review is kept before "
        "prune_read_records removes it. The business manager sets it on the read records page.",
    )
    logo = models.FileField(
        upload_to="logos/",
        blank=True,
        max_length=200,
        help_text="Drawn on the cover of the board's reports; set through board_logo_set.",
    )
    synthetic_as_of = models.DateField(
        "synthetic records as of",
        null=True,
        blank=True,
        editable=False,
        help_text="For a demonstration board, whose every record is synthetic: the day "
        "make_demonstration_board generated them relative to. Empty for a real board.",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="BoardAccess",
        related_name="boards",
        blank=True,
        help_text="People who may see this board's pages, in the role their account holds.",
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords(excluded_fields=["users"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("board:home", kwargs={"board": self.slug})

    @property
    def is_synthetic(self) -> bool:
        """Whether every record of the board is synthetic (a demonstration):
        its pages say so on every page."""
        return self.synthetic_as_of is not None

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def get_by_natural_key(cls, slug: str) -> Board:
        return cls.objects.get(slug=slug)


class BoardAccess(CleanTextModel):
    """A person's access to a board. Its own model so that who was given or
    lost access, when and by whom, is in the change history."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_accesses"
    )

    history = HistoricalRecords()

    class Meta:
        # The table Django made for the plain many-to-many this replaced.
        db_table = "board_board_users"
        unique_together = [("board", "user")]
        verbose_name = "board access"
        verbose_name_plural = "board access"

    def __str__(self) -> str:
        return f"{self.user} may see {self.board}"


def start_year_of(day: datetime.date) -> int:
    """The calendar year in which the reporting year holding `day` starts."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


class ReportingYearQuerySet(models.QuerySet["ReportingYear"]):
    def containing(self, day: datetime.date) -> ReportingYear | None:
        return self.filter(start__lte=day, end__gte=day).first()

    def for_date(self, day: datetime.date) -> ReportingYear:
        """The reporting year holding `day`, created if it is new: a year
        exists for any date people enter, not only those the fixtures name."""
        return ReportingYear.for_start_year(start_year_of(day))


class ReportingYear(CleanTextModel):
    """April to March, labelled "2016-17"."""

    label = models.CharField(max_length=7, unique=True)
    start = models.DateField()
    end = models.DateField()

    objects = NaturalKeyManager.from_queryset(ReportingYearQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.start is None:
            return
        if (self.start.month, self.start.day) != (4, 1):
            raise ValidationError({"start": "A reporting year starts on 1 April."})
        expected_end = datetime.date(self.start.year + 1, 3, 31)
        if self.end != expected_end:
            raise ValidationError({"end": f"A year starting {self.start} ends on {expected_end}."})
        expected_label = year_label(self.start.year)
        if self.label != expected_label:
            raise ValidationError({"label": f"This year is labelled {expected_label}."})

    @classmethod
    def span(cls, year: int) -> ReportingYear:
        """The reporting year starting in April of `year`, unsaved: what pages
        read for a year nobody has entered anything in yet."""
        return cls(
            label=year_label(year),
            start=datetime.date(year, 4, 1),
            end=datetime.date(year + 1, 3, 31),
        )

    @classmethod
    def span_of(cls, day: datetime.date) -> ReportingYear:
        """The (unsaved) reporting year holding `day`."""
        return cls.span(start_year_of(day))

    @classmethod
    def for_start_year(cls, year: int) -> ReportingYear:
        """The reporting year that starts in April of `year`, created if new."""
        span = cls.span(year)
        obj, _ = cls.objects.get_or_create(
            label=span.label, defaults={"start": span.start, "end": span.end}
        )
        return obj

    @property
    def previous_label(self) -> str:
        return year_label(self.start.year - 1)

    def natural_key(self) -> tuple[str]:
        return (self.label,)

    @classmethod
    def get_by_natural_key(cls, label: str) -> ReportingYear:
        return cls.objects.get(label=label)


def agency_name_key(name: str) -> str:
    """An agency's name as two agencies may not share it: "Luton Borough
    Council", "luton borough council" and "Luton  Borough Council " are one
    agency, so a second is refused and the existing one offered instead."""
    return " ".join(name.split()).casefold()


class Agency(CleanTextModel):
    class Sector(models.TextChoices):
        LOCAL_AUTHORITY = "local-authority", "Local authority"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        PROBATION = "probation", "Probation and youth justice"
        COURTS = "courts", "Courts and family justice"
        VOLUNTARY = "voluntary", "Voluntary and community"
        PARTNERSHIP = "partnership", "Safeguarding partnership"
        COMMUNITY = "community", "Lay and community"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    #: The name as no two agencies may share it (agency_name_key), kept from
    #: the name whenever the agency is validated or saved. Empty only for an
    #: agency whose name another already had when the rule came in
    #: (migration board 0018 names them), until an Admin renames or merges it.
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    short_name = models.CharField(max_length=40, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)

    objects = NaturalKeyManager()
    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                condition=~models.Q(name_key=""),
                name="board_agency_name_unique",
                violation_error_message=(
                    "Another agency already has this name (case and spacing do not count)."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def normalise_text(self) -> None:
        super().normalise_text()
        self.name_key = agency_name_key(self.name or "")

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def get_by_natural_key(cls, slug: str) -> Agency:
        return cls.objects.get(slug=slug)


class BoardAgency(models.Model):
    """An agency on a board's own list of partner agencies: what the board's
    forms offer (a seat's agency, a contribution's, an audit's, a course's
    delegates, a recommendation's). Agencies are shared by every board, so
    without this list each form offered every agency in Assure: 3,300 at
    national volume, read whole and rendered on every request. The services
    that name an agency on a board put it on the list; a business manager
    brings in another from the agencies page (docs/adr/0021)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="agency_links")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="board_links")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "partner agency"
        verbose_name_plural = "partner agencies"
        constraints = [
            # Also the index a board's list is read by (board first).
            models.UniqueConstraint(fields=["board", "agency"], name="board_agency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} (a partner of {self.board})"


class Group(CleanTextModel):
    """A board, executive, sub-group or task-and-finish group. A pan-area group
    (the Pan-Bedfordshire CDOP, say) serves several boards at once."""

    class Kind(models.TextChoices):
        STRATEGIC_BOARD = "strategic-board", "Strategic board"
        EXECUTIVE = "executive", "Executive"
        SUB_GROUP = "sub-group", "Sub-group"
        TASK_AND_FINISH = "task-and-finish", "Task and finish group"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, blank=True, help_text="For example S&AG, MAAG.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    boards = models.ManyToManyField(Board, related_name="groups")
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="sub_groups"
    )
    purpose = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords(m2m_fields=[boards])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A group reports up a chain that ends: not to itself, and not to one
        of its own sub-groups (which would make the chain a loop)."""
        parent = self.reports_to
        seen: set[int] = set()
        while parent is not None and parent.pk not in seen:
            if parent is self or (self.pk is not None and parent.pk == self.pk):
                if parent is self.reports_to:
                    raise ValidationError({"reports_to": "A group cannot report to itself."})
                raise ValidationError(
                    {
                        "reports_to": f"{self.reports_to} reports to this group, directly or "
                        "through other groups, so this group cannot report to it."
                    }
                )
            seen.add(parent.pk)
            parent = parent.reports_to

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def get_by_natural_key(cls, slug: str) -> Group:
        return cls.objects.get(slug=slug)


class MainGroup(CleanTextModel):
    """The group a board counts as its own strategic board: where its
    meetings page opens and whose last meeting is "the last meeting" on the
    chair's dashboard. A mark on the board-group pair, since a group may
    serve several boards and be the main one of only some of them."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "main group"
        constraints = [
            models.UniqueConstraint(
                fields=["board"],
                name="maingroup_one_per_board",
                violation_error_message="This board already has a main group.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} is the main group of {self.board}"

    def clean(self) -> None:
        if (
            self.board_id
            and self.group_id
            and not self.group.boards.filter(pk=self.board_id).exists()
        ):
            raise ValidationError(
                {
                    "group": f"{self.group} does not serve {self.board}, so it cannot be its "
                    "main group."
                }
            )

    def natural_key(self) -> tuple[str]:
        return (self.board.slug,)

    natural_key.dependencies = ["board.board", "board.group"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str) -> MainGroup:
        return cls.objects.get(board__slug=board)


class Member(CleanTextModel):
    """A seat at the table: a person (or an agency's seat when the report names
    no person) in a role, for a board, from one date to another."""

    class Role(models.TextChoices):
        INDEPENDENT_CHAIR = "independent-chair", "Independent chair"
        INDEPENDENT_SCRUTINEER = "independent-scrutineer", "Independent scrutineer"
        BUSINESS_MANAGER = "business-manager", "Business manager"
        LAY_MEMBER = "lay-member", "Lay member"
        STATUTORY_PARTNER = "statutory-partner", "Statutory partner"
        AGENCY_REPRESENTATIVE = "agency-representative", "Agency representative"
        ADVISER = "adviser", "Adviser"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    person = models.CharField(max_length=120, blank=True, help_text="Blank for an agency's seat.")
    position = models.CharField(max_length=200, blank=True, help_text="Job title as published.")
    role = models.CharField(max_length=30, choices=Role.choices)
    groups = models.ManyToManyField(Group, related_name="members", blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(
        null=True, blank=True, help_text="The last day the seat is held (it is held that day)."
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text="The seat that took this one over; naming it ends this seat.",
    )
    first_recorded = models.ForeignKey(
        ReportingYear,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The first reporting year a source shows this seat held, when it gives no "
        "start date.",
    )
    last_recorded = models.ForeignKey(
        ReportingYear,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The last reporting year a source shows this seat held. A seat from a past "
        "report with no end date is known to be held only until then.",
    )
    last_recorded_in = models.ForeignKey(
        SourceDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The source that last records this seat.",
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords(m2m_fields=[groups])

    class Meta:
        ordering = ["board", "agency__name", "position", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "agency", "position", "person"],
                condition=models.Q(agency__isnull=False),
                name="member_unique_agency_seat",
                violation_error_message="This board already has that seat for that agency.",
            ),
            models.UniqueConstraint(
                fields=["board", "position", "person"],
                condition=models.Q(agency__isnull=True),
                name="member_unique_seat",
                violation_error_message="This board already has that seat.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The row label used in attendance tables: agency, then position."""
        agency = (self.agency.short_name or self.agency.name) if self.agency is not None else ""
        parts = [part for part in (agency, self.position) if part]
        label = " - ".join(parts) or self.person
        return f"{label} ({self.person})" if self.person and parts else label

    def clean(self) -> None:
        """A seat's own dates and records agree with one another; the rules
        live here so the fixtures, the admin and the services all keep them
        (board.terms reads them)."""
        if not (self.agency_id or self.position or self.person):
            raise ValidationError("A member needs a person, a position or an agency.")
        errors: dict[str, str] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = "The end date is before the start date."
        first, last = self.first_recorded, self.last_recorded
        if first is not None and last is not None and last.start < first.start:
            errors["last_recorded"] = (
                f"The last year recorded ({last}) is before the first ({first})."
            )
        if self.last_recorded_in_id and last is None:
            errors["last_recorded"] = "Give the year the source last records this seat in."
        if self.start and last is not None and self.start > last.end:
            errors["last_recorded"] = (
                f"The seat starts on {self.start:%-d %B %Y}, after {last} ends."
            )
        recorded = first or last
        if self.end and recorded is not None and self.end < recorded.start:
            errors["end"] = f"The seat ends on {self.end:%-d %B %Y}, before {recorded} starts."
        errors.update(self._successor_problems())
        if errors:
            raise ValidationError(errors)

    def _successor_problems(self) -> dict[str, str]:
        successor = self.successor
        if successor is None:
            return {}
        if successor is self or (self.pk is not None and successor.pk == self.pk):
            return {"successor": "A seat cannot succeed itself."}
        if successor.board_id != self.board_id:
            return {"successor": f"{successor} is a seat of another board."}
        if self.end is None and self.last_recorded_id is None:
            return {
                "successor": "A seat that was taken over needs the day it ended or the last "
                "year a source records it."
            }
        # Along the chain as saved (an instance in hand may be out of date).
        seen = {self.pk}
        following: int | None = successor.pk
        while following is not None:
            if following in seen:
                return {
                    "successor": f"{self.successor} is succeeded by this seat, directly or "
                    "through others, so it cannot succeed it."
                }
            seen.add(following)
            following = (
                Member.objects.filter(pk=following).values_list("successor_id", flat=True).first()
            )
        return {}

    def natural_key(self) -> tuple[str, str, str, str]:
        agency = self.agency.slug if self.agency is not None else ""
        return (self.board.slug, agency, self.position, self.person)

    natural_key.dependencies = ["board.board", "board.agency"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, agency: str, position: str, person: str) -> Member:
        lookup = {"agency__slug": agency} if agency else {"agency__isnull": True}
        return cls.objects.get(board__slug=board, position=position, person=person, **lookup)


class Meeting(CleanTextModel):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["group", "date"], name="meeting_unique_group_date")
        ]

    def __str__(self) -> str:
        return f"{self.group} on {self.date:%-d %B %Y}"

    def natural_key(self) -> tuple[str, str]:
        return (self.group.slug, self.date.isoformat())

    natural_key.dependencies = ["board.group"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, group: str, date: str) -> Meeting:
        return cls.objects.get(group__slug=group, date=date)


class DefaultMark(models.TextChoices):
    """The keys of the default attendance key: the marks every board had
    before it could define its own, and what a board uses until it does."""

    ATTENDED = "attended", "Attended"
    DEPUTY = "deputy", "Deputy attended"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"
    NOT_APPLICABLE = "not-applicable", "Not yet a member"


#: The default key, in order: (key, code, words, counts as present, counts
#: towards the percentage). The codes are those of the published appendices.
DEFAULT_KEY: tuple[tuple[str, str, str, bool, bool], ...] = (
    (DefaultMark.ATTENDED, "1", "Attended", True, True),
    (DefaultMark.DEPUTY, "D", "Deputy attended", True, True),
    (DefaultMark.APOLOGIES, "A", "Apologies", False, True),
    (DefaultMark.ABSENT, "0", "Absent", False, True),
    (DefaultMark.NOT_APPLICABLE, "n/a", "Not yet a member", False, False),
)


class AttendanceMark(CleanTextModel):
    """One mark of a board's attendance key: the code a cell of the matrix
    shows, the words it stands for, whether the seat counts as present, and
    whether the meeting counts towards the seat's percentage at all.

    An attendance holds the mark's `key`, which never changes, so the code
    and words can be reworded without touching a single attendance. A board
    with no marks of its own uses the default key (`DEFAULT_KEY`); the
    first change the business manager makes gives it its own copy. A mark
    in use is retired rather than deleted, so past meetings keep their marks.
    """

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="attendance_marks")
    key = models.SlugField(max_length=40, help_text="What attendances hold; never changes.")
    code = models.CharField(max_length=8, help_text='What a cell of the matrix shows, e.g. "MA".')
    words = models.CharField(max_length=60, help_text='What it means, e.g. "Member attended".')
    present = models.BooleanField(
        "counts as present", help_text="The seat was represented at the meeting."
    )
    counted = models.BooleanField(
        "counts towards the percentage",
        help_text="The meeting counts as one the seat could attend.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(
        default=False, help_text="Kept for the meetings that used it; not offered any more."
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["board", "key"], name="attendancemark_unique_key"),
            models.UniqueConstraint(fields=["board", "code"], name="attendancemark_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.words}"

    @property
    def counts_as_attended(self) -> bool:
        """Whether the mark adds to the seat's meetings attended: present at
        a meeting that counts."""
        return self.present and self.counted

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.key)

    natural_key.dependencies = ["board.board"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, key: str) -> AttendanceMark:
        return cls.objects.get(board__slug=board, key=key)

    @classmethod
    def default_key(cls, board: Board | None = None) -> list[AttendanceMark]:
        """The default key as unsaved marks (of `board`, if given)."""
        return [
            cls(
                board=board,
                key=key,
                code=code,
                words=words,
                present=present,
                counted=counted,
                position=i,
            )
            for i, (key, code, words, present, counted) in enumerate(DEFAULT_KEY, start=1)
        ]

    @classmethod
    def keys_of(cls, board_ids: Iterable[int]) -> dict[int, list[AttendanceMark]]:
        """Each board's key, in order, in one query: its own marks, or the
        default key for a board that has none yet."""
        ids = set(board_ids)
        found: dict[int, list[AttendanceMark]] = {}
        for mark in cls.objects.filter(board_id__in=ids).order_by("position", "pk"):
            found.setdefault(mark.board_id, []).append(mark)
        for board_id in ids - set(found):
            found[board_id] = cls.default_key()
            for default in found[board_id]:
                default.board_id = board_id
        return found


class Attendance(CleanTextModel):
    """A seat's mark at a meeting, in the key of the seat's board."""

    #: The default key's marks, by key (what boards used before keys of their own).
    Status = DefaultMark

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(
        "mark", max_length=40, help_text="The key of a mark in the seat's board's attendance key."
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="attendance_unique_meeting_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.status}"

    def clean(self) -> None:
        if self.meeting_id and self.member_id:
            boards = self.meeting.group.boards.all()
            if self.member.board not in boards:
                raise ValidationError(
                    {"member": f"{self.member} is not on a board that {self.meeting.group} serves."}
                )
        if self.member_id:
            key = AttendanceMark.keys_of([self.member.board_id])[self.member.board_id]
            if self.status not in {mark.key for mark in key}:
                codes = ", ".join(f"{m.code} ({m.words})" for m in key if not m.retired)
                raise ValidationError(
                    {"status": f"{self.status!r} is not a mark of the board's key: {codes}."}
                )

    def natural_key(self) -> tuple[str, ...]:
        return self.meeting.natural_key() + self.member.natural_key()

    natural_key.dependencies = ["board.meeting", "board.member"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, *key: str) -> Attendance:
        meeting = Meeting.get_by_natural_key(*key[:2])
        member = Member.get_by_natural_key(*key[2:])
        return cls.objects.get(meeting=meeting, member=member)


class Contribution(CleanTextModel):
    """A partner's contribution to the board's budget for a reporting year,
    under the label the published report gives it."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="contributions")
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="contributions"
    )
    label = models.CharField(max_length=200, help_text="The contributor as the report names it.")
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "year", "-amount"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "year", "label"], name="contribution_unique_label"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.year}: £{self.amount:,.2f}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.board.slug, self.year.label, self.label)

    natural_key.dependencies = ["board.board", "board.reportingyear"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, year: str, label: str) -> Contribution:
        return cls.objects.get(board__slug=board, year__label=year, label=label)


class PublishedTotal(CleanTextModel):
    """The budget total a published report states, kept beside the lines so a
    report whose lines do not add up to its own total shows the difference
    instead of hiding it."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="published_totals")
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "year"], name="publishedtotal_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.year}: £{self.amount:,.2f} as published"

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.year.label)

    natural_key.dependencies = ["board.board", "board.reportingyear"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, year: str) -> PublishedTotal:
        return cls.objects.get(board__slug=board, year__label=year)


class Risk(CleanTextModel):
    """An entry in the board's risk log, scored likelihood x impact (1-5 each)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MONITORING = "monitoring", "Monitoring"
        CLOSED = "closed", "Closed"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="risks")
    ref = models.CharField(
        max_length=20,
        verbose_name="reference",
        validators=[validate_ref],
        help_text=f"For example R12. Use only {REF_CHARACTERS}.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    owner = models.CharField(max_length=120)
    likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (rare) to 5 (almost certain).",
    )
    impact = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (minor) to 5 (severe).",
    )
    mitigations = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    review_date = models.DateField(help_text="When the board next reviews this risk.")
    updated = models.DateTimeField(auto_now=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "ref"]
        constraints = [models.UniqueConstraint(fields=["board", "ref"], name="risk_unique_ref")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("board:risk", kwargs={"board": self.board.slug, "ref": self.ref})

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        """High (15 or more), medium (8 to 14) or low, as the usual 5x5 matrix bands."""
        if self.score >= 15:
            return "High"
        if self.score >= 8:
            return "Medium"
        return "Low"

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.ref)

    natural_key.dependencies = ["board.board"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, ref: str) -> Risk:
        return cls.objects.get(board__slug=board, ref=ref)


class ImportMapping(CleanTextModel):
    """How a board's own spreadsheets of one kind (its action tracker, its
    list of seats, its attendance record) were last mapped to Assure's
    fields: each heading's field, each word's value and the options chosen.
    The next file of that kind starts from it, so a monthly tracker is
    mapped once. Saved with the import it was used for, never on its own."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="import_mappings")
    kind = models.SlugField(max_length=40, help_text="Which importer it is for.")
    columns = models.JSONField(
        default=dict, blank=True, help_text="Field by heading (letters and digits)."
    )
    words = models.JSONField(default=dict, blank=True, help_text="For each field, a value by word.")
    options = models.JSONField(
        default=dict, blank=True, help_text="The options chosen on the mapping page."
    )
    saved_at = models.DateTimeField(auto_now=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "kind"], name="importmapping_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.board}'s mapping for {self.kind}"
