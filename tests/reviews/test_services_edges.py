"""Edges of the case review rules that mutation testing found unpinned: the
steps of every kind, the first day the clock can count, each publication
status and the boundaries of every comparison the services make."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from reviews import selectors, services
from reviews.models import CaseReview, Outcome, ReviewStep, StepKind
from tests.factories import YearFactory
from tests.reviews.factories import ReviewFactory

D = datetime.date
K = StepKind
Kind = CaseReview.Kind
Publication = CaseReview.Publication
TODAY = D(2026, 12, 2)
pytestmark = pytest.mark.django_db


def kinds_in_order(review):
    return list(review.steps.order_by("id").values_list("kind", flat=True))


def record(review, kind, date, **kwargs):
    kwargs.setdefault("today", TODAY)
    return services.step_record(review=review, kind=kind, date=date, **kwargs)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            Kind.CSPR,
            [
                "incident",
                "aware",
                "notification",
                "rapid-review",
                "decision",
                "panel-view",
                "commissioned",
                "final-report",
                "sent-to-panel",
                "publication",
            ],
        ),
        (Kind.SCR, ["incident", "decision", "commissioned", "final-report", "publication"]),
        (Kind.LEARNING, ["decision", "commissioned", "final-report", "publication"]),
        (Kind.NATIONAL, ["publication"]),
        (Kind.OTHER, ["incident", "decision", "commissioned", "final-report", "publication"]),
    ],
)
def test_a_new_review_has_exactly_the_steps_of_its_kind_in_order(kind, expected):
    assert kinds_in_order(ReviewFactory(kind=kind)) == expected


def test_the_first_of_january_2000_is_the_earliest_date_a_step_may_have():
    review = ReviewFactory(kind=Kind.SCR)
    step = record(review, K.INCIDENT, D(2000, 1, 1))
    assert step.date == D(2000, 1, 1)
    with pytest.raises(ValidationError) as error:
        record(review, K.INCIDENT, D(1999, 12, 31))
    assert error.value.message_dict == {"date": ["The date must be in 2000 or later."]}


@pytest.mark.parametrize(
    ("status", "open_kinds"),
    [
        (Publication.NOT_YET_DUE, {"sent-to-panel", "publication"}),
        (Publication.ON_HOLD_CRIMINAL, set()),
        (Publication.ON_HOLD_CORONER, set()),
        (Publication.NOT_PUBLISHED, set()),
        (Publication.PUBLISHED, set()),
        (Publication.NOT_KNOWN, set()),
    ],
)
def test_only_a_review_not_yet_due_to_publish_waits_on_its_publication(status, open_kinds):
    review = ReviewFactory(kind=Kind.CSPR)
    record(review, K.DECISION, D(2026, 8, 3), outcome=Outcome.CSPR)
    # The status is set directly: only the selector's reading of it matters here.
    CaseReview.objects.filter(pk=review.pk).update(publication_status=status)
    waiting = set(
        ReviewStep.objects.filter(selectors.open_steps_q(), review=review).values_list(
            "kind", flat=True
        )
    )
    assert waiting & {"sent-to-panel", "publication"} == open_kinds


def test_a_month_step_in_the_month_of_the_day_it_follows_is_not_before_it():
    review = ReviewFactory()
    record(review, K.INCIDENT, D(2016, 6, 17))
    # Compared at the coarser precision: June 2016 is not before 17 June 2016.
    step = record(review, K.AWARE, D(2016, 6, 30), precision="month")
    assert (step.date, step.date_label) == (D(2016, 6, 1), "June 2016")
    step = record(review, K.AWARE, D(2016, 7, 1), precision="month")
    assert step.date_label == "July 2016"


def test_a_month_step_in_an_earlier_month_than_the_day_it_follows_is_refused():
    review = ReviewFactory()
    record(review, K.INCIDENT, D(2016, 6, 17))
    with pytest.raises(ValidationError) as error:
        record(review, K.AWARE, D(2016, 5, 31), precision="month")
    assert error.value.message_dict == {
        "date": ["Local authority became aware cannot be before serious incident (17 June 2016)."]
    }


def test_the_model_clean_works_out_the_due_date_from_the_other_steps():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 11, 27))  # a Friday
    step = review.steps.get(kind=K.NOTIFICATION)
    step.date = D(2026, 12, 2)
    step.due = None
    step.full_clean()
    assert step.due == D(2026, 12, 4)
    assert services.step_due(step=review.steps.get(kind=K.RAPID_REVIEW)) is None
    # The step's own unsaved date counts: the rapid review is due from it.
    rapid = review.steps.get(kind=K.RAPID_REVIEW)
    assert services.step_due(step=step) == D(2026, 12, 4)
    step.save()
    assert services.step_due(step=rapid) == D(2026, 12, 23)


def test_a_review_needs_no_board_year_or_address_to_be_checked():
    # The page and the service set those; the rules must not ask for them.
    assert services.review_problems(review=CaseReview(name="Child K", kind=Kind.SCR)) == {}


def test_the_fields_own_rules_are_the_reviews_problems():
    review = CaseReview(name="Child K", kind="bogus", scope="everywhere")
    assert services.review_problems(review=review) == {
        "kind": ["Value 'bogus' is not a valid choice."],
        "scope": ["Value 'everywhere' is not a valid choice."],
    }


def test_a_name_of_spaces_is_refused_in_the_services_own_words():
    review = CaseReview(name="   ", kind=Kind.SCR)
    assert services.review_problems(review=review) == {
        "name": ["Enter the name the board publishes, such as Child J."]
    }


@pytest.mark.parametrize("slug", ["new", "record"])
def test_the_registers_own_addresses_are_refused_as_a_reviews_address(slug):
    review = CaseReview(name="Child K", kind=Kind.SCR, slug=slug)
    assert services.review_problems(review=review) == {
        "slug": ["That address is one of the register's own pages: choose another."]
    }


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("New", "new-review"),
        ("Record", "record-review"),
        ("!!!", "review"),
        ("Child " + "x" * 94, "child-" + "x" * 64),
    ],
)
def test_a_review_is_given_an_address_of_its_own(name, slug):
    board = ReviewFactory().board
    review = services.review_save(
        review=CaseReview(board=board, year=YearFactory(), name=name, kind=Kind.SCR)
    )
    assert review.slug == slug
    assert len(review.slug) <= 70
    again = services.review_save(
        review=CaseReview(board=board, year=review.year, name=name, kind=Kind.SCR)
    )
    assert again.slug == f"{slug}-2"


def test_an_address_taken_on_the_same_board_is_refused_but_not_on_another():
    taken = ReviewFactory(kind=Kind.SCR)
    same_board = CaseReview(board=taken.board, name="Child K", kind=Kind.SCR, slug=taken.slug)
    assert services.review_problems(review=same_board) == {
        "slug": ["The board already has a review at this address."]
    }
    other_board = CaseReview(
        board=ReviewFactory().board, name="Child K", kind=Kind.SCR, slug=taken.slug
    )
    assert services.review_problems(review=other_board) == {}
    # A review keeps its own address.
    assert services.review_problems(review=taken) == {}
