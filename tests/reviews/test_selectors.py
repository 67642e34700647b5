"""What the register, the chair's dashboard and the annual report read."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from priorities.models import Rating
from reviews import selectors, services
from reviews.models import CaseReview, Outcome, StatedCount, StepKind
from tests.factories import AssessmentFactory, BoardFactory, YearFactory
from tests.reviews.factories import RecommendationFactory, ReviewFactory, StatedCountFactory

D = datetime.date
K = StepKind
TODAY = D(2026, 12, 2)
pytestmark = pytest.mark.django_db


def record(review, kind, date, **kwargs):
    return services.step_record(review=review, kind=kind, date=date, today=TODAY, **kwargs)


def test_deadlines_list_what_is_overdue_due_today_and_due_within_ten_working_days():
    board = BoardFactory()
    overdue = ReviewFactory(board=board, name="Child A")
    record(overdue, K.AWARE, D(2026, 11, 20))  # notification due 27 Nov: overdue
    today = ReviewFactory(board=board, name="Child B")
    record(today, K.AWARE, D(2026, 11, 25))  # due 2 Dec: due today, not overdue
    edge = ReviewFactory(board=board, name="Child C")
    record(edge, K.AWARE, D(2026, 12, 2))
    record(edge, K.NOTIFICATION, D(2026, 12, 2))  # rapid review due 23 Dec: 15 working days
    soon = ReviewFactory(board=board, name="Child D")
    record(soon, K.AWARE, D(2026, 12, 2))  # due 9 Dec: within 10 working days
    ReviewFactory(board=BoardFactory(), name="Elsewhere")  # another board's
    deadlines = selectors.review_deadlines(board=board, today=TODAY)
    assert [(d.review.name, d.step, d.due, d.overdue) for d in deadlines] == [
        ("Child A", "Notification to the Panel", D(2026, 11, 27), True),
        ("Child B", "Notification to the Panel", D(2026, 12, 2), False),
        ("Child D", "Notification to the Panel", D(2026, 12, 9), False),
    ]
    assert deadlines[0].url == f"/boards/{board.slug}/reviews/{overdue.slug}/"
    # Ten working days from 2 December 2026 is 16 December; 15 is 23 December.
    assert selectors.due_soon_limit(TODAY) == D(2026, 12, 16)
    wider = selectors.review_deadlines(board=board, today=TODAY, within=15)
    assert ("Child C", D(2026, 12, 23)) in [(d.review.name, d.due) for d in wider]


def test_deadlines_leave_out_recorded_steps_closed_reviews_and_publications_on_hold():
    board = BoardFactory()
    done = ReviewFactory(board=board)
    record(done, K.AWARE, D(2026, 11, 20))
    record(done, K.NOTIFICATION, D(2026, 11, 20))
    record(done, K.RAPID_REVIEW, D(2026, 11, 20))
    closed = ReviewFactory(board=board)
    record(closed, K.AWARE, D(2026, 11, 2))
    closed.status = CaseReview.Status.CLOSED
    services.review_save(review=closed)
    held = ReviewFactory(board=board, kind=CaseReview.Kind.CSPR)
    record(held, K.DECISION, D(2026, 1, 5), outcome=Outcome.CSPR)
    assert [d.step for d in selectors.review_deadlines(board=board, today=TODAY)] == [
        "Report sent to the Panel and the Secretary of State",
        "Publication",
    ]
    services.publication_record(review=held, status="on-hold-criminal")
    assert selectors.review_deadlines(board=board, today=TODAY) == []


def test_changes_since_name_new_reviews_and_steps_recorded_since():
    board = BoardFactory()
    old = ReviewFactory(board=board, name="Child Old")
    since = timezone.now()
    new = ReviewFactory(board=board, name="Child New")
    record(old, K.AWARE, D(2026, 11, 30))
    changes = selectors.review_changes_since(board=board, since=since)
    assert [(c.review.name, c.what) for c in changes] == [
        ("Child Old", "Local authority became aware recorded: 30 November 2026"),
        ("Child New", "New rapid review"),
    ]
    assert changes[1].url == new.get_absolute_url()
    assert selectors.review_changes_since(board=board, since=timezone.now()) == []


def test_the_record_of_decisions_lists_each_recommendation_with_its_actions_ratings(world):
    review = ReviewFactory(board=world.board, name="Child J", year=world.year)
    record(review, K.DECISION, D(2016, 10, 3), outcome=Outcome.CSPR)
    rec = RecommendationFactory(review=review, number=1)
    action = services.recommendation_action_create(recommendation=rec, ref="1", description="Guide")
    AssessmentFactory(
        action=action,
        assessed_on=D(2017, 1, 10),
        process=Rating.BLUE,
        impact=Rating.GREEN,
        evidence="Audit of moves into the area",
    )
    RecommendationFactory(review=review, number=2)
    other_year = YearFactory(label="2019-20", start=D(2019, 4, 1), end=D(2020, 3, 31))
    ReviewFactory(board=world.board, name="Later", year=other_year)
    records = selectors.record_of_decisions(board=world.board, year=world.year)
    assert [r.review.name for r in records] == ["Child J"]
    (row1, row2) = records[0].recommendations
    assert [
        (a.ref, a.current_process, a.current_impact, a.latest_evidence) for a in row1.actions
    ] == [("1", "BLUE", "GREEN", "Audit of moves into the area")]
    assert (row1.open, row2.open, records[0].open_count) == (False, True, 1)
    assert records[0].decision.get_outcome_display() == "A child safeguarding practice review"
    rows = selectors.record_export_rows(records)
    assert rows[1][:8] == [
        "Child J",
        "Child safeguarding practice review",
        "A child safeguarding practice review",
        "1. " + rec.text,
        "The partnership",
        "1: Guide",
        "BLUE",
        "GREEN",
    ]
    assert rows[2][5:] == ["", "", "", "", "", "", "Open"]


def test_stated_counts_sit_beside_assures_counts_with_the_difference_named(world):
    StatedCountFactory(board=world.board, year=world.year, measure="rapid-reviews", value=5)
    StatedCountFactory(board=world.board, year=world.year, measure="contributed", value=2)
    review = ReviewFactory(board=world.board, year=world.year)
    record(review, K.AWARE, D(2016, 6, 1))
    record(review, K.NOTIFICATION, D(2016, 6, 2))
    record(review, K.RAPID_REVIEW, D(2016, 6, 20))
    rows = selectors.stated_counts(board=world.board, year=world.year)
    assert [(r.label, r.stated.value, r.counted, r.difference) for r in rows] == [
        (
            "Rapid reviews undertaken",
            5,
            1,
            "The report states 4 more than Assure holds records of.",
        ),
        ("Reviews of other partnerships contributed to", 2, None, ""),
    ]
    assert StatedCount.objects.count() == 2
