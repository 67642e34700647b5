"""The members page's tables build their rows in Python (RowsInPythonTable);
every cell must be exactly what django-tables2 itself renders, whatever the
sort, the page or the data (blank names, no agency, no dates, markup)."""

import datetime
import re
from unittest import mock

import django_tables2 as tables
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory

from board import selectors
from board.models import Member
from board.tables import AgencyTable, MemberTable, RowsInPythonTable, groups_text
from core.tables import configure_table
from tests.factories import AgencyFactory, GroupFactory, MemberFactory

ROW = re.compile(r"<tr class=\"govuk-table__row\"[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r'<td class="govuk-table__cell"[^>]*>(.*?)</td>', re.S)


def varied_seats(world):
    """Seats with a blank person, no agency, no position, no dates, several
    groups (some with short names) and markup in the names, on the world's
    board beside its one seat."""
    zeta = AgencyFactory(name="Zeta & <Agency>", short_name="ZA", sector="police")
    alpha = AgencyFactory(name="Alpha agency")
    proper = GroupFactory(name="Board proper", boards=[world.board])
    sub = GroupFactory(name="A sub-group", short_name="SG<1>", boards=[world.board])
    middle = GroupFactory(name="Middle group", short_name="MG", boards=[world.board])
    return {
        "ann": MemberFactory(
            board=world.board,
            agency=zeta,
            person="Ann =1+1",
            position="Director",
            role=Member.Role.STATUTORY_PARTNER,
            start=datetime.date(2016, 4, 1),
            end=datetime.date(2018, 3, 31),
            groups=[proper, sub, middle],
        ),
        "deputy": MemberFactory(board=world.board, agency=zeta, position="Deputy"),
        "lay": MemberFactory(
            board=world.board,
            agency=None,
            person="Lay Person",
            position="",
            role=Member.Role.LAY_MEMBER,
            start=datetime.date(2020, 1, 9),
            groups=[middle],
        ),
        "seat": MemberFactory(
            board=world.board,
            agency=None,
            position="Seat only",
            role=Member.Role.ADVISER,
            end=datetime.date(2021, 12, 25),
            groups=[proper],
        ),
        "bob": MemberFactory(
            board=world.board,
            agency=alpha,
            person="Bob <b>",
            position="",
            role=Member.Role.INDEPENDENT_CHAIR,
            start=datetime.date(2015, 1, 1),
            groups=[sub, proper],
        ),
    }


def body_cells(html: str) -> list[list[str]]:
    """Each body row's cells, as the HTML inside each <td>."""
    body = html[html.index("<tbody") : html.index("</tbody>")]
    return [CELL.findall(row) for row in ROW.findall(body)]


def rendered(table, template: str | None = None) -> str:
    tag = (
        "{% render_table table %}"
        if template is None
        else f'{{% render_table table "{template}" %}}'
    )
    return Template("{% load django_tables2 %}" + tag).render(
        Context({"table": table, "request": table.request})
    )


#: The day the members table gives each seat's status for.
DAY = datetime.date(2026, 12, 7)


def configured(table_class, data, query, **kwargs):
    if table_class is MemberTable:
        kwargs.setdefault("day", DAY)
    table = table_class(data, **kwargs)
    request = RequestFactory().get("/", query)
    assert configure_table(request, table, exportable=False) is None
    table.request = request
    return table


#: Queries and how many of the six seats the page they ask for shows.
QUERIES = [
    ({}, 6),
    ({"sort": "-start"}, 6),
    ({"sort": "end"}, 6),
    ({"sort": "person", "per_page": "3", "page": "2"}, 3),
    ({"sort": "-agency"}, 6),
    ({"sort": "role", "per_page": "4", "page": "9"}, 2),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "shown"), QUERIES)
