import datetime

import pytest

from audits import selectors
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    BoardFactory,
    FindingFactory,
    FocusFactory,
    GroupFactory,
    InspectionFactory,
    JudgementFactory,
    RatingFactory,
    ReturnFactory,
    RoundFactory,
    StandardFactory,
    YearFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def boards():
    luton, bedford, elsewhere = (BoardFactory(slug=s) for s in ("luton", "bedford", "elsewhere"))
    pan = GroupFactory(slug="pan-beds", boards=[luton, bedford])
    return luton, bedford, elsewhere, pan


def year(label):
    start = int(label[:4])
    return YearFactory(
        label=label, start=datetime.date(start, 4, 1), end=datetime.date(start + 1, 3, 31)
    )


def test_a_board_sees_its_own_audits_and_its_pan_area_groups(boards):
    luton, bedford, elsewhere, pan = boards
    y = year("2020-21")
    own = AuditFactory(
        board=luton, year=y, theme="MASH referrals", start=datetime.date(2020, 11, 1)
    )
    shared = AuditFactory(
        board=None, group=pan, year=y, theme="Neglect", start=datetime.date(2020, 7, 1)
    )
    bedfords = AuditFactory(
        board=bedford, year=y, theme="Bedford's own", start=datetime.date(2020, 12, 1)
    )
    AuditFactory(board=elsewhere, year=y)
    AuditFactory(board=luton, year=year("2019-20"), start=datetime.date(2019, 7, 1))
    FindingFactory(audit=own, position=2, text="second")
    FindingFactory(audit=own, position=1, text="first")
    found = selectors.audits_for_year(board=luton, year="2020-21")
    assert found == [shared, own]
    assert [f.text for f in found[1].findings.all()] == ["first", "second"]
    assert selectors.audits_for_year(board=bedford, year=y) == [shared, bedfords]


def test_audits_for_year_reads_in_three_queries_whatever_the_number(
    boards, django_assert_num_queries
):
    luton, *_ = boards
    y = year("2020-21")
    for _ in range(5):
        audit = AuditFactory(board=luton, year=y, start=datetime.date(2020, 7, 1))
        audit.agencies.add(AgencyFactory())
        FindingFactory(audit=audit)
    with django_assert_num_queries(3):
        audits = selectors.audits_for_year(board=luton, year="2020-21")
        assert [len(a.findings.all()) + len(a.agencies.all()) for a in audits] == [2] * 5


def test_the_section_11_matrix_has_a_row_per_agency_and_a_cell_per_standard(boards):
    luton, *_ = boards
    section11 = RoundFactory(board=luton, year=year("2020-21"))
    standards = [StandardFactory(board=luton, number=n) for n in (8, 5, 7)]
    for standard in standards:
        FocusFactory(round=section11, standard=standard)
    police = ReturnFactory(round=section11, agency=AgencyFactory(name="Police"))
    ReturnFactory(
        round=section11, agency=AgencyFactory(name="CCG"), submitted=False, submitted_on=None
    )
    RatingFactory(ret=police, standard=standards[1], level="partially-met")
    matrix = selectors.section11_matrix(section11=section11)
    assert [s.number for s in matrix.standards] == [5, 7, 8]
    assert [row.agency.name for row in matrix.rows] == ["CCG", "Police"]
    assert [c.rating.level if c.rating else None for c in matrix.rows[1].cells] == [
        "partially-met",
        None,
        None,
    ]
    assert [r.agency.name for r in matrix.not_returned] == ["CCG"]
    assert [(s.number, c) for s, c in matrix.counts()] == [
        (5, {"partially-met": 1}),
        (7, {}),
        (8, {}),
    ]
    assert [m.section11 for m in selectors.section11_for_year(board=luton, year="2020-21")] == [
        section11
    ]
    assert selectors.section11_for_year(board=luton, year="2019-20") == []


def test_inspections_for_year_are_those_of_the_year(boards):
    luton, bedford, *_ = boards
    ofsted = InspectionFactory(board=luton, year=year("2015-16"))
    JudgementFactory(inspection=ofsted, position=2, area="Adoption")
    JudgementFactory(inspection=ofsted, position=1, area="Help and protection")
    InspectionFactory(board=bedford, year=year("2015-16"))
    undated = InspectionFactory(
        board=luton, year=year("2016-17"), start=None, end=None, dates_as_written="April 2017"
    )
    found = selectors.inspections_for_year(board=luton, year="2015-16")
    assert found == [ofsted]
    assert [j.area for j in found[0].judgements.all()] == ["Help and protection", "Adoption"]
    assert selectors.inspections_for_year(board=luton, year="2016-17") == [undated]
    assert undated.when == "April 2017"
