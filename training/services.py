"""Every write to training figures: keyword-only, typed, one transaction
each. The rules live here (and in the models' clean, which every path runs),
so the form, the fixtures and any later import refuse the same things."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from board.models import Board, Group, ReportingYear
from training.models import Mode, StatedFigure, TrainingFigures

Problems = dict[str, list[str]]


def _add(problems: Problems, name: str, message: str) -> None:
    problems.setdefault(name, []).append(message)


def _model_problems(instance: Any) -> Problems:
    try:
        instance.full_clean(exclude=["year"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {}


def _raise(problems: Problems) -> None:
    if problems:
        raise ValidationError(problems)  # type: ignore[arg-type]


def _same_owner(model: type[Any], record: Any, year: ReportingYear) -> Any:
    owner = {"board_id": record.board_id} if record.board_id else {"group_id": record.group_id}
    return model.objects.filter(year__label=year.label, mode=record.mode, **owner)


def _owner_problems(record: TrainingFigures | StatedFigure) -> Problems:
    problems: Problems = {}
    if record.quarter is not None and record.quarter not in (1, 2, 3, 4):
        _add(problems, "quarter", "A quarter is 1, 2, 3 or 4 of its reporting year.")
    if record.mode not in Mode.values:
        _add(problems, "mode", "Choose a delivery mode from the list.")
    return problems


def figures_problems(*, figures: TrainingFigures, year: ReportingYear) -> Problems:
    """What is wrong with a period's figures: the model's rules (counts not
    negative, percentages 0 to 100, completed not above registered, attended
    not above places), a quarter outside its year, and a year recorded both
    whole and by quarter, which would count the same training twice."""
    problems = _owner_problems(figures)
    for name, messages in _model_problems(figures).items():
        for message in messages:
            if message not in problems.get(name, []):
                _add(problems, name, message)
    if problems or not (figures.board_id or figures.group_id):
        return problems
    others = _same_owner(TrainingFigures, figures, year).exclude(pk=figures.pk)
    mode = Mode(figures.mode).label.lower()
    if figures.quarter is None:
        quarters = sorted(q for q in others.values_list("quarter", flat=True) if q)
        if quarters:
            listed = ", ".join(str(q) for q in quarters)
            _add(
                problems,
                "quarter",
                f"{year} already has {mode} figures by quarter (quarter {listed}): record "
                "the year by quarter, so the total is not counted twice.",
            )
    elif others.filter(quarter__isnull=True).exists():
        _add(
            problems,
            "quarter",
            f"{year} already has {mode} figures for the whole year: change those, "
            "so the total is not counted twice.",
        )
    return problems


def _saved_year(year: ReportingYear) -> ReportingYear:
    if year.pk is not None:
        return year
    return ReportingYear.for_start_year(year.start.year)


@transaction.atomic
def figures_save(*, figures: TrainingFigures, year: ReportingYear) -> TrainingFigures:
    """Record a period's figures for a mode: a period already recorded is
    changed (its history keeps what it was), a new one added. Everything is
    checked before anything is saved."""
    if figures.pk is None:
        existing = (
            _same_owner(TrainingFigures, figures, year)
            .filter(quarter=figures.quarter)
            .values_list("pk", flat=True)
            .first()
            if figures.quarter is not None
            else _same_owner(TrainingFigures, figures, year)
            .filter(quarter__isnull=True)
            .values_list("pk", flat=True)
            .first()
        )
        if existing is not None:
            figures.pk = existing
            figures._state.adding = False
    figures.notes = figures.notes.strip()
    _raise(figures_problems(figures=figures, year=year))
    figures.year = _saved_year(year)
    figures.save()
    return figures


def figures_record(
    *,
    owner: Board | Group,
    year: ReportingYear,
    quarter: int | None,
    mode: str,
    values: dict[str, Any],
    notes: str = "",
) -> TrainingFigures:
    """The form's way in: the period's figures from a mapping of field names
    to values (a blank is None)."""
    figures = TrainingFigures(
        board=owner if isinstance(owner, Board) else None,
        group=owner if isinstance(owner, Group) else None,
        year=year,
        quarter=quarter,
        mode=mode,
        notes=notes,
        **values,
    )
    return figures_save(figures=figures, year=year)


def stated_figure_problems(*, stated: StatedFigure, year: ReportingYear) -> Problems:
    """The model's rules (a percentage 0 to 100, a count a whole number),
    a quarter outside its year and a measure Assure does not know."""
    problems = _owner_problems(stated)
    if stated.measure not in StatedFigure.Measure.values:
        _add(problems, "measure", "Choose a measure from the list.")
    for name, messages in _model_problems(stated).items():
        for message in messages:
            if message not in problems.get(name, []):
                _add(problems, name, message)
    return problems


@transaction.atomic
def stated_figure_save(*, stated: StatedFigure, year: ReportingYear) -> StatedFigure:
    """Keep what a report states beside the computed figure: a figure already
    stated for the same period, mode and measure is changed, not doubled."""
    if stated.pk is None and (stated.board_id or stated.group_id):
        period = (
            {"quarter": stated.quarter} if stated.quarter is not None else {"quarter__isnull": True}
        )
        existing = (
            _same_owner(StatedFigure, stated, year)
            .filter(measure=stated.measure, change=stated.change, **period)
            .values_list("pk", flat=True)
            .first()
        )
        if existing is not None:
            stated.pk = existing
            stated._state.adding = False
    stated.wording = stated.wording.strip()
    stated.explanation = stated.explanation.strip()
    _raise(stated_figure_problems(stated=stated, year=year))
    stated.year = _saved_year(year)
    stated.save()
    return stated


def stated_figure_record(
    *,
    owner: Board | Group,
    year: ReportingYear,
    quarter: int | None,
    mode: str,
    measure: str,
    change: bool,
    value: Any,
    wording: str = "",
    explanation: str = "",
) -> StatedFigure:
    """The form's way in for a figure a report states."""
    stated = StatedFigure(
        board=owner if isinstance(owner, Board) else None,
        group=owner if isinstance(owner, Group) else None,
        year=year,
        quarter=quarter,
        mode=mode,
        measure=measure,
        change=change,
        value=value,
        wording=wording,
        explanation=explanation,
    )
    return stated_figure_save(stated=stated, year=year)
