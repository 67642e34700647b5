"""The Django admin saves case reviews through the services: it refuses
what the pages refuse, with the reason on its form, never a server error."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from reviews.models import CaseReview, ReviewStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = User.objects.create_superuser("root", "root@example.org", "correct horse battery staple")
    client.force_login(user)
    return client


def form_data(world, **changes):
    data = {
        "board": world.board.pk,
        "slug": "child-z",
        "name": "Child Z",
        "kind": "rapid",
        "scope": "local",
        "status": "in-progress",
        "year": world.year.pk,
        "publication_status": "not-yet-due",
        "publication_link": "",
        "not_published_reason": "",
        "summary": "",
        "notes": "",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_admin_adds_a_review_with_the_steps_of_its_kind(world, root):
    response = root.post(reverse("admin:reviews_casereview_add"), form_data(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    review = CaseReview.objects.get(slug="child-z")
    assert ReviewStep.objects.filter(review=review).count() == 6


def test_the_admin_refuses_a_published_review_without_its_date(world, root):
    response = root.post(
        reverse("admin:reviews_casereview_add"),
        form_data(world, publication_status="published"),
    )
    assert response.status_code == 200
    assert "Record the date of publication before recording the review as published." in (
        response.content.decode()
    )
    assert not CaseReview.objects.exists()


def test_the_admin_refuses_a_completed_review_not_published_without_a_reason(world, root):
    response = root.post(
        reverse("admin:reviews_casereview_add"),
        form_data(world, publication_status="not-published"),
    )
    assert response.status_code == 200
    assert "Say why the completed review is not published." in response.content.decode()
    assert not CaseReview.objects.exists()
