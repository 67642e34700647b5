"""The business plan's rules, checked where people meet them: the current
rating on every page and export, evidence through the form, dates either
side of today, what an edit may change and what a conflict shows."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from priorities import services
from priorities.models import Action, Assessment
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    EvidenceTypeFactory,
    GroupFactory,
    PlanFactory,
    PriorityFactory,
)

TODAY = datetime.date(2026, 12, 2)
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture
def today(monkeypatch):
    """Assure's idea of today, fixed: the form, the service and the pages all ask
    django.utils.timezone.localdate."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def url(name, world, **kwargs):
    return reverse(name, kwargs={"board": world.board.slug, **kwargs})


def row(html, element_id):
    """The HTML of the table row with this id."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</tr>", start)]


def tags(html):
    """The words of every GOV.UK tag, in order: ratings, and Overdue."""
    return re.findall(r'<strong class="govuk-tag[^"]*">([^<]+)</strong>', html)


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- two assessments on the same date ---------------------------------------------


@pytest.fixture
def same_day(world):
    """Action 1a assessed twice on one day: RED recorded at 3pm but saved first,
    then GREEN recorded at 9am. The RED one, recorded later, is current."""
    day = datetime.date(2016, 9, 1)
    red = AssessmentFactory(
        action=world.action, assessed_on=day, process="RED", impact="AMBER", commentary="Slipped"
    )
    green = AssessmentFactory(
        action=world.action, assessed_on=day, process="GREEN", impact="GREY", commentary="Fine"
    )
    Assessment.objects.filter(pk=red.pk).update(
        recorded_at=datetime.datetime(2016, 9, 1, 15, tzinfo=datetime.UTC)
    )
    Assessment.objects.filter(pk=green.pk).update(
        recorded_at=datetime.datetime(2016, 9, 1, 9, tzinfo=datetime.UTC)
    )
    return world


@pytest.mark.django_db
def test_the_all_actions_list_shows_the_assessment_recorded_later_on_the_same_day(
    same_day, manager_client
):
    html = manager_client.get(url("priorities:actions", same_day)).content.decode()
    assert tags(row(html, f"action-{same_day.action.pk}")) == ["Red", "Amber"]


@pytest.mark.django_db
def test_the_all_actions_export_has_the_assessment_recorded_later_on_the_same_day(
    same_day, manager_client
):
    response = manager_client.get(url("priorities:actions", same_day), {"_export": "csv"})
    (only,) = csv_rows(response)
    assert (only["Ref"], only["Process"], only["Impact"]) == ("1a", "RED", "AMBER")


@pytest.mark.django_db
def test_the_plan_page_shows_the_assessment_recorded_later_on_the_same_day(
    same_day, manager_client
):
    html = manager_client.get(
        url("priorities:plan", same_day, plan=same_day.plan.slug)
    ).content.decode()
    assert tags(row(html, "ref-1a")) == ["Red", "Amber"]


@pytest.mark.django_db
def test_the_plan_export_has_the_assessment_recorded_later_on_the_same_day(
    same_day, manager_client
):
    response = manager_client.get(
        url("priorities:plan_export", same_day, plan=same_day.plan.slug, fmt="csv")
    )
    (only,) = csv_rows(response)
    assert (
        only["Ref"],
        only["Process rating"],
        only["Impact rating"],
        only["Assessed on"],
        only["Commentary"],
    ) == ("1a", "RED", "AMBER", "2016-09-01", "Slipped")


@pytest.mark.django_db
def test_the_action_page_lists_the_same_day_assessments_latest_recorded_first(
    same_day, manager_client
):
    html = manager_client.get(
        url("priorities:action", same_day, plan=same_day.plan.slug, ref="1a")
    ).content.decode()
    assert html.index("Slipped") < html.index("Fine")


# --- evidence through the form ---------------------------------------------------


@pytest.mark.django_db
def test_a_green_impact_posted_with_evidence_types_keeps_exactly_those_types(world, manager_client):
    pi = EvidenceTypeFactory(slug="pi", name="PI", position=1)
    voice = EvidenceTypeFactory(slug="voice", name="Voice", position=5)
    EvidenceTypeFactory(slug="ofsted", name="Ofsted", position=3)
    response = manager_client.post(
        url("priorities:assess", world, plan=world.plan.slug, ref=world.action.ref),
        {
            "process": "GREEN",
            "impact": "GREEN",
            "assessed_on": "2016-09-01",
            "evidence_types": [pi.pk, voice.pk],
            "evidence": "  Audit of 20 neglect cases  ",
        },
    )
    assert response.status_code == 302
    saved = Assessment.objects.get(action=world.action)
    assert sorted(saved.evidence_types.values_list("slug", flat=True)) == ["pi", "voice"]
    assert (saved.process, saved.impact, saved.evidence) == (
        "GREEN",
        "GREEN",
        "Audit of 20 neglect cases",
    )
    page = manager_client.get(response["Location"]).content.decode()
    assert "PI" in page
    assert "Voice" in page


@pytest.mark.django_db
def test_a_blue_impact_posted_without_any_evidence_is_refused_and_nothing_is_saved(
    world, manager_client
):
    EvidenceTypeFactory(slug="pi", name="PI")
    response = manager_client.post(
        url("priorities:assess", world, plan=world.plan.slug, ref=world.action.ref),
        {"process": "BLUE", "impact": "BLUE", "assessed_on": "2016-09-01", "evidence": "  "},
    )
    assert response.status_code == 400
    assert "needs at least one piece of evidence" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_the_service_keeps_the_evidence_types_and_trims_the_text():
    action = ActionFactory()
    audit = EvidenceTypeFactory(slug="audit", name="Audit")
    saved = services.assessment_record(
        action=action,
        process="AMBER",
        impact="GREEN",
        assessed_on=datetime.date(2016, 9, 1),
        recorded_by=None,
        commentary="  Delayed by staffing \n",
        evidence_types=[audit],
        evidence="",
    )
    saved.refresh_from_db()
    assert list(saved.evidence_types.all()) == [audit]
    assert saved.commentary == "Delayed by staffing"
    assert saved.evidence == ""


@pytest.mark.django_db
@pytest.mark.parametrize("impact", ["RED", "AMBER", "GREY"])
def test_an_impact_other_than_green_or_blue_needs_no_evidence(impact):
    saved = services.assessment_record(
        action=ActionFactory(),
        process="GREY",
        impact=impact,
        assessed_on=datetime.date(2016, 9, 1),
        recorded_by=None,
        commentary="Why",
    )
    assert saved.impact == impact


@pytest.mark.django_db
def test_every_broken_rule_is_named_at_once():
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            action=ActionFactory(),
            process="PURPLE",
            impact="BLUE",
            assessed_on=datetime.date(2016, 9, 1),
            recorded_by=None,
        )
    assert sorted(error.value.message_dict) == ["evidence_types", "process"]
    assert error.value.message_dict["process"] == [
        "'PURPLE' is not a rating; choose RED, AMBER, GREEN, BLUE or GREY."
    ]


@pytest.mark.django_db
def test_an_impact_off_the_scale_is_refused():
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            action=ActionFactory(),
            process="GREY",
            impact="PURPLE",
            assessed_on=datetime.date(2016, 9, 1),
            recorded_by=None,
        )
    assert error.value.message_dict == {
        "impact": ["'PURPLE' is not a rating; choose RED, AMBER, GREEN, BLUE or GREY."]
    }


# --- dates either side of today -------------------------------------------------------


@pytest.mark.django_db
def test_the_service_accepts_an_assessment_dated_today(today):
    saved = services.assessment_record(
        action=ActionFactory(), process="GREY", impact="GREY", assessed_on=TODAY, recorded_by=None
    )
    assert saved.assessed_on == TODAY


@pytest.mark.django_db
def test_the_service_refuses_an_assessment_dated_tomorrow(today):
    action = ActionFactory()
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            action=action, process="GREY", impact="GREY", assessed_on=TOMORROW, recorded_by=None
        )
    assert list(error.value.message_dict) == ["assessed_on"]
    assert not Assessment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "saved"), [(TODAY, True), (TOMORROW, False)])
def test_the_form_accepts_today_and_refuses_tomorrow(world, manager_client, today, day, saved):
    response = manager_client.post(
        url("priorities:assess", world, plan=world.plan.slug, ref=world.action.ref),
        {"process": "GREY", "impact": "GREY", "assessed_on": day.isoformat()},
    )
    assert response.status_code == (302 if saved else 400)
    assert Assessment.objects.filter(assessed_on=day).exists() is saved
    if not saved:
        assert "The date of the assessment cannot be in the future." in response.content.decode()


@pytest.fixture
def due_dates(world):
    """Three actions either side of a due date, and one completed late."""
    due_today = ActionFactory(plan=world.plan, ref="2a", due_date=TODAY)
    due_yesterday = ActionFactory(plan=world.plan, ref="2b", due_date=YESTERDAY)
    completed = ActionFactory(plan=world.plan, ref="2c", due_date=YESTERDAY)
    AssessmentFactory(action=completed, process="BLUE", impact="GREY", assessed_on=YESTERDAY)
    return {"2a": due_today, "2b": due_yesterday, "2c": completed}


@pytest.mark.django_db
def test_the_all_actions_list_marks_overdue_only_what_was_due_before_today(
    world, manager_client, today, due_dates
):
    html = manager_client.get(url("priorities:actions", world)).content.decode()
    overdue = {
        ref for ref, a in due_dates.items() if "Overdue" in tags(row(html, f"action-{a.pk}"))
    }
    assert overdue == {"2b"}
    filtered = manager_client.get(url("priorities:actions", world), {"overdue": "true"})
    assert [r["Ref"] for r in csv_rows(filtered_export(manager_client, world))] == ["2b"]
    assert due_dates["2b"].description in filtered.content.decode()
    assert due_dates["2a"].description not in filtered.content.decode()


def filtered_export(client, world):
    return client.get(url("priorities:actions", world), {"overdue": "true", "_export": "csv"})


@pytest.mark.django_db
def test_the_plan_page_marks_overdue_only_what_was_due_before_today(
    world, manager_client, today, due_dates
):
    html = manager_client.get(url("priorities:plan", world, plan=world.plan.slug)).content.decode()
    overdue = {ref for ref in due_dates if "Overdue" in tags(row(html, f"ref-{ref}"))}
    assert overdue == {"2b"}


# --- the rating counts on the plans list and the plan page -----------------------------


@pytest.fixture
def rated(world):
    """Plan: 1a RED/AMBER, 1b RED/GREY, 1c GREEN/GREY (after an earlier RED), 1d not assessed."""
    priority = world.plan.priorities.get(number=1)
    second = PriorityFactory(plan=world.plan, number=2, title="Neglect")
    b = ActionFactory(plan=world.plan, priority=priority, ref="1b", position=2)
    c = ActionFactory(plan=world.plan, priority=priority, ref="1c", position=3)
    ActionFactory(plan=world.plan, priority=second, ref="2a", position=4)
    day = datetime.date(2016, 9, 1)
    AssessmentFactory(action=world.action, process="RED", impact="AMBER", assessed_on=day)
    AssessmentFactory(action=b, process="RED", impact="GREY", assessed_on=day)
    AssessmentFactory(action=c, process="RED", impact="GREY", assessed_on=day)
    AssessmentFactory(action=c, process="GREEN", impact="GREY", assessed_on=day.replace(day=2))
    return world


@pytest.mark.django_db
def test_the_plans_list_counts_the_current_process_ratings_exactly(rated, manager_client):
    from tests.html import table_rows

    html = manager_client.get(url("priorities:plans", rated)).content.decode()
    rows = {r[0]: r for r in table_rows(html, "plans-in-force")[1:]}
    plan_row = rows[rated.plan.title]
    assert plan_row[4] == "4"
    assert plan_row[5] == "Red 2, Green 1, 1 not assessed"


@pytest.mark.django_db
def test_the_plan_page_counts_each_priority_s_ratings_exactly(rated, manager_client):
    html = manager_client.get(url("priorities:plan", rated, plan=rated.plan.slug)).content.decode()
    first = html[html.index("Priority 1:") : html.index("Priority 2:")]
    assert rating_counts(first) == [["Red 2", "Green 1"], ["Amber 1", "Grey (not started) 2"]]
    second = html[html.index("Priority 2:") :]
    assert rating_counts(second)[:2] == [["Not assessed 1"], ["Not assessed 1"]]


def rating_counts(html):
    """Each list of rating counts in the HTML, as its items' text."""
    lists = re.findall(r'<ul class="govuk-list assure-rating-counts">(.*?)</ul>', html, re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", "", item).split())
            for item in re.findall(r"<li>(.*?)</li>", ul)
        ]
        for ul in lists
    ]


