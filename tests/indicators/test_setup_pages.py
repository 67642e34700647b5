"""Indicators set up in pages: added and changed with their unit, polarity,
target and tolerance, source and the priority they serve, which is also
chosen from the priority."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import services
from indicators.models import Indicator
from priorities.models import Priority
from tests.factories import PlanFactory, PriorityFactory
from tests.indicators.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def _form(**fields: str) -> dict[str, str]:
    return {
        "code": "repeat-plans",
        "name": "Repeat child protection plans",
        "definition": "",
        "unit": "percentage",
        "polarity": "lower",
        "frequency": "year",
        "priority": "",
        "source_kind": "published",
        "measure": "",
        "target": "18",
        "tolerance": "2",
        "notes": "",
        **fields,
    }


def test_a_manager_adds_an_indicator_serving_a_priority_with_its_target(world, client_for):
    priority = Priority.objects.get(plan=world.plan, number=1)
    response = client_for("manager").post(
        reverse("indicators:indicator_create", kwargs={"board": world.board.slug}),
        _form(priority=str(priority.pk)),
    )
    saved = Indicator.objects.get(board=world.board, code="repeat-plans")
    assert response.status_code == 302
    assert response["Location"] == saved.get_absolute_url()
    assert (saved.priority, saved.target, saved.tolerance) == (
        priority,
        Decimal("18"),
        Decimal("2"),
    )
    assert saved.history.get().history_user.username == "manager"


def test_it_refuses_a_target_with_no_direction_and_a_priority_of_another_board(world, client_for):
    url = reverse("indicators:indicator_create", kwargs={"board": world.board.slug})
    response = client_for("manager").post(url, _form(polarity="neither"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "A target needs a direction" in html
    assert "govuk-error-summary" in html
    theirs = PriorityFactory(plan=world.other_plan, number=1)
    refused = client_for("manager").post(url, _form(priority=str(theirs.pk)))
    assert refused.status_code == 400
    assert not Indicator.objects.filter(code="repeat-plans").exists()
    # The service refuses it too, whatever path sends it.
    with pytest.raises(ValidationError, match="another board"):
        services.indicator_save(
            indicator=Indicator(
                board=world.board, code="x", name="X", unit="count", priority=theirs
            )
        )


def test_it_refuses_the_code_of_the_new_indicator_page():
    problems = services.indicator_problems(
        indicator=Indicator(board_id=1, code="new", name="New", unit="count")
    )
    assert "names a page of its own" in problems["code"][0]


def test_a_change_of_priority_from_the_indicator_is_in_its_history(world, client_for):
    indicator = IndicatorFactory(board=world.board, code="referrals", name="Referrals")
    priority = Priority.objects.get(plan=world.plan, number=1)
    url = reverse(
        "indicators:indicator_edit", kwargs={"board": world.board.slug, "indicator": "referrals"}
    )
    response = client_for("manager").post(
        url,
        _form(
            code="referrals",
            name="Referrals",
            unit="count",
            target="",
            tolerance="",
            polarity="neither",
            priority=str(priority.pk),
        ),
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.priority == priority
    assert indicator.history.count() == 2


def test_choosing_from_the_priority_links_the_ticked_and_unlinks_the_rest(world):
    priority = Priority.objects.get(plan=world.plan, number=1)
    other = PriorityFactory(plan=world.plan, number=2)
    kept = IndicatorFactory(board=world.board, code="kept", priority=priority)
    dropped = IndicatorFactory(board=world.board, code="dropped", priority=priority)
    moved = IndicatorFactory(board=world.board, code="moved", priority=other)
    untouched = IndicatorFactory(board=world.board, code="untouched")
    services.priority_indicators_set(priority=priority, indicators=[kept, moved])
    for indicator in (kept, dropped, moved, untouched):
        indicator.refresh_from_db()
    assert kept.priority == priority
    assert moved.priority == priority
    assert dropped.priority is None
    assert untouched.priority is None
    assert kept.history.count() == 1  # unchanged, so no new record
    assert moved.history.count() == 2


def test_it_refuses_another_boards_indicator_for_a_priority_and_changes_nothing(world):
    priority = Priority.objects.get(plan=world.plan, number=1)
    mine = IndicatorFactory(board=world.board, code="mine")
    theirs = IndicatorFactory(board=world.other_board, code="theirs", name="Theirs")
    with pytest.raises(ValidationError, match="Theirs belong to another board"):
        services.priority_indicators_set(priority=priority, indicators=[mine, theirs])
    mine.refresh_from_db()
    assert mine.priority is None


def test_the_priority_page_form_saves_the_choice(world, client_for):
    mine = IndicatorFactory(board=world.board, code="mine")
    url = reverse(
        "indicators:priority_indicators",
        kwargs={"board": world.board.slug, "plan": world.plan.slug, "number": 1},
    )
    response = client_for("manager").post(url, {"indicators": [str(mine.pk)]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.priority.number == 1
    theirs = IndicatorFactory(board=world.other_board, code="theirs")
    refused = client_for("manager").post(url, {"indicators": [str(theirs.pk)]})
    assert refused.status_code == 400


def test_the_indicator_list_puts_those_serving_no_priority_first_in_constant_queries(
    world, client_for, django_assert_max_num_queries
):
    priority = Priority.objects.get(plan=world.plan, number=1)
    plan = PlanFactory(board=world.board, slug="second")
    for n in range(12):
        IndicatorFactory(
            board=world.board,
            code=f"i{n}",
            name=f"Indicator {n:02}",
            priority=priority if n % 2 else PriorityFactory(plan=plan, number=n + 1),
        )
    IndicatorFactory(board=world.board, code="loose", name="Loose indicator")
    client = client_for("chair")
    url = reverse("indicators:indicator_list", kwargs={"board": world.board.slug})
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert html.index("Loose indicator") < html.index("Indicator 00")
    assert "No priority" in html


@pytest.mark.parametrize("code", ["Repeat plans", "plans/2", "-leading", "x" * 61])
def test_it_refuses_a_code_that_cannot_be_a_pages_address(code):
    problems = services.indicator_problems(
        indicator=Indicator(board_id=1, code=code, name="Repeat plans", unit="count")
    )
    assert "lower-case letters, numbers and hyphens" in problems["code"][0]
