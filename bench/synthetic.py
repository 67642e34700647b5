"""Synthetic data for benchmarks, at a multiple of the seeds' volume.

Written in bulk for speed, unlike the demonstration board
(reports/demonstration.py), which goes through the services; the two share
the synthetic narrative and training figures from there.

Everything it makes says it is synthetic: board names, people, labels. None of
it comes from, or may be mistaken for, a real board's records.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from board.models import (
    Agency,
    Attendance,
    Board,
    Contribution,
    Group,
    Meeting,
    Member,
    ReportingYear,
    Risk,
)
from board.services import board_agencies_fill
from priorities.models import Action, ActionPlan, Assessment, Priority, Rating
from reports.demonstration import (  # the pieces the demonstration board shares
    NARRATIVE,
    synthetic_training_values,
    write_synthetic_narrative,
)
from training.models import Mode, TrainingFigures

SEATS_PER_BOARD = 22  # the Bedford Borough appendix has 22 rows
MEETINGS_PER_YEAR = 6
CONTRIBUTIONS = 7
ACTIONS = 41  # the seeds' business plans and Ofsted plans hold 41 actions
ASSESSMENTS_PER_ACTION = 10


@transaction.atomic
def generate(*, scale: int = 10, seed: int = 2016, number: int | None = None) -> Board:
    """One synthetic board with `scale` times the seeds' volume of seats,
    meetings, contributions, risks and actions (each action assessed 10 times).

    `number` tells apart the many boards of the national-volume benchmark
    (bench/national.py): each gets its own slug, name, agencies and group, as
    real partnerships sharing one database would."""
    rng = random.Random(seed if number is None else seed + number)
    tag = f"x{scale}" if number is None else f"x{scale}-{number:03d}"
    year = ReportingYear.for_start_year(2016)
    ReportingYear.for_start_year(2015)
    board, _ = Board.objects.get_or_create(
        slug=f"synthetic-{tag}",
        defaults={
            "name": f"Synthetic Safeguarding Children Board {tag} (synthetic data)",
            "short_name": "SYN",
            "area": "Synthetic area (synthetic data)",
        },
    )
    if board.members.exists():
        return board
    agencies = Agency.objects.bulk_create(
        Agency(
            slug=f"synthetic-agency-{tag}-{i}",
            name=f"Synthetic agency {i} (synthetic)",
            sector="other",
        )
        for i in range(SEATS_PER_BOARD)
    )
    group = Group.objects.create(
        slug=f"synthetic-board-{tag}",
        name="Synthetic strategic board (synthetic)",
        kind="strategic-board",
    )
    group.boards.add(board)
    seats = Member.objects.bulk_create(
        Member(
            board=board,
            agency=agencies[i % len(agencies)],
            position=f"Synthetic seat {i}",
            role="agency-representative",
        )
        for i in range(SEATS_PER_BOARD * scale)
    )
    # Through rows directly: synthetic seats need no membership history.
    Member.groups.through.objects.bulk_create(
        Member.groups.through(member_id=seat.pk, group_id=group.pk) for seat in seats
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(group=group, date=datetime.date(2016, 4, 4) + datetime.timedelta(days=7 * i))
        for i in range(MEETINGS_PER_YEAR)
    )
    # The strategic board's last meeting, a month ago, so the chair's
    # dashboard has changes since it to show.
    Meeting.objects.create(
        group=group,
        date=timezone.localdate() - datetime.timedelta(days=30),
        notes="Synthetic meeting (synthetic data).",
    )
    statuses = ["attended"] * 6 + ["deputy", "apologies", "absent", "not-applicable"]
    Attendance.objects.bulk_create(
        Attendance(meeting=m, member=s, status=rng.choice(statuses))
        for m in meetings
        for s in seats
    )
    for label_year in (year, ReportingYear.objects.get(label="2015-16")):
        Contribution.objects.bulk_create(
            Contribution(
                board=board,
                year=label_year,
                agency=agencies[i % len(agencies)],
                label=f"Synthetic contributor {i} (synthetic)",
                amount=Decimal(rng.randint(500, 150000)),
            )
            for i in range(CONTRIBUTIONS * scale)
        )
    Risk.objects.bulk_create(
        Risk(
            board=board,
            ref=f"S{i}",
            title=f"Synthetic risk {i}",
            description="Synthetic data for benchmarks.",
            owner="Synthetic owner",
            likelihood=rng.randint(1, 5),
            impact=rng.randint(1, 5),
            review_date=datetime.date(2027, 1, 1),
        )
        for i in range(10 * scale)
    )
    # Rows written in bulk, so the board's partner agencies as the services
    # would have listed them.
    board_agencies_fill(boards=[board])
    _plans(board, scale, rng)
    _training(board, scale, rng)
    _indicators(board, scale, rng)
    return board


#: The seeds hold 14 periods of training figures.
TRAINING_PERIODS = 14


def _training(board: Board, scale: int, rng: random.Random) -> None:
    """Quarterly figures for every delivery mode, for as many years back from
    2016-17 as `scale` times the seeds' periods need."""
    modes = list(Mode.values)
    wanted = TRAINING_PERIODS * scale
    rows = []
    start = 2016
    while len(rows) < wanted:
        year = ReportingYear.for_start_year(start)
        for quarter in range(1, 5):
            for mode in modes:
                rows.append(
                    TrainingFigures(
                        board=board,
                        year=year,
                        quarter=quarter,
                        mode=mode,
                        notes="Synthetic data for benchmarks.",
                        **synthetic_training_values(rng),
                    )
                )
        start -= 1
    TrainingFigures.objects.bulk_create(rows[:wanted])


