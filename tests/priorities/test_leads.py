"""Action leads: an action's lead can be an account in the Action lead role;
a lead sees only the actions they lead, with their plans' context and
history, and every other page answers 404."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import roles
from priorities import services
from priorities.models import Action
from priorities.rules import leads_action
from tests.clock import on_day
from tests.factories import ActionFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


def home(world) -> str:
    return reverse("priorities:lead_home", kwargs={"board": world.board.slug})


def page_of(action) -> str:
    return reverse(
        "priorities:lead_action",
        kwargs={"board": action.plan.board.slug, "plan": action.plan.slug, "ref": action.ref},
    )


@pytest.fixture
def other_lead(world):
    return UserFactory(
        username="other_lead",
        first_name="Sam",
        last_name="Other",
        role=roles.ACTION_LEAD,
        boards=[world.board],
    )


@pytest.fixture
def led(world, users, other_lead):
    """Two actions of the lead's, in two plans; one of another lead's; one of nobody's."""
    review_plan = PlanFactory(board=world.board, slug="child-x-review", title="Child X review")
    return {
        "mine": ActionFactory(
            plan=world.plan,
            priority=world.action.priority,
            ref="2b",
            lead_account=users["lead"],
            description="Audit the front door's threshold decisions",
        ),
        "mine_too": ActionFactory(plan=review_plan, ref="R1", lead_account=users["lead"]),
        "theirs": ActionFactory(plan=world.plan, ref="3c", lead_account=other_lead),
        "nobodys": world.action,
    }