# --- what an edit may change -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["version", "ref", "plan", "position", "updated"])
def test_an_edit_may_not_change_the_version_or_what_identifies_the_action(field):
    action = ActionFactory(lead="Jo Fisher")
    with pytest.raises(ValueError, match=f"Not editable: {field}"):
        services.action_update(
            action_id=action.pk,
            expected_version=action.version,
            changes={field: 99, "lead": "Someone else"},
        )
    action.refresh_from_db()
    assert (action.version, action.lead) == (1, "Jo Fisher")


@pytest.mark.django_db
def test_a_new_action_may_not_set_its_own_version_or_position():
    plan = PlanFactory()
    with pytest.raises(ValueError, match="Not editable: position, version"):
        services.action_create(plan=plan, ref="1a", description="x", version=7, position=1)
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_every_editable_field_can_be_changed():
    plan = PlanFactory()
    group = GroupFactory(boards=[plan.board])
    priority = PriorityFactory(plan=plan)
    action = ActionFactory(plan=plan)
    changes = {
        "priority": priority,
        "description": "Audit CSE screening",
        "timescale": "March 2017",
        "due_date": datetime.date(2017, 3, 31),
        "lead": "S&AG chair",
        "lead_agency": None,
        "oversight_group": group,
        "reporting_to": group,
        "oversight_note": "S&AG to the Board",
        "impact_expected": "Fewer missed referrals",
        "how_we_will_know": "Audit findings",
        "notes": "Agreed in May",
    }
    services.action_update(action_id=action.pk, expected_version=1, changes=changes)
    action.refresh_from_db()
    assert {name: getattr(action, name) for name in changes} == changes
    assert action.version == 2


