import datetime
import io
from html import escape

import pytest
from django.core.management import call_command
from django.urls import reverse

from board.models import Board
from core import roles
from priorities.models import Action, Assessment
from priorities.templatetags.ratings import rating_tag
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    PlanFactory,
    PriorityFactory,
    UserFactory,
)
from tests.html import table_rows


def url(name, world, **kwargs):
    return reverse(name, kwargs={"board": world.board.slug, **kwargs})


def grow(world, n_actions, assessments_each=10):
    """n actions across six priorities, each assessed `assessments_each` times."""
    plan = world.plan
    priorities = [plan.priorities.get(number=1)] + [
        PriorityFactory(plan=plan, number=k) for k in range(2, 7)
    ]
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            priority=priorities[i % 6],
            ref=f"x{i}",
            position=i + 10,
            description=f"Action {i}",
            oversight_group=world.group,
        )
        for i in range(n_actions)
    )
    Assessment.objects.bulk_create(
        Assessment(
            action=a,
            assessed_on=datetime.date(2016, 4, 1) + datetime.timedelta(days=k),
            process="AMBER",
            impact="GREY",
            commentary="x",
        )
        for a in actions
        for k in range(assessments_each)
    )


# Each count includes one query for the device that verified the sign-in code.
PAGES = {
    "priorities:actions": (lambda w: {}, {}, 14),
    # The plan page also reads the plan's history and, for a dated business
    # plan, the plan that superseded it.
    "priorities:plan": (lambda w: {"plan": w.plan.slug}, {}, 14),
    "priorities:plans": (lambda w: {}, {}, 9),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("size", [10, 1000])
def test_action_pages_run_a_constant_number_of_queries(
    world, manager_client, django_assert_max_num_queries, name, size
):
    grow(world, size)
    kwargs, params, limit = PAGES[name]
    with django_assert_max_num_queries(limit):
        response = manager_client.get(url(name, world, **kwargs(world)), params)
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_actions_list_filters_by_rating_and_exports_exactly_what_is_filtered(
    world, manager_client
):
    red = ActionFactory(plan=world.plan, ref="3a", description="Publicise the threshold document")
    AssessmentFactory(action=red, process="RED", impact="GREY", commentary="Slipped")
    response = manager_client.get(url("priorities:actions", world), {"process": "RED"})
    html = response.content.decode()
    assert "Publicise the threshold document" in html
    assert world.action.description not in html
    exported = manager_client.get(
        url("priorities:actions", world), {"process": "RED", "_export": "csv"}
    )
    body = exported.content.decode()
    assert "Publicise the threshold document" in body
    assert world.action.description not in body
    assert "RED" in body


@pytest.mark.django_db
def test_the_actions_list_finds_actions_never_assessed_or_not_since_a_date(world, manager_client):
    stale = ActionFactory(plan=world.plan, ref="4a")
    AssessmentFactory(action=stale, assessed_on=datetime.date(2016, 1, 1))
    fresh = ActionFactory(plan=world.plan, ref="4b")
    AssessmentFactory(action=fresh, assessed_on=datetime.date(2016, 12, 1))
    html = manager_client.get(
        url("priorities:actions", world), {"not_assessed_since": "2016-06-01"}
    ).content.decode()
    assert stale.description in html
    assert world.action.description in html  # never assessed
    assert fresh.description not in html
    html = manager_client.get(
        url("priorities:actions", world), {"process": "NONE"}
    ).content.decode()
    assert world.action.description in html
    assert stale.description not in html


@pytest.mark.django_db
def test_the_overdue_filter_leaves_out_completed_actions(world, manager_client):
    late = ActionFactory(plan=world.plan, ref="5a", due_date=datetime.date(2016, 3, 31))
    done = ActionFactory(plan=world.plan, ref="5b", due_date=datetime.date(2016, 3, 31))
    AssessmentFactory(action=done, process="BLUE", impact="GREY")
    html = manager_client.get(
        url("priorities:actions", world), {"overdue": "true"}
    ).content.decode()
    assert late.description in html
    assert done.description not in html
    assert world.action.description not in html  # no due date


@pytest.mark.django_db
def test_an_assessment_recorded_without_javascript_shows_on_the_action_page(
    world, manager_client, users
):
    assess = url("priorities:assess", world, plan=world.plan.slug, ref=world.action.ref)
    response = manager_client.post(
        assess,
        {
            "process": "AMBER",
            "impact": "GREY",
            "assessed_on": "2016-09-01",
            "commentary": "Training delayed",
        },
    )
    assert response.status_code == 302
    page = manager_client.get(response["Location"]).content.decode()
    rows = table_rows(page, "assessments")
    assert rows[1][0] == "1 Sep 2016"
    assert rows[1][2:5] == ["Amber", "Grey (not started)", "Training delayed"]
    assert "Test Person" in rows[1][1]


@pytest.mark.django_db
def test_an_amber_rating_without_commentary_is_refused_on_the_page(world, manager_client):
    assess = url("priorities:assess", world, plan=world.plan.slug, ref=world.action.ref)
    response = manager_client.post(
        assess, {"process": "AMBER", "impact": "GREY", "assessed_on": "2016-09-01"}
    )
    assert response.status_code == 400
    assert "a RED or AMBER rating needs commentary" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_an_assessment_recorded_in_place_returns_the_updated_row(world, manager_client):
    assess = url("priorities:assess", world, plan=world.plan.slug, ref=world.action.ref)
    form = manager_client.get(assess, headers={"HX-Request": "true"}).content.decode()
    assert form.lstrip().startswith('<tr class="govuk-table__row" id="assess-row">')
    response = manager_client.post(
        assess,
        {"process": "GREEN", "impact": "GREY", "assessed_on": "2016-09-01"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="action-{world.action.pk}" hx-swap-oob="true"' in html
    assert "Green" in html
    assert "Assessment of action 1a recorded." in html


@pytest.mark.django_db
def test_a_second_edit_from_a_stale_form_is_refused_and_shows_the_other_change(world, client_for):
    first, second = client_for("manager"), client_for("manager")
    edit = url("priorities:action_edit", world, plan=world.plan.slug, ref=world.action.ref)
    base = {
        "description": world.action.description,
        "timescale": "Ongoing",
        "lead": "L&IG chair",
        "version": "1",
    }
    assert first.post(edit, {**base, "lead": "Nick Chamberlain"}).status_code == 302
    response = second.post(edit, {**base, "timescale": "March 2017"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this action while you were editing it" in html
    assert "Now: Nick Chamberlain" in html
    assert 'value="March 2017"' in html  # their own edit is still in the form
    assert 'name="version" value="2"' in html
    world.action.refresh_from_db()
    assert (world.action.lead, world.action.timescale) == ("Nick Chamberlain", "Ongoing")
    # saving again from the refreshed form keeps both changes
    assert (
        second.post(
            edit, {**base, "lead": "Nick Chamberlain", "timescale": "March 2017", "version": "2"}
        ).status_code
        == 302
    )
    world.action.refresh_from_db()
    assert (world.action.lead, world.action.timescale) == ("Nick Chamberlain", "March 2017")


@pytest.mark.django_db
def test_a_chair_sees_ratings_but_no_edit_controls(world, client_for):
    AssessmentFactory(action=world.action, process="AMBER", impact="GREY")
    chair = client_for("chair")
    for page in (
        url("priorities:actions", world),
        url("priorities:action", world, plan=world.plan.slug, ref=world.action.ref),
    ):
        html = chair.get(page).content.decode()
        # The rating's tag, not the filter's own "Amber" option.
        assert str(rating_tag("AMBER")) in html
        assert str(rating_tag("GREY")) in html
        assert "Record rating" not in html
        assert "Record an assessment" not in html
        assert "Edit this action" not in html


@pytest.mark.django_db
def test_the_luton_business_plan_reads_back_with_its_six_priorities_and_every_action(client):
    call_command("load_past_reports", stdout=io.StringIO())
    user = UserFactory(
        username="chair", role=roles.INDEPENDENT_CHAIR, boards=list(Board.objects.all())
    )
    client.force_login(user)
    html = client.get(
        reverse("priorities:plan", kwargs={"board": "luton", "plan": "business-plan-2015-17"})
    ).content.decode()
    for number in range(1, 7):
        assert f"Priority {number}:" in html
    assert "Priority 7:" not in html
    refs = [
        "1a",
        "1b",
        "2a",
        "2b",
        "2c",
        "3a",
        "3b",
        "3c",
        "4a",
        "4b",
        "4c",
        "4d",
        "4e",
        "5a",
        "5b",
        "5c",
        "5d",
        "6a",
        "6b",
        "6c",
        "6d",
        "6E",
    ]
    for ref in refs:
        assert f'id="ref-{ref}"' in html, ref
    assert html.count('id="ref-') == len(refs)
    assert "Not assessed" in html
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_the_plan_page_escapes_what_people_type(world, manager_client):
    ActionFactory(
        plan=world.plan,
        ref="9z",
        description='<script>alert("x")</script> & more',
        lead="<b>Lead</b>",
    )
    html = manager_client.get(url("priorities:plan", world, plan=world.plan.slug)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
    assert "&lt;b&gt;Lead&lt;/b&gt;" in html


@pytest.mark.django_db
def test_a_manager_adds_an_action_to_a_plan(world, manager_client):
    new = url("priorities:action_create", world, plan=world.plan.slug)
    response = manager_client.post(
        new,
        {
            "ref": "1b.",
            "priority": world.plan.priorities.get().pk,
            "description": "Audit CSE screening",
            "timescale": "6 months",
        },
    )
    created = Action.objects.get(plan=world.plan, ref="1b")
    assert response["Location"] == created.get_absolute_url()
    assert created.position > world.action.position
    assert created.history.count() == 1


@pytest.mark.django_db
def test_a_new_action_with_a_ref_the_plan_has_is_refused(world, manager_client):
    new = url("priorities:action_create", world, plan=world.plan.slug)
    response = manager_client.post(new, {"ref": world.action.ref, "description": "Again"})
    assert response.status_code == 400
    assert f"This plan already has an action {world.action.ref}." in response.content.decode()
    assert Action.objects.filter(plan=world.plan).count() == 1


@pytest.mark.django_db
def test_the_actions_list_escapes_text_and_marks_overdue_actions(world, manager_client):
    late = ActionFactory(
        plan=world.plan,
        ref="7a",
        description="<img src=x onerror=alert(1)>",
        due_date=datetime.date(2016, 3, 31),
    )
    done = ActionFactory(plan=world.plan, ref="7b", due_date=datetime.date(2016, 3, 31))
    AssessmentFactory(action=done, process="BLUE", impact="GREY")
    html = manager_client.get(url("priorities:actions", world)).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    late_row = html[html.index(f'id="action-{late.pk}"') :].split("</tr>")[0]
    done_row = html[html.index(f'id="action-{done.pk}"') :].split("</tr>")[0]
    assert "Overdue" in late_row
    assert "Overdue" not in done_row


@pytest.mark.django_db
def test_the_plan_page_marks_overdue_actions(world, manager_client):
    ActionFactory(plan=world.plan, ref="8a", due_date=datetime.date(2016, 3, 31))
    html = manager_client.get(url("priorities:plan", world, plan=world.plan.slug)).content.decode()
    row = html[html.index('id="ref-8a"') :].split("</tr>")[0]
    assert "Overdue" in row
    first = html[html.index('id="ref-1a"') :].split("</tr>")[0]
    assert "Overdue" not in first


AFTER_1A = 10**6  # a position after the world's action 1a, whatever the factory's count


def listed(html):
    """The all-actions table as a person reads it: ('plan', title) for each
    plan's heading row, the ref for each action's row."""
    rows = table_rows(html, "actions")[1:]  # after the header row
    return [("plan", row[0]) if len(row) == 1 else row[0] for row in rows]


@pytest.fixture
def rated(world):
    """Actions of the world's plan by current process and impact rating;
    1a (the world's own action) has never been assessed."""
    made = {}
    for i, (ref, process, impact) in enumerate(
        [
            ("2a", "RED", "GREY"),
            ("2b", "AMBER", "RED"),
            ("2c", "GREEN", "AMBER"),
            ("2d", "BLUE", "GREY"),
        ]
    ):
        made[ref] = ActionFactory(plan=world.plan, ref=ref, position=AFTER_1A + i)
        AssessmentFactory(action=made[ref], process=process, impact=impact)
    # an older RED that a later GREEN replaced is not RED now
    AssessmentFactory(
        action=made["2c"], process="RED", impact="RED", assessed_on=datetime.date(2016, 1, 1)
    )
    return made


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ({"process": ["RED", "AMBER"]}, ["2a", "2b"]),
        ({"process": ["NONE", "RED"]}, ["1a", "2a"]),
        ({"impact": ["RED", "AMBER"]}, ["2b", "2c"]),
        ({"impact": ["NONE"]}, ["1a"]),
        ({"process": ["AMBER", "BLUE"], "impact": ["GREY"]}, ["2d"]),
        ({"process": []}, ["1a", "2a", "2b", "2c", "2d"]),
        ({"process": [""], "impact": ["", "RED"]}, ["2b"]),  # as the old single choice sent
    ],
)
def test_the_rating_filters_take_several_ratings_and_list_exactly_those_actions(
    world, manager_client, rated, query, refs
):
    html = manager_client.get(url("priorities:actions", world), query).content.decode()
    assert listed(html) == [("plan", world.plan.title), *refs]


@pytest.mark.django_db
def test_ticked_ratings_stay_ticked_and_carry_into_sorting_pages_and_exports(
    world, manager_client, rated
):
    response = manager_client.get(url("priorities:actions", world), {"process": ["RED", "AMBER"]})
    html = response.content.decode()
    for value, ticked in [("RED", True), ("AMBER", True), ("GREEN", False), ("NONE", False)]:
        box = html[html.index(f'name="process" value="{value}"') :].split(">")[0]
        assert ("checked" in box) is ticked, value
    for link in ("_export=csv", "sort=due_date"):
        href = html[: html.index(link)].rsplit('href="', 1)[1] + link
        assert "process=RED&amp;process=AMBER" in href, href
    exported = manager_client.get(
        url("priorities:actions", world), {"process": ["RED", "AMBER"], "_export": "csv"}
    )
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines] == ["Ref", "2a", "2b"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"process": ["RED", "PURPLE"]},
        {"impact": ["<b>x</b>"]},
        {"process": ["red"]},
        {"process": ["RED", "PURPLE"], "_export": "csv"},
    ],
)
def test_a_rating_that_does_not_exist_is_refused_and_nothing_is_listed_or_exported(
    world, manager_client, rated, query
):
    response = manager_client.get(url("priorities:actions", world), query)
    html = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "There is a problem" in html
    assert "is not a rating: choose from Red, Amber, Green, Blue, Grey and Not assessed." in html
    assert "<b>x</b>" not in html
    assert table_rows(html, "actions") == []
    assert "No actions are listed until the filters above are corrected." in html


@pytest.mark.django_db
def test_the_list_names_each_plan_once_above_its_actions(world, manager_client):
    other = PlanFactory(
        board=world.board, slug="ofsted", title="Ofsted review (2016): recommendations"
    )
    for i, ref in enumerate(["129", "130"]):
        ActionFactory(plan=other, ref=ref, position=i)
    ActionFactory(plan=world.plan, ref="1b", position=AFTER_1A)
    html = manager_client.get(url("priorities:actions", world)).content.decode()
    rows = table_rows(html, "actions")
    assert rows[0] == [
        "Ref (sort)",
        "Action (sort)",
        "Lead (sort)",
        "Oversight (sort)",
        "Due (sort)",
        "Process (sort)",
        "Impact (sort)",
        "Last assessed (sort)",
        "",
    ]
    assert listed(html) == [
        ("plan", world.plan.title),
        "1a",
        "1b",
        ("plan", other.title),
        "129",
        "130",
    ]
    table = html[html.index('<table class="govuk-table assure-actions"') : html.index("</table>")]
    assert table.count(world.plan.title) == 1
    assert table.count('<th scope="rowgroup" colspan="9"') == 2


@pytest.mark.django_db
def test_sorting_orders_actions_within_each_plan(world, manager_client):
    other = PlanFactory(board=world.board, slug="audit", title="Audit of neglect cases")
    ActionFactory(plan=other, ref="A1", due_date=datetime.date(2017, 3, 31))
    ActionFactory(plan=other, ref="A2", due_date=datetime.date(2016, 6, 30))
    ActionFactory(plan=world.plan, ref="1b", due_date=datetime.date(2016, 9, 30))
    world.action.due_date = datetime.date(2017, 1, 31)
    world.action.save()
    page = url("priorities:actions", world)
    html = manager_client.get(page, {"sort": "due_date"}).content.decode()
    assert listed(html) == [
        ("plan", other.title),
        "A2",
        "A1",
        ("plan", world.plan.title),
        "1b",
        "1a",
    ]
    html = manager_client.get(page, {"sort": "-due_date"}).content.decode()
    assert listed(html) == [
        ("plan", other.title),
        "A1",
        "A2",
        ("plan", world.plan.title),
        "1a",
        "1b",
    ]


@pytest.mark.django_db
def test_each_page_of_the_list_names_its_plan_and_exports_keep_the_full_title_and_text(
    world, manager_client
):
    long_text = " ".join(["Partner agencies ensure staff attend the neglect training"] * 5)
    for i in range(30):
        ActionFactory(plan=world.plan, ref=f"9{i}", position=AFTER_1A + i, description=long_text)
    page = url("priorities:actions", world)
    second = manager_client.get(page, {"page": "2"}).content.decode()
    assert listed(second) == [("plan", world.plan.title), *[f"9{i}" for i in range(24, 30)]]
    cell = table_rows(second, "actions")[2][1]
    assert len(cell) <= 140
    assert cell.endswith("training Partner agencies…")
    exported = manager_client.get(page, {"_export": "csv"}).content.decode("utf-8-sig")
    exported = exported.splitlines()
    assert exported[0] == (
        "Ref,Plan,Priority,Action,Lead,Oversight,Due,Process,Impact,Last assessed"
    )
    assert len(exported) == 32
    assert exported[-1].startswith(f"929,{world.plan.title},,{long_text},L&IG chair,")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "label", "hint"),
    [
        (
            "commentary",
            "Commentary",
            "Needed if the process or impact rating is Red or Amber: say why.",
        ),
        (
            "evidence",
            "Evidence notes or links",
            "One per line: a report's title, a scorecard measure, a link. A Green or Blue "
            "impact rating needs these or an evidence type above.",
        ),
    ],
)
def test_the_assessment_form_says_when_a_field_is_needed_rather_than_optional(
    world, manager_client, name, label, hint
):
    assess = url("priorities:assess", world, plan=world.plan.slug, ref=world.action.ref)
    for headers in ({}, {"HX-Request": "true"}):  # its own page, and in place on the list
        html = manager_client.get(assess, headers=headers).content.decode()
        shown = html[html.index(f'for="id_{name}">') :].split("</label>")[0]
        assert shown == f'for="id_{name}">{label}'
        assert f'<div id="id_{name}_helptext" class="govuk-hint">{escape(hint)}</div>' in html
        box = html[html.index(f'<textarea name="{name}"') :].split(">")[0]
        assert f'aria-describedby="id_{name}_helptext"' in box


