import datetime

import pytest
from django.core.exceptions import ValidationError

from priorities import selectors, services
from priorities.models import Action, Assessment
from tests.factories import ActionFactory, AssessmentFactory, EvidenceTypeFactory, UserFactory

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
