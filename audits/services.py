"""Every write to audits, Section 11 and inspections: keyword-only, typed, one
transaction each. Each *_problems() returns what is wrong as field errors;
the pages, the admin and the fixtures (through the models' clean, which the
problems include) refuse the same things. Actions are made through
priorities.services.action_create, in the record's own action plan."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from audits.models import (
    Audit,
    Finding,
    FindingKind,
    Inspection,
    Judgement,
    Section11Focus,
    Section11Level,
    Section11Rating,
    Section11Return,
    Section11Round,
    Section11Standard,
)
from board.models import Agency, Board, ReportingYear
from board.services import board_agencies_add
from core.problems import Problems, add_problem, raise_problems
from priorities import services as priorities_services
from priorities.models import Action, ActionPlan, Rating
from priorities.selectors import with_current_ratings


def _model_problems(instance: Any, *, exclude: Iterable[str] = ()) -> Problems:
    """The model's field rules and its clean(), as field errors; uniqueness is
    each service's to word."""
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {}


def _merge(problems: Problems, more: Problems) -> Problems:
    for name, messages in more.items():
        for message in messages:
            add_problem(problems, name, message)
    return problems


def _unique_slug(model: type[Any], text: str, *, pk: int | None, limit: int = 80) -> str:
    base = (slugify(text) or "record")[: limit - 4].strip("-")
    slug, n = base, 2
    while model.objects.filter(slug=slug).exclude(pk=pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


# Audits


def audit_problems(*, audit: Audit, agencies: Iterable[Agency] = ()) -> Problems:
    """What is wrong with an audit: the model's rules (board or group, the end
    not before the start, the start inside its reporting year, nothing
    reported before it started, its plan an audit plan of a board it serves),
    a slug another audit has, a single-agency audit naming several agencies,
    and "actions closed" while an action of its plan is not completed."""
    problems: Problems = {}
    if audit.kind not in Audit.Kind.values:
        add_problem(problems, "kind", "Choose multi-agency or single-agency.")
    if audit.status not in Audit.Status.values:
        add_problem(problems, "status", "Choose a status from the list.")
    # A blank web name is made from the theme, and a year nobody has used
    # yet is saved, only when the audit is saved.
    exclude = [] if audit.slug else ["slug"]
    if audit.year_id is None and audit._state.fields_cache.get("year") is not None:
        exclude.append("year")
    _merge(problems, _model_problems(audit, exclude=exclude))
    if audit.slug == "add":
        add_problem(
            problems, "slug", "The web name “add” is the address of the add page: choose another."
        )
    elif audit.slug and Audit.objects.filter(slug=audit.slug).exclude(pk=audit.pk).exists():
        add_problem(problems, "slug", f"Another audit already has the web name {audit.slug}.")
    agencies = list(agencies)
    if audit.kind == Audit.Kind.SINGLE_AGENCY and len(agencies) > 1:
        add_problem(problems, "agencies", "A single-agency audit names one agency, not several.")
    if audit.status == Audit.Status.ACTIONS_CLOSED and audit.plan_id is not None:
        open_actions = [
            a.ref
            for a in with_current_ratings(Action.objects.filter(plan_id=audit.plan_id))
            if a.current_process != Rating.BLUE  # type: ignore[attr-defined]
        ]
        if open_actions:
            add_problem(
                problems,
                "status",
                "The audit's actions are not all closed: "
                f"{', '.join(open_actions)} not yet rated Blue (completed) for process.",
            )
    return problems


@transaction.atomic
def audit_save(*, audit: Audit, agencies: Iterable[Agency] | None = None) -> Audit:
    """Add or change an audit; a new one without a web name gets one from its
    theme and year. The agencies taking part are set when given."""
    audit.theme = audit.theme.strip()
    audit.scope = audit.scope.strip()
    audit.method = audit.method.strip()
    if not audit.slug and audit.theme:
        chosen_year = audit._state.fields_cache.get("year")
        year = chosen_year.label if chosen_year is not None else ""
        audit.slug = _unique_slug(Audit, f"{audit.theme} {year}", pk=audit.pk)
    chosen = list(agencies) if agencies is not None else None
    current = chosen if chosen is not None else (list(audit.agencies.all()) if audit.pk else [])
    raise_problems(audit_problems(audit=audit, agencies=current))
    if audit.year_id is None:
        audit.year = ReportingYear.for_start_year(audit.year.start.year)
    is_new = audit.pk is None
    audit.save()
    if chosen is not None:
        # Only agencies named anew go on the list: one taken off it that a
        # past audit names stays off when that audit is corrected.
        had = set() if is_new else set(audit.agencies.values_list("pk", flat=True))
        audit.agencies.set(chosen)
        if audit.board is not None:  # a pan-area group's audit names no one board
            board_agencies_add(board=audit.board, agencies=[a for a in chosen if a.pk not in had])
    return audit


def finding_problems(*, finding: Finding) -> Problems:
    problems: Problems = {}
    if finding.kind not in FindingKind.values:
        add_problem(problems, "kind", "Choose a strength, an area for development or a concern.")
    # The kind and the text are worded here and in Finding.clean, once each.
    return _merge(problems, _model_problems(finding, exclude=["position", "kind", "text"]))


@transaction.atomic
def finding_add(*, audit: Audit, kind: str, text: str) -> Finding:
    """Add a finding after the audit's others."""
    last = audit.findings.order_by("-position").values_list("position", flat=True).first() or 0
    finding = Finding(audit=audit, position=last + 1, kind=kind, text=text.strip())
    raise_problems(finding_problems(finding=finding))
    finding.save()
    return finding


@transaction.atomic
def finding_save(*, finding: Finding) -> Finding:
    finding.text = finding.text.strip()
    if finding.position is None:
        last = (
            Finding.objects.filter(audit=finding.audit)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
            or 0
        )
        finding.position = last + 1
    raise_problems(finding_problems(finding=finding))
    finding.save()
    return finding


def _plan_for(
    *, kind: str, slug: str, title: str, period: str, starts_on: datetime.date, board: Board
) -> ActionPlan:
    """A new action plan of the board for a piece of assurance, made through
    the plans' own service at the first free address from `slug`. It runs
    from `starts_on` until its actions are complete."""
    return priorities_services.plan_create(
        board=board,
        slug=priorities_services.free_plan_slug(board=board, base=slug),
        title=title[:200],
        kind=kind,
        period=period[:40],
        starts_on=starts_on,
    )


@transaction.atomic
def audit_plan_ensure(*, audit: Audit, board: Board) -> ActionPlan:
    """The audit's action plan, made on `board` the first time it is needed
    (a pan-area audit's plan lives on the board that followed it up)."""
    if audit.plan_id is not None and audit.plan is not None:
        return audit.plan
    if board not in audit.boards_served():
        raise ValidationError({"board": f"This audit does not serve {board}."})
    audit.plan = _plan_for(
        kind=ActionPlan.Kind.AUDIT,
        slug=f"audit-{audit.slug}",
        title=f"Audit: {audit.theme}",
        period=audit.year.label,
        starts_on=audit.start or audit.year.start,
        board=board,
    )
    audit.save(update_fields=["plan"])
    return audit.plan


def _ref_problems(*, plan: ActionPlan | None, ref: str, description: str) -> Problems:
    problems: Problems = {}
    if not ref.strip():
        add_problem(problems, "ref", "Give the action a reference, for example 1a.")
    elif plan is not None and plan.actions.filter(ref=ref.strip()).exists():
        add_problem(problems, "ref", f"The action plan already has an action {ref.strip()}.")
    if not description.strip():
        add_problem(problems, "description", "Say what will be done.")
    return problems


def finding_action_problems(*, finding: Finding, ref: str, description: str) -> Problems:
    problems = _ref_problems(plan=finding.audit.plan, ref=ref, description=description)
    if finding.action_id is not None:
        add_problem(problems, "ref", "This finding already leads to an action.")
    return problems


@transaction.atomic
def finding_to_action(
    *, finding: Finding, board: Board, ref: str, description: str, **fields: Any
) -> Action:
    """Turn a finding into an action of its audit's action plan (made on the
    board the first time) and link the two, so the finding shows the action's
    current RAG."""
    raise_problems(finding_action_problems(finding=finding, ref=ref, description=description))
    plan = audit_plan_ensure(audit=finding.audit, board=board)
    action = priorities_services.action_create(
        plan=plan, ref=ref, description=description.strip(), **fields
    )
    finding.action = action
    finding.save(update_fields=["action"])
    return action


# Section 11


def standard_problems(*, standard: Section11Standard) -> Problems:
    problems = _model_problems(standard)
    owner = (
        {"board_id": standard.board_id} if standard.board_id else {"group_id": standard.group_id}
    )
    clash = Section11Standard.objects.filter(number=standard.number, **owner).exclude(
        pk=standard.pk
    )
    if standard.number is not None and clash.exists():
        add_problem(problems, "number", f"The set already has a standard {standard.number}.")
    return problems


@transaction.atomic
def standard_save(*, standard: Section11Standard) -> Section11Standard:
    """Add or change one numbered standard of a board's (or group's) set."""
    standard.title = standard.title.strip()
    raise_problems(standard_problems(standard=standard))
    standard.save()
    return standard


def round_problems(
    *, section11: Section11Round, standards: Iterable[Section11Standard] = ()
) -> Problems:
    problems = _model_problems(section11, exclude=[] if section11.slug else ["slug"])
    if (
        section11.slug
        and Section11Round.objects.filter(slug=section11.slug).exclude(pk=section11.pk).exists()
    ):
        add_problem(problems, "slug", f"Another round already has the web name {section11.slug}.")
    for standard in standards:
        if (standard.board_id, standard.group_id) != (section11.board_id, section11.group_id):
            add_problem(
                problems,
                "standards",
                f"Standard {standard.number} belongs to another set: choose the round's own.",
            )
    return problems


@transaction.atomic
def round_save(
    *, section11: Section11Round, standards: Iterable[Section11Standard] | None = None
) -> Section11Round:
    """Add or change a round; when standards are given they become its scope
    (what the round found on a standard it keeps is kept)."""
    section11.title = section11.title.strip()
    if not section11.slug and section11.title:
        section11.slug = _unique_slug(Section11Round, section11.title, pk=section11.pk)
    chosen = list(standards) if standards is not None else []
    raise_problems(round_problems(section11=section11, standards=chosen))
    section11.save()
    if standards is not None:
        keep = {s.pk for s in chosen}
        rated = Section11Rating.objects.filter(ret__round=section11).exclude(standard_id__in=keep)
        if rated.exists():
            raise ValidationError(
                {"standards": "Agencies have rated a standard left out: keep it in scope."}
            )
        section11.focus.exclude(standard_id__in=keep).delete()
        have = set(section11.focus.values_list("standard_id", flat=True))
        for standard in chosen:
            if standard.pk not in have:
                Section11Focus.objects.create(round=section11, standard=standard)
    return section11


def focus_problems(*, focus: Section11Focus) -> Problems:
    problems = _model_problems(focus)
    clash = Section11Focus.objects.filter(round=focus.round_id, standard=focus.standard_id)
    if clash.exclude(pk=focus.pk).exists():
        add_problem(problems, "standard", "That standard is already in the round's scope.")
    return problems


@transaction.atomic
def focus_save(*, focus: Section11Focus) -> Section11Focus:
    focus.findings = focus.findings.strip()
    raise_problems(focus_problems(focus=focus))
    focus.save()
    return focus


@dataclass
class RatingInput:
    """What a return says about one standard; an empty level rates nothing."""

    level: str = ""
    evidence: str = ""
    challenge_outcome: str = ""
    area_for_development: str = ""

    @property
    def empty(self) -> bool:
        return not (
            self.level or self.evidence or self.challenge_outcome or self.area_for_development
        )


def return_problems(
    *,
    section11: Section11Round,
    agency: Agency | None,
    submitted: bool,
    submitted_on: datetime.date | None,
    ratings: Mapping[int, RatingInput],
) -> Problems:
    """What is wrong with an agency's return: no agency; a date missing, in
    the future, or given for a return not submitted; ratings on a return not
    submitted; a rating of a standard outside the round's scope, a rating not
    on the scale, or evidence with no rating."""
    problems: Problems = {}
    if agency is None:
        add_problem(problems, "agency", "Choose the agency whose return this is.")
    ret = Section11Return(
        round=section11, agency=agency, submitted=submitted, submitted_on=submitted_on
    )
    _merge(problems, _model_problems(ret, exclude=["agency"] if agency is None else []))
    in_scope = dict(section11.focus.values_list("standard_id", "standard__number"))
    for standard_id, given in ratings.items():
        if given.empty:
            continue
        name = f"standard_{standard_id}"
        if standard_id not in in_scope:
            add_problem(
                problems, "__all__", "A rating was given for a standard outside this round."
            )
            continue
        number = in_scope[standard_id]
        if given.level and given.level not in Section11Level.values:
            add_problem(
                problems,
                f"{name}_level",
                f"Standard {number}: choose met, partially met or not met.",
            )
        elif not given.level:
            add_problem(
                problems, f"{name}_level", f"Standard {number}: choose a rating for what is given."
            )
        if not submitted:
            add_problem(
                problems,
                "submitted",
                "Ratings are recorded on a submitted return: tick submitted and give the date.",
            )
    return problems


@transaction.atomic
def return_record(
    *,
    section11: Section11Round,
    agency: Agency,
    submitted: bool,
    submitted_on: datetime.date | None,
    ratings: Mapping[int, RatingInput] | None = None,
    notes: str = "",
) -> Section11Return:
    """Record an agency's return, in one go: whether it came in, when, and
    its rating of each standard in scope. A return already recorded for the
    agency is changed (its history keeps what it was); a standard left blank
    loses its rating, unless that rating already leads to an action."""
    ratings = ratings or {}
    raise_problems(
        return_problems(
            section11=section11,
            agency=agency,
            submitted=submitted,
            submitted_on=submitted_on,
            ratings=ratings,
        )
    )
    ret = Section11Return.objects.filter(round=section11, agency=agency).first()
    if ret is None:
        ret = Section11Return(round=section11, agency=agency)
    ret.submitted, ret.submitted_on, ret.notes = submitted, submitted_on, notes.strip()
    ret.full_clean()
    ret.save()
    existing = {r.standard_id: r for r in ret.ratings.all()}
    for standard_id, given in ratings.items():
        rating = existing.get(standard_id)
        if given.empty:
            if rating is not None and rating.action_id is None:
                rating.delete()
            continue
        rating = rating or Section11Rating(ret=ret, standard_id=standard_id)
        rating.level = given.level
        rating.evidence = given.evidence.strip()
        rating.challenge_outcome = given.challenge_outcome.strip()
        rating.area_for_development = given.area_for_development.strip()
        rating.full_clean()
        rating.save()
    return ret


def rating_problems(*, rating: Section11Rating) -> Problems:
    problems = _model_problems(rating)
    if rating.level not in Section11Level.values:
        add_problem(problems, "level", "Choose met, partially met or not met.")
    return problems


@transaction.atomic
def rating_save(*, rating: Section11Rating) -> Section11Rating:
    """The admin's way in for one rating."""
    raise_problems(rating_problems(rating=rating))
    rating.save()
    return rating


def return_save_problems(*, ret: Section11Return) -> Problems:
    problems = _model_problems(ret)
    if not ret.submitted and ret.pk and ret.ratings.exists():
        add_problem(problems, "submitted", "This return has ratings: it was submitted.")
    return problems


@transaction.atomic
def return_save(*, ret: Section11Return) -> Section11Return:
    """The admin's way in for a return; ratings stay as they are, so a return
    with ratings stays submitted."""
    raise_problems(return_save_problems(ret=ret))
    ret.save()
    return ret


@transaction.atomic
def round_plan_ensure(*, section11: Section11Round, board: Board) -> ActionPlan:
    if section11.plan_id is not None and section11.plan is not None:
        return section11.plan
    if board not in section11.boards_served():
        raise ValidationError({"board": f"This round does not serve {board}."})
    section11.plan = _plan_for(
        kind=ActionPlan.Kind.SECTION_11,
        slug=f"section-11-{section11.slug}",
        title=f"Section 11: {section11.title}",
        period=section11.year.label,
        starts_on=section11.year.start,
        board=board,
    )
    section11.save(update_fields=["plan"])
    return section11.plan


@transaction.atomic
def rating_to_action(
    *, rating: Section11Rating, board: Board, ref: str, description: str, **fields: Any
) -> Action:
    """Turn an area for development into an action of the round's plan."""
    section11 = rating.ret.round
    problems = _ref_problems(plan=section11.plan, ref=ref, description=description)
    if rating.action_id is not None:
        add_problem(problems, "ref", "This area for development already leads to an action.")
    raise_problems(problems)
    plan = round_plan_ensure(section11=section11, board=board)
    action = priorities_services.action_create(
        plan=plan, ref=ref, description=description.strip(), **fields
    )
    rating.action = action
    rating.save(update_fields=["action"])
    return action


# Inspections


def inspection_problems(*, inspection: Inspection, plans: Iterable[ActionPlan] = ()) -> Problems:
    """The model's rules (dates in order, published after the inspection
    began), a slug another inspection has, and plans that are not this
    board's inspection plans or already belong to another inspection."""
    # A blank web name is made when saved, and a missing year from the start.
    exclude = [] if inspection.slug else ["slug"]
    if not inspection.year_id and inspection.start is not None:
        exclude.append("year")
    problems = _model_problems(inspection, exclude=exclude)
    if (
        inspection.slug
        and Inspection.objects.filter(slug=inspection.slug).exclude(pk=inspection.pk).exists()
    ):
        add_problem(
            problems, "slug", f"Another inspection already has the web name {inspection.slug}."
        )
    for plan in plans:
        if plan.kind != ActionPlan.Kind.INSPECTION:
            add_problem(problems, "plans", f"{plan} is not an inspection's action plan.")
        elif plan.board_id != inspection.board_id:
            add_problem(problems, "plans", f"{plan} belongs to another board.")
        elif plan.inspections.exclude(pk=inspection.pk).exists():
            add_problem(problems, "plans", f"{plan} already belongs to another inspection.")
    return problems


@transaction.atomic
def inspection_save(
    *, inspection: Inspection, plans: Iterable[ActionPlan] | None = None
) -> Inspection:
    inspection.inspectorate = inspection.inspectorate.strip()
    inspection.kind = inspection.kind.strip()
    if not inspection.year_id and inspection.start is not None:
        inspection.year = reporting_year_of(inspection.start)
    if not inspection.slug and inspection.inspectorate:
        year = f" {inspection.start.year}" if inspection.start else ""
        inspection.slug = _unique_slug(
            Inspection, f"{inspection.inspectorate}{year}", pk=inspection.pk
        )
    chosen = list(plans) if plans is not None else []
    raise_problems(inspection_problems(inspection=inspection, plans=chosen))
    inspection.save()
    if plans is not None:
        inspection.plans.set(chosen)
    return inspection


def judgement_problems(*, judgement: Judgement) -> Problems:
    problems = _model_problems(judgement)
    # The service's own words for a blank area or grade stand alone.
    if not judgement.area.strip():
        problems["area"] = ["Name the area judged."]
    if not judgement.grade.strip():
        problems["grade"] = ["Give the grade in the inspectorate's words."]
    clash = Judgement.objects.filter(
        inspection=judgement.inspection_id, position=judgement.position
    ).exclude(pk=judgement.pk)
    if judgement.position is not None and clash.exists():
        add_problem(problems, "position", f"The table already has a line {judgement.position}.")
    return problems


@transaction.atomic
def judgement_save(*, judgement: Judgement) -> Judgement:
    judgement.area = judgement.area.strip()
    judgement.grade = judgement.grade.strip()
    raise_problems(judgement_problems(judgement=judgement))
    judgement.save()
    return judgement


def reporting_year_of(day: datetime.date | None) -> ReportingYear:
    """The reporting year holding the day (today when none), made if new."""
    return ReportingYear.objects.for_date(day or timezone.localdate())
