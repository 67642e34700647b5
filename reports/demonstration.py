"""The demonstration board: a synthetic partnership, generated relative to a
day, so that whoever opens Assure on their own machine sees a board as it
would look on that day (a current business plan, red and overdue actions, a
rapid review due this week, this year's training and scorecard, last year's
annual report in draft) rather than only the past reports of 2016.

Every record says it is synthetic: the board's name says Demonstration, the
board is marked `synthetic_as_of` (its pages carry a banner saying so), and
each record's notes, names or commentary say "synthetic". It is made only
with DEBUG on, so no production Assure ever holds it.

It is rebuilt, not moved forward: on a day after the one it was made for,
everything under the board is removed and generated again for the new day;
on the same day nothing changes. Moving it forward record by record would
need a rule for every kind of record (which meetings to add, which
assessments to shift) for data that is synthetic anyway, and would drift
from what a fresh demonstration shows. The board itself (and so who may see
it) is kept. Nothing outside it is touched: its agencies and groups are its
own. Why: docs/adr/0013-the-demonstration-board-is-rebuilt.md.

Everything is written through the apps' services, as a business manager's
edits would be, so the demonstration obeys every rule a real board does.
The benchmarks' generator (bench/synthetic.py) shares the synthetic pieces
below (the narrative, the training figures).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from audits import services as audit_services
from audits.models import Audit, FindingKind
from board import services as board_services
from board.models import (
    Agency,
    Attendance,
    Board,
    BoardAccess,
    Contribution,
    Group,
    Member,
    ReportingYear,
    Risk,
    SourceDocument,
    start_year_of,
)
from indicators import services as indicator_services
from indicators.models import Comparator, Indicator, PeriodKind, Polarity
from priorities import services as plan_services
from priorities.models import Action, ActionPlan, EvidenceType, Priority, Rating
from reports import services as report_services
from reports.models import AnnualReport
from reviews import clock
from reviews import services as review_services
from reviews.models import CaseReview, ReadRecord, StepKind
from training import services as training_services
from training.models import Mode

SLUG = "demonstration"
NAME = "Demonstration Safeguarding Children Partnership"
#: What every record of the demonstration says about itself.
SYNTHETIC = "Synthetic demonstration data, not a real partnership's record."
#: The fixed seed: the same day always gives the same demonstration.
SEED = 2026

#: A paragraph of synthetic narrative, about as long as a real report's.
NARRATIVE = (
    "Synthetic narrative for demonstrations and benchmarks only (synthetic): what the "
    "partnership did this year, what changed for children and families because of it, and "
    "how the board knows. "
) * 5


#: What a rebuild keeps of the demonstration board besides the board itself.
KEPT = (BoardAccess, ReadRecord)


class DemonstrationRefused(Exception):
    """The demonstration board cannot be made here; the message says why."""


@dataclass(frozen=True)
class Outcome:
    board: Board
    made: bool  # False when it was already made for that day
    removed_from: datetime.date | None  # the day of the demonstration it replaced


def synthetic_training_values(rng: random.Random, *, scale: int = 1) -> dict[str, Any]:
    """One period's training figures for one delivery mode, invented within
    the model's rules (attended no more than booked, nor booked than places, passed no more than
    completed, no more completed than registered)."""
    places = rng.randint(20, 200) * scale
    registered = rng.randint(50, 3000) * scale
    completed = rng.randint(0, registered)
    booked = rng.randint(0, places)
    return {
        "courses_delivered": rng.randint(1, 40) * scale,
        "places_offered": places,
        "delegates_booked": booked,
        "delegates_attended": rng.randint(0, booked),
        "learners_registered": registered,
        "learners_completed": completed,
        "learners_passed": rng.randint(0, completed),
        "satisfaction_pct": Decimal(rng.randint(60, 100)),
    }


def write_synthetic_narrative(report: AnnualReport, *, paragraphs: int = 12) -> None:
    """Every narrative section of `report` written with synthetic text of a
    real report's length: `paragraphs` paragraphs each, a heading and a short
    list every fourth one. Saved through the reports service, as a business
    manager's would be."""
    parts = []
    for number in range(paragraphs):
        if number % 4 == 0:
            parts.append(f"### Synthetic heading {number // 4 + 1} (synthetic)")
        parts.append(NARRATIVE)
        if number % 4 == 3:
            parts.append("- A synthetic point (synthetic)\n- Another synthetic point (synthetic)")
    body = "\n\n".join(parts)
    for section in report.sections.all():
        if section.is_narrative:
            report_services.section_save(section=section, body=body)


