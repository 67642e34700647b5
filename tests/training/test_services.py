from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from board.models import ReportingYear
from tests.factories import BoardFactory, GroupFactory, YearFactory
from training import services
from training.models import Mode, TrainingFigures

pytestmark = pytest.mark.django_db


def record(owner, *, quarter=None, mode=Mode.E_LEARNING, year=None, **values):
    return services.figures_record(
        owner=owner,
        year=year or YearFactory(),
        quarter=quarter,
        mode=mode,
        values=values,
    )


def problems(owner, *, quarter=None, mode=Mode.E_LEARNING, **values):
    year = YearFactory()
    figures = TrainingFigures(board=owner, year=year, quarter=quarter, mode=mode, **values)
    return services.figures_problems(figures=figures, year=year)


def test_it_refuses_more_learners_completed_than_registered():
    assert problems(BoardFactory(), learners_registered=5281, learners_completed=5282) == {
        "learners_completed": [
            "The learners completed (5,282) cannot be more than the registered (5,281)."
        ]
    }


def test_it_accepts_completed_equal_to_registered():
    assert problems(BoardFactory(), learners_registered=10, learners_completed=10) == {}


def test_it_refuses_more_attended_than_places_only_where_places_are_given():
    board = BoardFactory()
    assert problems(board, mode=Mode.FACE_TO_FACE, places_offered=100, delegates_attended=101) == {
        "delegates_attended": [
            "The delegates attended (101) cannot be more than the places offered (100)."
        ]
    }
    assert problems(board, mode=Mode.FACE_TO_FACE, delegates_attended=1885) == {}


@pytest.mark.parametrize("field", ["satisfaction_pct", "places_filled_pct", "pass_rate_pct"])
@pytest.mark.parametrize("value", ["-0.01", "100.01"])
def test_it_refuses_a_percentage_outside_0_to_100(field, value):
    assert problems(BoardFactory(), **{field: Decimal(value)}) == {
        field: ["A percentage lies between 0 and 100."]
    }


@pytest.mark.parametrize("value", ["0", "100"])
def test_it_accepts_percentages_on_the_edges(value):
    assert problems(BoardFactory(), satisfaction_pct=Decimal(value)) == {}


def test_it_refuses_a_negative_count():
    assert problems(BoardFactory(), courses_delivered=-1) == {
        "courses_delivered": ["A count cannot be less than 0."]
    }


@pytest.mark.parametrize("quarter", [0, 5])
def test_it_refuses_a_quarter_outside_its_year(quarter):
    assert problems(BoardFactory(), quarter=quarter)["quarter"][0] == (
        "A quarter is 1, 2, 3 or 4 of its reporting year."
    )


def test_it_refuses_a_whole_year_beside_quarters_and_quarters_beside_a_whole_year():
    board = BoardFactory()
    record(board, quarter=2, learners_registered=3)
    record(board, quarter=1, learners_registered=3)
    with pytest.raises(ValidationError) as caught:
        record(board, learners_registered=6)
    assert caught.value.message_dict["quarter"] == [
        "2016-17 already has e-learning figures by quarter (quarter 1, 2): record the year "
        "by quarter, so the total is not counted twice."
    ]
    other = BoardFactory()
    record(other, learners_registered=6)
    with pytest.raises(ValidationError) as caught:
        record(other, quarter=3, learners_registered=3)
    assert caught.value.message_dict["quarter"] == [
        "2016-17 already has e-learning figures for the whole year: change those, so the "
        "total is not counted twice."
    ]


def test_recording_a_period_again_changes_it_and_keeps_history():
    board = BoardFactory()
    first = record(board, quarter=1, learners_registered=10, learners_completed=5)
    again = record(board, quarter=1, learners_registered=12, learners_completed=6)
    assert again.pk == first.pk
    assert TrainingFigures.objects.get().learners_registered == 12
    assert first.history.count() == 2


def test_a_refusal_saves_nothing_not_even_a_new_year():
    board = BoardFactory()
    year = ReportingYear.span(2031)
    with pytest.raises(ValidationError):
        record(board, year=year, learners_registered=1, learners_completed=2)
    assert not TrainingFigures.objects.exists()
    assert not ReportingYear.objects.filter(label="2031-32").exists()


def test_a_new_year_is_created_when_figures_are_recorded_in_it():
    saved = record(BoardFactory(), year=ReportingYear.span(2026), courses_delivered=3)
    assert saved.year.label == "2026-27"
    assert saved.year.pk is not None


def test_a_pan_area_group_owns_its_figures():
    board = BoardFactory()
    group = GroupFactory(slug="pan-training", boards=[board, BoardFactory()])
    saved = record(group, quarter=4, learners_registered=2582, learners_completed=2402)
    assert (saved.group, saved.board) == (group, None)
