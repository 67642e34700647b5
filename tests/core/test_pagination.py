"""Every list page pages within bounds, whatever `?page=` and `?per_page=` say."""

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.tables import MAX_PAGE_SIZE, PAGE_SIZE, configure_table
from tests.factories import ActionFactory

HUGE = "99999999999999999999"


class NumberTable(tables.Table):
    number = tables.Column()


def page_of(query: dict[str, str], rows: int = 250, prefix: str = "") -> tuple[int, int]:
    """The page number shown and how many rows it holds."""
    table = NumberTable([{"number": n} for n in range(rows)], prefix=prefix)
    request = RequestFactory().get("/", query)
    assert configure_table(request, table, exportable=False) is None
    return table.page.number, len(table.page.object_list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, (1, PAGE_SIZE)),
        ({"per_page": "10"}, (1, 10)),
        ({"per_page": "-1"}, (1, PAGE_SIZE)),
        ({"per_page": "0"}, (1, PAGE_SIZE)),
        ({"per_page": "1"}, (1, 1)),
        ({"per_page": HUGE}, (1, MAX_PAGE_SIZE)),
        ({"per_page": "ten"}, (1, PAGE_SIZE)),
        ({"per_page": "9" * 5000}, (1, PAGE_SIZE)),  # more digits than Python reads
        ({"page": "2"}, (2, PAGE_SIZE)),
        ({"page": HUGE}, (10, PAGE_SIZE)),
        ({"page": "-5"}, (1, PAGE_SIZE)),
        ({"page": "0"}, (1, PAGE_SIZE)),
        ({"page": "two"}, (1, PAGE_SIZE)),
        ({"page": HUGE, "per_page": HUGE}, (3, 50)),
        ({"page": "3", "per_page": "-1"}, (3, PAGE_SIZE)),
    ],
)
def test_page_and_page_size_stay_within_bounds(query, expected):
    assert page_of(query) == expected


def test_an_empty_table_shows_its_one_empty_page():
    assert page_of({"page": "4", "per_page": "-1"}, rows=0) == (1, 0)


def test_a_prefixed_table_reads_its_own_parameters():
    assert page_of({"agency-per_page": "-1", "per_page": "5"}, prefix="agency-") == (1, PAGE_SIZE)
    assert page_of({"agency-page": "2"}, prefix="agency-") == (2, PAGE_SIZE)


@pytest.mark.parametrize("query", [{"per_page": "-1"}, {"agency-per_page": "-1"}])
def test_a_chair_asking_for_a_negative_page_size_gets_the_list(query, world, client_for):
    for n in range(3):
        ActionFactory(plan=world.plan, priority=world.action.priority, ref=f"2{'abc'[n]}")
    client = client_for("chair")
    actions = client.get(reverse("priorities:actions", kwargs={"board": world.board.slug}), query)
    assert actions.status_code == 200
    assert all(f">{ref}<" in actions.text for ref in ("1a", "2a", "2b", "2c"))
    members = client.get(reverse("board:members", kwargs={"board": world.board.slug}), query)
    assert members.status_code == 200
    assert world.member.person in members.text
