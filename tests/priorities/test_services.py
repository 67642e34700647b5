import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.fixtures import FixtureError, load_fixtures
from priorities import selectors, services
from priorities.forms import AssessmentForm, NewActionForm
from priorities.models import Action, Assessment, EvidenceType
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    EvidenceTypeFactory,
    PlanFactory,
    UserFactory,
)

TODAY = datetime.date(2016, 9, 1)


def record(action, **kwargs):
    defaults = {"process": "GREEN", "impact": "GREY", "assessed_on": TODAY, "recorded_by": None}
    return services.assessment_record(action=action, **{**defaults, **kwargs})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("process", "impact"), [("RED", "GREY"), ("GREEN", "AMBER"), ("AMBER", "AMBER")]
)
def test_it_rejects_a_red_or_amber_rating_without_commentary(process, impact):
    action = ActionFactory()
    with pytest.raises(ValidationError) as error:
        record(action, process=process, impact=impact, commentary="  ")
    assert "commentary" in error.value.message_dict
    assert not Assessment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("impact", ["GREEN", "BLUE"])
def test_it_rejects_a_green_or_blue_impact_without_evidence(impact):
    action = ActionFactory()
    with pytest.raises(ValidationError) as error:
        record(action, impact=impact)
    assert "evidence_types" in error.value.message_dict
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_evidence_can_be_a_type_or_a_note():
    action = ActionFactory()
    record(action, impact="GREEN", evidence_types=[EvidenceTypeFactory()])
    record(action, impact="BLUE", evidence="Audit of 20 neglect cases, March 2017")
    assert Assessment.objects.count() == 2


@pytest.mark.django_db
def test_it_rejects_a_rating_off_the_scale():
    with pytest.raises(ValidationError) as error:
        record(ActionFactory(), process="AMBER-ISH", commentary="x")
    assert "process" in error.value.message_dict


@pytest.mark.django_db
def test_the_current_rating_is_the_latest_assessment_by_date():
    action = ActionFactory()
    user = UserFactory()
    record(
        action,
        process="RED",
        impact="GREY",
        commentary="Slipped",
        assessed_on=TODAY,
        recorded_by=user,
    )
    record(action, process="GREEN", impact="GREY", assessed_on=TODAY - datetime.timedelta(days=30))
    current = selectors.with_current_ratings(Action.objects.filter(pk=action.pk)).get()
    assert (current.current_process, current.current_impact, current.last_assessed) == (
        "RED",
        "GREY",
        TODAY,
    )


@pytest.mark.django_db
def test_an_action_never_assessed_has_no_current_rating():
    action = ActionFactory()
    current = selectors.with_current_ratings(Action.objects.filter(pk=action.pk)).get()
    assert current.current_process is None
    assert current.current_impact is None


