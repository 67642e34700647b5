"""Edges of the audit rules that mutation testing found unpinned: the web
name made from the theme (its length, a name taken) and the services' own
words for a kind or status not on the list."""

from __future__ import annotations

import datetime

import pytest

from audits import services
from audits.models import Audit, Section11Round
from board.models import ReportingYear
from priorities.models import ActionPlan
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AssessmentFactory,
    BoardFactory,
    PlanFactory,
    YearFactory,
)

pytestmark = pytest.mark.django_db


def new_audit(**fields):
    defaults = {
        "board": BoardFactory(),
        "year": YearFactory(
            label="2020-21", start=datetime.date(2020, 4, 1), end=datetime.date(2021, 3, 31)
        ),
        "kind": Audit.Kind.MULTI_AGENCY,
        "theme": "Referrals into the MASH",
        "start": datetime.date(2020, 11, 1),
        "status": Audit.Status.REPORTED,
    }
    return Audit(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("theme", "slug"),
    [
        # At most 76 characters, leaving room for "-2"; never ending in a hyphen.
        ("a" * 75 + " b", "a" * 75),
        ("a" * 76 + " b", "a" * 76),
    ],
)
def test_a_long_theme_gives_a_web_name_of_at_most_76_characters(theme, slug):
    assert services.audit_save(audit=new_audit(theme=theme)).slug == slug


def test_a_web_name_taken_by_another_audit_gets_the_next_free_number():
    first = services.audit_save(audit=new_audit())
    second = services.audit_save(audit=new_audit(board=first.board))
    third = services.audit_save(audit=new_audit(board=first.board))
    assert (first.slug, second.slug, third.slug) == (
        "referrals-into-the-mash-2020-21",
        "referrals-into-the-mash-2020-21-2",
        "referrals-into-the-mash-2020-21-3",
    )


def test_a_kind_or_status_not_on_the_list_is_refused_in_the_services_words():
    problems = services.audit_problems(audit=new_audit(kind="bogus", status="bogus", slug="x"))
    assert "Choose multi-agency or single-agency." in problems["kind"]
    assert "Choose a status from the list." in problems["status"]


def test_an_audit_only_reported_may_have_open_actions():
    board = BoardFactory()
    plan = PlanFactory(board=board, kind=ActionPlan.Kind.AUDIT)
    AssessmentFactory(action=ActionFactory(plan=plan, ref="1"), process="GREEN", impact="GREY")
    audit = new_audit(board=board, plan=plan, status=Audit.Status.REPORTED)
    assert services.audit_problems(audit=audit) == {}


def test_a_single_agency_audit_naming_two_agencies_is_refused_however_they_come():
    audit = new_audit(kind=Audit.Kind.SINGLE_AGENCY)
    agencies = (agency for agency in [AgencyFactory(), AgencyFactory()])
    assert services.audit_problems(audit=audit, agencies=agencies) == {
        "agencies": ["A single-agency audit names one agency, not several."]
    }


def test_an_audits_words_are_kept_trimmed():
    audit = services.audit_save(
        audit=new_audit(theme="  Neglect  ", scope="  Under ones  ", method="  Case files  ")
    )
    audit.refresh_from_db()
    assert (audit.theme, audit.scope, audit.method, audit.slug) == (
        "Neglect",
        "Under ones",
        "Case files",
        "neglect-2020-21",
    )


def test_a_round_titled_without_letters_or_digits_gets_a_web_name_still():
    section11 = services.round_save(
        section11=Section11Round(board=BoardFactory(), year=YearFactory(), title="!!!")
    )
    assert section11.slug == "record"


def test_a_year_that_is_not_in_the_database_is_refused_when_the_audit_names_its_id():
    gone = ReportingYear(
        pk=999_999, label="2020-21", start=datetime.date(2020, 4, 1), end=datetime.date(2021, 3, 31)
    )
    problems = services.audit_problems(audit=new_audit(year=gone, slug="gone"))
    assert list(problems) == ["year"]
