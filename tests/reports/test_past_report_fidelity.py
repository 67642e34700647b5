"""The three past reports regenerated from the fixtures against what their
source documents state: the gaps a tester found between a regenerated
report and its original, each checked here from the fixtures and the
sections built from them (the fixture-versus-seed tests check the fixtures'
figures against the seed text itself)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from board.models import Board, ReportingYear
from reports import services
from reports.models import SectionKind
from reports.sections import BuiltReport, BuiltSection, build_report

pytestmark = pytest.mark.django_db

PAST = [("luton", "2016-17"), ("luton", "2020-21"), ("bedford-borough", "2016-17")]


@pytest.fixture(scope="module")
def past(django_db_setup, django_db_blocker):
    """The fixtures loaded and the three reports built once for the module:
    building reads only, so the tests can share them."""
    with django_db_blocker.unblock():
        call_command("load_past_reports", verbosity=0, stdout=StringIO())
        built = {
            (board, year): build_report(
                services.report_create(
                    board=Board.objects.get(slug=board),
                    year=ReportingYear.objects.get(label=year),
                )
            )
            for board, year in PAST
        }
    yield built
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def section(built: BuiltReport, kind: str) -> BuiltSection:
    return next(s for s in built.sections if s.kind == kind)


def texts(table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def table(built: BuiltSection, key: str):
    return next(t for t in built.tables if t.key == key)


@pytest.mark.parametrize(("board", "year"), PAST)
def test_no_table_of_a_past_report_is_headers_only(past, board, year):
    empty = [t.key for t in past[(board, year)].tables if not t.rows]
    assert empty == []


def test_the_section_11_rounds_give_what_they_found_standard_by_standard(past):
    luton = section(past[("luton", "2020-21")], SectionKind.SECTION_11)
    found = table(luton, "section-11-pan-bedfordshire-section-11-2020-21-findings")
    assert [row[0] for row in texts(found)] == [
        "Standard 5: Training",
        "Standard 7: Effective inter-agency working",
        "Standard 8: Information sharing",
    ]
    bedford = section(past[("bedford-borough", "2016-17")], SectionKind.SECTION_11)
    assert "panels of Pan Bedfordshire LSCB members in June 2016" in str(bedford.blocks)
    assert "No agency's return or rating is recorded for Section 11 audit 2016-17." in str(
        bedford.blocks
    )


NAMED = {
    ("luton", "2016-17"): {"Child E", "Child F", "Child J"},
    ("luton", "2020-21"): {
        "Child L",
        "Child M",
        "Family Usman",
        "Tahira",
        "Learning review (forced marriage concerns)",
    },
    ("bedford-borough", "2016-17"): {"Sama", "Adam", "Malika and Rosza"},
}


@pytest.mark.parametrize(("board", "year"), PAST)
def test_every_review_a_report_names_is_named_with_its_publication_status(past, board, year):
    reviews = table(section(past[(board, year)], SectionKind.REVIEWS), "reviews")
    rows = {row[0]: row[2] for row in texts(reviews)}
    assert set(rows) == NAMED[(board, year)]
    assert all(rows.values())


def test_the_bedford_borough_reviews_carry_their_true_publication_status(past):
    reviews = table(section(past[("bedford-borough", "2016-17")], SectionKind.REVIEWS), "reviews")
    assert {row[0]: row[2] for row in texts(reviews)} == {
        "Sama": "Published (April 2017)",
        "Adam": "On hold for criminal proceedings",
        "Malika and Rosza": "Completed but not published",
    }


def test_luton_2020_21_states_its_review_counts_beside_assures(past):
    counts = table(section(past[("luton", "2020-21")], SectionKind.REVIEWS), "review-counts")
    stated = {row[0]: row[1] for row in texts(counts)}
    assert stated == {
        "Rapid reviews undertaken": "5",
        "CSPRs commissioned": "4",
        "Rapid reviews needing no further review": "1",
        "Reviews of other partnerships contributed to": "2",
        "SCRs and CSPRs published": "4",
        "CSPRs completed but not published": "1",
        "CSPRs underway": "3",
        "Learning reviews undertaken": "1",
    }
    differences = {row[0]: row[3] for row in texts(counts)}
    assert differences["Rapid reviews undertaken"] == (
        "The report states 5 more than Assure holds records of."
    )
    assert differences["Learning reviews undertaken"] == "None"


def test_bedford_boroughs_ofsted_2017_review_gives_its_publication_not_as_its_dates(past):
    inspections = section(past[("bedford-borough", "2016-17")], SectionKind.INSPECTIONS)
    paragraphs = [b.text for b in inspections.blocks if b.kind == "paragraph"]
    assert "Report published: April 2017." in paragraphs
    assert not any(p.startswith("Inspected") for p in paragraphs)
