import pytest
from django.contrib.auth.models import Group as Role
from django.core.exceptions import ValidationError

from core import roles
from tests.factories import BoardFactory, GroupFactory, YearFactory
from training.models import Mode, StatedFigure, TrainingFigures

pytestmark = pytest.mark.django_db


def test_figures_belong_to_a_board_or_a_group_not_both_nor_neither():
    board = BoardFactory(slug="alpha")
    group = GroupFactory(slug="pan-training", boards=[board])
    year = YearFactory()
    for owner in ({}, {"board": board, "group": group}):
        figures = TrainingFigures(year=year, mode=Mode.E_LEARNING, **owner)
        with pytest.raises(ValidationError) as caught:
            figures.full_clean()
        assert caught.value.message_dict["board"] == [
            "Figures belong to a board or to a pan-area group: choose one."
        ]


def test_the_model_refuses_more_completed_than_registered_and_more_attended_than_places():
    figures = TrainingFigures(
        board=BoardFactory(),
        year=YearFactory(),
        mode=Mode.FACE_TO_FACE,
        learners_registered=10,
        learners_completed=11,
        places_offered=20,
        delegates_attended=21,
    )
    with pytest.raises(ValidationError) as caught:
        figures.full_clean()
    assert caught.value.message_dict == {
        "learners_completed": [
            "The learners completed (11) cannot be more than the registered (10)."
        ],
        "delegates_attended": [
            "The delegates attended (21) cannot be more than the places offered (20)."
        ],
    }


def test_natural_keys_find_board_and_group_figures_for_a_year_or_a_quarter():
    board = BoardFactory(slug="alpha")
    group = GroupFactory(slug="pan-training", boards=[board])
    year = YearFactory()
    whole = TrainingFigures.objects.create(board=board, year=year, mode=Mode.FACE_TO_FACE)
    quarter = TrainingFigures.objects.create(group=group, year=year, quarter=2, mode="e-learning")
    assert whole.natural_key() == ("alpha", "", "2016-17", 0, "face-to-face")
    assert TrainingFigures.objects.get_by_natural_key(*whole.natural_key()) == whole
    assert quarter.natural_key() == ("", "pan-training", "2016-17", 2, "e-learning")
    assert TrainingFigures.objects.get_by_natural_key(*quarter.natural_key()) == quarter
    stated = StatedFigure.objects.create(
        board=board,
        year=year,
        mode="face-to-face",
        measure="delegates_booked",
        change=True,
        value=-74,
    )
    assert stated.natural_key() == (
        "alpha",
        "",
        "2016-17",
        0,
        "face-to-face",
        "delegates_booked",
        "change",
    )
    assert StatedFigure.objects.get_by_natural_key(*stated.natural_key()) == stated


def test_roles_hold_their_permissions_on_training_models():
    manager = set(
        Role.objects.get(name=roles.BUSINESS_MANAGER)
        .permissions.filter(content_type__app_label="training")
        .values_list("codename", flat=True)
    )
    chair = set(
        Role.objects.get(name=roles.INDEPENDENT_CHAIR)
        .permissions.filter(content_type__app_label="training")
        .values_list("codename", flat=True)
    )
    assert {"add_trainingfigures", "change_trainingfigures", "view_statedfigure"} <= manager
    assert "delete_trainingfigures" not in manager
    assert {c for c in chair if "historical" not in c} == {
        "view_trainingfigures",
        "view_statedfigure",
        "view_trainingcourse",
        "view_courseagency",
        "view_impactevaluation",
    }
