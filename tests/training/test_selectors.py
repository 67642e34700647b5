from decimal import Decimal

import pytest
from django.utils import timezone

from board.models import ReportingYear
from tests.factories import BoardFactory, GroupFactory, YearFactory
from training import selectors
from training.models import Mode, StatedFigure, TrainingFigures

pytestmark = pytest.mark.django_db


def test_a_rate_stated_as_computed_rounded_half_up_is_no_difference():
    assert (
        selectors.compare_rate(stated=Decimal(13), part=1, whole=8, label="Completion %", where="x")
        is None
    )  # 12.5 rounds half up to 13


def test_bedford_boroughs_89_percent_is_the_report_truncating_89_6():
    diff = selectors.compare_rate(
        stated=Decimal(89), part=4734, whole=5281, label="Completion %", where="2016-17 total"
    )
    assert diff.text == (
        "Completion %: the report states 89%; 4,734 of 5,281 is 89.6%, which rounds to 90%. "
        "The report cut the decimals off instead of rounding."
    )


def test_lutons_74_percent_reduction_computes_to_76_and_is_not_truncation():
    diff = selectors.compare_change(
        stated=Decimal(-74),
        before=1850,
        after=439,
        label="Change in delegates booked on 2019-20",
        where="2020-21 total",
    )
    assert diff.text == (
        "Change in delegates booked on 2019-20: the report states a 74% reduction; from "
        "1,850 to 439 is a 76.3% reduction, which rounds to a 76% reduction."
    )


def test_a_stated_total_that_matches_the_quarters_is_no_difference():
    assert (
        selectors.compare_count(stated=Decimal(45), computed=45, label="Courses", where="x") is None
    )
    assert (
        selectors.compare_count(
            stated=Decimal(46), computed=45, label="Courses delivered", where="x"
        ).text
        == "Courses delivered: the report states 46; the figures recorded add up to 45."
    )


@pytest.fixture
def luton_like():
    board = BoardFactory(slug="alpha")
    this = ReportingYear.for_start_year(2020)
    before = ReportingYear.for_start_year(2019)
    for quarter, courses, booked in [(1, 0, 0), (2, 3, 33), (3, 19, 175), (4, 23, 231)]:
        TrainingFigures.objects.create(
            board=board,
            year=this,
            quarter=quarter,
            mode=Mode.VIRTUAL_CLASSROOM,
            courses_delivered=courses,
            delegates_booked=booked,
        )
    TrainingFigures.objects.create(
        board=board,
        year=before,
        mode=Mode.VIRTUAL_CLASSROOM,
        courses_delivered=102,
        delegates_booked=1850,
        places_filled_pct=92,
    )
    StatedFigure.objects.create(
        board=board,
        year=this,
        mode=Mode.VIRTUAL_CLASSROOM,
        measure="delegates_booked",
        change=True,
        value=-74,
        explanation="The report gives no working.",
    )
    StatedFigure.objects.create(
        board=board, year=this, mode=Mode.VIRTUAL_CLASSROOM, measure="places_filled_pct", value=84
    )
    return board, this


def test_the_year_table_has_quarters_totals_and_the_year_before(luton_like):
    board, year = luton_like
    training = selectors.training_for_year(board=board, year=year)
    [table] = training.tables
    assert [c.heading for c in table.columns] == [
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "Total 2020-21",
        "Total 2019-20",
    ]
    rows = {row.name: [cell.text for cell in row.cells] for row in table.rows}
    assert rows == {
        "courses_delivered": ["0", "3", "19", "23", "45", "102"],
        "delegates_booked": ["0", "33", "175", "231", "439", "1,850"],
        "places_filled_pct": ["", "", "", "", "84%", "92%"],
    }
    assert [d.text for d in training.differences] == [
        "Change in delegates booked on 2019-20: the report states a 74% reduction; from "
        "1,850 to 439 is a 76.3% reduction, which rounds to a 76% reduction."
    ]
    assert training.differences[0].explanation == "The report gives no working."


def test_a_pan_area_groups_figures_show_on_every_board_it_serves_and_no_other():
    board, other, outside = BoardFactory(), BoardFactory(), BoardFactory()
    group = GroupFactory(boards=[board, other])
    year = YearFactory()
    TrainingFigures.objects.create(
        group=group,
        year=year,
        mode=Mode.E_LEARNING,
        learners_registered=5281,
        learners_completed=4734,
        completion_pct=89,
    )
    for served in (board, other):
        [table] = selectors.training_for_year(board=served, year=year).tables
        assert table.owner == group
        completion = next(r for r in table.rows if r.name == "completion_pct")
        assert completion.cells[0].text == "90%"
        assert completion.cells[0].note == "the report states 89%"
    assert selectors.training_for_year(board=outside, year=year).tables == []


def test_the_page_opens_on_the_latest_year_with_figures_else_the_current_year(luton_like):
    board, _ = luton_like
    year, _ = selectors.training_year_choice(board=board)
    assert year.label == "2020-21"
    year, _ = selectors.training_year_choice(board=board, label="2019-20")
    assert year.label == "2019-20"
    year, _ = selectors.training_year_choice(board=BoardFactory())
    assert year.label == ReportingYear.span_of(timezone.localdate()).label


@pytest.mark.parametrize("periods", [10, 1000])
def test_the_year_reads_in_a_constant_number_of_queries(periods, django_assert_max_num_queries):
    board = BoardFactory()
    groups = [GroupFactory(boards=[board]) for _ in range(periods // 40 + 1)]
    years = [ReportingYear.for_start_year(2020), ReportingYear.for_start_year(2019)]
    TrainingFigures.objects.bulk_create(
        TrainingFigures(
            group=groups[i // 40],
            year=years[(i // 20) % 2],
            quarter=i % 4 + 1,
            mode=Mode.values[(i // 4) % 5],
            courses_delivered=i,
        )
        for i in range(periods)
    )
    with django_assert_max_num_queries(2):
        training = selectors.training_for_year(board=board, year=years[0])
    assert len(training.tables) == {10: 3, 1000: 125}[periods]
