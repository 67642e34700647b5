"""The people trained by quarter: a table and a sentence on the page, and the
plotly figure the annual report's PDF draws, from the same data."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from board.models import Board, ReportingYear
from core import roles
from tests.factories import UserFactory
from tests.html import table_rows
from training.charts import quarter_figure
from training.selectors import quarter_chart, training_for_year


@pytest.fixture
def luton_2020(db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())
    board = Board.objects.get(slug="luton")
    return quarter_chart(
        training_for_year(board=board, year=ReportingYear.objects.get(label="2020-21"))
    )


def test_the_chart_counts_delegates_booked_and_e_learners_completed_by_quarter(luton_2020):
    assert [(s.label, s.values) for s in luton_2020.series] == [
        ("Virtual classroom, delegates booked", [0, 33, 175, 231]),
        (
            "E-learning (Pan Bedfordshire Training Group), learners completed",
            [6615, 2792, 2382, 2402],
        ),
    ]
    assert luton_2020.summary == (
        "People trained in 2020-21 by quarter: virtual classroom, delegates booked: 439 in "
        "all, most in Q4 (231); e-learning (Pan Bedfordshire Training Group), learners "
        "completed: 14,191 in all, most in Q1 (6,615)."
    )


def test_the_figure_has_a_bar_per_quarter_for_each_series_and_no_bar_for_a_missing_one(
    luton_2020,
):
    luton_2020.series[0].values[0] = None
    figure = quarter_figure(luton_2020)
    assert [trace.name for trace in figure.data] == [s.label for s in luton_2020.series]
    assert list(figure.data[0].x) == ["Q1", "Q2", "Q3", "Q4"]
    assert list(figure.data[0].y) == [None, 33, 175, 231]
    assert figure.layout.title.text == "People trained by quarter, 2020-21"
    assert figure.layout.barmode == "group"


def test_the_page_shows_the_charts_data_as_a_table_and_a_sentence(luton_2020):
    chair = UserFactory(
        username="chair-luton",
        role=roles.INDEPENDENT_CHAIR,
        boards=[Board.objects.get(slug="luton")],
    )
    client = Client()
    client.force_login(chair)
    html = client.get(reverse("training:training", kwargs={"board": "luton"})).content.decode()
    assert table_rows(html, "training-by-quarter") == [
        ["Mode and measure", "Q1", "Q2", "Q3", "Q4", "Total"],
        ["Virtual classroom, delegates booked", "0", "33", "175", "231", "439"],
        [
            "E-learning (Pan Bedfordshire Training Group), learners completed",
            "6,615",
            "2,792",
            "2,382",
            "2,402",
            "14,191",
        ],
    ]
    assert "People trained in 2020-21 by quarter: virtual classroom" in html
