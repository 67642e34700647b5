"""Reads of audits, Section 11 rounds and inspections, each a fixed number of
queries whatever their number. A board sees its own records and those of the
pan-area groups serving it. The annual report calls audits_for_year,
section11_for_year and inspections_for_year."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from audits.models import (
    Audit,
    Finding,
    Inspection,
    Judgement,
    Section11Focus,
    Section11Rating,
    Section11Return,
    Section11Round,
    Section11Standard,
)
from board.agency_uses import NAMED, AgencyUse
from board.models import Agency, Board, Group, ReportingYear
from board.selectors import year_choices
from priorities.models import Action, ActionPlan
from priorities.selectors import with_current_ratings


def owned_by(board: Board) -> Q:
    """The board's own records and those of every group serving it."""
    return Q(board=board) | Q(group__in=Group.objects.filter(boards=board).values("pk"))


def _year_label(year: ReportingYear | str) -> str:
    return year if isinstance(year, str) else year.label


# Audits


def audits_for_board(*, board: Board) -> QuerySet[Audit]:
    """The audit programme: one query, findings counted in it."""
    return (
        Audit.objects.filter(owned_by(board))
        .select_related("year", "board", "group")
        .annotate(finding_count=Count("findings", distinct=True))
        .order_by("-year__start", "-start", "theme")
    )


def audit_for_board(*, board: Board, slug: str) -> Audit | None:
    return (
        Audit.objects.filter(owned_by(board), slug=slug)
        .select_related("year", "board", "group", "plan", "plan__board", "source")
        .prefetch_related(Prefetch("agencies", queryset=Agency.objects.order_by("name")))
        .first()
    )


def audit_years(*, board: Board) -> list[ReportingYear]:
    """The reporting years the programme's filter offers: those with audits,
    and the current one."""
    saved = list(
        ReportingYear.objects.filter(
            pk__in=Audit.objects.filter(owned_by(board)).values("year")
        ).order_by("-start")
    )
    return year_choices(saved=saved)


def audit_themes(*, board: Board) -> list[str]:
    themes = Audit.objects.filter(owned_by(board)).values_list("theme", flat=True)
    return sorted(set(themes), key=str.lower)


@dataclass
class AuditDetail:
    audit: Audit
    findings: list[Finding]
    recommendations: list[Action]
    plan_on_board: bool  # whether the plan's pages are this board's


def audit_detail(*, audit: Audit, board: Board) -> AuditDetail:
    """The audit's findings, each with the current RAG of the action it led
    to, and every action of its plan (its recommendations). Two queries."""
    actions: dict[int, Action] = {}
    if audit.plan_id is not None:
        actions = {
            a.pk: a
            for a in with_current_ratings(
                Action.objects.filter(plan_id=audit.plan_id).select_related("plan", "plan__board")
            ).order_by("position", "ref")
        }
    findings = list(Finding.objects.filter(audit=audit).order_by("position"))
    for finding in findings:
        linked = actions.get(finding.action_id) if finding.action_id else None
        finding.linked_action = linked  # type: ignore[attr-defined]
    return AuditDetail(
        audit=audit,
        findings=findings,
        recommendations=list(actions.values()),
        plan_on_board=audit.plan is not None and audit.plan.board_id == board.pk,
    )


def audits_for_year(*, board: Board, year: ReportingYear | str) -> list[Audit]:
    """The board's audits of a reporting year (its own and its pan-area
    groups'), each with its findings and agencies: three queries."""
    return list(
        Audit.objects.filter(owned_by(board), year__label=_year_label(year))
        .select_related("year", "board", "group", "plan")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.order_by("position")),
            Prefetch("agencies", queryset=Agency.objects.order_by("name")),
        )
        .order_by("start", "theme")
    )


# Section 11


