"""The case review pages as people see them."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from board.models import ReportingYear
from priorities.models import Action, Rating
from reviews import services
from reviews.models import CaseReview, ReviewStep, StepKind
from tests.clock import on_day
from tests.factories import AssessmentFactory, BoardFactory
from tests.reviews.factories import RecommendationFactory, ReviewFactory, ThemeFactory
from tests.reviews.html import text_of

D = datetime.date
K = StepKind
pytestmark = pytest.mark.django_db


def url(name, world, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"board": world.board.slug, **kwargs})


def published(world, name="Child E", **kwargs):
    review = ReviewFactory(board=world.board, name=name, kind=CaseReview.Kind.SCR, **kwargs)
    services.publication_record(
        review=review,
        status="published",
        date=D(2016, 6, 1),
        precision="month",
        link="https://example.org/child-e.pdf",
    )
    review.themes.add(ThemeFactory(slug="neglect", name="Neglect"))
    return review


@on_day(datetime.date(2026, 12, 2))
def test_a_manager_records_a_rapid_review_and_sees_the_due_dates_move(world, client_for):
    client = client_for("manager")
    response = client.post(
        url("review_create", world),
        {
            "name": "Child K",
            "kind": "rapid",
            "scope": "local",
            "status": "in-progress",
            "year": "2026-27",
        },
    )
    review = CaseReview.objects.get(board=world.board, name="Child K")
    assert response.status_code == 302
    assert response["Location"] == review.get_absolute_url()
    step_url = url("step", world, review=review.slug, step="aware")
    response = client.post(step_url, {"date": "2026-11-27", "precision": "day"})
    assert response.status_code == 302
    page = text_of(client.get(review.get_absolute_url()).content, "#step-notification")
    assert "4 December 2026" in page
    response = client.post(
        url("step", world, review=review.slug, step="notification"),
        {"date": "2026-12-02", "precision": "day"},
    )
    assert response.status_code == 302
    timeline = text_of(client.get(review.get_absolute_url()).content, "#timeline")
    assert "On time" in timeline
    assert "3 working days from local authority became aware" in timeline
    rapid = text_of(client.get(review.get_absolute_url()).content, "#step-rapid-review")
    assert "23 December 2026" in rapid
    assert "Due soon" not in rapid  # 15 working days away: beyond the 10


def test_a_late_step_without_a_reason_is_refused_on_the_page(world, client_for):
    client = client_for("manager")
    review = ReviewFactory(board=world.board, name="Child L")
    services.step_record(review=review, kind=K.AWARE, date=D(2026, 11, 2))
    response = client.post(
        url("step", world, review=review.slug, step="notification"),
        {"date": "2026-11-10", "precision": "day"},
    )
    assert response.status_code == 400
    assert "This step was due on 9 November 2026: say why it was late." in response.content.decode()
    assert review.steps.get(kind=K.NOTIFICATION).date is None


def test_the_register_shows_an_overdue_step_to_the_chair(world, client_for):
    review = ReviewFactory(board=world.board, name="Child M")
    services.step_record(review=review, kind=K.AWARE, date=D(2026, 11, 2))
    response = client_for("chair").get(url("register", world))
    assert response.status_code == 200
    row = text_of(response.content, "#reviews tbody")
    assert "Child M" in row
    assert "Notification to the Panel" in row
    assert "Overdue" in row
    deadlines = text_of(response.content, "#deadlines")
    assert "Child M: Notification to the Panel, due 9 November 2026 Overdue" in " ".join(
        deadlines.split()
    )


def test_the_register_filters_by_kind_theme_year_and_steps_due(world, client_for):
    overdue = ReviewFactory(board=world.board, name="Child N")
    services.step_record(review=overdue, kind=K.AWARE, date=D(2026, 11, 2))
    themed = published(world, name="Child E")
    client = client_for("chair")

    def names(**query):
        response = client.get(url("register", world), query)
        table = b'id="reviews"' in response.content
        return response.status_code, text_of(response.content, "#reviews" if table else "main")

    assert "Child N" in names(due="overdue")[1]
    assert "Child E" not in names(due="overdue")[1]
    assert "Child E" in names(kind="scr")[1]
    assert "Child N" not in names(kind="scr")[1]
    neglect = ThemeFactory(slug="neglect", name="Neglect").pk
    assert "Child E" in names(theme=neglect)[1]
    assert "Child N" not in names(theme=neglect)[1]
    # The year a step is dated in counts, as well as the review's own year.
    assert "Child N" in names(year="2016-17")[1]
    status, body = names(theme=99999999999999999999)
    assert status == 400
    assert "No reviews are listed until the filters above are corrected." in body
    assert "Child E" not in body
    assert themed.pk


def test_the_register_exports_what_is_filtered_as_csv(world, client_for):
    ReviewFactory(board=world.board, name="=HYPERLINK(1)")
    ReviewFactory(board=world.board, name="Child O", kind="learning")
    response = client_for("manager").get(
        url("register", world), {"kind": "learning", "_export": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Review",
        "Kind",
        "Year",
        "Status",
        "Publication",
        "Learning themes",
        "Next step",
        "Due",
    ]
    assert [r[0] for r in rows[1:]] == ["Child O"]
    response = client_for("manager").get(url("register", world), {"_export": "csv"})
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_a_partner_sees_only_published_reviews_with_their_date_link_and_themes(world, client_for):
    review = published(world)
    hidden = ReviewFactory(board=world.board, name="Child Hidden", kind="scr")
    services.publication_record(review=hidden, status="on-hold-criminal")
    client = client_for("partner")
    response = client.get(url("register", world))
    body = text_of(response.content, "#reviews")
    assert "Child E" in body
    assert "June 2016" in body
    assert "Neglect" in body
    assert "Child Hidden" not in response.content.decode()
    page = client.get(review.get_absolute_url())
    assert page.status_code == 200
    text = text_of(page.content, "main")
    assert "June 2016" in text
    assert "Neglect" in text
    assert 'href="https://example.org/child-e.pdf"' in page.content.decode()
    assert "Timeline" not in text
    assert "Change history" not in text
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(url("record", world)).status_code == 404
    # Published but with no date would be hidden too (the service refuses it anyway).


def test_a_recommendation_and_its_action_are_added_in_the_reviews_plan(world, client_for):
    client = client_for("manager")
    review = ReviewFactory(board=world.board, name="Child P")
    response = client.post(
        url("recommendation_create", world, review=review.slug),
        {"text": "Share records when a family moves.", "to_partnership": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        url("recommendation_action", world, review=review.slug, number=1),
        {"ref": "1a", "description": "Write a protocol for families moving in."},
    )
    assert response.status_code == 302
    action = Action.objects.get(ref="1a", plan__kind="case-review")
    AssessmentFactory(action=action, process=Rating.AMBER, impact=Rating.GREY, commentary="Drafted")
    page = client.get(review.get_absolute_url())
    card = text_of(page.content, "#recommendation-1")
    assert "Share records when a family moves." in card
    assert "Action 1a" in card
    assert "Process Amber" in card
    assert "Impact Grey (not started)" in card
    # The same reference again is refused on the form, and nothing is added.
    response = client.post(
        url("recommendation_action", world, review=review.slug, number=1),
        {"ref": "1a", "description": "Again"},
    )
    assert response.status_code == 400
    assert Action.objects.filter(plan__kind="case-review").count() == 1


def test_the_record_of_decisions_page_and_export_show_what_was_done(world, client_for):
    review = ReviewFactory(board=world.board, name="Child Q", year=world.year)
    rec = RecommendationFactory(review=review, number=1, text="Train staff on neglect.")
    action = services.recommendation_action_create(recommendation=rec, ref="1", description="Train")
    AssessmentFactory(
        action=action, process=Rating.BLUE, impact=Rating.GREEN, evidence="Course register"
    )
    client = client_for("chair")
    response = client.get(url("record", world), {"year": world.year.label})
    text = text_of(response.content, "main")
    assert "Record of decisions and actions 2016-17" in text
    assert "Train staff on neglect." in text
    assert "Evidence: Course register" in text
    assert "0 of 1 recommendation open" in " ".join(text.split())
    export = client.get(url("record_export", world, fmt="csv"), {"year": world.year.label})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][:8] == [
        "Child Q",
        "Rapid review",
        "",
        "1. Train staff on neglect.",
        "The partnership",
        "1: Train",
        "BLUE",
        "GREEN",
    ]


@on_day(datetime.date(2026, 12, 2))
def test_pages_open_on_todays_date_with_no_reviews(world, client_for):
    client = client_for("manager")
    response = client.get(url("record", world))
    assert "Record of decisions and actions 2026-27" in text_of(response.content, "h1")
    assert not ReportingYear.objects.filter(label="2026-27").exists()


def _many_reviews(board, year, n):
    reviews = CaseReview.objects.bulk_create(
        CaseReview(board=board, year=year, slug=f"r-{i}", name=f"Child {i}", kind="rapid")
        for i in range(n)
    )
    theme = ThemeFactory(slug="neglect", name="Neglect")
    CaseReview.themes.through.objects.bulk_create(
        CaseReview.themes.through(casereview=r, learningtheme=theme) for r in reviews
    )
    ReviewStep.objects.bulk_create(
        ReviewStep(review=r, kind=K.NOTIFICATION, due=D(2026, 11, 1)) for r in reviews
    )


@pytest.mark.parametrize("n", [10, 1000])
def test_the_register_runs_the_same_queries_at_10_and_1000_reviews(
    n, world, client_for, django_assert_max_num_queries
):
    _many_reviews(world.board, world.year, n)
    client = client_for("chair")
    client.get(url("register", world))  # session and permissions warm
    with django_assert_max_num_queries(14):
        response = client.get(url("register", world))
    assert "Child 1" in response.content.decode()
    with django_assert_max_num_queries(14):
        client.get(url("record", world), {"year": world.year.label})


@pytest.mark.parametrize("n", [1, 30])
def test_a_reviews_page_runs_the_same_queries_whatever_its_recommendations(
    n, world, client_for, django_assert_max_num_queries
):
    review = ReviewFactory(board=world.board, name="Child R")
    for number in range(1, n + 1):
        rec = RecommendationFactory(review=review, number=number)
        services.recommendation_action_create(recommendation=rec, ref=str(number), description="x")
    client = client_for("chair")
    client.get(review.get_absolute_url())
    with django_assert_max_num_queries(20):
        client.get(review.get_absolute_url())


def test_another_boards_review_is_not_found(world, client_for):
    other = ReviewFactory(board=world.other_board, name="Child S")
    client = client_for("manager")
    assert client.get(url("review", world, review=other.slug)).status_code == 404
    assert BoardFactory  # the other board's manager sees nothing of ours (permission matrix)


@on_day(datetime.date(2026, 12, 2))
def test_editing_a_review_keeps_its_year_and_a_new_one_may_go_in_any_year(world, client_for):
    client = client_for("manager")
    review = ReviewFactory(board=world.board, name="Child T", year=world.year)
    page = client.get(url("review_edit", world, review=review.slug)).content.decode()
    assert '<option value="2016-17" selected>' in page
    new = client.get(url("review_create", world)).content.decode()
    assert '<option value="2026-27" selected>' in new
    assert '<option value="2016-17">' in new
    response = client.post(
        url("review_create", world),
        {
            "name": "Child U",
            "kind": "scr",
            "scope": "local",
            "status": "completed",
            "year": "2016-17",
        },
    )
    assert response.status_code == 302
    assert CaseReview.objects.get(name="Child U").year == world.year
