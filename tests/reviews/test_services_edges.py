"""Edges of the case review rules that mutation testing found unpinned: the
steps of every kind, the first day the clock can count, each publication
status and the boundaries of every comparison the services make."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from priorities.models import ActionPlan
from reviews import selectors, services
from reviews.models import (
    CaseReview,
    LearningTheme,
    Outcome,
    Recommendation,
    ReviewStep,
    StatedCount,
    StepKind,
)
from tests.factories import AgencyFactory, BoardFactory, YearFactory
from tests.reviews.factories import RecommendationFactory, ReviewFactory

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


# Steps ----------------------------------------------------------------------


def test_a_step_of_a_kind_not_on_the_list_is_refused_at_once():
    review = ReviewFactory()
    step = ReviewStep(review=review, kind="bogus", date=D(2030, 1, 1), precision="year")
    assert services.step_problems(step=step, today=TODAY) == {
        "kind": ["Choose a step from the list."]
    }


def test_a_precision_not_on_the_list_is_refused():
    review = ReviewFactory()
    step = ReviewStep(review=review, kind=K.INCIDENT, date=D(2026, 1, 1), precision="year")
    assert services.step_problems(step=step, today=TODAY) == {
        "precision": ["Say whether the date is known to the day or the month."]
    }


def test_today_is_not_in_the_future_and_tomorrow_is():
    review = ReviewFactory()
    assert record(review, K.INCIDENT, TODAY).date == TODAY
    with pytest.raises(ValidationError) as error:
        record(review, K.INCIDENT, D(2026, 12, 3))
    assert error.value.message_dict == {
        "date": ["The date cannot be in the future: record a step once it happens."]
    }


def test_an_outcome_needs_a_date_and_a_step_of_its_kind():
    review = ReviewFactory()
    with pytest.raises(ValidationError) as error:
        record(review, K.DECISION, None, outcome=Outcome.CSPR)
    assert error.value.message_dict == {"date": ["Give the date of the outcome."]}
    with pytest.raises(ValidationError) as error:
        record(review, K.PANEL_VIEW, D(2026, 11, 2), outcome=Outcome.CSPR)
    assert error.value.message_dict == {
        "outcome": ["The step “The Panel's view” has no outcome of that kind."]
    }
    step = record(review, K.PANEL_VIEW, D(2026, 11, 2), outcome=Outcome.PANEL_AGREES)
    assert step.outcome == "agrees"


def test_a_reason_of_spaces_is_no_reason_for_a_late_step_and_a_reason_is_kept_trimmed():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 11, 2))
    with pytest.raises(ValidationError) as error:
        record(review, K.NOTIFICATION, D(2026, 11, 10), late_reason="   ")
    assert list(error.value.message_dict) == ["late_reason"]
    step = record(
        review,
        K.NOTIFICATION,
        D(2026, 11, 10),
        late_reason="  Holiday cover.  ",
        detail="  Sent   by the  manager ",
    )
    assert (step.late_reason, step.detail) == ("Holiday cover.", "Sent by the manager")
    assert (step.due, services.is_late(step)) == (D(2026, 11, 9), True)


def test_a_step_a_day_after_the_one_it_follows_is_in_order_and_one_after_a_later_one_is_not():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 11, 2))
    record(review, K.NOTIFICATION, D(2026, 11, 3))
    with pytest.raises(ValidationError) as error:
        record(review, K.AWARE, D(2026, 11, 4))
    assert error.value.message_dict == {
        "date": [
            "Local authority became aware cannot be after notification to the panel "
            "(3 November 2026)."
        ]
    }
    assert record(review, K.AWARE, D(2026, 11, 3)).date == D(2026, 11, 3)


def test_recording_the_same_date_again_keeps_when_it_was_recorded():
    review = ReviewFactory()
    first = record(review, K.INCIDENT, D(2026, 11, 2))
    assert first.recorded_at is not None
    again = record(review, K.INCIDENT, D(2026, 11, 2), detail="More detail.")
    assert again.recorded_at == first.recorded_at
    month = record(review, K.INCIDENT, D(2026, 11, 2), precision="month")
    assert month.recorded_at > first.recorded_at
    cleared = record(review, K.INCIDENT, None)
    assert (cleared.date, cleared.recorded_at) == (None, month.recorded_at)


def test_a_decision_for_a_learning_review_makes_the_rapid_review_one():
    review = ReviewFactory()
    record(review, K.DECISION, D(2026, 11, 2), outcome=Outcome.LEARNING)
    review.refresh_from_db()
    assert (review.kind, review.status) == (Kind.LEARNING, CaseReview.Status.IN_PROGRESS)
    assert kinds_in_order(review)[-3:] == ["commissioned", "final-report", "publication"]


def test_a_decision_for_a_serious_case_review_leaves_the_rapid_review_as_it_is():
    review = ReviewFactory()
    record(review, K.DECISION, D(2026, 11, 2), outcome=Outcome.SCR)
    review.refresh_from_db()
    assert (review.kind, review.status) == (Kind.RAPID, CaseReview.Status.IN_PROGRESS)


def test_a_decision_recorded_on_a_review_of_another_kind_does_not_change_its_kind():
    review = ReviewFactory(kind=Kind.SCR)
    record(review, K.DECISION, D(2026, 11, 2), outcome=Outcome.CSPR)
    review.refresh_from_db()
    assert review.kind == Kind.SCR
    assert review.steps.get(kind=K.PUBLICATION).due is None  # only a CSPR's is due


def test_no_further_review_closes_only_a_review_in_progress():
    review = ReviewFactory(status=CaseReview.Status.NOT_KNOWN)
    record(review, K.DECISION, D(2026, 11, 2), outcome=Outcome.NO_FURTHER_REVIEW)
    review.refresh_from_db()
    assert review.status == CaseReview.Status.NOT_KNOWN


# Publication ------------------------------------------------------------------


def test_it_refuses_a_publication_status_not_on_the_list():
    review = ReviewFactory(kind=Kind.SCR)
    with pytest.raises(ValidationError) as error:
        services.publication_record(review=review, status="bogus")
    assert error.value.message_dict == {
        "publication_status": ["Choose a publication status from the list."]
    }


def test_only_a_published_review_has_a_date_of_publication():
    review = ReviewFactory(kind=Kind.SCR)
    with pytest.raises(ValidationError) as error:
        services.publication_record(
            review=review, status=Publication.ON_HOLD_CRIMINAL, date=D(2026, 1, 5)
        )
    assert error.value.message_dict == {
        "date": ["Only a published review has a date of publication."]
    }
    assert review.steps.get(kind=K.PUBLICATION).date is None


def test_a_published_review_with_its_date_can_be_given_a_link_later():
    review = ReviewFactory(kind=Kind.SCR)
    services.publication_record(review=review, status="published", date=D(2026, 1, 5))
    services.publication_record(
        review=review, status="published", link="  https://example.org/child.pdf  "
    )
    review.refresh_from_db()
    assert review.publication_link == "https://example.org/child.pdf"
    assert review.steps.get(kind=K.PUBLICATION).date == D(2026, 1, 5)


def test_a_link_and_a_reason_are_kept_only_for_their_own_status():
    review = ReviewFactory(kind=Kind.SCR)
    services.publication_record(
        review=review,
        status=Publication.NOT_PUBLISHED,
        link="https://example.org/child.pdf",
        reason="  The family asked.  ",
    )
    review.refresh_from_db()
    assert (review.publication_link, review.not_published_reason) == ("", "The family asked.")
    services.publication_record(
        review=review, status=Publication.ON_HOLD_CORONER, reason="The family asked."
    )
    review.refresh_from_db()
    assert (review.publication_status, review.not_published_reason) == ("on-hold-coroner", "")


# Recommendations, their plan and actions ------------------------------------------


def test_a_recommendation_of_spaces_is_refused_in_the_services_words():
    review = ReviewFactory()
    recommendation = Recommendation(review=review, number=1, text="   ", to_partnership=True)
    assert services.recommendation_problems(recommendation=recommendation) == {
        "text": ["Enter the recommendation as the review words it."]
    }


def test_the_next_recommendation_follows_the_highest_number():
    review = ReviewFactory()
    services.recommendation_save(
        recommendation=Recommendation(review=review, number=5, text="a", to_partnership=True)
    )
    services.recommendation_save(
        recommendation=Recommendation(review=review, number=2, text="b", to_partnership=True)
    )
    following = services.recommendation_save(
        recommendation=Recommendation(
            review=review, text="  Share records.  ", addressed_as_written="  Health  "
        )
    )
    assert (following.number, following.text, following.addressed_as_written) == (
        6,
        "Share records.",
        "Health",
    )
    # Another review's numbers are its own.
    other = services.recommendation_save(
        recommendation=Recommendation(review=ReviewFactory(), text="c", to_partnership=True)
    )
    assert other.number == 1


def test_whom_a_recommendation_is_addressed_to_may_be_in_the_reviews_words_but_not_spaces():
    review = ReviewFactory()
    spaces = Recommendation(review=review, number=1, text="a", addressed_as_written="   ")
    assert list(services.recommendation_problems(recommendation=spaces)) == ["agencies"]
    words = Recommendation(review=review, number=1, text="a", addressed_as_written="Schools")
    assert services.recommendation_problems(recommendation=words) == {}


def test_a_recommendation_keeps_its_agencies_unless_they_are_given_again():
    review = ReviewFactory()
    agency = AgencyFactory()
    saved = services.recommendation_save(
        recommendation=Recommendation(review=review, text="a"), agencies=[agency]
    )
    saved.text = "b"
    services.recommendation_save(recommendation=saved)
    assert list(saved.agencies.all()) == [agency]
    assert services.recommendation_problems(recommendation=saved) == {}
    assert list(services.recommendation_problems(recommendation=saved, agencies=[])) == ["agencies"]
    # An unsaved recommendation has no agencies yet.
    fresh = Recommendation(review=review, number=9, text="c")
    assert list(services.recommendation_problems(recommendation=fresh)) == ["agencies"]


def test_a_recommendation_number_of_zero_is_refused_and_another_reviews_number_is_free():
    review = ReviewFactory()
    RecommendationFactory(review=review, number=1)
    zero = Recommendation(review=review, number=0, text="a", to_partnership=True)
    assert list(services.recommendation_problems(recommendation=zero)) == ["number"]
    elsewhere = Recommendation(review=ReviewFactory(), number=1, text="a", to_partnership=True)
    assert services.recommendation_problems(recommendation=elsewhere) == {}


def test_a_reviews_plan_takes_a_free_address_of_at_most_70_characters():
    review = ReviewFactory(slug="x" * 80, name="Child L")
    ActionPlan.objects.create(
        board=review.board, slug="review-" + "x" * 63, title="Taken", kind="case-review"
    )
    plan = services.review_plan(review=review)
    assert plan.slug == "review-" + "x" * 63 + "-2"
    assert (plan.title, plan.period) == ("Case review: Child L", review.year.label)
    assert services.review_plan(review=review) == plan


def test_an_action_of_the_reviews_own_plan_can_be_linked_to_another_recommendation():
    first = RecommendationFactory(number=1)
    action = services.recommendation_action_create(
        recommendation=first, ref="1", description="Write a guide."
    )
    second = RecommendationFactory(review=first.review, number=2)
    services.recommendation_action_link(recommendation=second, action=action)
    assert list(second.actions.all()) == [action]


def test_no_action_can_be_linked_to_a_review_without_a_plan(world):
    rec = RecommendationFactory()
    with pytest.raises(ValidationError) as error:
        services.recommendation_action_link(recommendation=rec, action=world.action)
    assert error.value.message_dict == {
        "action": ["Choose an action in this review's action plan."]
    }


# Themes and stated counts -------------------------------------------------------


def test_a_theme_is_named_once_whatever_the_case_and_spacing():
    theme = services.theme_save(theme=LearningTheme(name="  Neglect   and  care "))
    assert (theme.name, theme.slug) == ("Neglect and care", "neglect-and-care")
    with pytest.raises(ValidationError) as error:
        services.theme_save(theme=LearningTheme(name="NEGLECT AND CARE", slug="other"))
    assert error.value.message_dict == {"name": ["There is already a theme of that name."]}
    theme.description = "Renamed"
    assert services.theme_save(theme=theme).name == "Neglect and care"


def test_a_long_theme_name_gets_an_address_of_60_characters():
    theme = services.theme_save(theme=LearningTheme(name="n" * 100))
    assert theme.slug == "n" * 60


def test_a_blank_theme_name_is_refused_by_the_fields_rules_alone():
    with pytest.raises(ValidationError) as error:
        services.theme_save(theme=LearningTheme(name="   ", slug="blank"))
    assert error.value.message_dict == {"name": ["This field cannot be blank."]}


def test_a_stated_count_keeps_the_reports_words_trimmed():
    board, year = BoardFactory(), YearFactory()
    stated = services.stated_count_save(
        stated=StatedCount(
            board=board, year=year, measure="rapid-reviews", value=5, wording="  five  "
        )
    )
    assert stated.wording == "five"
    other_board = services.stated_count_save(
        stated=StatedCount(board=BoardFactory(), year=year, measure="rapid-reviews", value=3)
    )
    assert other_board.pk != stated.pk
    assert StatedCount.objects.count() == 2


def test_a_reviews_themes_are_set_when_given_and_kept_when_not():
    review = ReviewFactory(kind=Kind.SCR)
    neglect = services.theme_save(theme=LearningTheme(name="Neglect at home"))
    housing = services.theme_save(theme=LearningTheme(name="Housing moves"))
    services.review_save(review=review, themes=[neglect, housing])
    assert set(review.themes.values_list("name", flat=True)) == {"Neglect at home", "Housing moves"}
    review.summary = "Changed."
    services.review_save(review=review)
    assert review.themes.count() == 2
    services.review_save(review=review, themes=[])
    assert review.themes.count() == 0


def test_a_review_made_a_cspr_by_its_kind_gets_its_publication_due_at_once():
    review = ReviewFactory(kind=Kind.SCR)
    record(review, K.DECISION, D(2026, 8, 31), outcome=Outcome.CSPR)
    assert review.steps.get(kind=K.PUBLICATION).due is None
    review.kind = Kind.CSPR
    services.review_save(review=review)
    assert review.steps.get(kind=K.PUBLICATION).due == D(2027, 2, 28)
    assert review.steps.get(kind=K.SENT_TO_PANEL).due == D(2027, 2, 18)


def test_a_step_a_loaded_review_lacked_comes_back_with_its_due_date():
    review = ReviewFactory()
    record(review, K.AWARE, D(2026, 11, 27))
    # A review loaded from a past report holds only the steps it states.
    review.steps.filter(kind=K.NOTIFICATION).delete()
    step = record(review, K.NOTIFICATION, D(2026, 12, 2))
    assert (step.due, services.is_late(step)) == (D(2026, 12, 4), False)


def test_a_recommendation_needs_no_review_to_be_checked():
    # The page sets the review; the rules must not ask for it.
    recommendation = Recommendation(number=1, text="Share records.", to_partnership=True)
    assert services.recommendation_problems(recommendation=recommendation) == {}


def test_a_stated_count_needs_no_board_or_year_to_be_checked():
    # The loader and the page set those; the rules must not ask for them.
    stated = StatedCount(measure="rapid-reviews", value=5)
    assert services.stated_count_problems(stated=stated) == {}
    bad = StatedCount(measure="guesses", value=5)
    assert services.stated_count_problems(stated=bad) == {
        "measure": ["Value 'guesses' is not a valid choice."]
    }
