"""The seeds' case reviews and stated counts, read back through the pages
exactly as the reports state them, with Assure's own counts beside them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from board.models import Board
from core import roles
from reviews import services
from reviews.models import CaseReview
from tests.factories import UserFactory
from tests.html import table_rows
from tests.reviews.html import text_of


@pytest.fixture
def past_reports(db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())


def client_on(client, board: str, role: str):
    user = UserFactory(
        username=f"{role}-{board}", role=role, boards=[Board.objects.get(slug=board)]
    )
    client.force_login(user)
    return client


def register(board: str) -> str:
    return reverse("reviews:register", kwargs={"board": board})


def test_every_published_seed_review_has_its_date_of_publication(past_reports):
    published = CaseReview.objects.filter(publication_status="published")
    assert sorted(r.name for r in published) == ["Child E", "Child F", "Sama"]
    for review in CaseReview.objects.all():
        assert services.review_problems(review=review) == {}, review.name


def test_lutons_2016_17_published_reviews_read_back_to_the_month(past_reports, client):
    client = client_on(client, "luton", roles.BUSINESS_MANAGER)
    rows = table_rows(
        client.get(register("luton"), {"year": "2016-17"}).content.decode(), "reviews"
    )
    names = [row[0] for row in rows[1:]]
    assert names == ["Child E", "Child F", "Child J"]
    child_e = client.get(reverse("reviews:review", kwargs={"board": "luton", "review": "child-e"}))
    assert "June 2016" in text_of(child_e.content, "#step-publication")
    child_j = client.get(reverse("reviews:review", kwargs={"board": "luton", "review": "child-j"}))
    themes = text_of(child_j.content, "main")
    assert "Domestic abuse, Mobile families and children moving between areas" in themes


def test_lutons_2020_21_counts_stand_beside_what_assure_holds(past_reports, client):
    client = client_on(client, "luton", roles.INDEPENDENT_CHAIR)
    page = client.get(reverse("reviews:record", kwargs={"board": "luton"}), {"year": "2020-21"})
    rows = table_rows(page.content.decode(), "stated-counts")
    assert [row[:3] for row in rows[1:]] == [
        ["Rapid reviews undertaken“Five rapid reviews were undertaken”", "5", "0"],
        [
            "CSPRs commissioned“five Rapid Reviews that were undertaken which led to "
            "commissioning four Child Safeguarding Practice Reviews”",
            "4",
            "0",
        ],
        [
            "Rapid reviews needing no further review“One of the Rapid Reviews was able to "
            "identify key learning without the need for a further review and this decision "
            "was endorsed by the National Panel”",
            "1",
            "0",
        ],
        [
            "Reviews of other partnerships contributed to“The Partnership contributed to two "
            "reviews held by other Local Safeguarding Children Partnerships”",
            "2",
            "Not counted",
        ],
        ["SCRs and CSPRs published“Number of SCRs/CSPR published 4”", "4", "0"],
        [
            "CSPRs completed but not published“Number of CSPR completed but not published 1”",
            "1",
            "0",
        ],
        ["CSPRs underway“Number of CSPR underway 3”", "3", "0"],
        ["Learning reviews undertaken“One multi-agency learning review was undertaken”", "1", "1"],
    ]
    assert rows[1][3] == "The report states 5 more than Assure holds records of."
    assert rows[8][3] == "None"
    text = text_of(page.content, "main")
    for name in ("Child L", "Child M", "Tahira", "Family Usman"):
        assert name in text


def test_bedford_boroughs_reviews_read_back_with_their_publication(past_reports, client):
    client = client_on(client, "bedford-borough", roles.BUSINESS_MANAGER)
    rows = table_rows(client.get(register("bedford-borough")).content.decode(), "reviews")
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [
        ("Adam", "Serious case review", "On hold for criminal proceedings"),
        ("Malika and Rosza", "Learning review", "Completed but not published"),
        ("Sama", "Serious case review", "Published"),
    ]
    malika = client.get(
        reverse("reviews:review", kwargs={"board": "bedford-borough", "review": "malika-and-rosza"})
    )
    assert "Following consultation with these 2 children" in text_of(malika.content, "#publication")
    record = client.get(
        reverse("reviews:record", kwargs={"board": "bedford-borough"}), {"year": "2016-17"}
    )
    counts = table_rows(record.content.decode(), "stated-counts")
    assert [row[1:] for row in counts[1:]] == [
        ["2", "0", "The report states 2 more than Assure holds records of."],
        ["3", "3", "None"],
    ]


def test_a_bedford_partner_sees_only_sama(past_reports, client):
    client = client_on(client, "bedford-borough", roles.PARTNER)
    rows = table_rows(client.get(register("bedford-borough")).content.decode(), "reviews")
    assert rows[1:] == [["Sama", "April 2017", "—", "—"]]
    adam = reverse("reviews:review", kwargs={"board": "bedford-borough", "review": "adam"})
    assert client.get(adam).status_code == 404
