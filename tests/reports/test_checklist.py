"""The Working Together check, item by item: what makes each present or
missing, and where its link sends the business manager to fix it."""

from __future__ import annotations

import datetime

import pytest

from priorities.models import Rating
from reports import services
from reports.checklist import checklist, missing
from tests.factories import AssessmentFactory, EvidenceTypeFactory
from tests.reports.annual_helpers import complete_data, draft, section, write_narrative

pytestmark = pytest.mark.django_db

REPORT = "/boards/alpha/annual-reports/2016-17/"


def edit(kind):
    return f"{REPORT}sections/{kind}/"


def items(report):
    return {
        item.key: (item.label, item.present, item.detail, item.fix_url, item.fix_text)
        for item in checklist(report)
    }


def test_a_new_draft_says_what_is_missing_and_where_to_fix_it(world):
    report = draft(world)
    found = items(report)
    assert found == {
        "effectiveness": (
            "What the partners did and how effective it was",
            False,
            "Needs the written account of what the partners did and the priorities with "
            "their ratings.",
            edit("effectiveness"),
            "Write what the partners did",
        ),
        "impact": (
            "Evidence of impact, including of training",
            False,
            "Needs actions rated for impact on recorded evidence, and the year's training.",
            "/boards/alpha/plans/",
            "Record ratings with evidence",
        ),
        "little-progress": (
            "Priorities with little or no evidence of progress",
            True,
            "Needs the analysis of priorities where there was little or no evidence of progress.",
            f"{REPORT}#sections",
            "Include the analysis",
        ),
        "review-actions": (
            "The record of actions on local and national review recommendations",
            True,
            "Needs the case reviews section: the record of decisions and actions on "
            "recommendations, and what improved.",
            f"{REPORT}#sections",
            "Include the case reviews",
        ),
        "voice": (
            "How feedback from children and families was sought and used",
            False,
            "Needs the section on the voice of children and families.",
            edit("voice"),
            "Write about the voice of children and families",
        ),
        "scrutiny": (
            "Independent scrutiny",
            False,
            "Needs the independent scrutineer's account.",
            edit("scrutiny"),
            "Write the independent scrutiny section",
        ),
        "funding": (
            "Funding",
            False,
            "Needs the budget: each partner's contribution for the year.",
            "/boards/alpha/budget/?year=2016-17",
            "Record the contributions",
        ),
    }
    assert [i.key for i in missing(checklist(report))] == [
        "effectiveness",
        "impact",
        "voice",
        "scrutiny",
        "funding",
    ]


def test_a_complete_report_has_every_item_and_its_links_go_to_the_next_step(world):
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    found = items(report)
    assert {key: value[1] for key, value in found.items()} == dict.fromkeys(found, True)
    assert missing(checklist(report)) == []
    assert found["effectiveness"][3:] == (f"{REPORT}#sections", "Include the priorities")
    assert found["impact"][3:] == (
        "/boards/alpha/training/?year=2016-17",
        "Record the year's training",
    )


def test_impact_needs_a_rating_on_recorded_evidence_and_the_years_training(world):
    complete_data(world)  # the action is rated GREEN on evidence, with training
    report = draft(world)
    assert items(report)["impact"][1] is True
    # A later assessment in the year with no evidence: rated, but on nothing.
    AssessmentFactory(
        action=world.action,
        assessed_on=datetime.date(2017, 3, 1),
        process=Rating.GREEN,
        impact=Rating.GREEN,
        evidence="",
    )
    impact = items(report)["impact"]
    assert impact[1] is False
    assert impact[3:] == ("/boards/alpha/plans/", "Record ratings with evidence")
    # Evidence by its type alone counts.
    later = AssessmentFactory(
        action=world.action, assessed_on=datetime.date(2017, 3, 2), evidence=""
    )
    later.evidence_types.add(EvidenceTypeFactory(slug="audit", name="Audit"))
    assert items(report)["impact"][1] is True


def test_without_the_priorities_section_nothing_is_rated_and_the_link_says_include_it(world):
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    services.section_include(
        section=section(report, "priorities"), included=False, reason="Left out for this test"
    )
    found = items(report)
    assert found["effectiveness"][1:] == (
        False,
        "Needs the written account of what the partners did and the priorities with their ratings.",
        f"{REPORT}#sections",
        "Include the priorities",
    )
    assert found["impact"][1] is False
    assert found["impact"][3] == "/boards/alpha/plans/"
    assert found["little-progress"][1] is False


def test_a_budget_left_out_links_to_the_report_to_include_it(world):
    complete_data(world)
    report = draft(world)
    services.section_include(
        section=section(report, "budget"), included=False, reason="Left out for this test"
    )
    assert items(report)["funding"][1:] == (
        False,
        "Needs the budget: each partner's contribution for the year.",
        f"{REPORT}#sections",
        "Include the budget",
    )
    services.section_include(
        section=section(report, "reviews"), included=False, reason="Left out for this test"
    )
    assert items(report)["review-actions"][1] is False
    services.section_include(
        section=section(report, "little-progress"), included=False, reason="Left out for this test"
    )
    assert items(report)["little-progress"][1] is False