# The board ---------------------------------------------------------------------------


def demonstration_refusal() -> str | None:
    """Why the demonstration cannot be made here, or None."""
    if not settings.DEBUG:
        return (
            "The demonstration board is only for trying Assure on your own machine: DEBUG is "
            "off, so this Assure may hold real boards, and synthetic records have no place "
            "beside them."
        )
    return None


@transaction.atomic
def demonstration_board_make(*, today: datetime.date) -> Outcome:
    """The demonstration board as of `today`: made if there is none, left as
    it is if it was made for `today`, rebuilt if it was made for another day.
    Refused (DemonstrationRefused) unless DEBUG is on, and when a real board
    already has its address or name."""
    refusal = demonstration_refusal()
    if refusal:
        raise DemonstrationRefused(refusal)
    board = Board.objects.select_for_update().filter(slug=SLUG).first()
    clash = Board.objects.filter(name=NAME).exclude(slug=SLUG).exists()
    if clash or (board is not None and not board.is_synthetic):
        raise DemonstrationRefused(
            f"A board that is not synthetic already has the address {SLUG!r} or the name "
            f"{NAME!r}: the demonstration never replaces a real board."
        )
    if board is not None and board.synthetic_as_of == today:
        return Outcome(board=board, made=False, removed_from=None)
    removed_from = board.synthetic_as_of if board is not None else None
    if board is None:
        board = Board(
            slug=SLUG,
            name=NAME,
            short_name="DSCP",
            area="Demonstration area (synthetic)",
            kind=Board.Kind.PARTNERSHIP,
        )
    else:
        _clear(board)
    board.synthetic_as_of = today
    board.full_clean()
    board.save()
    _Builder(board=board, today=today).build()
    return Outcome(board=board, made=True, removed_from=removed_from)


def _clear(board: Board) -> None:
    """Remove every record under the demonstration board, and its own groups
    and agencies, keeping the board itself, who may see it and who read its
    reviews (read records are never removed but by pruning). Actions go
    first (a priority may not be removed while an action names it). A
    demonstration report is never published (report_publish_problems
    refuses it), so no frozen snapshot stands in the way."""
    Action.objects.filter(plan__board=board).delete()
    Group.objects.filter(slug__startswith=f"{SLUG}-", boards=board).delete()
    # Hidden relations too: many records point at their board without a
    # reverse name (related_name="+").
    for relation in Board._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.one_to_many):
            continue
        model = relation.related_model
        if model is None or model in KEPT or model.__name__.startswith("Historical"):
            continue
        model._base_manager.filter(**{relation.field.name: board}).delete()  # type: ignore[union-attr]
    Agency.objects.filter(slug__startswith=f"{SLUG}-", members__isnull=True).delete()


# What the board holds ------------------------------------------------------------------

#: The board's agencies: slug, name, sector.
AGENCIES = [
    ("council", "Demonstration Council (synthetic)", "local-authority"),
    ("police", "Demonstration Police (synthetic)", "police"),
    ("icb", "Demonstration Integrated Care Board (synthetic)", "health"),
    ("schools", "Demonstration schools (synthetic)", "education"),
    ("probation", "Demonstration Probation Service (synthetic)", "probation"),
    ("voluntary", "Demonstration voluntary sector forum (synthetic)", "voluntary"),
]