@pytest.mark.django_db
def test_action_3a_shows_what_the_plan_says_and_notes_on_the_source_stay_with_the_plan(client):
    """How an action was transcribed from the past report is a note on the
    source, on the plan's page, not part of the action a person reads."""
    call_command("load_past_reports", stdout=io.StringIO())
    client.force_login(
        UserFactory(
            username="chair", role=roles.INDEPENDENT_CHAIR, boards=list(Board.objects.all())
        )
    )
    plan = {"board": "luton", "plan": "business-plan-2015-17"}
    action = client.get(reverse("priorities:action", kwargs={**plan, "ref": "3a"})).content.decode()
    assert "Threshold Document to be publicized to all partner agencies" in action
    assert '<dt class="govuk-summary-list__key">Notes</dt>' not in action
    assert "reporting_to" not in action
    assert (
        "As written: Detail, work plan and oversight – L&amp;IG Reporting to the S&amp;AG" in action
    )
    assert not Action.objects.exclude(notes="").exists()
    page = client.get(reverse("priorities:plan", kwargs=plan)).content.decode()
    notes = page[page.index("Notes on the source") :]
    assert (
        "- 3a: Reports to the S&amp;AG and the Executive; Assure records the first named, "
        "the S&amp;AG, as the group it reports to.<br>" in notes
    )
    for field_name in ("reporting_to", "oversight_group", "oversight_note", "impact_expected"):
        assert field_name not in notes