@pytest.mark.django_db
def test_the_second_of_two_edits_from_the_same_version_is_refused_with_the_first_ones_changes():
    action = ActionFactory(lead="Jo Fisher", timescale="Ongoing")
    version = action.version
    services.action_update(
        action_id=action.pk, expected_version=version, changes={"lead": "Nick Chamberlain"}
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.action_update(
            action_id=action.pk, expected_version=version, changes={"timescale": "March 2017"}
        )
    changes = {c.field: c.theirs for c in conflict.value.their_changes}
    assert changes == {"lead": "Nick Chamberlain"}
    action.refresh_from_db()
    assert action.lead == "Nick Chamberlain"
    assert action.timescale == "Ongoing"
    assert action.version == version + 1


@pytest.mark.django_db
def test_an_edit_from_the_current_version_saves_and_moves_the_version_on():
    action = ActionFactory()
    saved = services.action_update(
        action_id=action.pk, expected_version=action.version, changes={"lead": "S&AG"}
    )
    assert saved.version == action.version + 1
    assert saved.history.first().lead == "S&AG"


@pytest.mark.django_db
def test_an_invalid_edit_saves_nothing_and_keeps_the_version():
    action = ActionFactory()
    with pytest.raises(ValidationError):
        services.action_update(
            action_id=action.pk, expected_version=action.version, changes={"description": ""}
        )
    action.refresh_from_db()
    assert action.version == 1
    assert action.description


@pytest.mark.django_db
def test_assessments_are_kept_whole_when_more_are_added():
    assessment = AssessmentFactory()
    record(assessment.action, process="AMBER", commentary="Delayed by staffing")
    assessment.refresh_from_db()
    assert assessment.process == "GREEN"
    assert assessment.action.assessments.count() == 2


@pytest.mark.django_db
def test_it_refuses_an_assessment_dated_after_today_and_accepts_today():
    action = ActionFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        record(action, assessed_on=tomorrow)
    assert error.value.message_dict == {
        "assessed_on": ["The date of the assessment cannot be in the future."]
    }
    assert not Assessment.objects.exists()
    record(action, assessed_on=timezone.localdate())
    assert Assessment.objects.get().assessed_on == timezone.localdate()


@pytest.mark.django_db
def test_the_assessment_form_shows_the_services_date_rule_on_the_date_field():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = AssessmentForm(
        {"assessed_on": tomorrow.isoformat(), "process": "GREY", "impact": "GREY"},
        evidence_types=EvidenceType.objects.all(),
    )
    assert not form.is_valid()
    assert form.errors == {"assessed_on": [services.FUTURE_ASSESSMENT]}
    # the rule is the service's alone: the form keeps no copy of it
    assert not hasattr(AssessmentForm, "clean_assessed_on")


@pytest.mark.django_db
def test_the_assessment_form_keeps_its_own_message_for_a_rating_not_chosen():
    form = AssessmentForm(
        {"assessed_on": "2016-09-01", "impact": "RED"}, evidence_types=EvidenceType.objects.none()
    )
    assert not form.is_valid()
    assert form.errors == {
        "process": ["Choose a process rating."],
        "commentary": ["Say why: a RED or AMBER rating needs commentary."],
    }


REF_MESSAGE = (
    "A reference may use only letters, digits, full stops (.) and hyphens (-), and starts with "
    'a letter or a digit, for example "1a" or "R12".'
)


@pytest.mark.django_db
@pytest.mark.parametrize("ref", ["3/a", "3 a", ".3"])
def test_it_refuses_a_ref_outside_the_documented_characters(ref):
    plan = PlanFactory()
    with pytest.raises(ValidationError) as error:
        services.action_create(plan=plan, ref=ref, description="Audit neglect cases")
    assert error.value.message_dict == {"ref": [REF_MESSAGE]}
    form = NewActionForm({"ref": ref, "description": "x"}, instance=Action(plan=plan))
    assert not form.is_valid()
    assert form.errors["ref"] == [REF_MESSAGE]
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_a_fixture_with_a_ref_outside_the_documented_characters_is_refused(world, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(
            [
                {
                    "model": "priorities.action",
                    "fields": {
                        "plan": ["alpha", "business-plan"],
                        "ref": "3/a",
                        "description": "Audit neglect cases",
                    },
                }
            ]
        )
    )
    with pytest.raises(FixtureError, match="ref"):
        load_fixtures([path])
    assert not Action.objects.filter(ref="3/a").exists()


# Adding an action plan -----------------------------------------------------------------------


def new_plan(board, **kwargs):
    values = {"slug": "audit-neglect", "title": "Audit: neglect", "kind": "audit"}
    return services.plan_create(board=board, **{**values, **kwargs})


@pytest.mark.django_db
def test_plan_create_adds_a_plan_to_the_board_with_the_words_trimmed(world):
    plan = new_plan(world.board, title="  Audit: neglect  ", period=" 2016-17 ", summary=" S ")
    plan.refresh_from_db()
    assert (plan.board, plan.slug, plan.title, plan.kind) == (
        world.board,
        "audit-neglect",
        "Audit: neglect",
        "audit",
    )
    assert (plan.period, plan.summary) == ("2016-17", "S")
    assert (plan.starts_on, plan.ends_on, plan.closed_on) == (None, None, None)


@pytest.mark.django_db
def test_plan_create_refuses_a_taken_address_on_the_same_board_only(world):
    new_plan(world.board)
    with pytest.raises(ValidationError) as exc:
        new_plan(world.board, title="Another")
    assert exc.value.message_dict == {
        "slug": ["This board already has an action plan at 'audit-neglect'."]
    }
    assert new_plan(world.other_board).board == world.other_board


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": ""}, "slug", "Enter the plan's short name for its web address."),
        (
            {"slug": "Audit Neglect"},
            "slug",
            "The short name uses lower-case letters, numbers and hyphens, 80 characters or fewer.",
        ),
        (
            {"slug": "a" * 81},
            "slug",
            "The short name uses lower-case letters, numbers and hyphens, 80 characters or fewer.",
        ),
        ({"title": "   "}, "title", "Enter the plan's title."),
        ({"title": "t" * 201}, "title", "The title must be 200 characters or fewer."),
        (
            {"kind": "wish-list"},
            "kind",
            "'wish-list' is not a kind of plan; choose one from the list.",
        ),
        ({"period": "p" * 41}, "period", "The period must be 40 characters or fewer."),
        (
            {"starts_on": datetime.date(2017, 4, 1), "ends_on": datetime.date(2017, 3, 31)},
            "ends_on",
            "The end of the period cannot be before its start.",
        ),
    ],
)
def test_plan_create_refuses_what_the_rules_refuse_and_saves_nothing(
    changes, field, message, world
):
    with pytest.raises(ValidationError) as exc:
        new_plan(world.board, **changes)
    assert exc.value.message_dict == {field: [message]}
    assert not world.board.action_plans.filter(title__startswith="Audit").exists()


@pytest.mark.django_db
def test_plan_create_takes_the_edges_of_each_length(world):
    plan = new_plan(world.board, slug="a" * 80, title="t" * 200, period="p" * 40)
    assert (len(plan.slug), len(plan.title), len(plan.period)) == (80, 200, 40)


@pytest.mark.django_db
def test_a_free_plan_address_counts_on_from_two_and_is_at_most_70_characters(world):
    assert services.free_plan_slug(board=world.board, base="Audit: Neglect!") == "audit-neglect"
    new_plan(world.board)
    new_plan(world.board, slug="audit-neglect-2")
    assert services.free_plan_slug(board=world.board, base="audit neglect") == "audit-neglect-3"
    assert services.free_plan_slug(board=world.other_board, base="audit-neglect") == (
        "audit-neglect"
    )
    assert services.free_plan_slug(board=world.board, base="x" * 69 + "-y") == "x" * 69
    assert services.free_plan_slug(board=world.board, base="!!!") == "plan"
