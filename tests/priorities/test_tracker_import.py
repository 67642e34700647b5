"""Importing an action tracker in the board's own layout."""

import datetime

import pytest

from priorities.models import Action, Assessment, Priority
from tests.clock import on_day
from tests.factories import GroupFactory, PlanFactory
from tests.import_files import tracker_xlsx
from tests.imports import ImportWalk, problems_of

TODAY = datetime.date(2026, 12, 7)
KIND = "action-tracker"


@pytest.fixture
def walk(world, manager_client):
    return ImportWalk(manager_client, world.board, KIND)


@pytest.fixture
def plan(world):
    return PlanFactory(board=world.board, slug="business-plan-2026", title="Business Plan 2026-28")


OPTIONS = {"plan": "business-plan-2026", "order": "day-first", "quarters": "financial", "as_at": "2026-11-30"}


def test_a_tracker_of_its_own_layout_imports_with_its_own_words(walk, plan):
    with on_day(TODAY):
        response = walk.upload("tracker.xlsx", tracker_xlsx())
        assert response.status_code == 302
        assert response["Location"].endswith("/layout/")  # two sheets, headings on row 3
        pending = walk.pending()
        assert pending.layout.sheet == 0
        assert pending.layout.header_row == 3
        assert walk.layout().status_code == 302
        response = walk.columns(**OPTIONS)
        assert response.status_code == 302, response.context and response.context["problems"]
        response = walk.words()
        assert response.status_code == 302
        response = walk.preview()
        print(problems_of(response))
        assert response.status_code == 200
        response = walk.confirm()
        assert response.status_code == 302
    actions = {a.ref: a for a in Action.objects.filter(plan=plan)}
    assert sorted(actions) == ["1.a", "1.b", "P2-A1", "P2-A2"]
    assert sorted(Priority.objects.filter(plan=plan).values_list("number", "title")) == [
        (1, "Neglect"),
        (2, "Exploitation"),
    ]
    assert actions["1.b"].due_date == datetime.date(2027, 3, 31)
    assert actions["1.b"].timescale == "Q4 2026-27"
    assert actions["P2-A2"].due_date is None
    assert actions["P2-A2"].timescale == "Ongoing"
    latest = Assessment.objects.get(action=actions["P2-A1"])
    assert (latest.process, latest.impact) == ("RED", "RED")
    assert latest.assessed_on == datetime.date(2026, 11, 30)