def rounds_for_board(*, board: Board) -> list[Section11Round]:
    """The board's rounds, each with its standards in scope and its count of
    returns in and expected."""
    return list(
        Section11Round.objects.filter(owned_by(board))
        .select_related("year", "board", "group")
        .prefetch_related(
            Prefetch("focus", queryset=Section11Focus.objects.select_related("standard"))
        )
        .annotate(
            returns_expected=Count("returns", distinct=True),
            returns_in=Count("returns", filter=Q(returns__submitted=True), distinct=True),
        )
        .order_by("-year__start", "title")
    )


def round_for_board(*, board: Board, slug: str) -> Section11Round | None:
    return (
        Section11Round.objects.filter(owned_by(board), slug=slug)
        .select_related("year", "board", "group", "plan", "source")
        .first()
    )


@dataclass
class MatrixCell:
    standard: Section11Standard
    rating: Section11Rating | None


@dataclass
class MatrixRow:
    ret: Section11Return
    cells: list[MatrixCell] = field(default_factory=list)

    @property
    def agency(self) -> Agency:
        return self.ret.agency


@dataclass
class Matrix:
    section11: Section11Round
    focus: list[Section11Focus]
    rows: list[MatrixRow]

    @property
    def standards(self) -> list[Section11Standard]:
        return [f.standard for f in self.focus]

    @property
    def not_returned(self) -> list[Section11Return]:
        return [row.ret for row in self.rows if not row.ret.submitted]

    @property
    def returned(self) -> list[MatrixRow]:
        return [row for row in self.rows if row.ret.submitted]

    def counts(self) -> list[tuple[Section11Standard, dict[str, int]]]:
        """For each standard, how many agencies rated it at each level."""
        out = []
        for i, standard in enumerate(self.standards):
            counted: dict[str, int] = defaultdict(int)
            for row in self.rows:
                rating = row.cells[i].rating
                if rating is not None:
                    counted[rating.level] += 1
            out.append((standard, dict(counted)))
        return out


def section11_matrix(*, section11: Section11Round) -> Matrix:
    """Agencies by standards: the round's scope, its returns and every
    rating, three queries whatever the number of agencies or standards."""
    focus = list(
        Section11Focus.objects.filter(round=section11)
        .select_related("standard")
        .order_by("standard__number")
    )
    returns = list(
        Section11Return.objects.filter(round=section11)
        .select_related("agency")
        .order_by("agency__name")
    )
    ratings: dict[tuple[int, int], Section11Rating] = {
        (r.ret_id, r.standard_id): r
        for r in Section11Rating.objects.filter(ret__round=section11).select_related("action")
    }
    rows = [
        MatrixRow(
            ret=ret,
            cells=[MatrixCell(f.standard, ratings.get((ret.pk, f.standard_id))) for f in focus],
        )
        for ret in returns
    ]
    return Matrix(section11=section11, focus=focus, rows=rows)


def return_detail(*, section11: Section11Round, agency_slug: str) -> MatrixRow | None:
    """One agency's return with its rating of each standard in scope, and
    the current RAG of any action an area for development led to."""
    ret = (
        Section11Return.objects.filter(round=section11, agency__slug=agency_slug)
        .select_related("agency")
        .first()
    )
    if ret is None:
        return None
    focus = list(
        Section11Focus.objects.filter(round=section11)
        .select_related("standard")
        .order_by("standard__number")
    )
    ratings = {r.standard_id: r for r in Section11Rating.objects.filter(ret=ret)}
    action_ids = [r.action_id for r in ratings.values() if r.action_id]
    actions = {
        a.pk: a
        for a in with_current_ratings(
            Action.objects.filter(pk__in=action_ids).select_related("plan", "plan__board")
        )
    }
    for rating in ratings.values():
        rating.linked_action = actions.get(rating.action_id)  # type: ignore[arg-type, attr-defined]
    return MatrixRow(
        ret=ret, cells=[MatrixCell(f.standard, ratings.get(f.standard_id)) for f in focus]
    )