#: Seats: person, position, role, agency (or None), on the executive too.
#: The business manager's seat changed hands five months ago (SUCCESSOR).
SEATS = [
    ("Alex Morgan", "Independent chair", "independent-chair", None, True),
    ("Jamie Fox", "Business manager", "business-manager", None, True),
    ("Jo Richards", "Director of Children's Services", "statutory-partner", "council", True),
    ("Chris Okafor", "Detective Superintendent", "statutory-partner", "police", True),
    ("Priya Shah", "Designated nurse for safeguarding", "statutory-partner", "icb", True),
    ("Lee Walker", "Head teacher representative", "agency-representative", "schools", False),
    ("Ruth Evans", "Head of probation delivery", "agency-representative", "probation", False),
    ("Dan Hughes", "Voluntary sector lead", "agency-representative", "voluntary", False),
    ("Morgan Lee", "Lay member", "lay-member", None, False),
]

#: The business plan's actions. Ratings are (process, impact); `history` is
#: the four quarterly assessments before the latest, oldest first (those
#: older than the latest are recorded); `latest` is (days ago, process,
#: impact), or None for an action not yet assessed. Each is chosen so the
#: dashboard has a reason to list it, or none.
ACTIONS: list[dict[str, Any]] = [
    {
        "priority": 1,
        "ref": "1a",
        "description": "Publish a multi-agency neglect strategy with the voice of families in it",
        "due": 60,
        "history": [("GREY", "GREY"), ("GREEN", "GREY"), ("GREEN", "AMBER"), ("AMBER", "AMBER")],
        "latest": (10, "RED", "AMBER"),
        "why": "The strategy's consultation closed without responses from two partners.",
    },
    {
        "priority": 1,
        "ref": "1b",
        "description": "Roll out the graded care profile to every early help team",
        "due": 120,
        "history": [("GREY", "GREY"), ("GREEN", "GREY"), ("AMBER", "GREY"), ("AMBER", "GREY")],
        "latest": (40, "AMBER", "GREY"),
        "why": "Two of five teams trained; the rest are booked.",
    },
    {
        "priority": 1,
        "ref": "1c",
        "description": "Train practitioners in recognising neglect in adolescents",
        "due": -20,
        "history": [("GREEN", "GREY"), ("GREEN", "GREY"), ("GREEN", "AMBER"), ("GREEN", "AMBER")],
        "latest": (30, "GREEN", "AMBER"),
        "why": "Courses run, but the follow-up audit shows little change in practice yet.",
    },
    {
        "priority": 2,
        "ref": "2a",
        "description": "Offer every child who returns from missing an interview within 72 hours",
        "due": -45,
        "history": [("AMBER", "GREY"), ("AMBER", "AMBER"), ("GREEN", "AMBER"), ("GREEN", "GREEN")],
        "latest": (50, "GREEN", "GREEN"),
        "why": "Interviews offered to 92% of children in the quarter.",
    },
    {
        "priority": 2,
        "ref": "2b",
        "description": "Agree one child exploitation screening tool for every agency",
        "due": 200,
        "history": [("GREY", "GREY"), ("GREEN", "GREY"), ("GREEN", "GREEN"), None],
        "latest": (130, "GREEN", "GREEN"),
        "why": "Tool agreed by the executive; agencies adopting it.",
    },
    {
        "priority": 2,
        "ref": "2c",
        "description": "Open a multi-agency exploitation hub",
        "due": -90,
        "history": [("GREEN", "AMBER"), ("GREEN", "GREEN"), ("BLUE", "GREEN"), None],
        "latest": (60, "BLUE", "BLUE"),
        "why": "The hub is open and reviewed; action completed.",
    },
    {
        "priority": 3,
        "ref": "3a",
        "description": "Hear children's views in every child protection conference",
        "due": 90,
        "history": [("AMBER", "GREY"), ("AMBER", "AMBER"), ("GREEN", "AMBER"), ("GREEN", "GREEN")],
        "latest": (5, "GREEN", "GREEN"),
        "why": "Advocates attended 88% of conferences.",
    },
    {
        "priority": 3,
        "ref": "3b",
        "description": "Complete early help assessments within 30 working days",
        "due": 30,
        "history": [("GREEN", "GREY"), ("GREEN", "AMBER"), ("GREEN", "AMBER"), ("GREEN", "AMBER")],
        "latest": (12, "AMBER", "AMBER"),
        "why": "Timeliness fell to 61% after a rise in requests.",
    },
    {
        "priority": 3,
        "ref": "3c",
        "description": "Plan the move to adult services with every care leaver at 16",
        "due": 150,
        "history": [None, None, None, None],
        "latest": None,
        "why": "",
    },
]

