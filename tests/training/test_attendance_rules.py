"""The rules a course and a period's figures share for sessions, places,
bookings, attendance, no-shows and cancellations, each pinned on its edge
in the words the service says, and the sums a period takes from its
courses."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from board.models import ReportingYear
from tests.factories import AgencyFactory
from training import services
from training.models import CourseAgency, Mode, TrainingCourse, TrainingFigures

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 7, 14)  # 2020-21 Q2


def course(world, **values):
    fields = {
        "board": world.board,
        "title": "Neglect awareness",
        "date": DAY,
        "mode": Mode.VIRTUAL_CLASSROOM,
        "places_offered": 20,
        "delegates_attended": 15,
    }
    fields.update(values)
    return TrainingCourse(**fields)


def course_problems(world, **values):
    return services.course_problems(course=course(world, **values))


def period_problems(world, **values):
    year = ReportingYear.span(2020)
    figures = TrainingFigures(
        board=world.board, year=year, quarter=2, mode=Mode.VIRTUAL_CLASSROOM, **values
    )
    return services.figures_problems(figures=figures, year=year)


RECORDS = {"course": course_problems, "period": period_problems}


@pytest.fixture(params=RECORDS)
def problems(request, world):
    check = RECORDS[request.param]
    return lambda **values: check(world, **values)


def test_attended_and_no_shows_may_make_up_every_booking(problems):
    assert problems(delegates_booked=20, delegates_attended=15, delegates_no_show=5) == {}


def test_attended_and_no_shows_above_the_bookings_are_refused(problems):
    assert problems(delegates_booked=20, delegates_attended=15, delegates_no_show=6) == {
        "delegates_no_show": [
            "The delegates attended (15) and the no-shows (6) come to 21, more than the "
            "delegates booked (20): each of them had a booking."
        ]
    }


def test_attended_alone_is_at_most_the_bookings(problems):
    assert problems(delegates_booked=15, delegates_attended=15) == {}
    assert problems(delegates_booked=14, delegates_attended=15) == {
        "delegates_attended": [
            "The delegates attended (15) cannot be more than the delegates booked (14)."
        ]
    }


def test_no_shows_alone_are_at_most_the_bookings(world):
    assert period_problems(world, delegates_booked=4, delegates_no_show=4) == {}
    assert period_problems(world, delegates_booked=4, delegates_no_show=5) == {
        "delegates_no_show": ["The no-shows (5) cannot be more than the delegates booked (4)."]
    }


def test_bookings_may_pass_the_places_but_attendance_may_not(problems):
    """A unit may book beyond its places, expecting no-shows; the room holds
    its places."""
    assert problems(places_offered=20, delegates_booked=24, delegates_attended=20) == {}
    assert problems(places_offered=20, delegates_booked=24, delegates_attended=21) == {
        "delegates_attended": [
            "The delegates attended (21) cannot be more than the places offered (20)."
        ]
    }


def test_cancellations_are_counted_apart_from_the_bookings(problems):
    assert problems(delegates_booked=10, delegates_attended=10, cancellations=30) == {}


def test_late_cancellations_are_some_of_the_cancellations(problems):
    assert problems(cancellations=4, late_cancellations=4) == {}
    assert problems(cancellations=4, late_cancellations=5) == {
        "late_cancellations": [
            "The late cancellations (5) cannot be more than the cancellations (4): they are "
            "counted among them."
        ]
    }


def test_a_blank_count_is_not_known_so_no_rule_reads_it(problems):
    assert problems(delegates_booked=None, delegates_attended=15, delegates_no_show=99) == {}
    assert problems(cancellations=None, late_cancellations=99) == {}


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        (0, "A course runs at least once: give 1 session or more."),
        (1, None),
        (1000, None),
        (1001, "A course cannot have more than 1,000 sessions."),
        (None, "Give how many sessions the course ran: 1 or more."),
    ],
)
def test_a_course_runs_from_one_to_a_thousand_sessions(world, sessions, message):
    found = course_problems(world, sessions=sessions)
    assert found.get("sessions") == ([message] if message else None)


# --- sums -------------------------------------------------------------------------


def save(world, **values):
    made = course(world, **values)
    services.courses_save(courses=[made])
    return made


def figures():
    return TrainingFigures.objects.get(quarter=2, mode=Mode.VIRTUAL_CLASSROOM)


def test_a_periods_courses_delivered_are_its_courses_sessions(world):
    save(world, title="Working together", sessions=3, places_offered=60, delegates_attended=50)
    save(world, title="Neglect", date=DAY + datetime.timedelta(days=1))
    assert figures().courses_delivered == 4


def test_a_period_adds_up_no_shows_and_cancellations_where_every_course_gives_them(world):
    save(world, title="A", delegates_booked=18, delegates_no_show=3, cancellations=2)
    save(
        world,
        title="B",
        date=DAY + datetime.timedelta(days=1),
        delegates_booked=16,
        delegates_no_show=1,
        cancellations=4,
        late_cancellations=1,
    )
    found = figures()
    assert (found.delegates_booked, found.delegates_no_show, found.cancellations) == (34, 4, 6)
    # One course does not say which cancellations were late: the period cannot.
    assert found.late_cancellations is None


def test_a_hand_count_of_no_shows_unlike_the_courses_is_refused(world):
    save(world, delegates_booked=18, delegates_no_show=3)
    year = ReportingYear.span(2020)
    with pytest.raises(ValidationError) as refused:
        services.figures_record(
            owner=world.board,
            year=year,
            quarter=2,
            mode=Mode.VIRTUAL_CLASSROOM,
            values={"delegates_no_show": 2},
        )
    assert refused.value.message_dict["delegates_no_show"] == [
        "Virtual classroom training in 2020-21 Q2 is added up from its 1 courses: its no-shows "
        "is 3, not 2. Leave it blank, or change the courses."
    ]


def test_a_course_moved_to_another_quarter_leaves_its_old_quarter_added_up_again(world):
    first = save(world, title="A")
    save(world, title="B", date=DAY + datetime.timedelta(days=1), delegates_attended=10)
    first.date = datetime.date(2020, 10, 5)  # Q3
    services.course_record(course=first)
    q2 = TrainingFigures.objects.get(quarter=2)
    q3 = TrainingFigures.objects.get(quarter=3)
    assert (q2.courses_delivered, q2.delegates_attended) == (1, 10)
    assert (q3.courses_delivered, q3.delegates_attended) == (1, 15)


def test_a_new_course_the_board_has_is_refused_not_written_over(world):
    save(world)
    with pytest.raises(ValidationError) as refused:
        services.course_record(course=course(world, delegates_attended=2))
    assert refused.value.message_dict["title"] == [
        "Neglect awareness (virtual classroom, 14 July 2020) is already recorded: change "
        "that course instead."
    ]
    assert TrainingCourse.objects.get().delegates_attended == 15


def test_changing_a_course_into_another_recorded_one_is_refused(world):
    save(world)
    other = save(world, title="Other")
    other.title = "Neglect awareness"
    with pytest.raises(ValidationError) as refused:
        services.course_record(course=other)
    assert "is already recorded" in refused.value.message_dict["title"][0]


# --- delegates by agency ---------------------------------------------------------


def test_delegates_by_agency_may_count_every_delegate_who_attended(world):
    police, health = AgencyFactory(name="Police"), AgencyFactory(name="Health")
    made = course(world, delegates_attended=15)
    services.course_record(course=made, agencies={police: 10, health: 5})
    assert sorted(CourseAgency.objects.values_list("agency__name", "delegates")) == [
        ("Health", 5),
        ("Police", 10),
    ]
    assert CourseAgency.history.filter(history_type="+").count() == 2


def test_delegates_by_agency_above_the_attendance_are_refused_and_nothing_is_saved(world):
    police, health = AgencyFactory(name="Police"), AgencyFactory(name="Health")
    with pytest.raises(ValidationError) as refused:
        services.course_record(course=course(world), agencies={police: 10, health: 6})
    assert refused.value.message_dict["agencies"] == [
        "The delegates by agency add up to 16, more than the delegates attended (15): each "
        "of them attended."
    ]
    assert (TrainingCourse.objects.count(), CourseAgency.objects.count()) == (0, 0)


def test_an_agency_count_is_one_or_more(world):
    police = AgencyFactory(name="Police")
    assert services.course_agency_problems(course=course(world), counts={police: 0}) == {
        "agencies": ["Police: give 1 delegate or more, or leave the agency out."]
    }
    assert services.course_agency_problems(course=course(world), counts={police: 1}) == {}


def test_lowering_the_attendance_under_the_agency_counts_is_refused(world):
    police = AgencyFactory(name="Police")
    made = course(world)
    services.course_record(course=made, agencies={police: 15})
    made.delegates_attended = 14
    with pytest.raises(ValidationError) as refused:
        services.course_record(course=made)
    assert refused.value.message_dict["agencies"][0].startswith(
        "The delegates by agency add up to 15, more than the delegates attended (14)"
    )


def test_a_blank_agency_clears_it_and_an_agency_not_named_keeps_its_count(world):
    police, health = AgencyFactory(name="Police"), AgencyFactory(name="Health")
    made = course(world)
    services.course_record(course=made, agencies={police: 10, health: 5})
    services.course_record(course=made, agencies={police: None})
    assert list(CourseAgency.objects.values_list("agency__name", "delegates")) == [("Health", 5)]
    services.course_record(course=made, agencies={health: 7})
    assert list(CourseAgency.objects.values_list("agency__name", "delegates")) == [("Health", 7)]
    assert [h.history_type for h in CourseAgency.history.filter(agency=health)] == ["~", "+"]


def test_removing_a_course_removes_its_agency_counts_with_history(world):
    police = AgencyFactory(name="Police")
    made = course(world)
    services.course_record(course=made, agencies={police: 3})
    services.course_remove(course=TrainingCourse.objects.get())
    assert CourseAgency.objects.count() == 0
    assert CourseAgency.history.filter(history_type="-").count() == 1
