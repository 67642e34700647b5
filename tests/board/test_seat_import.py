"""Importing seats from the membership list a board already keeps, in its
own layout (board.seat_import through the mapping import's pages)."""

import datetime

import pytest

from board.models import Agency, ImportMapping, Member
from tests.clock import on_day
from tests.factories import AgencyFactory, MemberFactory
from tests.import_files import SheetSpec, csv_bytes, xlsx
from tests.imports import ImportWalk, problems_of

TODAY = datetime.date(2026, 12, 7)
OPTIONS = {"order": "day-first", "role": "agency-representative", "group": "alpha-board"}
HEADINGS = ["Organisation", "Name", "Job title", "Membership type", "Appointed", "Left"]


@pytest.fixture
def walk(world, manager_client):
    return ImportWalk(manager_client, world.board, "seats")


@pytest.fixture
def police(db):
    return AgencyFactory(slug="anyshire-police", name="Anyshire Police", sector="police")


def _state(board):
    return (
        sorted(Member.objects.filter(board=board).values_list("person", "position", "start")),
        sorted(Agency.objects.values_list("slug", flat=True)),
        ImportMapping.objects.filter(board=board).count(),
    )


def _preview(walk, content, name="members.xlsx", by_word=None):
    walk.upload(name, content)
    assert walk.layout().status_code == 302
    response = walk.columns(**OPTIONS)
    assert response.status_code == 302, response.context and [
        str(p) for p in response.context["problems"]
    ]
    if response["Location"].endswith("/words/"):
        assert walk.words(by_word).status_code == 302
    return walk.preview()


def test_a_membership_list_of_its_own_layout_imports_adding_an_agency_once(walk, world, police):
    """Headings below a title, roles in the board's words, dates written
    as people write them, and an agency Assure does not know, added (once,
    for two rows) because the manager chose to add it."""
    rows = [
        HEADINGS,
        [
            "Anyshire Police",
            "Sam Patel",
            "Detective Superintendent",
            "Statutory partner",
            "1st April 2026",
            "",
        ],
        ["Riverside Academy Trust", "Jo Green", "Head teacher", "Member", "01/09/2026", ""],
        ["Riverside Academy Trust", "Ali Khan", "Designated safeguarding lead", "", "", ""],
        ["", "Pat Lee", "Independent chair", "Chair", "2026-05-01", "31.03.2027"],
    ]
    content = xlsx(SheetSpec("Board members", rows, above=[["Alpha partnership: members"], []]))
    with on_day(TODAY):
        response = _preview(
            walk, content, by_word={"agency": {"Riverside Academy Trust": "new:education"}}
        )
        assert response.status_code == 200, problems_of(response)
        assert walk.confirm().status_code == 302
    seats = {m.person: m for m in Member.objects.filter(board=world.board, person__gt="")}
    assert seats["Sam Patel"].agency == police
    assert seats["Sam Patel"].role == Member.Role.STATUTORY_PARTNER
    assert seats["Sam Patel"].start == datetime.date(2026, 4, 1)
    riverside = Agency.objects.get(name="Riverside Academy Trust")
    assert riverside.sector == "education"
    assert {seats["Jo Green"].agency, seats["Ali Khan"].agency} == {riverside}
    assert seats["Ali Khan"].role == Member.Role.AGENCY_REPRESENTATIVE  # the chosen default
    assert seats["Pat Lee"].role == Member.Role.INDEPENDENT_CHAIR
    assert seats["Pat Lee"].end == datetime.date(2027, 3, 31)
    assert all(world.group in m.groups.all() for m in seats.values())
    # The new agency's word is not remembered (it is an agency now); the columns are.
    remembered = ImportMapping.objects.get(board=world.board, kind="seats")
    assert "riverside academy trust" not in remembered.words.get("agency", {})
    assert remembered.columns


def test_a_new_agency_with_a_known_agencys_name_is_pointed_to_the_known_one(walk, world, police):
    """A word chosen to become a new agency whose name an agency already has
    (case and spacing aside) is refused on its row, naming the agency to map
    it to; the same word mapped to it imports."""
    rows = [HEADINGS, ["ANYSHIRE  police", "Kim Wu", "Inspector", "", "", ""]]
    with on_day(TODAY):
        before = _state(world.board)
        walk.upload("members.csv", csv_bytes(rows))
        assert walk.layout().status_code == 302
        assert walk.columns(**OPTIONS).status_code == 302
        assert walk.words({"agency": {"ANYSHIRE  police": "new:police"}}).status_code == 302
        response = walk.preview()
        assert response.status_code == 400
        assert problems_of(response) == [
            "Row 2, column A (Organisation): there is already an agency named Anyshire Police: "
            "map 'ANYSHIRE  police' to it rather than to a new agency."
        ]
        walk.confirm()
        assert _state(world.board) == before
        assert walk.words({"agency": {"ANYSHIRE  police": "anyshire-police"}}).status_code == 302
        assert walk.preview().status_code == 200
        assert walk.confirm().status_code == 302
    assert Member.objects.get(board=world.board, person="Kim Wu").agency == police
    assert _state(world.board)[1] == before[1]  # no agency added


def test_an_unknown_agency_left_unmapped_is_named_and_nothing_is_saved(walk, world, police):
    rows = [HEADINGS, ["Northgate CCG", "Kim Wu", "Designated nurse", "", "", ""]]
    with on_day(TODAY):
        before = _state(world.board)
        response = _preview(walk, csv_bytes(rows), name="members.csv")
        assert response.status_code == 400
        assert (
            "Row 2, column A (Organisation): 'Northgate CCG' is not mapped to a agency"
            in problems_of(response)[0]
        )
        walk.confirm()
    assert _state(world.board) == before


def test_a_person_twice_a_date_read_only_month_first_and_an_end_before_the_start_are_named(
    walk, world, police
):
    rows = [
        HEADINGS,
        ["Anyshire Police", "Sam Patel", "Detective Superintendent", "", "", ""],
        ["Anyshire Police", "Sam Patel", "Head of Public Protection", "", "", ""],
        ["Anyshire Police", "Kim Wu", "Inspector", "", "04/13/2026", ""],
        ["Anyshire Police", "Lee Fox", "Sergeant", "", "01/06/2026", "01/05/2026"],
    ]
    with on_day(TODAY):
        before = _state(world.board)
        response = _preview(walk, csv_bytes(rows), name="members.csv")
        problems = problems_of(response)
        assert response.status_code == 400
        assert any(
            p.startswith("Row 3, column B (Name): Sam Patel is also on row 2") for p in problems
        )
        assert any(
            p.startswith("Row 4, column E (Appointed): '04/13/2026' has no month 13")
            for p in problems
        )
        assert any(
            p.startswith("Row 5, column F (Left): the seat ends on 1 May 2026") for p in problems
        )
        walk.confirm()
    assert _state(world.board) == before


def test_a_seat_the_board_has_is_changed_not_added(walk, world, police):
    seat = MemberFactory(
        board=world.board, agency=police, person="Sam Patel", position="Detective Superintendent"
    )
    rows = [
        HEADINGS,
        ["Anyshire Police", "Sam Patel", "Detective Superintendent", "", "", "31/03/2027"],
    ]
    with on_day(TODAY):
        response = _preview(walk, csv_bytes(rows), name="members.csv")
        assert response.status_code == 200, problems_of(response)
        assert walk.confirm().status_code == 302
    seat.refresh_from_db()
    assert seat.end == datetime.date(2027, 3, 31)
    assert Member.objects.filter(board=world.board, person="Sam Patel").count() == 1