#: Who took over the business manager's seat, and how many days ago.
SUCCESSOR = ("Sam Patel", 150)

PRIORITIES = {
    1: "Neglect: children are seen, heard and helped early",
    2: "Exploitation: children are safe from criminal and sexual exploitation",
    3: "The voice of the child shapes the help children get",
}

#: Indicators: code, name, unit, polarity, priority, target, tolerance,
#: values oldest to this year, England, neighbours (both for each year).
INDICATORS: list[tuple[Any, ...]] = [
    (
        "referrals-rate",
        "Referrals to children's social care per 10,000 children",
        "rate",
        Polarity.NEITHER,
        1,
        None,
        None,
        [512, 498, 530, 541],
        [544, 538, 549],
        [560, 551, 547],
    ),
    (
        "re-referrals",
        "Re-referrals within 12 months",
        "percentage",
        Polarity.LOWER,
        1,
        20,
        2,
        [21.4, 19.8, 22.6, 24.1],
        [21.5, 22.4, 22.1],
        [20.9, 21.7, 22.0],
    ),
    (
        "assessments-in-time",
        "Assessments completed within 45 working days",
        "percentage",
        Polarity.HIGHER,
        1,
        85,
        5,
        [83.1, 86.4, 84.0, 78.2],
        [84.3, 82.5, 83.7],
        [85.2, 84.9, 85.6],
    ),
    (
        "return-interviews",
        "Return interviews within 72 hours",
        "percentage",
        Polarity.HIGHER,
        2,
        90,
        5,
        [71.0, 80.5, 88.2, 92.0],
        [None, None, None],
        [78.0, 81.5, 84.0],
    ),
    (
        "cp-plans-second",
        "Child protection plans starting for a second or later time",
        "percentage",
        Polarity.LOWER,
        3,
        20,
        3,
        [19.2, 23.4, 21.0, 25.5],
        [23.3, 23.6, 23.8],
        [22.1, 22.8, 23.0],
    ),
    (
        "advocacy",
        "Children with an advocate at their conference",
        "percentage",
        Polarity.HIGHER,
        3,
        80,
        5,
        [55.0, 64.0, 79.5, 88.0],
        [None, None, None],
        [None, None, None],
    ),
]