@pytest.mark.django_db
def test_a_new_action_goes_after_the_last_one_in_the_plan():
    plan = PlanFactory()
    ActionFactory(plan=plan, ref="1a", position=3)
    ActionFactory(plan=plan, ref="1b", position=7)
    ActionFactory(plan=PlanFactory(), ref="1c", position=40)  # another plan's
    created = services.action_create(plan=plan, ref=" 2a ", description="Audit CSE screening")
    assert (created.ref, created.position, created.version) == ("2a", 8, 1)


@pytest.mark.django_db
def test_the_first_action_of_a_plan_is_at_position_one():
    created = services.action_create(plan=PlanFactory(), ref="1a", description="First")
    assert created.position == 1


@pytest.mark.django_db
def test_an_action_the_model_refuses_is_not_created():
    plan = PlanFactory()
    other = PriorityFactory()  # another plan's priority
    with pytest.raises(ValidationError):
        services.action_create(plan=plan, ref="1a", description="x", priority=other)
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_a_conflict_names_the_group_and_priority_not_their_ids():
    plan = PlanFactory()
    group = GroupFactory(boards=[plan.board], name="Performance and Audit Group")
    priority = PriorityFactory(plan=plan, number=2, title="Neglect")
    action = ActionFactory(plan=plan, lead="Jo Fisher")
    services.action_update(
        action_id=action.pk,
        expected_version=1,
        changes={"oversight_group": group, "priority": priority, "lead": "Nick Chamberlain"},
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.action_update(action_id=action.pk, expected_version=1, changes={"notes": "x"})
    shown = {c.field: (c.label, str(c.theirs)) for c in conflict.value.their_changes}
    assert shown == {
        "priority": ("Priority", "Priority 2: Neglect"),
        "lead": ("Lead", "Nick Chamberlain"),
        "oversight_group": ("Oversight group", "Performance and Audit Group"),
    }
    assert conflict.value.current.version == 2
    assert [c.field for c in conflict.value.their_changes] == [
        "priority",
        "lead",
        "oversight_group",
    ]


@pytest.mark.django_db
def test_the_edit_page_shows_the_other_persons_change_by_name(world, client_for):
    group = GroupFactory(boards=[world.board], name="Performance and Audit Group")
    first, second = client_for("manager"), client_for("manager")
    edit = url("priorities:action_edit", world, plan=world.plan.slug, ref=world.action.ref)
    base = {"description": world.action.description, "version": "1"}
    assert first.post(edit, {**base, "oversight_group": group.pk}).status_code == 302
    response = second.post(edit, {**base, "lead": "Nick Chamberlain"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Now: Performance and Audit Group" in html
    assert f"Now: {group.pk}<" not in html


@pytest.mark.django_db
def test_a_conflict_without_the_starting_version_on_record_names_nothing():
    action = ActionFactory()
    action.history.all().delete()
    Action.objects.filter(pk=action.pk).update(version=5)
    with pytest.raises(services.EditConflict) as conflict:
        services.action_update(action_id=action.pk, expected_version=1, changes={"notes": "x"})
    assert conflict.value.their_changes == []


@pytest.mark.django_db
def test_a_chair_sees_the_rating_in_the_actions_own_row_and_no_edit_controls(world, client_for):
    """Not just the word somewhere on the page: the filter offers "Amber" too."""
    AssessmentFactory(action=world.action, process="AMBER", impact="GREY")
    chair = client_for("chair")
    html = chair.get(url("priorities:actions", world)).content.decode()
    assert tags(row(html, f"action-{world.action.pk}")) == ["Amber", "Grey (not started)"]
    assert "Record rating" not in html
    plan = chair.get(url("priorities:plan", world, plan=world.plan.slug)).content.decode()
    assert tags(row(plan, "ref-1a")) == ["Amber", "Grey (not started)"]
    assert "Add an action" not in plan


@pytest.mark.django_db
def test_evidence_types_given_once_through_are_checked_and_kept():
    """A generator of evidence types is read once for the rule and still saved."""
    audit = EvidenceTypeFactory(slug="audit", name="Audit")
    saved = services.assessment_record(
        action=ActionFactory(),
        process="GREEN",
        impact="GREEN",
        assessed_on=datetime.date(2016, 9, 1),
        recorded_by=None,
        evidence_types=(t for t in [audit]),
    )
    assert list(saved.evidence_types.all()) == [audit]


@pytest.mark.django_db
def test_an_assessment_without_a_date_is_refused_as_a_field_error():
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            action=ActionFactory(),
            process="GREY",
            impact="GREY",
            assessed_on=None,
            recorded_by=None,
        )
    assert list(error.value.message_dict) == ["assessed_on"]
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_a_conflict_says_what_happened():
    action = ActionFactory()
    services.action_update(action_id=action.pk, expected_version=1, changes={"lead": "A"})
    with pytest.raises(services.EditConflict) as conflict:
        services.action_update(action_id=action.pk, expected_version=1, changes={"lead": "B"})
    assert str(conflict.value) == (
        "This action was changed by someone else while you were editing it."
    )


@pytest.mark.django_db
def test_a_conflict_compares_with_the_latest_record_of_the_version_the_edit_began_from():
    """A save that does not move the version on (the admin, a fixture reload)
    leaves two records of one version; the edit began from the later one."""
    action = ActionFactory(timescale="Ongoing", lead="Jo Fisher")
    action.timescale = "March 2017"
    action.save()  # still version 1
    services.action_update(
        action_id=action.pk, expected_version=1, changes={"lead": "Nick Chamberlain"}
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.action_update(action_id=action.pk, expected_version=1, changes={"notes": "x"})
    assert [c.field for c in conflict.value.their_changes] == ["lead"]
