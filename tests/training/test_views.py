from decimal import Decimal

import pytest
from django.urls import reverse

from board.models import ReportingYear
from tests.factories import GroupFactory
from tests.html import table_rows
from training.models import ImpactEvaluation, Mode, StatedFigure, TrainingFigures


def page(board):
    return reverse("training:training", kwargs={"board": board.slug})


def record_url(board):
    return reverse("training:figures_record", kwargs={"board": board.slug})


def posted(**values):
    data = {
        "owner": "board",
        "year": "2016-17",
        "quarter": "1",
        "mode": Mode.FACE_TO_FACE,
        "notes": "",
    }
    data.update({k: str(v) for k, v in values.items()})
    return data


def test_a_business_manager_records_a_quarter_and_the_totals_change(world, client_for):
    client = client_for("manager")
    response = client.post(
        record_url(world.board),
        posted(courses_delivered=3, places_offered=40, delegates_booked=33, satisfaction_pct=100),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{page(world.board)}?year=2016-17"
    client.post(
        record_url(world.board),
        posted(quarter="2", courses_delivered=19, places_offered=200, delegates_booked=175),
    )
    html = client.get(page(world.board), {"year": "2016-17"}).content.decode()
    rows = table_rows(html, f"training-{world.board.slug}-face-to-face")
    assert rows == [
        ["Measure", "Q1", "Q2", "Q3", "Q4", "Total 2016-17", "Total 2015-16"],
        ["Courses delivered", "3", "19", "Not given", "Not given", "22", "Not given"],
        ["Places offered", "40", "200", "Not given", "Not given", "240", "Not given"],
        ["Delegates booked", "33", "175", "Not given", "Not given", "208", "Not given"],
        [
            "Places filled % (booked ÷ places)",
            "83%",
            "88%",
            "Not given",
            "Not given",
            "87%",
            "Not given",
        ],
        ["Satisfaction %", "100%", "Not given", "Not given", "Not given", "Not given", "Not given"],
    ]


def test_the_page_shows_a_pan_area_groups_figures_and_marks_a_stated_figure_in_words(
    world, client_for
):
    group = GroupFactory(
        slug="pan-training", name="Pan Training Unit", boards=[world.board, world.other_board]
    )
    year = world.year
    TrainingFigures.objects.create(
        group=group,
        year=year,
        mode=Mode.E_LEARNING,
        learners_registered=5281,
        learners_completed=4734,
        completion_pct=89,
        satisfaction_pct=97,
    )
    TrainingFigures.objects.create(
        board=world.board,
        year=year,
        mode=Mode.FACE_TO_FACE,
        courses_delivered=79,
        delegates_attended=1885,
        places_filled_pct=94,
    )
    StatedFigure.objects.create(
        board=world.board,
        year=year,
        mode=Mode.FACE_TO_FACE,
        measure="courses_delivered",
        value=Decimal(80),
        explanation="Perhaps a course was cancelled.",
    )
    html = client_for("chair").get(page(world.board)).content.decode()
    assert "Multi-agency training 2016-17" in html
    assert table_rows(html, "training-pan-training-e-learning") == [
        ["Measure", "2016-17", "Total 2015-16"],
        ["Learners registered", "5,281", "Not given"],
        ["Learners completed", "4,734", "Not given"],
        ["Completion %", "90% (the report states 89%)", "Not given"],
        ["Satisfaction %", "97%", "Not given"],
    ]
    assert table_rows(html, f"training-{world.board.slug}-face-to-face")[1:4] == [
        ["Courses delivered", "79 (the report states 80)", "Not given"],
        ["Delegates attended", "1,885", "Not given"],
        ["Places filled % (booked ÷ places)", "94% as stated", "Not given"],
    ]
    assert (
        "2016-17 total: Completion %: the report states 89%; 4,734 of 5,281 is 89.6%, which "
        "rounds to 90%. The report cut the decimals off instead of rounding."
    ) in html
    assert (
        "2016-17 total: Courses delivered: the report states 80; the figures recorded add up "
        "to 79. Perhaps a course was cancelled."
    ) in html


def test_the_form_says_exactly_what_is_wrong_and_saves_nothing(world, client_for):
    client = client_for("manager")
    response = client.post(
        record_url(world.board),
        posted(
            mode=Mode.E_LEARNING,
            learners_registered=10,
            learners_completed=11,
            satisfaction_pct="101",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "A percentage lies between 0 and 100." in html
    assert not TrainingFigures.objects.exists()
    response = client.post(
        record_url(world.board),
        posted(mode=Mode.E_LEARNING, learners_registered=10, learners_completed=11),
    )
    assert response.status_code == 400
    assert (
        "The learners completed (11) cannot be more than the registered (10)."
        in response.content.decode()
    )
    assert not TrainingFigures.objects.exists()


def test_a_group_of_another_board_or_serving_only_this_board_is_not_offered(world, client_for):
    GroupFactory(slug="pan-beta", boards=[world.other_board])
    response = client_for("manager").post(record_url(world.board), posted(owner="group:pan-beta"))
    assert response.status_code == 400
    assert "Choose the board or a pan-area group." in response.content.decode()
    response = client_for("manager").post(
        record_url(world.board), posted(owner="group:alpha-board")
    )
    assert response.status_code == 400


def test_the_page_opens_on_the_latest_year_with_figures(world, client_for):
    TrainingFigures.objects.create(
        board=world.board,
        year=ReportingYear.for_start_year(2020),
        mode=Mode.OTHER,
        courses_delivered=1,
    )
    html = client_for("chair").get(page(world.board)).content.decode()
    assert "Multi-agency training 2020-21" in html


@pytest.mark.parametrize("periods", [10, 1000])
def test_the_page_runs_a_constant_number_of_queries(
    periods, world, client_for, django_assert_max_num_queries
):
    client = client_for("chair")
    groups = [
        GroupFactory(boards=[world.board, world.other_board]) for _ in range(periods // 40 + 1)
    ]
    years = [ReportingYear.for_start_year(2016), ReportingYear.for_start_year(2015)]
    TrainingFigures.objects.bulk_create(
        TrainingFigures(
            group=groups[i // 40],
            year=years[(i // 20) % 2],
            quarter=i % 4 + 1,
            mode=Mode.values[(i // 4) % 5],
            courses_delivered=i,
            delegates_booked=i,
        )
        for i in range(periods)
    )
    ImpactEvaluation.objects.bulk_create(
        ImpactEvaluation(
            group=groups[i // 40],
            year=years[(i // 20) % 2],
            quarter=i % 4 + 1,
            mode=Mode.values[(i // 4) % 5],
            subject=f"Course {i}",
            replies=i,
            action=world.action,
        )
        for i in range(periods)
    )
    client.get(page(world.board), {"year": "2016-17"})
    with django_assert_max_num_queries(13):
        response = client.get(page(world.board), {"year": "2016-17"})
    html = response.content.decode()
    # The tables of each owner and mode, the people trained by quarter, the evaluations.
    assert html.count('<table class="govuk-table"') == {10: 3 + 2, 1000: 125 + 2}[periods]
    assert len(table_rows(html, "training-impact")) == {10: 1 + 10, 1000: 1 + 500}[periods]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "1e400"])
def test_a_percentage_that_is_not_a_number_is_refused_in_words(value, world, client_for):
    response = client_for("manager").post(record_url(world.board), posted(satisfaction_pct=value))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Satisfaction must be a number, for example 94." in html or (
        "A percentage lies between 0 and 100." in html
    )
    assert not TrainingFigures.objects.exists()


TRAINING_PAGES = [
    ("training:training", {}),
    ("training:export", {"fmt": "csv"}),
    ("training:import_layout", {"fmt": "xlsx"}),
    ("training:figures_record", {}),
    ("training:stated_figure_record", {}),
    ("training:import", {}),
    ("training:impact_record", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), TRAINING_PAGES)
def test_the_training_pages_do_not_exist_for_a_partner(name, kwargs, world, client_for):
    """As every internal page: a partner sees only what is published, and
    anything else answers 404, as if it did not exist."""
    client = client_for("partner")
    url = reverse(name, kwargs={"board": world.board.slug, **kwargs})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)
    confirm = reverse("training:import_confirm", kwargs={"board": world.board.slug})
    assert client.post(confirm).status_code == 404


def test_a_chair_reads_training_but_may_not_record_it(world, client_for):
    client = client_for("chair")
    assert client.get(page(world.board)).status_code == 200
    assert client.get(record_url(world.board)).status_code == 403
