"""A board's own list of partner agencies (docs/adr/0021): what its forms
offer, how agencies come onto it, and that it is read by the board's rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from board import selectors, services
from board.forms import ContributionForm, MemberForm
from board.models import Agency, BoardAgency, Contribution, Member
from core import roles
from tests.factories import (
    AgencyFactory,
    BoardFactory,
    MemberFactory,
    UserFactory,
    YearFactory,
)

pytestmark = pytest.mark.django_db


def _names(queryset) -> list[str]:
    return [agency.name for agency in queryset]


def test_a_boards_seat_and_contribution_forms_offer_its_own_agencies_not_another_boards():
    mine, theirs = BoardFactory(), BoardFactory(name="Other board")
    AgencyFactory(name="Luton Police", boards=[mine])
    AgencyFactory(name="Dorset Police", boards=[theirs])
    AgencyFactory(name="An agency nobody lists")
    year = YearFactory()
    seat_choices = MemberForm(board=mine).fields["agency"].queryset
    money_choices = ContributionForm(board=mine, years=[year]).fields["agency"].queryset
    assert _names(seat_choices) == ["Luton Police"]
    assert _names(money_choices) == ["Luton Police"]


def test_it_refuses_a_seat_for_an_agency_not_on_the_boards_list_and_saves_nothing(client):
    board = BoardFactory()
    client.force_login(UserFactory(username="m", role=roles.BUSINESS_MANAGER, boards=[board]))
    elsewhere = AgencyFactory(name="Dorset Police")
    response = client.post(
        reverse("board:member_create", kwargs={"board": board.slug}),
        {"agency": elsewhere.pk, "position": "Chief Inspector", "role": "agency-representative"},
    )
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert not Member.objects.exists()


def test_a_seat_or_contribution_saved_through_the_services_puts_its_agency_on_the_list():
    board = BoardFactory()
    police, council = AgencyFactory(name="Police"), AgencyFactory(name="Council")
    services.member_save(
        member=Member(
            board=board, agency=police, position="Chief Inspector", role="agency-representative"
        ),
        groups=[],
    )
    services.contribution_save(
        contribution=Contribution(board=board, agency=council, label="Council", amount=Decimal(5)),
        year=YearFactory(),
    )
    assert _names(selectors.partner_agencies(board=board)) == ["Council", "Police"]
    # Saved again, nothing is added twice.
    assert services.board_agencies_add(board=board, agencies=[police, council, None]) == []
    assert BoardAgency.objects.filter(board=board).count() == 2


def test_a_manager_adds_an_agency_already_in_assure_and_the_seat_form_then_offers_it(client):
    board = BoardFactory()
    client.force_login(UserFactory(username="m", role=roles.BUSINESS_MANAGER, boards=[board]))
    AgencyFactory(name="Dorset Police", slug="dorset-police")
    AgencyFactory(name="Dorset Council", slug="dorset-council")
    listing = reverse("board:agency_list", kwargs={"board": board.slug})
    found = client.get(listing, {"q": "  pol\x00ice "}).content.decode()
    assert "Dorset Police" in found
    assert "Dorset Council" not in found
    add = reverse("board:agency_add", kwargs={"board": board.slug, "agency": "dorset-police"})
    assert add in found
    response = client.post(add)
    assert response.status_code == 302
    assert _names(MemberForm(board=board).fields["agency"].queryset) == ["Dorset Police"]
    again = client.post(add, follow=True)
    assert b"already one of" in again.content
    assert BoardAgency.objects.filter(board=board).count() == 1
    assert BoardAgency.history.count() == 1  # the list keeps its change history


def test_a_new_agency_a_manager_adds_on_the_boards_page_goes_on_its_list(client):
    board = BoardFactory()
    client.force_login(UserFactory(username="m", role=roles.BUSINESS_MANAGER, boards=[board]))
    response = client.post(
        reverse("board:agency_create", kwargs={"board": board.slug}),
        {"name": "Dunstable Academy Trust", "sector": "education"},
    )
    assert response.status_code == 302
    assert _names(selectors.partner_agencies(board=board)) == ["Dunstable Academy Trust"]


def test_an_agency_only_another_board_lists_is_not_the_managers_to_change():
    mine, theirs = BoardFactory(), BoardFactory(name="Other board")
    agency = AgencyFactory(name="Shared police", boards=[theirs])
    agency.name = "Renamed"
    with pytest.raises(Exception, match="Other board"):
        services.agency_save(agency=agency, changeable=[mine])


def test_records_written_without_the_services_are_filled_onto_their_boards_lists():
    board = BoardFactory()
    police = Agency.objects.create(slug="police", name="Police", sector="police")
    Member.objects.create(
        board=board, agency=police, position="Chief", role="agency-representative"
    )
    assert services.board_agencies_fill() == 1
    assert services.board_agencies_fill() == 0
    assert _names(selectors.partner_agencies(board=board)) == ["Police"]


def test_an_edited_record_still_offers_the_agencies_it_names():
    """A recommendation addressed to an agency the board does not list keeps
    it on offer when edited, so no edit loses it."""
    from reviews.forms import RecommendationForm
    from reviews.models import Recommendation
    from tests.reviews.factories import ReviewFactory

    board = BoardFactory()
    listed = AgencyFactory(name="Listed", boards=[board])
    unlisted = AgencyFactory(name="Unlisted")
    review = ReviewFactory(board=board)
    recommendation = Recommendation.objects.create(review=review, number=1, text="Do it")
    recommendation.agencies.set([unlisted])
    offered = RecommendationForm(instance=recommendation).fields["agencies"].queryset
    assert _names(offered) == ["Listed", "Unlisted"]
    new = RecommendationForm(instance=Recommendation(review=review))
    assert _names(new.fields["agencies"].queryset) == [listed.name]


def test_the_seat_form_reads_the_same_queries_however_many_agencies_assure_holds(
    client, django_assert_num_queries
):
    board = BoardFactory()
    client.force_login(UserFactory(username="m", role=roles.BUSINESS_MANAGER, boards=[board]))
    MemberFactory(board=board)
    url = reverse("board:member_create", kwargs={"board": board.slug})
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        AgencyFactory(name=f"Elsewhere {n}", boards=[BoardFactory(name=f"Board {n}")])
    with django_assert_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert "Elsewhere" not in page
