"""Generated posts to every case review form and generated queries on every
case review page (the shared property tests' machinery, on this app's pages
only, so they can run on their own): never a server error, and a refusal
changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_properties import (
    Form,
    check,
    filter_fields,
    fingerprint,
    page_names,
    pages_and_values,
    posted_form,
    url_of,
)

pytestmark = pytest.mark.django_db

examples = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def reviews_only(names: list[str]) -> list[str]:
    return [n for n in names if n.startswith("reviews:")]


def test_posting_anything_to_a_review_form_never_fails(world, client_for):
    client = client_for("manager")
    forms = [posted_form(client, n, url_of(n, world)) for n in reviews_only(page_names("post"))]
    assert len(forms) == 7, [f.action for f in forms]
    before = fingerprint()

    @examples
    @given(sent=pages_and_values(forms))
    def post(sent: tuple[Form, dict[str, Any]]) -> None:
        form, data = sent
        with transaction.atomic():
            check(client.post(form.action, data), form.action, before, data)
            transaction.set_rollback(True)

    post()


def test_any_query_on_a_review_page_never_fails(world, client_for):
    client = client_for("manager")
    pages = [
        Form("get", url, filter_fields(client, url))
        for url in (url_of(n, world) for n in reviews_only(page_names("get")))
    ]
    before = fingerprint()

    @examples
    @given(sent=pages_and_values(pages))
    def get(sent: tuple[Form, dict[str, Any]]) -> None:
        page, query = sent
        with transaction.atomic():
            check(client.get(page.action, query), page.action, before, query)
            transaction.set_rollback(True)

    get()


@examples
@given(
    months=st.one_of(
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.integers(min_value=0, max_value=200).map(str),
        st.text(max_size=12),
        st.sampled_from(["12", "120", "11", "121", " 24 ", "24.0", "2e1", "١٢", "0x18"]),
    )
)
def test_the_retention_form_keeps_only_whole_months_from_one_to_ten_years(
    months, world, client_for
):
    """Whatever is sent, the board keeps a period from 12 to 120 months: a
    value in range is saved as that number; anything else is refused with
    the board, and its history, as they were."""
    from board.models import Board

    client = client_for("manager")
    page = reverse("reviews:read_retention", kwargs={"board": world.board.slug})
    with transaction.atomic():
        before = fingerprint()
        response = client.post(page, {"months": months})
        kept = Board.objects.get(pk=world.board.pk).read_records_kept_months
        if response.status_code == 302:
            assert 12 <= kept <= 120
            assert Decimal(months.strip()) == kept
        else:
            assert response.status_code == 400, response.status_code
            assert fingerprint() == before
        transaction.set_rollback(True)
