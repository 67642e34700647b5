"""The seeds' figures read back through the scorecard as the documents state
them: Luton's contacts and referrals 2017-18 to 2020-21 and the ages of the
children referred (2020-21 report), Luton's 2016-17 child protection figures
with their comparators (2016-17 report), and Bedford Borough's 2016-17
snapshot, LADO and CDOP figures, with the one suppressed figure kept as such."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from board.models import Board
from core import roles
from indicators import selectors as indicator_selectors
from indicators.models import Indicator, IndicatorValue
from tests.factories import UserFactory


@pytest.fixture
def chair_client(client, db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())
    chair = UserFactory(
        username="chair", role=roles.INDEPENDENT_CHAIR, boards=list(Board.objects.all())
    )
    client.force_login(chair)
    return client


def statuses(slug):
    board = Board.objects.get(slug=slug)
    return {
        s.indicator.code: s for g in indicator_selectors.scorecard(board=board) for s in g.statuses
    }


def series(status):
    return [(p.label, p.shown) for p in status.points]


def test_lutons_contacts_and_referrals_read_back_year_by_year(chair_client):
    found = statuses("luton")
    assert series(found["contacts"]) == [
        ("2017-18", "9,365"),
        ("2018-19", "7,266"),
        ("2019-20", "9,673"),
        ("2020-21", "16,791"),
    ]
    assert series(found["referrals"]) == [
        ("2017-18", "3,223"),
        ("2018-19", "2,458"),
        ("2019-20", "2,890"),
        ("2020-21", "3,247"),
    ]
    assert found["referrals"].direction.words == "Up"  # volumes are watched, not judged
    assert series(found["referrals-age-10-15"])[-1] == ("2020-21", "30.8%")
    assert series(found["referrals-age-under-1"])[0] == ("2017-18", "9.9%")


def test_lutons_child_protection_figures_keep_their_comparators(chair_client):
    found = statuses("luton")
    assert series(found["cp-plan-rate"]) == [("2016-17", "39.03 per 10,000")]
    comparators = found["cp-plan-rate"].comparators
    assert [(c.label, c.shown) for c in comparators["neighbours"]] == [
        ("2015-16", "43.83 per 10,000")
    ]
    assert [(c.label, c.shown) for c in comparators["england"]] == [("2015-16", "43.1 per 10,000")]
    assert series(found["children-in-need"]) == [("2015-16", "1,964"), ("2016-17", "2,158")]
    assert found["fsm-primary"].england.shown == "16%"
    assert series(found["children-share-of-population"]) == [("2016-17", "26%"), ("2020-21", "27%")]
    assert series(found["children-in-care"]) == [("July 2021", "394")]
    neglect = Indicator.objects.get(board__slug="luton", code="cp-plans-neglect")
    assert neglect.priority.number == 3


def test_bedford_boroughs_snapshot_lado_and_cdop_figures(chair_client):
    found = statuses("bedford-borough")
    assert series(found["referrals"]) == [("2016-17", "1,155")]
    assert series(found["lado-contacts"]) == [("2015-16", "222"), ("2016-17", "306")]
    assert series(found["lado-completed-one-month"]) == [("2016-17", "61%")]
    assert series(found["child-deaths-reviewed"]) == [("2016-17", "12")]
    fostering = found["private-fostering"]
    assert series(fostering) == [
        ("2015-16", "5"),
        ("2016-17", "low (a small number, not published)"),
    ]
    assert fostering.direction.code == "cannot-judge"
    assert IndicatorValue.objects.get(indicator=fostering.indicator, marker="low").value is None


def test_no_seed_indicator_has_a_target_no_document_states(chair_client):
    assert not Indicator.objects.filter(target__isnull=False).exists()


def test_the_scorecard_page_shows_the_seeds_figures(chair_client):
    body = chair_client.get(
        reverse("reports:scorecard", kwargs={"board": "luton"})
    ).content.decode()
    assert "16,791" in body
    assert "Contacts to children&#x27;s social care (MASH)" in body
    assert "43.83 per 10,000" in body
    other = chair_client.get(
        reverse("reports:scorecard", kwargs={"board": "bedford-borough"})
    ).content.decode()
    assert "low (a small number, not published)" in other
    assert "16,791" not in other
