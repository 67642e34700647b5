"""The Admin keeps training records in the Django admin, which saves through
training.services: it refuses what the business manager's pages refuse."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from board.models import ReportingYear
from training.models import ImpactEvaluation, Mode, StatedFigure, TrainingCourse, TrainingFigures


def figures_data(world, year, **changes):
    data = {
        "board": world.board.pk,
        "group": "",
        "year": year.pk,
        "quarter": "2",
        "mode": Mode.FACE_TO_FACE,
        "courses_delivered": "3",
        "places_offered": "40",
        "delegates_booked": "",
        "delegates_attended": "38",
        "learners_registered": "",
        "learners_completed": "",
        "learners_passed": "",
        "satisfaction_pct": "",
        "places_filled_pct": "",
        "completion_pct": "",
        "pass_rate_pct": "",
        "source": "",
        "notes": "",
    }
    return {**data, **changes}


@pytest.fixture
def year(db):
    return ReportingYear.for_start_year(2020)


def test_an_admin_adds_figures_and_the_service_refuses_what_the_form_would(world, year, client_for):
    admin = client_for("admin")
    add = reverse("admin:training_trainingfigures_add")
    assert admin.get(add).status_code == 200
    refused = admin.post(add, figures_data(world, year, delegates_attended="41"))
    assert refused.status_code == 200
    assert "The delegates attended (41) cannot be more than the places offered (40)." in (
        refused.content.decode()
    )
    assert TrainingFigures.objects.count() == 0
    done = admin.post(add, figures_data(world, year))
    assert done.status_code == 302, done.content.decode()[:2000]
    saved = TrainingFigures.objects.get()
    assert (saved.quarter, saved.delegates_attended) == (2, 38)
    assert {h.history_user.username for h in saved.history.all()} == {"admin"}
    # A whole year beside a quarter would count the same training twice.
    twice = admin.post(add, figures_data(world, year, quarter=""))
    assert "already has face to face figures by quarter (quarter 2)" in twice.content.decode()
    assert TrainingFigures.objects.count() == 1


def test_an_admin_adds_a_stated_figure_but_not_a_percentage_over_100(world, year, client_for):
    admin = client_for("admin")
    add = reverse("admin:training_statedfigure_add")
    data = {
        "board": world.board.pk,
        "group": "",
        "year": year.pk,
        "quarter": "",
        "mode": Mode.E_LEARNING,
        "measure": "completion_pct",
        "value": "101",
        "wording": "",
        "explanation": "",
        "source": "",
    }
    refused = admin.post(add, data)
    assert "A percentage lies between 0 and 100." in refused.content.decode()
    assert StatedFigure.objects.count() == 0
    assert admin.post(add, {**data, "value": "89"}).status_code == 302
    assert StatedFigure.objects.get().value == 89


def test_an_admin_adds_a_course_and_its_period_is_added_up(world, year, client_for):
    admin = client_for("admin")
    data = {
        "board": world.board.pk,
        "group": "",
        "mode": Mode.FACE_TO_FACE,
        "title": "Neglect",
        "date": "2020-07-14",
        "sessions": "1",
        "places_offered": "20",
        "delegates_booked": "",
        "delegates_attended": "21",
        "source": "",
        "notes": "",
    }
    add = reverse("admin:training_trainingcourse_add")
    refused = admin.post(add, data)
    assert "The delegates attended (21) cannot be more than the places offered (20)." in (
        refused.content.decode()
    )
    assert admin.post(add, {**data, "delegates_attended": "18"}).status_code == 302
    course = TrainingCourse.objects.get()
    assert (course.year.label, course.quarter, course.date) == (
        "2020-21",
        2,
        datetime.date(2020, 7, 14),
    )
    figures = TrainingFigures.objects.get()
    assert (figures.courses_delivered, figures.places_offered, figures.delegates_attended) == (
        1,
        20,
        18,
    )
    # The Admin adds and changes, never deletes.
    delete = reverse("admin:training_trainingcourse_delete", args=[course.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert TrainingCourse.objects.count() == 1


def test_an_admin_cannot_link_an_evaluation_to_another_boards_action(world, year, client_for):
    admin = client_for("admin")
    other_action = world.other_plan.actions.create(ref="9z", description="Elsewhere")
    data = {
        "board": world.board.pk,
        "group": "",
        "year": year.pk,
        "quarter": "",
        "mode": Mode.FACE_TO_FACE,
        "course": "",
        "subject": "Neglect",
        "months_after": "3",
        "delegates_asked": "",
        "replies": "10",
        "reporting_change": "7",
        "reporting_change_pct": "",
        "finding": "",
        "action": other_action.pk,
        "source": "",
    }
    add = reverse("admin:training_impactevaluation_add")
    refused = admin.post(add, data)
    assert "Action 9z belongs to another board&#x27;s plan" in refused.content.decode()
    assert ImpactEvaluation.objects.count() == 0
    assert admin.post(add, {**data, "action": world.action.pk}).status_code == 302
    assert ImpactEvaluation.objects.get().action == world.action


def test_an_admin_may_not_delete_figures(world, year, client_for):
    figures = TrainingFigures.objects.create(board=world.board, year=year, mode=Mode.OTHER)
    admin = client_for("admin")
    delete = reverse("admin:training_trainingfigures_delete", args=[figures.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert TrainingFigures.objects.count() == 1