def test_a_lead_sees_their_actions_by_plan_and_nothing_else(world, users, led, client_for):
    page = client_for("lead").get(home(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Audit the front door&#x27;s threshold decisions" in html
    assert page_of(led["mine"]) in html
    assert page_of(led["mine_too"]) in html
    assert page_of(led["theirs"]) not in html
    assert ">1a<" not in html
    assert [group.plan.title for group in page.context["plans"]] == sorted(
        [world.plan.title, "Child X review"]
    )


def test_a_lead_sees_a_closed_plans_actions_after_the_plans_in_force_marked_closed(
    world, users, led, client_for
):
    """On the last day of its period the plan is in force; the day after, its
    actions move below the plans in force, saying the period ended."""
    ended = PlanFactory(
        board=world.board,
        slug="business-plan-2023-26",
        title="A business plan 2023-26",
        starts_on=datetime.date(2023, 4, 1),
        ends_on=datetime.date(2026, 3, 31),
    )
    ActionFactory(plan=ended, ref="E1", lead_account=users["lead"])
    with on_day(datetime.date(2026, 3, 31)):
        page = client_for("lead").get(home(world))
    assert page.context["plans"][0].plan.title == "A business plan 2023-26"
    assert "In force until 31 March 2026." in page.content.decode()
    with on_day(datetime.date(2026, 4, 1)):
        page = client_for("lead").get(home(world))
    assert [group.plan.title for group in page.context["plans"]] == [
        world.plan.title,
        "Child X review",
        "A business plan 2023-26",
    ]
    html = page.content.decode()
    assert "Closed: its period ended on 31 March 2026. Its actions stay here for the record" in html
    assert html.count("no longer followed up") == 1


def test_a_lead_with_no_actions_is_told_so(world, users, client_for):
    page = client_for("lead").get(home(world)).content.decode()
    assert "You do not lead any of" in page


def test_a_lead_opens_their_action_with_its_plan_ratings_and_history(world, users, led, client_for):
    page = client_for("lead").get(page_of(led["mine"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert world.plan.title in html
    assert str(led["mine"].priority) in html
    assert "Change history" in html
    assert "This action has not been rated yet." in html


@pytest.mark.parametrize("which", ["theirs", "nobodys"])
def test_another_leads_action_or_nobodys_is_a_404(which, world, users, led, client_for):
    assert client_for("lead").get(page_of(led[which])).status_code == 404


def test_a_lead_who_loses_the_board_loses_its_actions(world, users, led, client_for):
    client = client_for("lead")
    users["lead"].boards.clear()
    assert client.get(page_of(led["mine"])).status_code == 404
    assert client.get(home(world)).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "board:home",
        "board:members",
        "priorities:plans",
        "priorities:actions",
        "reviews:register",
        "reports:annual_reports",
        "reports:dashboard",
        "people:people",
    ],
)
def test_every_board_page_is_a_404_to_a_lead(name, world, users, client_for):
    url = reverse(name, kwargs={"board": world.board.slug})
    assert client_for("lead").get(url).status_code == 404


def test_a_lead_signing_in_lands_on_their_actions(world, users, client_for):
    response = client_for("lead").get(reverse("site:home"))
    assert response["Location"] == home(world)


def test_a_lead_on_two_boards_chooses_a_board_and_lands_on_their_actions(world, users, client_for):
    users["lead"].boards.add(world.other_board)
    page = client_for("lead").get(reverse("site:home")).content.decode()
    assert home(world) in page
    assert reverse("priorities:lead_home", kwargs={"board": world.other_board.slug}) in page
    switched = client_for("lead").get(reverse("site:switch_board"), {"board": world.board.slug})
    assert switched["Location"] == home(world)


def test_the_lead_home_page_reads_in_a_fixed_number_of_queries(
    world, users, led, client_for, django_assert_max_num_queries
):
    client = client_for("lead")
    client.get(home(world))
    for n in range(10):
        ActionFactory(plan=world.plan, ref=f"8{n}", lead_account=users["lead"])
    with django_assert_max_num_queries(12):
        assert client.get(home(world)).status_code == 200


# Naming the lead ---------------------------------------------------------------


def edit(client, action, **changes):
    url = reverse(
        "priorities:action_edit",
        kwargs={"board": action.plan.board.slug, "plan": action.plan.slug, "ref": action.ref},
    )
    data = {
        "description": action.description,
        "version": action.version,
        "lead": action.lead,
        "lead_account": "",
        "priority": action.priority_id or "",
        **changes,
    }
    return client.post(url, data)


def test_the_manager_names_a_lead_on_the_actions_edit_page(world, users, client_for):
    client = client_for("manager")
    form = client.get(
        reverse(
            "priorities:action_edit",
            kwargs={"board": world.board.slug, "plan": world.plan.slug, "ref": "1a"},
        )
    ).content.decode()
    assert "Action lead in Assure" in form
    select = re.search(r'<select name="lead_account".*?</select>', form, re.S).group(0)
    assert re.findall(r'<option value="(\d*)"', select) == ["", str(users["lead"].pk)]
    response = edit(
        client, world.action, lead="Head of Safeguarding", lead_account=users["lead"].pk
    )
    assert response.status_code == 302
    world.action.refresh_from_db()
    assert world.action.lead_account == users["lead"]
    assert world.action.lead == "Head of Safeguarding"  # the free text stays
    assert world.action.history.first().lead_account_id == users["lead"].pk
    assert client_for("lead").get(page_of(world.action)).status_code == 200


@pytest.mark.parametrize("who", ["partner", "manager", "other_lead_elsewhere"])
def test_only_an_action_lead_of_the_plans_board_can_be_its_lead(who, world, users):
    account = users.get(who) or UserFactory(
        username=who, role=roles.ACTION_LEAD, boards=[world.other_board]
    )
    with pytest.raises(ValidationError) as refused:
        services.action_update(
            action_id=world.action.pk,
            expected_version=world.action.version,
            changes={"lead_account": account},
        )
    assert "is not an action lead of" in refused.value.message_dict["lead_account"][0]
    world.action.refresh_from_db()
    assert world.action.lead_account is None
    assert world.action.version == 1
    with pytest.raises(ValidationError):
        services.action_create(plan=world.plan, ref="7z", lead_account=account)
    assert not Action.objects.filter(ref="7z").exists()


def test_the_edit_page_refuses_someone_who_is_not_a_lead(world, users, client_for):
    response = edit(client_for("manager"), world.action, lead_account=users["chair"].pk)
    assert response.status_code == 400
    world.action.refresh_from_db()
    assert world.action.lead_account is None


def test_an_import_keeps_the_lead_account(world, users):
    from priorities import spreadsheets

    services.action_update(
        action_id=world.action.pk, expected_version=1, changes={"lead_account": users["lead"]}
    )
    exported = spreadsheets.export_csv(world.plan).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(exported)))
    table[1][table[0].index("Lead")] = "A new lead, as written"
    out = io.StringIO()
    csv.writer(out).writerows(table)
    rows = spreadsheets.read_rows("plan.csv", out.getvalue().encode())
    preview = spreadsheets.preview_import(world.plan, rows)
    assert preview.valid
    spreadsheets.import_save(
        plan=world.plan, rows=rows, pins=preview.pins, recorded_by=users["manager"]
    )
    world.action.refresh_from_db()
    assert world.action.lead == "A new lead, as written"
    assert world.action.lead_account == users["lead"]


def test_the_rule_says_a_lead_leads_only_their_own_action(world, users, led, other_lead):
    assert users["lead"].has_perm("priorities.lead_action", led["mine"])
    assert not users["lead"].has_perm("priorities.lead_action", led["theirs"])
    assert not users["manager"].has_perm("priorities.lead_action", led["mine"])
    assert not leads_action(users["lead"], None)