def _plans(board: Board, scale: int, rng: random.Random) -> None:
    today = timezone.localdate()
    plan = ActionPlan.objects.create(
        board=board,
        slug="synthetic-plan",
        title="Synthetic business plan (synthetic data)",
        kind="business-plan",
    )
    priorities = Priority.objects.bulk_create(
        Priority(plan=plan, number=n, title=f"Synthetic priority {n}") for n in range(1, 7)
    )
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            priority=priorities[i % len(priorities)],
            ref=f"{i % 6 + 1}{chr(97 + (i // 6) % 26)}{i // 156 or ''}",
            position=i,
            description=f"Synthetic action {i}",
            lead="Synthetic lead",
            # Due from a month ago to a month ahead: about half are overdue.
            due_date=today + datetime.timedelta(days=i % 60 - 30),
        )
        for i in range(ACTIONS * scale)
    )
    ratings = list(Rating.values)
    # Monthly up to today: each action's latest assessment is 0 to 119 days
    # old, so some are new since the last meeting and some are stale.
    Assessment.objects.bulk_create(
        Assessment(
            action=a,
            assessed_on=today
            - datetime.timedelta(days=30 * (ASSESSMENTS_PER_ACTION - 1 - k) + i % 120),
            process=rng.choice(ratings),
            impact=rng.choice(ratings),
            commentary="Synthetic commentary.",
        )
        for i, a in enumerate(actions)
        for k in range(ASSESSMENTS_PER_ACTION)
    )


#: The seeds' largest scorecard (Bedford Borough 2016-17) has 30 indicators;
#: Luton's longest series run four years.
INDICATORS = 30
INDICATOR_YEARS = 4


def _indicators(board: Board, scale: int, rng: random.Random) -> None:
    """Synthetic indicators for the scorecard: polarities and targets mixed,
    one value in nine suppressed, England and neighbour comparators."""
    from board.models import SourceDocument
    from indicators.models import Comparator, Indicator, IndicatorValue

    source, _ = SourceDocument.objects.get_or_create(
        key="synthetic-statistics",
        defaults={"title": "Synthetic statistics (synthetic data)"},
    )
    plan = ActionPlan.objects.filter(board=board).first()
    priorities = list(Priority.objects.filter(plan=plan)) if plan else []
    polarities = ["higher", "lower", "neither"]
    indicators = Indicator.objects.bulk_create(
        Indicator(
            board=board,
            code=f"synthetic-{i}",
            name=f"Synthetic indicator {i} (synthetic)",
            unit="percentage",
            polarity=polarities[i % 3],
            priority=priorities[i % len(priorities)] if priorities and i % 4 else None,
            target=Decimal(50) if i % 3 != 2 and i % 2 else None,
            tolerance=Decimal(5) if i % 3 != 2 and i % 2 else None,
            position=i,
        )
        for i in range(INDICATORS * scale)
    )
    values = []
    comparators = []
    for ind in indicators:
        for k in range(INDICATOR_YEARS):
            start = datetime.date(2017 + k, 4, 1)
            end = datetime.date(2018 + k, 3, 31)
            suppressed = rng.randrange(9) == 0
            values.append(
                IndicatorValue(
                    indicator=ind,
                    period_start=start,
                    period_end=end,
                    value=None if suppressed else Decimal(rng.randrange(1000)) / 10,
                    marker="c" if suppressed else "",
                    source=source,
                )
            )
            for kind in ("england", "neighbours"):
                comparators.append(
                    Comparator(
                        indicator=ind,
                        kind=kind,
                        period_start=start,
                        period_end=end,
                        value=Decimal(rng.randrange(1000)) / 10,
                        source=source,
                    )
                )
    IndicatorValue.objects.bulk_create(values)
    Comparator.objects.bulk_create(comparators)


__all__ = ["NARRATIVE", "generate", "write_synthetic_narrative"]
