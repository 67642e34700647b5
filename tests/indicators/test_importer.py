"""The published statistics import: reading, preview, confirm, and every refusal."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from board.models import SourceDocument
from indicators import importer as imp
from indicators.models import Comparator, IndicatorValue, StatisticalNeighbour
from tests.indicators.factories import IndicatorFactory, SourceFactory, ValueFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,new_la_code,old_la_code,la_name,referrals,referral_rate"
)
ROWS = [
    "202021,Reporting year,National,E92000001,England,,,,,,642980,494.3",
    "202021,Reporting year,Regional,E92000001,England,E12000006,East of England,,,,50000,401.2",
    "202021,Reporting year,Regional,E92000001,England,E12000007,London,,,,70000,450.0",
    "202021,Reporting year,Local authority,E92000001,England,E12000006,East of England,E06000032,821,Luton,3301,c",
    "202021,Reporting year,Local authority,E92000001,England,E12000006,East of England,E06000055,822,Bedford,1500,400",
    "202021,Reporting year,Local authority,E92000001,England,E12000006,East of England,E06000033,882,Southend-on-Sea,x,380",
    "202021,Reporting year,Local authority,E92000001,England,E12000006,East of England,E06000034,883,Thurrock,1200,300",
    "201920,Reporting year,Local authority,E92000001,England,E12000006,East of England,E06000032,821,Luton,3500,600.5",
]


def csv_bytes(rows=ROWS, header=HEADER, encoding="utf-8"):
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


@pytest.fixture
def indicators(world):
    return {
        "referrals": IndicatorFactory(
            board=world.board, code="referrals", unit="count", measure="referrals"
        ),
        "rate": IndicatorFactory(
            board=world.board, code="rate", unit="rate", measure="referral_rate"
        ),
    }


def preview(world, content=None, authority="E06000032", mapping=None, publication="CIN 2021"):
    statistics = imp.read_statistics("cin.csv", content or csv_bytes())
    return imp.preview_statistics(
        board=world.board,
        statistics=statistics,
        authority=authority,
        mapping=mapping or {"referrals": "referrals", "referral_rate": "rate"},
        publication=publication,
    )


def test_it_reads_the_periods_as_the_reporting_years_they_name_and_says_so():
    assert imp.read_period("202021", "Reporting year") == (2020, "202021 read as 2020-21")
    assert imp.read_period("2021", "Reporting year") == (
        2020,
        "2021 (Reporting year) read as 2020-21, the year to 31 March 2021",
    )
    assert imp.read_period("201920", "Financial year")[0] == 2019
    assert imp.read_period("202022", "Reporting year") is None
    assert imp.read_period("2021", "Calendar year") is None
    assert imp.read_period("2021Q1", "Quarter") is None


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ("1,234", (Decimal("1234"), "")),
        (" 12.5 ", (Decimal("12.5"), "")),
        ("c", (None, "c")),
        ("LOW", (None, "low")),
        ("k", (None, "k")),
        ("", (None, "")),
        ("n/a", None),
        ("12a", None),
    ],
)
def test_it_reads_a_cell_as_a_number_or_a_marker(raw, read):
    assert imp.read_cell(raw) == read


def test_the_preview_keeps_suppressed_cells_as_markers_and_makes_comparators(world, indicators):
    StatisticalNeighbour.objects.create(board=world.board, la_code="E06000055", rank=1)
    StatisticalNeighbour.objects.create(board=world.board, la_code="E06000033", rank=2)
    StatisticalNeighbour.objects.create(board=world.board, la_code="E06000034", rank=3)
    result = preview(world)
    assert result.valid, result.errors
    shown = {(i.indicator.code, i.what, i.period): (i.shown, i.status) for i in result.items}
    assert shown[("referrals", "value", "2020-21")] == ("3,301", "new")
    assert shown[("rate", "value", "2020-21")] == (
        "c (confidential (suppressed to protect individuals))",
        "new",
    )
    assert shown[("referrals", "england", "2020-21")] == ("642,980", "new")
    assert shown[("referrals", "region", "2020-21")] == (
        "50,000",
        "new",
    )  # its own region, not London
    # Southend's referrals are suppressed (x): the average leaves it out and says so.
    neighbours = next(
        i for i in result.items if i.what == "neighbours" and i.indicator.code == "referrals"
    )
    assert (neighbours.value, neighbours.neighbours_used, neighbours.neighbours_listed) == (
        Decimal("1350.0"),
        2,
        3,
    )
    rate = next(i for i in result.items if i.what == "neighbours" and i.indicator.code == "rate")
    assert (rate.value, rate.neighbours_used) == (Decimal("360.0"), 3)
    assert result.suppressed == [("c (confidential (suppressed to protect individuals))", 1)]
    assert result.periods == ["201920 read as 2019-20", "202021 read as 2020-21"]


def test_confirming_saves_in_one_go_and_again_changes_nothing(world, indicators):
    first = preview(world)
    assert imp.save_statistics(preview=first, publication="CIN 2021") == 8
    value = IndicatorValue.objects.get(
        indicator__code="rate", period_start=datetime.date(2020, 4, 1)
    )
    assert (value.value, value.marker) == (None, "c")
    assert SourceDocument.objects.get(key="ees-cin-2021").title == "CIN 2021"
    assert Comparator.objects.filter(kind="england").count() == 2
    again = preview(world)
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 8}
    assert imp.save_statistics(preview=again, publication="CIN 2021") == 0
    assert IndicatorValue.history.count() == 4


def test_a_figure_the_boards_report_already_states_is_kept_and_revised(world, indicators):
    report = SourceFactory(title="Luton annual report 2020-21")
    ValueFactory(
        indicator=indicators["referrals"],
        period_start=datetime.date(2020, 4, 1),
        value=Decimal("3297"),
        source=report,
    )
    result = preview(world)
    item = next(
        i
        for i in result.items
        if i.indicator.code == "referrals" and i.what == "value" and i.period == "2020-21"
    )
    assert (item.status, item.revises) == ("new", "3,297 from Luton annual report 2020-21")
    imp.save_statistics(preview=result, publication="CIN 2021")
    editions = IndicatorValue.objects.filter(
        indicator__code="referrals", period_start=datetime.date(2020, 4, 1)
    )
    assert sorted(editions.values_list("edition", "value")) == [
        (1, Decimal("3297")),
        (2, Decimal("3301")),
    ]


def test_a_changed_figure_shows_what_it_was(world, indicators):
    imp.save_statistics(preview=preview(world), publication="CIN 2021")
    changed = csv_bytes([r.replace("3301", "3302") for r in ROWS])
    result = preview(world, content=changed)
    item = next(i for i in result.items if i.status == "changed")
    assert (item.shown, item.old) == ("3,302", "3,301")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04rest", "The file is not a CSV file."),
        ("time_period,la_name\n2021,Lütön\n".encode("cp1252"), "The file is not UTF-8 text"),
        (
            b"time_period,la_name,referrals\n2021,Luton,5\n",
            "The file has no time_identifier, geographic_level, new_la_code or old_la_code "
            "columns.",
        ),
        (b"", "The file is empty."),
        (HEADER.rsplit(",", 2)[0].encode() + b"\n", "The file has no measure columns"),
    ],
)
def test_it_refuses_a_file_it_cannot_read_saying_why(content, message):
    with pytest.raises(imp.SpreadsheetError) as caught:
        imp.read_statistics("file.csv", content)
    assert message in str(caught.value)


def test_it_has_no_row_limit_but_a_byte_limit(settings):
    settings.ASSURE_IMPORT_MAX_ROWS = 3
    assert len(imp.read_statistics("cin.csv", csv_bytes()).rows) == len(ROWS)
    settings.ASSURE_STATISTICS_MAX_BYTES = 100
    with pytest.raises(imp.SpreadsheetError, match="the largest Assure accepts is 100 bytes"):
        imp.read_statistics("cin.csv", csv_bytes())


def test_an_unknown_authority_is_refused(world, indicators):
    result = preview(world, authority="E09999999")
    assert result.errors == [
        "The file has no local authority with the code 'E09999999': choose one it holds."
    ]
    assert not result.valid


def test_a_cell_that_is_neither_a_number_nor_a_marker_stops_the_import(world, indicators):
    bad = csv_bytes([r.replace(",3301,", ",3,301?,") if "Luton" in r else r for r in ROWS])
    result = preview(world, content=bad)
    assert not result.valid
    assert (
        "Row 5, column referrals: '3' is neither a number nor a suppression marker"
        not in result.errors
    )
    assert any(
        "is neither a number nor a suppression marker (c, x, z, u, k or low)." in e
        for e in result.errors
    )
    with pytest.raises(ValueError, match="A preview with errors cannot be saved"):
        imp.save_statistics(preview=result, publication="CIN 2021")
    assert not IndicatorValue.objects.exists()


def test_a_period_it_cannot_read_stops_the_import(world, indicators):
    bad = csv_bytes([r.replace("201920,Reporting year", "2019Q4,Quarter") for r in ROWS])
    result = preview(world, content=bad)
    assert result.errors == [
        "Row 9, column time_period: the period '2019Q4' (Quarter) is not a reporting year Assure can read: it reads "
        "2021 (the year to March 2021) and 202021."
    ]


def test_a_figure_its_unit_refuses_stops_the_import(world, indicators):
    bad = csv_bytes([r.replace(",3301,", ",3301.5,") for r in ROWS])
    result = preview(world, content=bad)
    assert [p for i in result.items for p in i.problems] == [
        "Row 5, column referrals: A count is a whole number."
    ]


# --- the pages ------------------------------------------------------------------


def upload(client, board, content, publication="CIN 2021"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("indicators:statistics_import", kwargs={"board": board.slug}),
        {"file": SimpleUploadedFile("cin.csv", content, "text/csv"), "publication": publication},
    )


def test_a_business_manager_imports_a_file_through_the_pages(
    world, users, client_for, indicators, django_capture_on_commit_callbacks
):
    client = client_for("manager")
    response = upload(client, world.board, csv_bytes())
    assert response.status_code == 200
    token = client.session[imp_key()]["token"]
    url = reverse("indicators:statistics_import", kwargs={"board": world.board.slug})
    response = client.post(
        url,
        {"token": token, "authority": "E06000032", "measure_0": "referrals", "measure_1": "rate"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been saved yet" in body
    assert "202021 read as 2020-21" in body
    assert not IndicatorValue.objects.exists()
    confirm = reverse("indicators:statistics_import_confirm", kwargs={"board": world.board.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"token": token})
    assert response.status_code == 302
    assert IndicatorValue.objects.count() == 4
    status = client.get(response["Location"]).content.decode()
    recorded = IndicatorValue.objects.count() + Comparator.objects.count()
    assert f"{recorded} figures recorded, 0 unchanged" in status
    assert client.post(confirm, {"token": token}).status_code == 302  # expired: nothing twice
    assert IndicatorValue.objects.count() == 4


def imp_key():
    from indicators.views import STATISTICS_SESSION_KEY

    return STATISTICS_SESSION_KEY


def test_the_upload_page_shows_why_a_file_is_refused(world, users, client_for):
    response = upload(client_for("manager"), world.board, b"PK\x03\x04zip")
    assert response.status_code == 400
    assert "The file is not a CSV file." in response.content.decode()


def test_the_neighbour_list_is_replaced_by_an_upload(world, users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("manager")
    url = reverse("indicators:neighbours", kwargs={"board": world.board.slug})
    content = b"la_code,la_name\nE06000055,Bedford\nE06000034,Thurrock\n"
    response = client.post(url, {"file": SimpleUploadedFile("n.csv", content, "text/csv")})
    assert response.status_code == 302
    assert list(StatisticalNeighbour.objects.values_list("la_code", "rank")) == [
        ("E06000055", 1),
        ("E06000034", 2),
    ]
    twice = b"la_code\nE06000055\nE06000055\n"
    response = client.post(url, {"file": SimpleUploadedFile("n.csv", twice, "text/csv")})
    assert response.status_code == 400
    assert "The list names E06000055 more than once." in response.content.decode()
    assert StatisticalNeighbour.objects.count() == 2


def test_a_neighbour_list_the_csv_reader_cannot_read_is_refused_in_words():
    with pytest.raises(imp.SpreadsheetError, match="The CSV file could not be read"):
        imp.read_neighbours(b'la_code\n"' + b"x" * 200_000 + b'"\n')
