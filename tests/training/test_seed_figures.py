"""The seeds' training tables, read back through Assure exactly as the
reports state them, with Assure's own arithmetic beside them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from board.models import Board, ReportingYear
from core import roles
from tests.factories import UserFactory
from tests.html import table_rows
from training.selectors import training_for_year

# Luton Annual Report 2020-21, virtual classroom training: Q1 to Q4, total
# 2020/21, total 2019/20 (an empty string where the report gives n/a).
LUTON_VIRTUAL_CLASSROOM = {
    "Courses delivered": ["0", "3", "19", "23", "45", "102"],
    "Delegates booked": ["0", "33", "175", "231", "439", "1,850"],
    "Places filled % (booked ÷ places)": ["", "92%", "77%", "84%", "84%", "92%"],
    "Satisfaction %": ["", "100%", "100%", "97%", "99%", "97%"],
}

# The same report's Pan Bedfordshire eLearning table.
PAN_BEDFORDSHIRE_E_LEARNING = {
    "Learners registered": ["7,430", "3,117", "2,664", "2,582", "15,793", "10,271"],
    "Learners completed": ["6,615", "2,792", "2,382", "2,402", "14,191", "9,030"],
    "Completion %": ["89%", "90%", "89%", "93%", "90%", "88%"],
    "Pass rate %": ["89%", "90%", "89%", "93%", "90%", "88%"],
    "Satisfaction %": ["97%", "94%", "97%", "93%", "95%", "95%"],
}


@pytest.fixture
def past_reports(db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())


def _tables(board: str, year: str):
    training = training_for_year(
        board=Board.objects.get(slug=board), year=ReportingYear.objects.get(label=year)
    )
    return training, {
        (t.owner.slug, t.mode): {row.label: [c.text for c in row.cells] for row in t.rows}
        for t in training.tables
    }


def test_lutons_2020_21_training_reads_back_with_two_stated_changes_that_differ(past_reports):
    training, tables = _tables("luton", "2020-21")
    assert tables == {
        ("luton", "virtual-classroom"): LUTON_VIRTUAL_CLASSROOM,
        ("pan-bedfordshire-training-group", "e-learning"): PAN_BEDFORDSHIRE_E_LEARNING,
    }
    assert [d.text for d in training.differences] == [
        "Change in delegates booked on 2019-20: the report states a 74% reduction; from "
        "1,850 to 439 is a 76.3% reduction, which rounds to a 76% reduction.",
        "Change in learners completed on 2019-20: the report states a 65% increase; from "
        "9,030 to 14,191 is a 57.2% increase, which rounds to a 57% increase.",
    ]


def test_the_pan_bedfordshire_figures_show_on_bedford_borough_too(past_reports):
    _, tables = _tables("bedford-borough", "2020-21")
    assert tables == {
        ("pan-bedfordshire-training-group", "e-learning"): PAN_BEDFORDSHIRE_E_LEARNING
    }


def test_bedford_boroughs_2016_17_training_reads_back_with_its_truncated_89(past_reports):
    training, tables = _tables("bedford-borough", "2016-17")
    assert tables == {
        ("bedford-borough", "face-to-face"): {
            "Courses delivered": ["79", ""],
            "Delegates attended": ["1,885", ""],
            "Places filled % (booked ÷ places)": ["94%", ""],
            "Satisfaction %": ["95%", ""],
        },
        ("bedford-borough", "e-learning"): {
            "Learners registered": ["5,281", ""],
            "Learners completed": ["4,734", ""],
            "Completion %": ["90%", ""],
            "Satisfaction %": ["97%", ""],
        },
    }
    assert [d.text for d in training.differences] == [
        "Completion %: the report states 89%; 4,734 of 5,281 is 89.6%, which rounds to 90%. "
        "The report cut the decimals off instead of rounding."
    ]


@pytest.fixture
def chair_client(client, past_reports):
    chair = UserFactory(
        username="chair", role=roles.INDEPENDENT_CHAIR, boards=list(Board.objects.all())
    )
    client.force_login(chair)
    return client


def test_lutons_training_page_reads_the_report_back_with_the_differences_in_words(chair_client):
    url = reverse("training:training", kwargs={"board": "luton"})
    html = chair_client.get(url).content.decode()
    assert "Multi-agency training 2020-21" in html  # the latest year with figures
    assert table_rows(html, "training-luton-virtual-classroom") == [
        ["Measure", "Q1", "Q2", "Q3", "Q4", "Total 2020-21", "Total 2019-20"],
        ["Courses delivered", "0", "3", "19", "23", "45", "102"],
        ["Delegates booked", "0", "33", "175", "231", "439", "1,850"],
        [
            "Places filled % (booked ÷ places)",
            "Not given",
            "92% as stated",
            "77% as stated",
            "84% as stated",
            "84% as stated",
            "92% as stated",
        ],
        ["Satisfaction %", "Not given", "100%", "100%", "97%", "99%", "97%"],
    ]
    rows = table_rows(html, "training-pan-bedfordshire-training-group-e-learning")
    assert rows[1] == ["Learners registered", *PAN_BEDFORDSHIRE_E_LEARNING["Learners registered"]]
    assert rows[4] == [
        "Pass rate %",
        *(f"{cell} as stated" for cell in PAN_BEDFORDSHIRE_E_LEARNING["Pass rate %"]),
    ]
    assert (
        "2020-21 total: Change in delegates booked on 2019-20: the report states a 74% "
        "reduction; from 1,850 to 439 is a 76.3% reduction, which rounds to a 76% reduction. "
        "The report&#x27;s own table gives 1,850 delegates in 2019-20 and 439 in 2020-21; it "
        "shows no working for 74%."
    ) in html


def test_bedford_boroughs_training_page_shows_the_truncated_89(chair_client):
    url = reverse("training:training", kwargs={"board": "bedford-borough"})
    html = chair_client.get(url, {"year": "2016-17"}).content.decode()
    assert table_rows(html, "training-bedford-borough-e-learning") == [
        ["Measure", "2016-17", "Total 2015-16"],
        ["Learners registered", "5,281", "Not given"],
        ["Learners completed", "4,734", "Not given"],
        ["Completion %", "90% (the report states 89%)", "Not given"],
        ["Satisfaction %", "97%", "Not given"],
    ]
    assert "4,734 of 5,281 is 89.6%, which rounds to 90%. The report cut the decimals off" in html


def test_lutons_2016_17_training_reads_back_as_the_report_states_it(past_reports):
    training, tables = _tables("luton", "2016-17")
    assert tables == {
        ("luton", "face-to-face"): {"Delegates booked": ["811", ""]},
        ("luton", "e-learning"): {"Learners registered": ["2,000", ""]},
        ("luton", "briefing-or-conference"): {"Delegates attended": ["150", ""]},
        ("luton", "other"): {"Delegates attended": ["300", ""]},
    }
    assert training.differences == []


def test_lutons_2016_17_training_page_shows_the_stated_figures_in_words(chair_client):
    url = reverse("training:training", kwargs={"board": "luton"})
    html = chair_client.get(url, {"year": "2016-17"}).content.decode()
    assert "Multi-agency training 2016-17" in html
    assert table_rows(html, "training-luton-face-to-face") == [
        ["Measure", "2016-17", "Total 2015-16"],
        ["Delegates booked", "811", "Not given"],
    ]
    assert table_rows(html, "training-luton-e-learning") == [
        ["Measure", "2016-17", "Total 2015-16"],
        ["Learners registered", "2,000", "Not given"],
    ]
    assert table_rows(html, "training-luton-briefing-or-conference") == [
        ["Measure", "2016-17", "Total 2015-16"],
        ["Delegates attended", "150 as stated", "Not given"],
    ]
    assert "the report gives the attendance as around 150 (from 19 organisations)" in html
    assert table_rows(html, "training-luton-other")[1] == [
        "Delegates attended",
        "300 as stated",
        "Not given",
    ]
