"""The demonstration board: generated relative to the day it is made for,
labelled synthetic, made only with DEBUG on, the same on the same day,
rebuilt on a later one, and never touching a real board."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django.test import Client

from audits.models import Audit, Finding
from board.models import (
    Agency,
    Attendance,
    Board,
    BoardAccess,
    Group,
    MainGroup,
    Meeting,
    Member,
)
from core import roles
from indicators.models import Comparator, Indicator, IndicatorValue
from priorities.models import Action, ActionPlan, Assessment
from reports.dashboard import dashboard
from reports.demonstration import (
    NAME,
    SLUG,
    DemonstrationRefused,
    demonstration_board_make,
    notified_for_due,
)
from reports.models import AnnualReport
from reviews import clock
from reviews.models import CaseReview
from tests.clock import on_day
from tests.factories import BoardFactory, UserFactory
from training.models import TrainingFigures

pytestmark = pytest.mark.django_db

#: A Monday in December: the third quarter of 2026-27 under way.
DAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


def make(day: datetime.date = DAY):
    with on_day(day):
        return demonstration_board_make(today=day)


#: What the dashboard lists, whatever the day the demonstration is made for.
LISTED = {
    "1a": ("worrying",),  # red since the last meeting
    "1b": ("worrying",),  # amber
    "1c": ("worrying", "overdue"),  # amber impact, due 20 days ago
    "2a": ("overdue",),  # green but due 45 days ago
    "2b": ("stale",),  # last assessed 130 days ago
    "3b": ("worrying",),  # amber
    "3c": ("stale",),  # never assessed
    "A2": ("worrying",),  # the audit's amber action
}


def dashboard_on(board: Board, day: datetime.date):
    with on_day(day):
        return dashboard(board=board, today=day, chosen=None, refused=False)


def listed(board: Board, day: datetime.date) -> dict[str, tuple[str, ...]]:
    """Each action the dashboard lists, by ref, with its reasons."""
    rows = {}
    for plan in dashboard_on(board, day).plans:
        for group in plan.priorities:
            for row in group.rows:
                reasons = ("worrying",) * row.worrying + ("overdue",) * row.overdue
                rows[row.ref] = reasons + ("stale",) * row.stale
    return rows


def records() -> dict[tuple[str, object], dict]:
    """Every row of every model, history included, by model and key."""
    rows = {}
    for model in apps.get_models():
        # core's one row is the data version, which every write moves (ADR 0022).
        if model._meta.app_label in {"contenttypes", "sessions", "axes", "core"}:
            continue
        for item in serializers.serialize("python", model._base_manager.all()):
            rows[(item["model"], item["pk"])] = item["fields"]
    return rows


# What it makes -------------------------------------------------------------------------


def test_it_makes_the_board_as_of_the_day():
    outcome = make()
    board = outcome.board
    assert (outcome.made, outcome.removed_from) == (True, None)
    assert (board.slug, board.name, board.synthetic_as_of) == (SLUG, NAME, DAY)
    assert board.is_synthetic


def test_the_dashboard_lists_red_amber_overdue_stale_and_unassessed_actions():
    board = make().board
    assert listed(board, DAY) == LISTED
    ratings = {
        a.action.ref: (a.process, a.impact)
        for a in Assessment.objects.filter(action__plan__board=board).order_by("assessed_on")
    }
    assert ratings["1a"] == ("RED", "AMBER")
    assert ratings["2c"] == ("BLUE", "BLUE")  # completed: not listed


def test_the_business_plan_has_ratings_over_the_last_four_quarters():
    board = make().board
    plan = ActionPlan.objects.get(board=board, kind=ActionPlan.Kind.BUSINESS_PLAN)
    assert plan.title == "Business plan 2025-27 (synthetic)"
    days = sorted(
        Assessment.objects.filter(action__plan=plan, action__ref="1a").values_list(
            "assessed_on", flat=True
        )
    )
    assert days == [
        DAY - datetime.timedelta(days=364),
        DAY - datetime.timedelta(days=273),
        DAY - datetime.timedelta(days=182),
        DAY - datetime.timedelta(days=91),
        DAY - datetime.timedelta(days=10),
    ]
    assert not Assessment.objects.filter(action__plan=plan, assessed_on__gt=DAY).exists()


def test_a_rapid_review_is_due_within_the_coming_week_and_one_is_overdue():
    board = make().board
    deadlines = dashboard_on(board, DAY).deadlines
    assert [(d.review.name, d.step, d.due, d.overdue) for d in deadlines] == [
        ("Child E (synthetic)", "Rapid review", datetime.date(2026, 12, 4), True),
        ("Child D (synthetic)", "Rapid review", datetime.date(2026, 12, 14), False),
    ]
    assert CaseReview.objects.filter(board=board, kind="rapid").count() == 2


def test_meetings_of_the_last_year_have_attendance_and_the_last_was_three_weeks_ago():
    board = make().board
    meetings = Meeting.objects.filter(group__boards=board)
    past = meetings.filter(date__lte=DAY)
    assert past.count() == 10
    assert min(past.values_list("date", flat=True)) > DAY - datetime.timedelta(days=366)
    assert meetings.filter(date__gt=DAY).count() == 1  # the next board meeting
    for meeting in past:
        held = meeting.group.members.filter(start__lte=meeting.date).exclude(end__lt=meeting.date)
        assert meeting.attendances.count() == held.count() > 0
        assert set(meeting.attendances.values_list("member", flat=True)) == set(
            held.values_list("pk", flat=True)
        )
    assert not Attendance.objects.filter(meeting__date__gt=DAY, meeting__group__boards=board)
    since = dashboard_on(board, DAY).changes.since
    assert since.meeting.date == DAY - datetime.timedelta(days=21)
    assert since.meeting.group.slug == f"{SLUG}-board"  # the board's main group


def test_the_business_managers_seat_changed_hands_five_months_ago():
    board = make().board
    seats = Member.objects.filter(board=board, role="business-manager").order_by("start")
    old, new = seats
    assert (old.person, old.end, old.successor) == (
        "Jamie Fox (synthetic)",
        DAY - datetime.timedelta(days=151),
        new,
    )
    assert (new.person, new.start, new.end) == (
        "Sam Patel (synthetic)",
        DAY - datetime.timedelta(days=150),
        None,
    )


def test_an_audit_has_findings_turned_into_actions():
    board = make().board
    audit = Audit.objects.get(board=board)
    assert audit.findings.count() == 3
    turned = Finding.objects.filter(audit=audit, action__isnull=False)
    assert sorted(f.action.ref for f in turned) == ["A1", "A2"]
    assert all(f.action.plan == audit.plan for f in turned)


def test_training_has_last_year_and_this_years_quarters_so_far():
    board = make().board
    quarters = set(
        TrainingFigures.objects.filter(board=board).values_list("year__label", "quarter")
    )
    assert quarters == {
        ("2025-26", 1),
        ("2025-26", 2),
        ("2025-26", 3),
        ("2025-26", 4),
        ("2026-27", 1),
        ("2026-27", 2),
        ("2026-27", 3),  # under way on 7 December
    }


def test_the_scorecard_has_this_years_and_earlier_values_with_targets_and_comparators():
    board = make().board
    indicators = Indicator.objects.filter(board=board)
    assert indicators.count() == 6
    starts = set(
        IndicatorValue.objects.filter(indicator__board=board).values_list("period_start", flat=True)
    )
    assert starts == {datetime.date(y, 4, 1) for y in (2023, 2024, 2025, 2026)}
    assert indicators.filter(target__isnull=False).count() == 5
    kinds = set(Comparator.objects.filter(indicator__board=board).values_list("kind", flat=True))
    assert kinds == {"england", "neighbours"}
    off = dashboard_on(board, DAY).indicators
    assert {line.indicator.code for line in off.listed} >= {"re-referrals", "assessments-in-time"}


def test_the_2025_26_annual_report_is_in_draft_with_its_narrative_written():
    board = make().board
    report = AnnualReport.objects.get(board=board)
    assert (report.year.label, report.status) == ("2025-26", AnnualReport.Status.DRAFT)
    narrative = [s for s in report.sections.all() if s.is_narrative]
    assert narrative
    assert all("(synthetic)" in s.body for s in narrative)


def test_every_record_says_it_is_synthetic():
    board = make().board
    labelled = [
        *Member.objects.filter(board=board).values_list("notes", flat=True),
        *Meeting.objects.filter(group__boards=board).values_list("notes", flat=True),
        *Group.objects.filter(boards=board).values_list("name", flat=True),
        *Agency.objects.filter(members__board=board).values_list("name", flat=True),
        *Action.objects.filter(plan__board=board).values_list("notes", flat=True),
        *Assessment.objects.filter(action__plan__board=board).values_list("commentary", flat=True),
        *ActionPlan.objects.filter(board=board).values_list("title", flat=True),
        *CaseReview.objects.filter(board=board).values_list("notes", flat=True),
        *Audit.objects.filter(board=board).values_list("notes", flat=True),
        *Finding.objects.filter(audit__board=board).values_list("text", flat=True),
        *TrainingFigures.objects.filter(board=board).values_list("notes", flat=True),
        *Indicator.objects.filter(board=board).values_list("name", flat=True),
        *IndicatorValue.objects.filter(indicator__board=board).values_list("note", flat=True),
        *board.contributions.values_list("notes", flat=True),
        *board.risks.values_list("title", flat=True),
    ]
    assert len(labelled) > 100
    assert [text for text in labelled if "synthetic" not in text.lower()] == []


def test_its_pages_say_it_is_synthetic_and_a_real_boards_do_not():
    board = make().board
    real = BoardFactory(slug="real", name="Real Safeguarding Children Board")
    chair = UserFactory(username="chair", role=roles.INDEPENDENT_CHAIR, boards=[board, real])
    client = Client()
    client.force_login(chair)
    banner = "Demonstration data: synthetic, not a real partnership."
    with on_day(DAY):
        shown = client.get(f"/boards/{SLUG}/dashboard/").content.decode()
        assert banner in shown
        assert "generated for 7 December 2026" in shown
        assert banner not in client.get("/boards/real/dashboard/").content.decode()


# Made again -------------------------------------------------------------------------------


def test_running_it_again_the_same_day_changes_nothing():
    make()
    before = records()
    outcome = make()
    assert (outcome.made, outcome.removed_from) == (False, None)
    assert records() == before


def test_a_later_day_moves_it_forward_without_duplicates():
    board = make().board
    counts = _counts(board)
    later = datetime.date(2027, 2, 15)
    outcome = make(later)
    assert (outcome.made, outcome.removed_from) == (True, DAY)
    assert Board.objects.filter(slug=SLUG).get() == board
    board.refresh_from_db()
    assert board.synthetic_as_of == later
    assert _counts(board) == {**counts, "training": counts["training"] + 3}  # quarter 4 begun
    assert listed(board, later) == LISTED
    deadlines = dashboard_on(board, later).deadlines
    assert [
        (d.overdue, later < d.due <= later + datetime.timedelta(days=7)) for d in deadlines
    ] == [
        (True, False),
        (False, True),
    ]
    last = Meeting.objects.filter(group__boards=board, date__lte=later).latest("date")
    assert last.date == later - datetime.timedelta(days=21)


def test_on_the_first_day_of_a_reporting_year_it_moves_to_the_new_year():
    board = make().board
    first = datetime.date(2027, 4, 1)
    make(first)
    assert list(AnnualReport.objects.filter(board=board).values_list("year__label", flat=True)) == [
        "2026-27"
    ]
    quarters = set(
        TrainingFigures.objects.filter(board=board).values_list("year__label", "quarter")
    )
    assert quarters == {("2026-27", q) for q in (1, 2, 3, 4)} | {("2027-28", 1)}
    plan = ActionPlan.objects.get(board=board, kind=ActionPlan.Kind.BUSINESS_PLAN)
    assert plan.title == "Business plan 2026-28 (synthetic)"


def test_it_keeps_who_may_see_the_board_when_it_is_made_again():
    board = make().board
    chair = UserFactory(username="chair", role=roles.INDEPENDENT_CHAIR, boards=[board])
    make(DAY + datetime.timedelta(days=1))
    assert BoardAccess.objects.filter(board=board, user=chair).exists()


def test_luton_and_bedford_borough_are_untouched():
    call_command("load_past_reports", stdout=StringIO())
    before = records()
    make()
    make(datetime.date(2027, 2, 15))
    after = records()
    changed = [key for key, fields in before.items() if after.get(key) != fields]
    assert changed == []
    for slug in ("luton", "bedford-borough"):
        real = Board.objects.get(slug=slug)
        assert not real.is_synthetic
        assert not Member.objects.filter(board=real, notes__icontains="synthetic").exists()


def _counts(board: Board) -> dict[str, int]:
    return {
        "plans": ActionPlan.objects.filter(board=board).count(),
        "actions": Action.objects.filter(plan__board=board).count(),
        "assessments": Assessment.objects.filter(action__plan__board=board).count(),
        "seats": Member.objects.filter(board=board).count(),
        "main group": MainGroup.objects.filter(board=board).count(),
        "groups": Group.objects.filter(boards=board).count(),
        "agencies": Agency.objects.filter(slug__startswith=f"{SLUG}-").count(),
        "meetings": Meeting.objects.filter(group__boards=board).count(),
        "reviews": CaseReview.objects.filter(board=board).count(),
        "audits": Audit.objects.filter(board=board).count(),
        "training": TrainingFigures.objects.filter(board=board).count(),
        "indicators": Indicator.objects.filter(board=board).count(),
        "reports": AnnualReport.objects.filter(board=board).count(),
    }


# Refused ----------------------------------------------------------------------------------


def test_it_refuses_without_debug_and_says_why(settings):
    settings.DEBUG = False
    with pytest.raises(DemonstrationRefused, match="DEBUG is off"):
        make()
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("make_demonstration_board", stdout=StringIO())
    assert not Board.objects.filter(slug=SLUG).exists()


def test_it_never_replaces_a_real_board_at_its_address():
    BoardFactory(slug=SLUG, name="A real board someone called demonstration")
    with pytest.raises(DemonstrationRefused, match="never replaces a real board"):
        make()
    assert not Board.objects.filter(synthetic_as_of__isnull=False).exists()


def test_the_command_says_what_it_did():
    out = StringIO()
    with on_day(DAY):
        call_command("make_demonstration_board", stdout=out)
        call_command("make_demonstration_board", stdout=out)
    with on_day(DAY + datetime.timedelta(days=1)):
        call_command("make_demonstration_board", stdout=out)
    assert out.getvalue().splitlines() == [
        f"{NAME} made as of 7 December 2026 (/boards/{SLUG}/).",
        f"{NAME} is already as of 7 December 2026 (/boards/{SLUG}/).",
        f"{NAME} generated again as of 8 December 2026 (/boards/{SLUG}/); the demonstration "
        "as of 7 December 2026, and any change made to it, is gone.",
    ]


def test_local_accounts_made_before_it_are_given_the_demonstration(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    with on_day(DAY):
        call_command("create_local_accounts", stdout=StringIO())
        board = make().board
        out = StringIO()
        call_command("create_local_accounts", stdout=out)
    assert f"{NAME} given to: admin, chair, lead, manager, partner." in out.getvalue()
    assert set(board.users.values_list("username", flat=True)) == {
        "admin",
        "chair",
        "lead",
        "manager",
        "partner",
    }


def test_every_page_of_its_navigation_opens_with_the_banner():
    board = make().board
    manager = UserFactory(username="manager", role=roles.BUSINESS_MANAGER, boards=[board])
    client = Client()
    client.force_login(manager)
    banner = "Demonstration data: synthetic, not a real partnership."
    link = r'govuk-service-navigation__link" href="(/boards/[^"]+)"'
    with on_day(DAY):
        home = client.get(f"/boards/{SLUG}/").content.decode()
        pages = sorted(set(re.findall(link, home)))
        assert len(pages) >= 10
        year = AnnualReport.objects.get(board=board).year.label
        for url in [*pages, f"/boards/{SLUG}/annual-reports/{year}/"]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert banner in response.content.decode(), url
        # The draft report's preview builds every section from the year's data.
        preview = client.get(f"/boards/{SLUG}/annual-reports/{year}/preview/")
        assert preview.status_code == 200
        assert "Synthetic heading 1 (synthetic)" in preview.content.decode()


def test_any_day_of_a_year_has_a_rapid_review_due_within_the_week_and_one_overdue():
    """The notification dates are worked out by the working-day clock, over
    weekends, bank holidays and Christmas alike."""
    for offset in range(400):
        today = datetime.date(2026, 12, 1) + datetime.timedelta(days=offset)
        week = today + datetime.timedelta(days=7)
        soon = notified_for_due(today, today + datetime.timedelta(days=1), week)
        late = notified_for_due(
            today, today - datetime.timedelta(days=14), today - datetime.timedelta(days=3)
        )
        for notified in (soon, late):
            assert notified <= today
            assert clock.is_working_day(notified)
        assert today < clock.add_working_days(soon, 15) <= week
        assert clock.add_working_days(late, 15) < today


def test_its_report_is_never_published_so_it_can_be_made_again():
    from reports import services as report_services

    board = make().board
    report = AnnualReport.objects.get(board=board)
    report.status = AnnualReport.Status.APPROVED  # as if written and approved
    problems = report_services.report_publish_problems(report=report)
    assert problems == {
        "__all__": [
            "This is a demonstration board: its report is synthetic and is never published."
        ]
    }