class _Builder:
    """Builds one demonstration for one day. Random figures come from a
    fixed seed, so the same day gives the same board."""

    def __init__(self, *, board: Board, today: datetime.date) -> None:
        self.board = board
        self.today = today
        self.rng = random.Random(SEED)
        self.this_year = ReportingYear.for_start_year(start_year_of(today))
        self.last_year = ReportingYear.for_start_year(self.this_year.start.year - 1)
        self.agencies: dict[str, Agency] = {}
        self.seats: list[Member] = []

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def build(self) -> None:
        self._source()
        self._agencies()
        groups = self._groups()
        self._seats(groups)
        self._meetings(groups)
        plan = self._business_plan(groups)
        self._reviews()
        self._audit()
        self._training()
        self._scorecard(plan)
        self._budget()
        self._report()

    def _source(self) -> None:
        self.source, _ = SourceDocument.objects.get_or_create(
            key="demonstration-synthetic",
            defaults={
                "title": "Demonstration data generated by Assure (synthetic)",
                "publisher": "Assure (synthetic)",
                "notes": SYNTHETIC,
            },
        )

    def _agencies(self) -> None:
        for slug, name, sector in AGENCIES:
            agency = Agency.objects.filter(slug=f"{SLUG}-{slug}").first() or Agency(
                slug=f"{SLUG}-{slug}"
            )
            agency.name, agency.sector = name, sector
            self.agencies[slug] = board_services.agency_save(agency=agency)

    def _groups(self) -> dict[str, Group]:
        groups = {}
        for key, name, short, kind in (
            ("board", "Demonstration partnership board (synthetic)", "Board", "strategic-board"),
            ("executive", "Demonstration executive (synthetic)", "Exec", "executive"),
        ):
            group = Group(
                slug=f"{SLUG}-{key}", name=name, short_name=short, kind=kind, purpose=SYNTHETIC
            )
            groups[key] = board_services.group_save(group=group, boards=[self.board])
        board_services.main_group_set(board=self.board, group=groups["board"])
        return groups

    def _seats(self, groups: dict[str, Group]) -> None:
        start = self.ago(3 * 365)
        for person, position, role, agency, executive in SEATS:
            member = Member(
                board=self.board,
                person=f"{person} (synthetic)",
                position=position,
                role=role,
                agency=self.agencies[agency] if agency else None,
                start=start,
                notes=SYNTHETIC,
            )
            sits_on = [groups["board"], *([groups["executive"]] if executive else [])]
            self.seats.append(board_services.member_save(member=member, groups=sits_on))
        person, days = SUCCESSOR
        self.seats.append(
            board_services.member_succeed(
                member=self.seats[1],
                person=f"{person} (synthetic)",
                start=self.ago(days),
                notes=SYNTHETIC,
            )
        )
        for seat in self.seats:
            seat.refresh_from_db()

    def _meetings(self, groups: dict[str, Group]) -> None:
        """The board every two months over the last year, the last three
        weeks ago, and its next one; the executive every quarter."""
        statuses = [Attendance.Status.ATTENDED] * 7 + [
            Attendance.Status.DEPUTY,
            Attendance.Status.APOLOGIES,
            Attendance.Status.ABSENT,
        ]
        plans = [(groups["board"], self.ago(21 + 61 * k)) for k in range(6)]
        plans += [(groups["executive"], self.ago(35 + 91 * k)) for k in range(4)]
        for group, day in plans:
            meeting = board_services.meeting_create(
                group=group, date=day, location="Demonstration town hall", notes=SYNTHETIC
            )
            seats = [
                s
                for s in self.seats
                if group in s.groups.all()
                and (s.start is None or s.start <= day)
                and (s.end is None or s.end >= day)
            ]
            board_services.attendance_record(
                meeting=meeting, marks={s: self.rng.choice(statuses) for s in seats}
            )
        board_services.meeting_create(
            group=groups["board"],
            date=self.today + datetime.timedelta(days=40),
            location="Demonstration town hall",
            notes=SYNTHETIC,
        )

    def _business_plan(self, groups: dict[str, Group]) -> ActionPlan:
        first = self.last_year.start.year
        plan = plan_services.plan_create(
            board=self.board,
            slug="business-plan",
            title=f"Business plan {first}-{str(first + 2)[-2:]} (synthetic)",
            kind=ActionPlan.Kind.BUSINESS_PLAN,
            period=f"{first}-{first + 2}",
            starts_on=self.last_year.start,
            ends_on=self.this_year.end,
            summary=SYNTHETIC,
        )
        priorities = {}
        for number, title in PRIORITIES.items():
            # Priorities have no service of their own (the fixtures and the
            # admin add them): the model's own rules are checked here.
            priority = Priority(plan=plan, number=number, title=title, summary=SYNTHETIC)
            priority.full_clean()
            priority.save()
            priorities[number] = priority
        evidence = list(EvidenceType.objects.all()[:1])
        for spec in ACTIONS:
            action = plan_services.action_create(
                plan=plan,
                ref=spec["ref"],
                priority=priorities[spec["priority"]],
                description=spec["description"],
                due_date=self.today + datetime.timedelta(days=spec["due"]),
                lead=f"{SEATS[2 + spec['priority'] % 3][0]} (synthetic)",
                oversight_group=groups["executive"],
                notes=SYNTHETIC,
            )
            self._history(action, spec, evidence)
        return plan

    def _history(self, action: Action, spec: dict[str, Any], evidence: list[Any]) -> None:
        """The action's quarterly ratings over the last year, then its latest."""
        latest = spec["latest"]
        if latest is None:
            return
        days_ago = latest[0]
        for quarter, ratings in zip((364, 273, 182, 91), spec["history"], strict=True):
            if ratings is not None and quarter > days_ago:
                self._assess(action, self.ago(quarter), ratings, "Quarterly update.", evidence)
        self._assess(action, self.ago(days_ago), latest[1:], spec["why"], evidence)

    def _assess(
        self, action: Action, day: datetime.date, ratings: Any, why: str, evidence: list[Any]
    ) -> None:
        process, impact = ratings
        plan_services.assessment_record(
            action=action,
            process=process,
            impact=impact,
            assessed_on=day,
            recorded_by=None,
            commentary=f"{why} (synthetic)",
            evidence_types=evidence if impact in (Rating.GREEN, Rating.BLUE) else (),
            evidence="Synthetic evidence: quarterly performance report."
            if impact in (Rating.GREEN, Rating.BLUE)
            else "",
        )

    def _rapid_review(self, name: str, notified: datetime.date) -> CaseReview:
        review = review_services.review_save(
            review=CaseReview(
                board=self.board,
                name=name,
                kind=CaseReview.Kind.RAPID,
                year=ReportingYear.objects.for_date(notified),
                summary="A synthetic case for the demonstration (synthetic).",
                notes=SYNTHETIC,
            )
        )
        aware = clock.add_working_days(notified, -2)
        for kind, day in (
            (StepKind.INCIDENT, aware - datetime.timedelta(days=1)),
            (StepKind.AWARE, aware),
            (StepKind.NOTIFICATION, notified),
        ):
            review_services.step_record(review=review, kind=kind, date=day, today=self.today)
        return review

    def _reviews(self) -> None:
        """A rapid review due within the coming week, and one overdue."""
        week = self.today + datetime.timedelta(days=7)
        soon = notified_for_due(self.today, self.today + datetime.timedelta(days=1), week)
        self._rapid_review("Child D (synthetic)", soon)
        late = notified_for_due(self.today, self.ago(14), self.ago(3))
        self._rapid_review("Child E (synthetic)", late)

    def _audit(self) -> None:
        """A multi-agency audit of this year, reported, with two of its
        findings turned into actions of its plan, one of them amber."""
        start = max(self.ago(120), self.this_year.start)
        audit = audit_services.audit_save(
            audit=Audit(
                board=self.board,
                year=self.this_year,
                kind=Audit.Kind.MULTI_AGENCY,
                theme="Neglect in adolescence (synthetic)",
                scope="Twelve synthetic cases of young people aged 13 to 17.",
                start=start,
                end=min(start + datetime.timedelta(days=30), self.today),
                cases_audited=12,
                status=Audit.Status.REPORTED,
                summary=SYNTHETIC,
                notes=SYNTHETIC,
            ),
            agencies=[self.agencies[a] for a in ("council", "police", "icb", "schools")],
        )
        findings = [
            (FindingKind.STRENGTH, "Schools noticed neglect early and shared it (synthetic)."),
            (
                FindingKind.AREA_FOR_DEVELOPMENT,
                "Health visitors were not invited to strategy discussions (synthetic).",
            ),
            (FindingKind.CONCERN, "Chronologies were missing in half the cases (synthetic)."),
        ]
        made = [audit_services.finding_add(audit=audit, kind=k, text=t) for k, t in findings]
        for ref, finding, ratings in (
            ("A1", made[1], ("GREEN", "GREY")),
            ("A2", made[2], ("AMBER", "GREY")),
        ):
            action = audit_services.finding_to_action(
                finding=finding,
                board=self.board,
                ref=ref,
                description=f"Act on the finding: {finding.text}",
                due_date=self.today + datetime.timedelta(days=60),
                notes=SYNTHETIC,
            )
            self._assess(action, self.ago(14), ratings, "Audit action under way.", [])

    def _training(self) -> None:
        """Last year's four quarters, and this year's quarters so far (the
        current one to date)."""
        modes = [Mode.FACE_TO_FACE, Mode.VIRTUAL_CLASSROOM, Mode.E_LEARNING]
        quarters = [(self.last_year, q) for q in range(1, 5)]
        for quarter in range(1, 5):
            starts = _quarter_start(self.this_year, quarter)
            if starts <= self.today:
                quarters.append((self.this_year, quarter))
        for year, quarter in quarters:
            for mode in modes:
                training_services.figures_record(
                    owner=self.board,
                    year=year,
                    quarter=quarter,
                    mode=mode,
                    values=synthetic_training_values(self.rng),
                    notes=SYNTHETIC,
                )

    def _scorecard(self, plan: ActionPlan) -> None:
        """Indicators with this year's value and the three years before, a
        target where one applies, and England and neighbours for the years
        published."""
        priorities = {p.number: p for p in plan.priorities.all()}
        first = self.this_year.start.year - 3
        for position, spec in enumerate(INDICATORS):
            code, name, unit, polarity, priority, target, tolerance, values, eng, nbr = spec
            indicator = indicator_services.indicator_save(
                indicator=Indicator(
                    board=self.board,
                    code=code,
                    name=f"{name} (synthetic)",
                    unit=unit,
                    polarity=polarity,
                    priority=priorities[priority],
                    target=_decimal(target),
                    tolerance=_decimal(tolerance),
                    position=position,
                    notes=SYNTHETIC,
                )
            )
            for k, value in enumerate(values):
                indicator_services.value_record(
                    indicator=indicator,
                    period_kind=PeriodKind.YEAR,
                    period_start=datetime.date(first + k, 4, 1),
                    source=self.source,
                    value=_decimal(value),
                    note=SYNTHETIC,
                )
            for kind, figures in (
                (Comparator.Kind.ENGLAND, eng),
                (Comparator.Kind.NEIGHBOURS, nbr),
            ):
                for k, figure in enumerate(figures):
                    if figure is None:
                        continue
                    indicator_services.comparator_save(
                        comparator=Comparator(
                            indicator=indicator,
                            kind=kind,
                            period_kind=PeriodKind.YEAR,
                            period_start=datetime.date(first + k, 4, 1),
                            value=_decimal(figure),
                            source=self.source,
                            note=SYNTHETIC,
                        )
                    )

    def _budget(self) -> None:
        for year in (self.last_year, self.this_year):
            for slug, amount in (("council", 98000), ("police", 31000), ("icb", 42000)):
                agency = self.agencies[slug]
                board_services.contribution_save(
                    contribution=Contribution(
                        board=self.board,
                        agency=agency,
                        label=agency.name,
                        amount=Decimal(amount + self.rng.randint(0, 40) * 100),
                        notes=SYNTHETIC,
                    ),
                    year=year,
                )
        for ref, title, likelihood, impact in (
            ("R1", "A partner cannot fund its contribution (synthetic)", 3, 4),
            ("R2", "Rapid reviews miss their deadline (synthetic)", 2, 4),
        ):
            board_services.risk_save(
                risk=Risk(
                    ref=ref,
                    title=title,
                    description=SYNTHETIC,
                    owner=f"{SUCCESSOR[0]} (synthetic)",
                    likelihood=likelihood,
                    impact=impact,
                    review_date=self.today + datetime.timedelta(days=60),
                ),
                board=self.board,
            )

    def _report(self) -> None:
        """Last year's annual report, in draft, its narrative written."""
        report = report_services.report_create(board=self.board, year=self.last_year)
        write_synthetic_narrative(report, paragraphs=4)


def notified_for_due(
    today: datetime.date, earliest: datetime.date, latest: datetime.date
) -> datetime.date:
    """The latest working day, today or before, on which a notification to
    the Panel makes its rapid review due (15 working days on) between
    `earliest` and `latest`. Any window of a week holds a working day, even
    over Christmas, so there always is one."""
    day = today
    while True:
        due = clock.add_working_days(day, review_services.RAPID_REVIEW_DAYS)
        if earliest <= due <= latest and clock.is_working_day(day):
            return day
        day -= datetime.timedelta(days=1)


def _quarter_start(year: ReportingYear, quarter: int) -> datetime.date:
    month = 4 + 3 * (quarter - 1)
    return datetime.date(year.start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _decimal(value: float | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))
