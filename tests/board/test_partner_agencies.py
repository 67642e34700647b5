"""A board's own list of partner agencies (docs/adr/0021): what its forms
offer, how agencies come onto it, and that it is read by the board's rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from board import selectors, services
from board.forms import ContributionForm, MemberForm
from board.models import Agency, BoardAgency, Contribution, Member
from core import roles
from tests.clock import on_day
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    BoardFactory,
    ContributionFactory,
    MemberFactory,
    ReturnFactory,
    RoundFactory,
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


# Taking an agency off a board's list. The clock stands on 1 April 2027, the
# first day of 2027-28: records of that year or later keep an agency on.

NEW_YEAR = datetime.date(2027, 4, 1)


def _year_2027():
    return YearFactory(label="2027-28", start=NEW_YEAR, end=datetime.date(2028, 3, 31))


def _seat(board, agency):
    # Held on the year's first day, its last.
    return MemberFactory(board=board, agency=agency, position="Chief Inspector", end=NEW_YEAR)


def _contribution(board, agency):
    return ContributionFactory(board=board, agency=agency, label="Police", year=_year_2027())


def _audit(board, agency):
    # Of 2016-17, but still under way.
    audit = AuditFactory(board=board, theme="Neglect", status="in-progress")
    audit.agencies.set([agency])
    return audit


def _section11_return(board, agency):
    return ReturnFactory(round=RoundFactory(board=board, year=_year_2027()), agency=agency)


def _course(board, agency):
    from training.models import CourseAgency, Mode, TrainingCourse

    course = TrainingCourse.objects.create(
        board=board,
        year=_year_2027(),
        quarter=1,
        mode=Mode.FACE_TO_FACE,
        title="Neglect",
        date=NEW_YEAR,
        places_offered=10,
        delegates_attended=9,
    )
    CourseAgency.objects.create(course=course, agency=agency, delegates=3)


def _recommendation(board, agency):
    from tests.reviews.factories import RecommendationFactory, ReviewFactory

    review = ReviewFactory(board=board, name="Child J", year=_year_2027(), status="completed")
    RecommendationFactory(review=review, number=2).agencies.set([agency])


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (_seat, 'Seat <a class="govuk-link" href="/boards/alpha/members/'),
        (
            _contribution,
            'Contribution <a class="govuk-link" href="/boards/alpha/budget/contributions/',
        ),
        (_audit, 'Audit <a class="govuk-link" href="/boards/alpha/audits/'),
        (
            _section11_return,
            'Section 11 return <a class="govuk-link" href="/boards/alpha/section-11/',
        ),
        (_course, 'Course <a class="govuk-link" href="/boards/alpha/training/courses/'),
        (
            _recommendation,
            'Recommendation <a class="govuk-link" href="/boards/alpha/reviews/',
        ),
    ],
    ids=["seat", "contribution", "audit", "section-11-return", "course", "recommendation"],
)
def test_it_refuses_to_take_off_an_agency_the_board_still_uses_and_says_which_record(
    make, named, client
):
    board = BoardFactory(slug="alpha", name="Alpha Board")
    police = AgencyFactory(name="Luton Police", slug="luton-police", boards=[board])
    make(board, police)
    url = reverse("board:agency_remove", kwargs={"board": "alpha", "agency": "luton-police"})
    with on_day(NEW_YEAR):
        client.force_login(UserFactory(username="m", role=roles.BUSINESS_MANAGER, boards=[board]))
        page = client.get(url).content.decode()
        refused = client.post(url)
    assert named in page  # the record, linked to its page
    assert "Remove from this board</button>" not in page
    assert refused.status_code == 400
    assert "Luton Police stays on Alpha Board&#x27;s list" in refused.content.decode()
    assert BoardAgency.objects.filter(board=board, agency=police).exists()
    assert BoardAgency.history.filter(history_type="-").count() == 0


def test_a_manager_takes_an_agency_off_and_its_past_seat_keeps_it(client):
    board = BoardFactory(slug="alpha", name="Alpha Board")
    police = AgencyFactory(name="Luton Police", slug="luton-police", boards=[board])
    AgencyFactory(name="Bedford Council", boards=[board])
    # Ended on the last day of 2026-27: past, so it does not keep the agency on.
    past = MemberFactory(board=board, agency=police, end=datetime.date(2027, 3, 31))
    manager = UserFactory(username="m", role=roles.BUSINESS_MANAGER, boards=[board])
    url = reverse("board:agency_remove", kwargs={"board": "alpha", "agency": "luton-police"})
    with on_day(NEW_YEAR):
        client.force_login(manager)
        assert "Remove from this board</button>" in client.get(url).content.decode()
        done = client.post(url, follow=True).content.decode()
    assert "Luton Police taken off Alpha Board&#x27;s agencies" in done
    assert "Took off Luton Police" in done  # the list's history, on the agencies page
    who = manager.get_full_name() or manager.username
    assert f'<td class="govuk-table__cell">{who}</td>' in done  # and who took it off
    assert not BoardAgency.objects.filter(board=board, agency=police).exists()
    removal = BoardAgency.history.get(history_type="-")
    assert removal.history_user == manager
    # The past seat still shows it and its form still offers it; a new seat's does not.
    assert _names(MemberForm(board=board, instance=past).fields["agency"].queryset) == [
        "Bedford Council",
        "Luton Police",
    ]
    assert _names(MemberForm(board=board).fields["agency"].queryset) == ["Bedford Council"]
    # Correcting that seat does not put the agency back on the list.
    past.notes = "Left the partnership."
    services.member_save(member=past, groups=[])
    assert not BoardAgency.objects.filter(board=board, agency=police).exists()


def test_the_admin_refuses_a_removal_the_page_refuses_and_keeps_who_added_one(client_for, world):
    police = AgencyFactory(name="Luton Police", slug="luton-police", boards=[world.board])
    _seat(world.board, police)
    link = BoardAgency.objects.get(board=world.board, agency=police)
    delete = reverse("admin:board_boardagency_delete", args=[link.pk])
    with on_day(NEW_YEAR):
        client = client_for("admin")
        refused = client.post(delete, {"post": "yes"}, follow=True).content.decode()
    assert f"Luton Police stays on {world.board.name}&#x27;s list" in refused
    assert BoardAgency.objects.filter(pk=link.pk).exists()
    council = AgencyFactory(name="Bedford Council")
    added = client.post(
        reverse("admin:board_boardagency_add"), {"board": world.board.pk, "agency": council.pk}
    )
    assert added.status_code == 302
    entry = BoardAgency.history.get(agency=council)
    assert (entry.history_type, entry.history_user.username) == ("+", "admin")