def test_the_members_rows_built_in_python_are_what_django_tables2_renders(world, query, shown):
    varied_seats(world)
    members = selectors.members_for_board(board=world.board)
    ours = body_cells(rendered(configured(MemberTable, members, query)))
    # django-tables2's own rows: the same table through the shared template,
    # which renders each cell with BoundRow.
    theirs = body_cells(rendered(configured(MemberTable, members, query), "core/table.html"))
    assert ours == theirs
    assert len(ours) == shown


@pytest.mark.django_db
def test_the_members_rows_show_each_kind_of_cell_as_before(world):
    seats = varied_seats(world)
    members = selectors.members_for_board(board=world.board).filter(
        pk__in=[seats["ann"].pk, seats["seat"].pk, seats["bob"].pk]
    )
    rows = body_cells(rendered(configured(MemberTable, members, {"sort": "person"})))
    assert rows == [
        [
            "Seat (no person named)",
            "Seat only",
            "—",
            "Adviser",
            "Board proper",
            "—",
            "25/12/2021",
            "Ended on 25 December 2021",
        ],
        [
            "Ann =1+1",
            "Director",
            "Zeta &amp; &lt;Agency&gt;",
            "Statutory partner",
            "SG&lt;1&gt;, Board proper, MG",
            "01/04/2016",
            "31/03/2018",
            "Ended on 31 March 2018",
        ],
        [
            "Bob &lt;b&gt;",
            "—",
            "Alpha agency",
            "Independent chair",
            "SG&lt;1&gt;, Board proper",
            "01/01/2015",
            "—",
            "Current",
        ],
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"agency-sort": "-member_count"}, {"agency-sort": "sector"}])
def test_the_agencies_rows_built_in_python_are_what_django_tables2_renders(world, query):
    varied_seats(world)
    agencies = selectors.agencies_for_board(board=world.board)
    ours = body_cells(rendered(configured(AgencyTable, agencies, query, prefix="agency-")))
    theirs = body_cells(
        rendered(configured(AgencyTable, agencies, query, prefix="agency-"), "core/table.html")
    )
    assert ours == theirs
    assert ["Zeta &amp; &lt;Agency&gt;", "ZA", "Police", "2"] in ours


@pytest.mark.django_db
def test_an_empty_members_table_says_so_across_every_column(world):
    table = configured(MemberTable, Member.objects.none(), {})
    html = rendered(table)
    assert (
        '<td class="govuk-table__cell" colspan="8">'
        "No members have been recorded for this board.</td>"
    ) in html
    assert body_cells(html) == body_cells(rendered(table, "core/table.html"))


def test_a_table_whose_cells_it_cannot_build_in_python_is_refused():
    class Linked(RowsInPythonTable):
        name = tables.Column(linkify=lambda record: "/")

    class RowArgument(RowsInPythonTable):
        name = tables.Column()

        def render_name(self, value, bound_row):
            return value

    class Templated(RowsInPythonTable):
        name = tables.TemplateColumn("{{ value }}")

    for table_class in (Linked, RowArgument, Templated):
        with pytest.raises(ImproperlyConfigured):
            table_class([{"name": "x"}])


def test_groups_read_as_short_names_where_given_or_none():
    assert groups_text([("SG", "Scrutiny group"), ("", "Board proper")]) == "SG, Board proper"
    assert groups_text([]) == "None"


def signature_calls(client, url: str) -> int:
    import inspect

    with mock.patch("inspect.signature", wraps=inspect.signature) as spy:
        response = client.get(url, {"per_page": "100"})
    assert response.status_code == 200
    return spy.call_count


@pytest.mark.django_db
def test_the_members_page_inspects_each_columns_renderer_once_not_each_cell(world, manager_client):
    from django.urls import reverse

    url = reverse("board:members", kwargs={"board": world.board.slug})
    for _ in range(2):
        MemberFactory(board=world.board, groups=[world.group])
    # Django inspects an expression class's constructor once a process (the
    # seats' term filter is one): a first request is not what is measured.
    signature_calls(manager_client, url)
    few = signature_calls(manager_client, url)
    for _ in range(30):
        MemberFactory(board=world.board, groups=[world.group])
    assert signature_calls(manager_client, url) == few
