"""The rules of case reviews, as every way in (pages, admin, fixtures) meets
them through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from priorities.models import ActionPlan
from reviews import services
from reviews.models import CaseReview, Outcome, Precision, Recommendation, StatedCount, StepKind
from tests.factories import AgencyFactory, BoardFactory, YearFactory
from tests.reviews.factories import RecommendationFactory, ReviewFactory

D = datetime.date
K = StepKind
TODAY = D(2026, 12, 2)
pytestmark = pytest.mark.django_db


def steps(review):
    return {s.kind: s for s in review.steps.all()}


def record(review, kind, date, **kwargs):
    kwargs.setdefault("today", TODAY)
    return services.step_record(review=review, kind=kind, date=date, **kwargs)


def test_a_new_rapid_review_has_the_steps_of_its_kind_and_no_due_dates_yet():
    review = ReviewFactory(kind=CaseReview.Kind.RAPID)
    assert list(review.steps.order_by("id").values_list("kind", flat=True)) == [
        "incident",
        "aware",
        "notification",
        "rapid-review",
        "decision",
        "panel-view",
    ]
    assert all(s.due is None for s in review.steps.all())


def test_becoming_aware_sets_the_notification_due_five_working_days_later():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 11, 27))  # a Friday is day 0
    assert steps(review)[K.NOTIFICATION].due == D(2026, 12, 4)


def test_the_notification_sets_the_rapid_review_due_fifteen_working_days_later_over_christmas():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 11, 30))
    record(review, K.NOTIFICATION, D(2026, 12, 2))
    # 15 working days from Wed 2 Dec 2026, skipping 25 and 28 December and 1 January.
    assert steps(review)[K.RAPID_REVIEW].due == D(2026, 12, 23)
    record(review, K.NOTIFICATION, D(2026, 12, 1))
    assert steps(review)[K.RAPID_REVIEW].due == D(2026, 12, 22)


def test_moving_the_awareness_moves_the_due_date_on_the_same_save():
    review = ReviewFactory()
    record(review, K.AWARE, D(2022, 9, 12))
    assert steps(review)[K.NOTIFICATION].due == D(2022, 9, 20)  # over the State Funeral
    record(review, K.AWARE, D(2023, 5, 1), late_reason="")
    assert steps(review)[K.NOTIFICATION].due == D(2023, 5, 9)  # over the Coronation


def test_it_refuses_a_late_notification_without_a_reason():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 11, 2))
    with pytest.raises(ValidationError) as error:
        record(review, K.NOTIFICATION, D(2026, 11, 10))
    assert error.value.message_dict == {
        "late_reason": ["This step was due on 9 November 2026: say why it was late."]
    }
    step = record(review, K.NOTIFICATION, D(2026, 11, 10), late_reason="Holiday cover.")
    assert services.is_late(step)


def test_a_notification_on_its_due_date_is_not_late():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 11, 2))
    step = record(review, K.NOTIFICATION, D(2026, 11, 9))
    assert step.due == D(2026, 11, 9)
    assert not services.is_late(step)


def test_it_refuses_a_future_date_and_a_step_before_the_one_it_follows():
    review = ReviewFactory()
    with pytest.raises(ValidationError) as error:
        record(review, K.AWARE, D(2026, 12, 3))
    assert "cannot be in the future" in error.value.message_dict["date"][0]
    record(review, K.AWARE, D(2026, 12, 1))
    with pytest.raises(ValidationError) as error:
        record(review, K.NOTIFICATION, D(2026, 11, 30))
    assert error.value.message_dict["date"] == [
        "Notification to the Panel cannot be before local authority became aware (1 December 2026)."
    ]
    # The same day is fine: day 0.
    record(review, K.NOTIFICATION, D(2026, 12, 1))
    with pytest.raises(ValidationError) as error:
        record(review, K.AWARE, D(2026, 12, 2))
    assert "cannot be after notification to the panel" in error.value.message_dict["date"][0]


def test_a_decision_for_a_cspr_makes_the_rapid_review_a_cspr_with_publication_due_in_six_months():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 6, 1))
    record(review, K.NOTIFICATION, D(2026, 6, 3))
    record(review, K.RAPID_REVIEW, D(2026, 6, 24))
    record(review, K.DECISION, D(2026, 8, 31), outcome=Outcome.CSPR)
    review.refresh_from_db()
    assert review.kind == CaseReview.Kind.CSPR
    found = steps(review)
    assert found[K.PUBLICATION].due == D(2027, 2, 28)
    # At least 7 working days before Sunday 28 February 2027: Thursday the 18th.
    assert found[K.SENT_TO_PANEL].due == D(2027, 2, 18)


def test_the_report_is_due_at_the_panel_seven_working_days_before_the_actual_publication():
    review = ReviewFactory(kind=CaseReview.Kind.CSPR)
    record(review, K.DECISION, D(2022, 12, 1), outcome=Outcome.CSPR)
    record(review, K.COMMISSIONED, D(2022, 12, 5))
    record(review, K.FINAL_REPORT, D(2023, 4, 3))
    services.publication_record(review=review, status="published", date=D(2023, 5, 10), today=TODAY)
    # Back over the Coronation (8 May) and May Day (1 May): 27 April 2023.
    assert steps(review)[K.SENT_TO_PANEL].due == D(2023, 4, 27)
    with pytest.raises(ValidationError) as error:
        record(review, K.SENT_TO_PANEL, D(2023, 4, 28))
    assert error.value.message_dict == {
        "late_reason": ["This step was due on 27 April 2023: say why it was late."]
    }
    record(review, K.SENT_TO_PANEL, D(2023, 4, 27))


def test_a_cspr_published_after_six_months_needs_a_reason():
    review = ReviewFactory(kind=CaseReview.Kind.CSPR)
    record(review, K.DECISION, D(2022, 9, 1), outcome=Outcome.CSPR)
    assert steps(review)[K.PUBLICATION].due == D(2023, 3, 1)
    with pytest.raises(ValidationError) as error:
        services.publication_record(review=review, status="published", date=D(2023, 3, 2))
    assert "late_reason" in error.value.message_dict
    services.publication_record(
        review=review,
        status="published",
        date=D(2023, 3, 2),
        late_reason="Waited for the family's comments.",
    )
    assert steps(review)[K.PUBLICATION].late_reason == "Waited for the family's comments."
    # On its due date: not late.
    other = ReviewFactory(kind=CaseReview.Kind.CSPR)
    record(other, K.DECISION, D(2022, 9, 1), outcome=Outcome.CSPR)
    services.publication_record(review=other, status="published", date=D(2023, 3, 1))


def test_no_further_review_closes_the_rapid_review():
    review = ReviewFactory()
    record(review, K.DECISION, D(2026, 11, 2), outcome=Outcome.NO_FURTHER_REVIEW)
    review.refresh_from_db()
    assert review.kind == CaseReview.Kind.RAPID
    assert review.status == CaseReview.Status.CLOSED


def test_it_refuses_an_outcome_a_step_cannot_have():
    review = ReviewFactory()
    with pytest.raises(ValidationError) as error:
        record(review, K.AWARE, D(2026, 11, 2), outcome=Outcome.CSPR)
    assert error.value.message_dict["outcome"] == [
        "The step “Local authority became aware” has no outcome of that kind."
    ]
    with pytest.raises(ValidationError):
        record(review, K.PANEL_VIEW, D(2026, 11, 2), outcome=Outcome.CSPR)


def test_a_date_known_only_to_the_month_is_kept_but_not_counted_by_the_clock():
    review = ReviewFactory()
    step = record(review, K.AWARE, D(2016, 6, 17), precision=Precision.MONTH)
    assert step.date == D(2016, 6, 1)
    assert step.date_label == "June 2016"
    assert steps(review)[K.NOTIFICATION].due is None


def test_it_refuses_published_without_a_date_and_not_published_without_a_reason():
    review = ReviewFactory(kind=CaseReview.Kind.SCR)
    with pytest.raises(ValidationError) as error:
        services.publication_record(review=review, status="published")
    assert error.value.message_dict == {"date": ["Give the date the review was published."]}
    with pytest.raises(ValidationError) as error:
        services.publication_record(review=review, status="not-published")
    assert error.value.message_dict == {
        "not_published_reason": ["Say why the completed review is not published."]
    }
    services.publication_record(
        review=review, status="not-published", reason="The children asked that it not be."
    )
    review.refresh_from_db()
    assert review.publication_status == "not-published"


def test_a_review_saved_as_published_needs_its_publication_date_whatever_the_way_in():
    review = ReviewFactory(kind=CaseReview.Kind.SCR)
    review.publication_status = CaseReview.Publication.PUBLISHED
    with pytest.raises(ValidationError) as error:
        services.review_save(review=review)
    assert "Record the date of publication" in error.value.message_dict["publication_status"][0]


def test_the_publication_date_of_a_published_review_cannot_be_removed():
    review = ReviewFactory(kind=CaseReview.Kind.SCR)
    services.publication_record(
        review=review,
        status="published",
        date=D(2016, 6, 1),
        precision="month",
        link="https://example.org/child-e.pdf",
    )
    with pytest.raises(ValidationError) as error:
        record(review, K.PUBLICATION, None)
    assert "cannot be removed" in error.value.message_dict["date"][0]


def test_a_link_belongs_only_to_a_published_review():
    review = ReviewFactory(kind=CaseReview.Kind.SCR)
    review.publication_link = "https://example.org/report.pdf"
    with pytest.raises(ValidationError) as error:
        services.review_save(review=review)
    assert "Only a published review" in error.value.message_dict["publication_link"][0]


def test_it_refuses_a_blank_name_and_gives_each_review_its_own_address():
    board = BoardFactory()
    year = YearFactory()
    with pytest.raises(ValidationError) as error:
        services.review_save(review=CaseReview(board=board, year=year, name="  ", kind="rapid"))
    assert "name" in error.value.message_dict
    one = services.review_save(
        review=CaseReview(board=board, year=year, name="Child J", kind="scr")
    )
    two = services.review_save(
        review=CaseReview(board=board, year=year, name="Child  J", kind="rapid")
    )
    assert (one.slug, two.slug, two.name) == ("child-j", "child-j-2", "Child J")


def test_changing_the_kind_keeps_the_steps_recorded():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 11, 2))
    review.kind = CaseReview.Kind.CSPR
    services.review_save(review=review)
    found = steps(review)
    assert found[K.AWARE].date == D(2026, 11, 2)
    assert K.PUBLICATION in found


def test_recommendations_are_numbered_and_must_be_addressed_to_someone():
    review = ReviewFactory()
    with pytest.raises(ValidationError) as error:
        services.recommendation_save(
            recommendation=Recommendation(review=review, text="Do better.")
        )
    assert "addressed to" in error.value.message_dict["agencies"][0]
    first = services.recommendation_save(
        recommendation=Recommendation(review=review, text="Share records.", to_partnership=True)
    )
    agency = AgencyFactory()
    second = services.recommendation_save(
        recommendation=Recommendation(review=review, text="Train staff."), agencies=[agency]
    )
    assert (first.number, second.number) == (1, 2)
    assert list(second.agencies.all()) == [agency]
    with pytest.raises(ValidationError) as error:
        services.recommendation_save(
            recommendation=Recommendation(review=review, number=2, text="x", to_partnership=True)
        )
    assert error.value.message_dict["number"] == ["This review already has a recommendation 2."]


def test_the_first_action_for_a_recommendation_creates_the_reviews_case_review_plan():
    rec = RecommendationFactory()
    review = rec.review
    assert review.plan is None
    action = services.recommendation_action_create(
        recommendation=rec, ref="1", description="Write a guide for a child moving in."
    )
    review.refresh_from_db()
    plan = review.plan
    assert (plan.kind, plan.title, plan.slug, plan.board_id) == (
        ActionPlan.Kind.CASE_REVIEW,
        f"Case review: {review.name}",
        f"review-{review.slug}",
        review.board_id,
    )
    second = services.recommendation_action_create(recommendation=rec, ref="2", description="b")
    assert list(rec.actions.order_by("ref")) == [action, second]
    assert ActionPlan.objects.filter(kind="case-review").count() == 1


def test_an_action_from_another_plan_cannot_be_linked(world):
    rec = RecommendationFactory(review=ReviewFactory(board=world.board))
    with pytest.raises(ValidationError):
        services.recommendation_action_link(recommendation=rec, action=world.action)


def test_a_count_stated_again_changes_it_rather_than_doubling_it():
    board, year = BoardFactory(), YearFactory()
    services.stated_count_save(
        stated=StatedCount(board=board, year=year, measure="rapid-reviews", value=5)
    )
    services.stated_count_save(
        stated=StatedCount(board=board, year=year, measure="rapid-reviews", value=4)
    )
    assert list(StatedCount.objects.values_list("value", flat=True)) == [4]
    with pytest.raises(ValidationError):
        services.stated_count_save(
            stated=StatedCount(board=board, year=year, measure="guesses", value=1)
        )


def test_it_refuses_a_step_before_2000_which_the_clock_could_not_count_back_from():
    review = ReviewFactory(kind=CaseReview.Kind.CSPR)
    with pytest.raises(ValidationError) as error:
        record(review, K.PUBLICATION, D(1999, 12, 31))
    assert error.value.message_dict["date"] == ["The date must be in 2000 or later."]
    record(review, K.DECISION, D(2000, 1, 4), outcome=Outcome.CSPR)