def agencies_for_round(*, section11: Section11Round) -> QuerySet[Agency]:
    """Agencies a return may be recorded for: those with a seat on a board the
    round serves, and any already in the round."""
    boards = (
        [section11.board_id]
        if section11.board_id
        else list(Board.objects.filter(groups=section11.group_id).values_list("pk", flat=True))
    )
    return (
        Agency.objects.filter(
            Q(members__board__in=boards) | Q(pk__in=section11.returns.values("agency"))
        )
        .distinct()
        .order_by("name")
    )


def section11_for_year(*, board: Board, year: ReportingYear | str) -> list[Matrix]:
    """The board's Section 11 rounds of a reporting year, each as its matrix."""
    rounds = Section11Round.objects.filter(owned_by(board), year__label=_year_label(year))
    return [
        section11_matrix(section11=r)
        for r in rounds.select_related("year", "board", "group").order_by("title")
    ]


# Inspections


def inspections_for_board(*, board: Board) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(board=board)
        .annotate(judgement_count=Count("judgements", distinct=True))
        .order_by("-start", "inspectorate")
    )


def inspection_for_board(*, board: Board, slug: str) -> Inspection | None:
    return Inspection.objects.filter(board=board, slug=slug).select_related("source").first()


@dataclass
class PlanActions:
    plan: ActionPlan
    actions: list[Action]


@dataclass
class InspectionDetail:
    inspection: Inspection
    judgements: list[Judgement]
    plans: list[PlanActions]


def inspection_detail(*, inspection: Inspection) -> InspectionDetail:
    """The judgements table and each plan of recommendations with its
    actions' current RAG: three queries."""
    judgements = list(Judgement.objects.filter(inspection=inspection).order_by("position"))
    plans = list(inspection.plans.select_related("board").order_by("title"))
    by_plan: dict[int, list[Action]] = {p.pk: [] for p in plans}
    actions = with_current_ratings(Action.objects.filter(plan__in=[p.pk for p in plans])).order_by(
        "plan_id", "position", "ref"
    )
    for action in actions:
        by_plan[action.plan_id].append(action)
    return InspectionDetail(
        inspection=inspection,
        judgements=judgements,
        plans=[PlanActions(p, by_plan[p.pk]) for p in plans],
    )


def inspections_for_year(*, board: Board, year: ReportingYear | str) -> list[Inspection]:
    """The board's inspections of a reporting year, with their judgements
    and the plans of their recommendations: three queries."""
    return list(
        Inspection.objects.filter(board=board, year__label=_year_label(year))
        .select_related("year")
        .prefetch_related(
            Prefetch("judgements", queryset=Judgement.objects.order_by("position")),
            Prefetch("plans", queryset=ActionPlan.objects.order_by("title")),
        )
        .order_by("start", "inspectorate")
    )


def audits_using_agency(*, board: Board, agency: Agency, year: ReportingYear) -> list[AgencyUse]:
    """The board's own audits that name the agency and are of `year` or
    later or still under way, and its Section 11 returns from the agency
    for rounds of `year` or later: what keeps the agency on the board's
    list (board.agency_uses). Two queries."""
    audits = (
        Audit.objects.filter(board=board, agencies=agency)
        .filter(
            Q(year__start__gte=year.start)
            | Q(status__in=[Audit.Status.PLANNED, Audit.Status.IN_PROGRESS])
        )
        .select_related("year")
        .order_by("year__start", "theme")
    )
    returns = (
        Section11Return.objects.filter(
            round__board=board, agency=agency, round__year__start__gte=year.start
        )
        .select_related("round")
        .order_by("round__year__start", "round__title")
    )
    return [
        AgencyUse("audit", f"“{audit.theme}” {audit.year}", audit.url_on(board))
        for audit in audits[: NAMED + 1]
    ] + [
        AgencyUse(
            "Section 11 return",
            f"to “{ret.round.title}”",
            reverse(
                "audits:return",
                kwargs={"board": board.slug, "round": ret.round.slug, "agency": agency.slug},
            ),
        )
        for ret in returns[: NAMED + 1]
    ]
