"""The business manager keeps the board's own records in Assure: seats,
groups, reporting years and the budget; the Admin keeps them in the Django
admin through the same services."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from board.models import Contribution, Group, Member, PublishedTotal, ReportingYear, Risk
from tests.clock import on_day
from tests.factories import (
    AgencyFactory,
    ContributionFactory,
    GroupFactory,
    MemberFactory,
    YearFactory,
)
from tests.html import table_rows


def url(name, world, **kwargs):
    return reverse(name, kwargs={"board": world.board.slug, **kwargs})


def member_data(**changes):
    data = {
        "person": "Sam Lee",
        "position": "Head of Early Help",
        "agency": "",
        "role": "agency-representative",
        "start_day": "1",
        "start_month": "9",
        "start_year": "2026",
        "notes": "",
    }
    return {**data, **changes}


# Members and their seats.


@pytest.mark.django_db
@on_day(datetime.date(2026, 12, 7))  # the seats list shows the seats held today
def test_a_manager_adds_a_member_to_a_group_and_the_seat_is_listed(world, manager_client):
    agency = AgencyFactory(name="Luton Council", short_name="LBC", boards=[world.board])
    response = manager_client.post(
        url("board:member_create", world), member_data(agency=agency.pk, groups=[world.group.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == url("board:member_list", world)
    seat = Member.objects.get(person="Sam Lee")
    assert (seat.board, seat.agency, seat.start) == (world.board, agency, datetime.date(2026, 9, 1))
    assert list(seat.groups.all()) == [world.group]
    rows = table_rows(manager_client.get(response["Location"]).content.decode(), "seats")
    row = next(r for r in rows if r[0] == "LBC - Head of Early Help (Sam Lee)")
    assert row[1:5] == ["Agency representative", world.group.name, "1 Sep 2026", "Current"]
    assert {h.history_user.username for h in seat.history.all()} == {"manager"}


@pytest.mark.django_db
def test_a_seat_on_a_group_appears_in_the_attendance_form_of_its_meetings(world, manager_client):
    manager_client.post(url("board:member_create", world), member_data(groups=[world.group.pk]))
    page = manager_client.get(url("board:attendance", world, meeting=world.meeting.pk))
    assert "Head of Early Help (Sam Lee)" in page.content.decode()


@pytest.mark.django_db
def test_a_member_form_says_exactly_what_is_wrong_and_saves_nothing(world, manager_client):
    response = manager_client.post(
        url("board:member_create", world),
        member_data(
            person="", position="", start_year="2026", end_day="1", end_month="8", end_year="2026"
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "A member needs a person, a position or an agency." in html
    assert not Member.objects.exclude(pk=world.member.pk).exists()
    response = manager_client.post(
        url("board:member_create", world),
        member_data(end_day="31", end_month="8", end_year="2026"),
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert not Member.objects.filter(person="Sam Lee").exists()


@pytest.mark.django_db
def test_a_manager_cannot_seat_a_member_on_another_boards_group(world, manager_client):
    elsewhere = GroupFactory(boards=[world.other_board])
    response = manager_client.post(
        url("board:member_create", world), member_data(groups=[elsewhere.pk])
    )
    assert response.status_code == 400
    assert f"Select a valid choice. {elsewhere.pk} is not one of the available choices." in (
        response.content.decode()
    )
    assert not Member.objects.filter(person="Sam Lee").exists()


@pytest.mark.django_db
def test_a_manager_ends_a_seat_and_the_change_is_in_its_history(world, manager_client):
    seat = world.member
    edit = url("board:member_edit", world, member=seat.pk)
    data = member_data(
        person=seat.person,
        position=seat.position,
        agency=seat.agency.pk,
        groups=[world.group.pk],
        start_day="",
        start_month="",
        start_year="",
        end_day="31",
        end_month="3",
        end_year="2026",
    )
    assert manager_client.post(edit, data).status_code == 302
    seat.refresh_from_db()
    assert seat.end == datetime.date(2026, 3, 31)
    page = manager_client.get(edit).content.decode()
    assert "End: “” to “31 Mar 2026”" in page


@pytest.mark.django_db
def test_a_manager_cannot_change_another_boards_member(world, manager_client):
    outsider = MemberFactory(board=world.other_board)
    assert (
        manager_client.get(url("board:member_edit", world, member=outsider.pk)).status_code == 404
    )


# Groups.


def group_data(world, **changes):
    data = {
        "name": "Learning and Improvement Group",
        "short_name": "L&IG",
        "kind": "sub-group",
        "reports_to": world.group.pk,
        "purpose": "",
        "boards": [world.board.pk],
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_a_manager_adds_a_sub_group_reporting_to_the_board(world, manager_client):
    response = manager_client.post(url("board:group_create", world), group_data(world))
    assert response.status_code == 302
    group = Group.objects.get(short_name="L&IG")
    assert (group.slug, group.reports_to, list(group.boards.all())) == (
        "learning-and-improvement-group",
        world.group,
        [world.board],
    )
    rows = table_rows(manager_client.get(url("board:group_list", world)).content.decode(), "groups")
    assert rows[2][:4] == [
        "Learning and Improvement Group (L&IG)",
        "Sub-group",
        world.group.name,
        world.board.name,
    ]


@pytest.mark.django_db
def test_a_group_cannot_be_set_to_report_to_its_own_sub_group(world, manager_client):
    sub = GroupFactory(name="S&AG", boards=[world.board], kind="sub-group")
    sub.reports_to = world.group
    sub.save()
    response = manager_client.post(
        url("board:group_edit", world, group=world.group.slug),
        group_data(world, name=world.group.name, kind="strategic-board", reports_to=sub.pk),
    )
    assert response.status_code == 400
    assert "S&amp;AG reports to this group" in response.content.decode()
    world.group.refresh_from_db()
    assert world.group.reports_to is None


@pytest.mark.django_db
def test_a_group_is_not_offered_as_reporting_to_itself(world, manager_client):
    page = manager_client.get(url("board:group_edit", world, group=world.group.slug))
    reports_to = page.context["form"].fields["reports_to"].queryset
    assert world.group not in reports_to


@pytest.mark.django_db
def test_a_manager_edits_a_pan_area_group_without_touching_the_other_board(world, manager_client):
    cdop = GroupFactory(
        name="Pan-area CDOP", kind="sub-group", boards=[world.board, world.other_board]
    )
    page = manager_client.get(url("board:group_edit", world, group=cdop.slug)).content.decode()
    assert "It also serves Beta Safeguarding Children Board, which stay as they are." in page
    response = manager_client.post(
        url("board:group_edit", world, group=cdop.slug),
        group_data(world, name="Pan-area Child Death Overview Panel", reports_to=""),
    )
    assert response.status_code == 302
    cdop.refresh_from_db()
    assert cdop.name == "Pan-area Child Death Overview Panel"
    assert set(cdop.boards.all()) == {world.board, world.other_board}
    # Offering the other board's id is refused by the form: it is not a choice.
    response = manager_client.post(
        url("board:group_edit", world, group=cdop.slug),
        group_data(world, boards=[world.board.pk, world.other_board.pk]),
    )
    assert response.status_code == 400
    assert set(cdop.boards.all()) == {world.board, world.other_board}


# Reporting years.


@pytest.mark.django_db
@on_day(datetime.date(2026, 12, 2))
def test_a_manager_adds_a_reporting_year_and_it_is_listed(world, manager_client):
    response = manager_client.post(url("board:year_create", world), {"start_year": "2027"})
    assert response.status_code == 302
    year = ReportingYear.objects.get(label="2027-28")
    assert (year.start, year.end) == (datetime.date(2027, 4, 1), datetime.date(2028, 3, 31))
    rows = table_rows(manager_client.get(url("board:year_list", world)).content.decode(), "years")
    assert rows[1] == ["2027-28", "1 April 2027", "31 March 2028"]
    assert rows[-1] == ["2016-17", "1 April 2016", "31 March 2017"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2016", "The reporting year 2016-17 already exists."),
        ("twenty", "Enter the year as a number, for example 2027."),
        ("", "Enter the year the reporting year starts, for example 2027."),
        ("99999999999999999999", "Enter a year between 2000 and"),
    ],
)
def test_a_reporting_year_form_says_what_is_wrong(world, manager_client, value, message):
    response = manager_client.post(url("board:year_create", world), {"start_year": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReportingYear.objects.count() == 1


# Budget contributions and the published total.


@pytest.mark.django_db
def test_a_manager_adds_a_contribution_for_the_current_year_and_the_budget_opens_on_it(
    world, manager_client
):
    today = timezone.localdate()
    start = today.year if today.month >= 4 else today.year - 1
    label = f"{start}-{(start + 1) % 100:02d}"
    agency = AgencyFactory(name="Bedfordshire Police", boards=[world.board])
    response = manager_client.post(
        url("board:contribution_create", world),
        {"year": label, "agency": agency.pk, "label": "Police", "amount": "24359.60"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url('board:contribution_list', world)}?year={label}"
    line = Contribution.objects.get(board=world.board)
    assert (line.year.label, line.agency, line.amount) == (label, agency, Decimal("24359.60"))
    html = manager_client.get(url("board:budget", world)).content.decode()
    assert f'<h1 class="govuk-heading-l">Budget {label}</h1>' in html
    assert table_rows(html, "budget-table")[1] == ["Police", "£24,359.60", "Not known", "Not known"]


@pytest.mark.django_db
def test_a_contribution_form_says_exactly_what_is_wrong_and_saves_nothing(world, manager_client):
    ContributionFactory(board=world.board, year=world.year, label="Police")
    response = manager_client.post(
        url("board:contribution_create", world),
        {"year": "2016-17", "label": "Police", "amount": "-3"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "2016-17 already has a contribution from Police; change that one instead." in html
    assert "Ensure this value is greater than or equal to 0." in html
    assert Contribution.objects.filter(board=world.board).count() == 1
    response = manager_client.post(
        url("board:contribution_create", world),
        {"year": "1999-00", "label": "Health", "amount": "lots"},
    )
    html = response.content.decode()
    assert "Choose a reporting year from the list." in html
    assert "Enter the amount in pounds, for example 24359.60." in html


@pytest.mark.django_db
def test_a_manager_changes_then_removes_a_contribution_with_history(world, manager_client):
    line = ContributionFactory(board=world.board, year=world.year, label="Cafcass", amount=550)
    edit = url("board:contribution_edit", world, contribution=line.pk)
    data = {"year": "2016-17", "label": "Cafcass", "amount": "600", "notes": ""}
    assert manager_client.post(edit, data).status_code == 302
    assert "Amount: “550.00” to “600.00”" in manager_client.get(edit).content.decode()

    remove = url("board:contribution_remove", world, contribution=line.pk)
    assert "Remove Cafcass’s" in manager_client.get(remove).content.decode().replace("'", "’")
    response = manager_client.post(remove)
    assert response.status_code == 302
    assert not Contribution.objects.filter(pk=line.pk).exists()
    page = manager_client.get(response["Location"]).content.decode()
    assert "No contributions are recorded for 2016-17." in page
    assert "Cafcass, £600.00: removed" in page
    assert "Test Person" in page


@pytest.mark.django_db
def test_a_manager_sets_the_published_total_and_the_budget_shows_the_difference(
    world, manager_client
):
    ContributionFactory(board=world.board, year=world.year, label="Police", amount=1000)
    response = manager_client.post(
        url("board:published_total", world, year="2016-17"),
        {"amount": "1500", "notes": "The report's table omits one line."},
    )
    assert response.status_code == 302
    assert PublishedTotal.objects.get(board=world.board).amount == Decimal("1500")
    html = manager_client.get(url("board:budget", world), {"year": "2016-17"}).content.decode()
    assert "The published report states a total of <strong>£1,500.00</strong>." in html
    assert "£500.00 less than the published total" in html


@pytest.mark.django_db
def test_a_published_total_for_an_unknown_year_is_not_found(world, manager_client):
    response = manager_client.get(url("board:published_total", world, year="1999-00"))
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_negative_published_total_is_refused(world, manager_client):
    response = manager_client.post(
        url("board:published_total", world, year="2016-17"), {"amount": "-1"}
    )
    assert response.status_code == 400
    assert "The published total cannot be less than £0." in response.content.decode()
    assert not PublishedTotal.objects.exists()


@pytest.mark.django_db
def test_the_existing_pages_link_to_the_maintenance_pages(world, manager_client):
    members = manager_client.get(url("board:members", world)).content.decode()
    assert url("board:member_create", world) in members
    assert url("board:group_list", world) in members
    meetings = manager_client.get(url("board:meetings", world)).content.decode()
    assert url("board:year_list", world) in meetings
    budget = manager_client.get(url("board:budget", world)).content.decode()
    assert url("board:contribution_list", world) in budget


@pytest.mark.django_db
def test_a_chair_reads_the_maintenance_lists_without_change_links(world, client_for):
    chair = client_for("chair")
    for name in ("board:member_list", "board:group_list", "board:contribution_list"):
        html = chair.get(url(name, world)).content.decode()
        assert ">Change<" not in html
    assert (
        url("board:member_create", world)
        not in chair.get(url("board:members", world)).content.decode()
    )


def make_records(world, n):
    """n pan-area groups each with a seat, n contributions (half of them then
    removed, so the removed list has rows) and n reporting years."""
    agency = AgencyFactory()
    for i in range(n):
        group = GroupFactory(boards=[world.board, world.other_board], reports_to=world.group)
        MemberFactory(board=world.board, agency=agency, groups=[group, world.group])
        ContributionFactory(board=world.board, year=world.year, label=f"Contributor {i}")
        YearFactory(
            label=f"{2030 + i}-{(31 + i) % 100:02d}",
            start=datetime.date(2030 + i, 4, 1),
            end=datetime.date(2031 + i, 3, 31),
        )
    for line in Contribution.objects.filter(board=world.board)[: n // 2]:
        line.delete()


LIST_PAGES = {
    "board:member_list": 10,
    "board:group_list": 10,
    "board:year_list": 9,
    "board:contribution_list": 11,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("size", [3, 30])
def test_the_maintenance_lists_run_a_constant_number_of_queries(
    world, manager_client, django_assert_max_num_queries, name, size
):
    make_records(world, size)
    with django_assert_max_num_queries(LIST_PAGES[name]):
        response = manager_client.get(url(name, world), {"year": "2016-17"})
    assert response.status_code == 200


# The Admin keeps the same records in the Django admin, through the services.


def admin_member_data(world, **changes):
    data = {
        "board": world.board.pk,
        "agency": "",
        "person": "Alex Admin-Added",
        "position": "Designated Nurse",
        "role": "statutory-partner",
        "groups": [world.group.pk],
        "start": "",
        "end": "",
        "notes": "",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_an_admin_adds_a_member_in_the_admin(world, client_for):
    admin = client_for("admin")
    add = reverse("admin:board_member_add")
    assert admin.get(add).status_code == 200
    response = admin.post(add, admin_member_data(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    seat = Member.objects.get(person="Alex Admin-Added")
    assert list(seat.groups.all()) == [world.group]
    assert {h.history_user.username for h in seat.history.all()} == {"admin"}


@pytest.mark.django_db
def test_an_admin_cannot_save_a_member_the_form_refuses(world, client_for):
    admin = client_for("admin")
    elsewhere = GroupFactory(name="Beta Executive", boards=[world.other_board])
    response = admin.post(
        reverse("admin:board_member_add"), admin_member_data(world, groups=[elsewhere.pk])
    )
    assert response.status_code == 200
    assert "Beta Executive does not serve Alpha Safeguarding Children Board." in (
        response.content.decode()
    )
    response = admin.post(
        reverse("admin:board_member_add"), admin_member_data(world, person="", position="")
    )
    assert response.status_code == 200
    assert "A member needs a person, a position or an agency." in response.content.decode()
    response = admin.post(
        reverse("admin:board_member_add"),
        admin_member_data(world, start="01/05/2020", end="01/04/2020"),
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_an_admin_adds_a_group_and_a_contribution_in_the_admin(world, client_for):
    admin = client_for("admin")
    response = admin.post(
        reverse("admin:board_group_add"),
        {
            "name": "Pan-area CDOP",
            "slug": "pan-area-cdop",
            "short_name": "CDOP",
            "kind": "sub-group",
            "boards": [world.board.pk, world.other_board.pk],
            "reports_to": "",
            "purpose": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(Group.objects.get(slug="pan-area-cdop").boards.all()) == {
        world.board,
        world.other_board,
    }
    data = {"board": world.board.pk, "year": world.year.pk, "label": "Police", "amount": "10"}
    assert admin.post(reverse("admin:board_contribution_add"), data).status_code == 302
    again = admin.post(reverse("admin:board_contribution_add"), {**data, "label": "police"})
    assert again.status_code == 200
    assert "2016-17 already has a contribution from police" in again.content.decode()
    assert Contribution.objects.count() == 1


@pytest.mark.django_db
def test_an_admin_cannot_make_a_group_report_to_its_own_sub_group_in_the_admin(
    world, client_for, users
):
    sub = GroupFactory(name="S&AG", boards=[world.board], kind="sub-group", reports_to=world.group)
    response = client_for("admin").post(
        reverse("admin:board_group_change", args=[world.group.pk]),
        {
            "name": world.group.name,
            "slug": world.group.slug,
            "short_name": "",
            "kind": "strategic-board",
            "boards": [world.board.pk],
            "reports_to": sub.pk,
            "purpose": "",
        },
    )
    assert response.status_code == 200
    world.group.refresh_from_db()
    assert world.group.reports_to is None


# Risk references.


@pytest.mark.django_db
def test_a_risk_reference_with_a_slash_is_refused_and_the_pages_still_render(world, manager_client):
    response = manager_client.post(
        url("board:risk_create", world),
        {
            "ref": "A/B",
            "title": "Partners withdraw",
            "description": "x",
            "owner": "Chair",
            "likelihood": "2",
            "impact": "2",
            "status": "open",
            "review_date": "2027-01-01",
        },
    )
    assert response.status_code == 400
    assert "A reference may use only letters, digits, full stops (.) and hyphens (-)" in (
        response.content.decode()
    )
    assert not Risk.objects.filter(ref="A/B").exists()
    risk_log = manager_client.get(url("board:risks", world))
    assert risk_log.status_code == 200
    assert world.risk.title in risk_log.content.decode()
    actions = manager_client.get(url("priorities:actions", world))
    assert actions.status_code == 200
    assert world.action.description in actions.content.decode()


@pytest.mark.django_db
def test_a_seats_history_names_the_groups_it_joined(world, manager_client):
    sub = GroupFactory(name="Learning and Improvement Group", boards=[world.board])
    seat = world.member
    edit = url("board:member_edit", world, member=seat.pk)
    data = member_data(
        person=seat.person,
        position=seat.position,
        agency=seat.agency.pk,
        groups=[world.group.pk, sub.pk],
        start_day="",
        start_month="",
        start_year="",
    )
    assert manager_client.post(edit, data).status_code == 302
    page = manager_client.get(edit).content.decode()
    assert (
        f"Groups: “{world.group.name}” to “Learning and Improvement Group, {world.group.name}”"
        in page
    )


@pytest.mark.django_db
def test_a_manager_cannot_reach_another_boards_records_through_their_own_board(
    world, manager_client
):
    line = ContributionFactory(board=world.other_board, year=world.year)
    beta_group = Group.objects.get(slug="beta-board")
    for path in (
        url("board:contribution_edit", world, contribution=line.pk),
        url("board:contribution_remove", world, contribution=line.pk),
        url("board:group_edit", world, group=beta_group.slug),
    ):
        assert manager_client.get(path).status_code == 404, path
    assert (
        manager_client.post(
            url("board:contribution_remove", world, contribution=line.pk)
        ).status_code
        == 404
    )
    assert Contribution.objects.filter(pk=line.pk).exists()


@pytest.mark.django_db
def test_the_meetings_page_opens_on_a_group_that_has_met_rather_than_an_empty_one(world):
    from board import selectors

    # "Executive" sorts before the strategic board's kind but has never met.
    GroupFactory(name="A executive", kind="executive", boards=[world.board])
    group, year = selectors.default_group_and_year(board=world.board)
    assert (group, year.label) == (world.group, "2016-17")


@pytest.mark.django_db
def test_the_budget_opens_on_a_year_with_only_a_published_total(world):
    from board import selectors

    later = YearFactory(
        label="2019-20", start=datetime.date(2019, 4, 1), end=datetime.date(2020, 3, 31)
    )
    ContributionFactory(board=world.board, year=world.year)
    PublishedTotal.objects.create(board=world.board, year=later, amount=Decimal("10"))
    year, years = selectors.budget_year(board=world.board)
    assert year.label == "2019-20"
    today = timezone.localdate()
    assert any(y.start <= today <= y.end for y in years)  # the current year is offered
    assert selectors.budget_year(board=world.board, label="2016-17")[0].label == "2016-17"
    assert selectors.budget_year(board=world.board, label="1900-01")[0].label == "2019-20"
