"""What the service refuses in a course, edge by edge, in the words it says."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from training import services
from training.models import Mode, TrainingCourse

pytestmark = pytest.mark.django_db


def course(world, **values):
    fields = {
        "board": world.board,
        "title": "Neglect awareness",
        "date": datetime.date(2020, 5, 1),
        "mode": Mode.FACE_TO_FACE,
        "places_offered": 20,
        "delegates_attended": 15,
    }
    fields.update(values)
    return TrainingCourse(**fields)


def problems(world, **values):
    return services.course_problems(course=course(world, **values))


def test_a_complete_course_has_no_problem(world):
    assert problems(world) == {}


def test_a_course_needs_a_title_and_a_date(world):
    assert problems(world, title="   ")["title"] == ["Enter the course's title."]
    assert problems(world, date=None)["date"] == ["Enter the date the course ran."]


def test_a_course_ran_today_or_before_and_on_or_after_1_april_2000(world):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert "date" not in problems(world, date=today)
    assert problems(world, date=tomorrow)["date"] == [
        f"The course date {tomorrow:%-d %B %Y} is after today ({today:%-d %B %Y}): "
        "record a course once it has run."
    ]
    assert "date" not in problems(world, date=datetime.date(2000, 4, 1))
    assert problems(world, date=datetime.date(2000, 3, 31))["date"] == [
        "A course date is on or after 1 April 2000."
    ]


def test_a_course_gives_its_places_and_attendance(world):
    found = problems(world, places_offered=None, delegates_attended=None)
    assert found["places_offered"] == ["Give the course's places: 0 if none."]
    assert found["delegates_attended"] == ["Give the course's attendance: 0 if none."]


@pytest.mark.parametrize(("quarter", "refused"), [(0, True), (1, False), (4, False), (5, True)])
def test_a_quarter_is_one_to_four(world, quarter, refused):
    found = problems(world, quarter=quarter)
    assert ("quarter" in found) is refused
    if refused:
        assert found["quarter"][0] == "A quarter is 1, 2, 3 or 4 of its reporting year."


def test_a_mode_comes_from_the_list(world):
    assert problems(world, mode="carrier-pigeon")["mode"][0] == (
        "Choose a delivery mode from the list."
    )


def test_the_model_rules_are_said_once_and_only_where_the_service_said_nothing(world):
    found = problems(world, places_offered=10, delegates_attended=11, title="")
    assert found["title"] == ["Enter the course's title."]
    assert found["delegates_attended"] == [
        "The delegates attended (11) cannot be more than the places offered (10)."
    ]
