"""The key facts section of the annual report: the scorecard's figures for
the report's year with the year before, the direction of travel in words,
England and the statistical neighbours, suppressed figures by their marker
(never zero), and every figure linked to its indicator's page. Against the
past reports' fixtures and against factories on more than one board."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from board.models import Board, ReportingYear
from reports import services, snapshots
from reports.models import AnnualReport, SectionKind
from reports.sections import build_report
from tests.html import table_rows
from tests.indicators.factories import (
    ComparatorFactory,
    IndicatorFactory,
    SourceFactory,
    ValueFactory,
)
from tests.reports.annual_helpers import draft, year_2016

pytestmark = pytest.mark.django_db

HEAD_2016 = [
    "Indicator",
    "2016-17",
    "2015-16",
    "Direction of travel",
    "England",
    "Statistical neighbours",
]


def key_facts(report):
    return next(s for s in build_report(report).sections if s.kind == SectionKind.KEY_FACTS)


def rows(section):
    table = next(t for t in section.tables if t.key == "key-facts")
    return [[c.text for c in row] for row in table.rows]


def year(start: int) -> datetime.date:
    return datetime.date(start, 4, 1)


@pytest.fixture
def past_reports(db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())


def past(board: str, label: str) -> AnnualReport:
    return services.report_create(
        board=Board.objects.get(slug=board), year=ReportingYear.objects.get(label=label)
    )


def test_lutons_2020_21_key_facts_are_the_figures_the_fixture_states(past_reports):
    report = past("luton", "2020-21")
    section = key_facts(report)
    table = next(t for t in section.tables if t.key == "key-facts")
    assert table.caption == "Key facts, 2020-21"
    assert table.head == [
        "Indicator",
        "2020-21",
        "2019-20",
        "Direction of travel",
        "England",
        "Statistical neighbours",
    ]
    assert table.source == "/boards/luton/scorecard/"
    found = {row[0]: row[1:] for row in rows(section)}
    assert found["Contacts to children's social care (MASH)"] == [
        "16,791",
        "9,673",
        "Up",
        "Not known",
        "Not known",
    ]
    assert found["Referrals to children's social care"] == [
        "3,247",
        "2,890",
        "Up",
        "Not known",
        "Not known",
    ]
    assert found["Contacts that led to a referral to social care"][:3] == ["19%", "29%", "Down"]
    assert found["Children referred aged 10 to 15"][:3] == ["30.8%", "30.9%", "Down"]
    assert found["Children referred aged 16 and over"][:3] == ["12.9%", "12.8%", "Up"]
    # "Luton in numbers" gives the residents for the report's year only.
    assert found["Residents of the area"] == [
        "213,500",
        "No figure",
        "No previous value to compare with",
        "Not known",
        "Not known",
    ]
    # Child poverty is for 2019-20 and children in care for July 2021: not this year's facts.
    assert "Children growing up in relative poverty" not in found
    assert "Children in care" not in found
    assert len(found) == 11
    # Every figure links to the indicator page it comes from.
    referrals = next(r for r in table.rows if r[0].text == "Referrals to children's social care")
    assert [c.href for c in referrals[:3]] == ["/boards/luton/indicators/referrals/"] * 3


def test_the_key_facts_come_first_of_the_generated_sections_in_the_html(past_reports):
    report = past("luton", "2020-21")
    built = build_report(report)
    kinds = [s.kind for s in built.sections]
    assert kinds[:4] == [
        SectionKind.INTRODUCTION,
        SectionKind.CONTEXT,
        SectionKind.KEY_FACTS,
        SectionKind.EFFECTIVENESS,
    ]
    html = snapshots.render_html(snapshots.document_context(built, version=1, changes="")).decode()
    shown = table_rows(html, "table-key-facts")
    assert shown[0][:3] == ["Indicator", "2020-21", "2019-20"]
    assert shown[3][:4] == ["Referrals to children's social care", "3,247", "2,890", "Up"]
    assert 'href="/boards/luton/indicators/contacts/">16,791</a>' in html
    assert '<a href="#section-key-facts">Key facts</a>' in html.replace('class="govuk-link" ', "")


def test_a_suppressed_figure_is_shown_by_its_marker_never_as_zero(past_reports):
    section = key_facts(past("bedford-borough", "2016-17"))
    found = {row[0]: row[1:] for row in rows(section)}
    assert found["Children in private fostering arrangements at 31 March"] == [
        "low (a small number, not published)",
        "5",
        "Cannot be judged: the 2016-17 figure is suppressed (low (a small number, not published))",
        "Not known",
        "Not known",
    ]
    assert found["Contacts with the LADO service"][:3] == ["306", "222", "Up"]


def test_an_earlier_comparator_names_its_own_year(past_reports):
    section = key_facts(past("luton", "2016-17"))
    found = {row[0]: row[1:] for row in rows(section)}
    assert found["Children subject of a Child Protection Plan per 10,000 children"] == [
        "39.03 per 10,000",
        "No figure",
        "No previous value to compare with",
        "43.1 per 10,000 (2015-16)",
        "43.83 per 10,000 (2015-16)",
    ]
    assert found["Children entitled to free school meals: primary schools"][3] == "16%"


@pytest.fixture
def timeliness(world):
    ind = IndicatorFactory(
        board=world.board,
        code="timely",
        name="Assessments completed within 45 days",
        unit="percentage",
        polarity="lower",
    )
    report = SourceFactory(title="Annual report 2016-17")
    stats = SourceFactory(title="Characteristics of children in need 2017")
    ValueFactory(indicator=ind, period_start=year(2015), value=Decimal("82"), source=report)
    ValueFactory(indicator=ind, period_start=year(2016), value=Decimal("78.5"), source=report)
    ValueFactory(
        indicator=ind, period_start=year(2016), value=Decimal("78"), source=stats, edition=2
    )
    ValueFactory(indicator=ind, period_start=year(2017), value=Decimal("90"), source=report)
    ComparatorFactory(indicator=ind, kind="england", period_start=year(2015), value=Decimal("80"))
    ComparatorFactory(indicator=ind, kind="england", period_start=year(2016), value=Decimal("84.3"))
    ComparatorFactory(
        indicator=ind,
        kind="neighbours",
        period_start=year(2016),
        value=Decimal("79.5"),
        neighbours_used=9,
        neighbours_listed=10,
    )
    return ind


def test_the_years_figure_is_judged_against_the_year_before_by_polarity(world, timeliness):
    section = key_facts(draft(world))
    table = next(t for t in section.tables if t.key == "key-facts")
    assert table.head == HEAD_2016
    assert rows(section) == [
        [
            "Assessments completed within 45 days",
            "78%",  # the revised edition, not the report's 78.5%
            "82%",
            "Improving (down)",
            "84.3%",
            "79.5% (average of 9 of 10 neighbours)",
        ]
    ]
    assert table.rows[0][1].href == "/boards/alpha/indicators/timely/"
    heading, revised = section.blocks[-2:]
    assert heading.text == "Revised figures"
    assert revised.items == [
        "Assessments completed within 45 days, 2016-17: 78% from Characteristics of children "
        "in need 2017 revises 78.5% from Annual report 2016-17."
    ]


def test_only_whole_year_figures_of_the_board_for_the_year_are_key_facts(world):
    quarterly = IndicatorFactory(board=world.board, code="quarterly", name="Quarterly")
    ValueFactory(
        indicator=quarterly,
        period_kind="quarter",
        period_start=datetime.date(2016, 7, 1),
        period_end=datetime.date(2016, 9, 30),
    )
    later = IndicatorFactory(board=world.board, code="later", name="Next year only")
    ValueFactory(indicator=later, period_start=year(2017))
    elsewhere = IndicatorFactory(board=world.other_board, code="elsewhere", name="Elsewhere")
    ValueFactory(indicator=elsewhere, period_start=year(2016))
    section = key_facts(draft(world))
    assert section.blocks == []
    assert section.is_empty
    assert section.empty == "No indicator on the scorecard has a figure for 2016-17."


def test_worse_no_change_and_a_suppressed_previous_year_in_words(world):
    for code, polarity, before, now, marker in (
        ("worse", "higher", "50", "40", ""),
        ("same", "higher", "40", "40", ""),
        ("hidden", "lower", None, "12", "c"),
    ):
        ind = IndicatorFactory(board=world.board, code=code, name=code, polarity=polarity)
        ValueFactory(
            indicator=ind,
            period_start=year(2015),
            value=None if before is None else Decimal(before),
            marker=marker,
        )
        ValueFactory(indicator=ind, period_start=year(2016), value=Decimal(now))
    found = {row[0]: row[1:4] for row in rows(key_facts(draft(world)))}
    assert found == {
        "worse": ["40", "50", "Getting worse (down)"],
        "same": ["40", "40", "No change"],
        "hidden": [
            "12",
            "c (confidential (suppressed to protect individuals))",
            "Cannot be judged: the 2015-16 figure is suppressed "
            "(c (confidential (suppressed to protect individuals)))",
        ],
    }


def test_the_section_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    report = draft(world)
    section = report.sections.get(kind=SectionKind.KEY_FACTS)
    from reports.sections import Context, build_key_facts

    ctx = Context(board=world.board, year=year_2016())
    for n in range(12):
        ind = IndicatorFactory(board=world.board, code=f"i{n}", name=f"Indicator {n}")
        ValueFactory(indicator=ind, period_start=year(2016))
        ValueFactory(indicator=ind, period_start=year(2015))
        ComparatorFactory(indicator=ind, period_start=year(2016))
    # Four for the indicators (one their targets by year), one for the figures the report states.
    with django_assert_max_num_queries(5):
        built = build_key_facts(ctx, section)
    assert len(built.tables[0].rows) == 12


def test_reports_started_before_key_facts_get_them_after_the_local_context(world, users):
    migration = importlib.import_module("reports.migrations.0003_key_facts_section")
    drafted = draft(world)
    approved = services.report_create(board=world.other_board, year=year_2016())
    AnnualReport.objects.filter(pk=approved.pk).update(status=AnnualReport.Status.APPROVED)
    for report in (drafted, approved):
        report.sections.filter(kind=SectionKind.KEY_FACTS).delete()
    migration.add_key_facts(django_apps, None)
    migration.add_key_facts(django_apps, None)  # a second run adds nothing
    for report, included in ((drafted, True), (approved, False)):
        kinds = list(report.sections.order_by("position").values_list("kind", flat=True))
        assert kinds == SectionKind.values
        positions = list(report.sections.order_by("position").values_list("position", flat=True))
        assert len(set(positions)) == len(positions)
        assert report.sections.get(kind=SectionKind.KEY_FACTS).included is included


def test_the_key_facts_can_be_left_out_and_moved_like_any_generated_section(world, timeliness):
    report = draft(world)
    key_facts_section = report.sections.get(kind=SectionKind.KEY_FACTS)
    services.section_move(section=key_facts_section, direction="up")
    kinds = [s.kind for s in build_report(report).sections]
    assert kinds[:3] == [SectionKind.INTRODUCTION, SectionKind.KEY_FACTS, SectionKind.CONTEXT]
    services.section_include(
        section=key_facts_section, included=False, reason="Left out for this test"
    )
    built = build_report(report)
    assert SectionKind.KEY_FACTS not in [s.kind for s in built.sections]
    assert (
        "table-key-facts"
        not in snapshots.render_html(
            snapshots.document_context(built, version=1, changes="")
        ).decode()
    )
