"""Action plans to and from spreadsheets (CSV and XLSX).

The export and the import share one list of columns, so a plan exported and
imported again comes back identical. Both go through core.spreadsheets, the
one writer that keeps a cell from running as a formula.

The import never saves as it reads: it builds a preview of every row (create,
change, unchanged, conflict, or its errors), and only a confirmed preview with
no errors is saved, in one transaction, through the same services as the
forms. A column missing from the file means "not in this file": it changes
nothing. Each row's "Version" (written by the export) says which version of
the action the file was made from, so an older file cannot undo newer edits;
and the preview pins the version of every action it shows, so the confirm
refuses if anyone changed one of them since.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from board.models import Group
from core import spreadsheets as sheets
from core.validators import validate_ref
from priorities import services
from priorities.models import Action, ActionPlan, Assessment, EvidenceType, Priority, Rating
from priorities.selectors import with_current_ratings

VERSION = "Version"
COLUMNS = [
    "Ref",
    "Priority",
    "Action",
    "Timescale",
    "Due date",
    "Lead",
    "Oversight group",
    "Reporting to",
    "Oversight and reporting",
    "Impact expected",
    "How we will know",
    "Process rating",
    "Impact rating",
    "Assessed on",
    "Commentary",
    "Evidence types",
    "Evidence",
    VERSION,
]
REQUIRED = ("Ref", "Action")
REF_LENGTH: int = cast(Field, Action._meta.get_field("ref")).max_length or 0
TEXT_FIELDS = {
    "Action": "description",
    "Timescale": "timescale",
    "Lead": "lead",
    "Oversight and reporting": "oversight_note",
    "Impact expected": "impact_expected",
    "How we will know": "how_we_will_know",
}

#: The file as a whole cannot be read as an action plan.
SpreadsheetError = sheets.SpreadsheetError


# --- export -----------------------------------------------------------------


def plan_rows(plan: ActionPlan) -> list[list[Any]]:
    actions = with_current_ratings(
        Action.objects.filter(plan=plan).select_related(
            "priority", "oversight_group", "reporting_to"
        )
    ).order_by("position", "ref")
    latest = _latest_assessments(plan)
    rows = []
    for a in actions:
        assessment = latest.get(a.pk)
        rows.append(
            [
                a.ref,
                a.priority.number if a.priority else "",
                a.description,
                a.timescale,
                a.due_date or "",
                a.lead,
                _group_label(a.oversight_group),
                _group_label(a.reporting_to),
                a.oversight_note,
                a.impact_expected,
                a.how_we_will_know,
                a.current_process or "",  # type: ignore[attr-defined]
                a.current_impact or "",  # type: ignore[attr-defined]
                a.last_assessed or "",  # type: ignore[attr-defined]
                assessment.commentary if assessment else "",
                ", ".join(t.name for t in assessment.evidence_types.all()) if assessment else "",
                assessment.evidence if assessment else "",
                a.version,
            ]
        )
    return rows


def _latest_assessments(plan: ActionPlan) -> dict[int, Any]:
    latest: dict[int, Any] = {}
    for assessment in (
        Assessment.objects.filter(action__plan=plan)
        .prefetch_related("evidence_types")
        .order_by("action_id", "-assessed_on", "-recorded_at", "-id")
    ):
        latest.setdefault(assessment.action_id, assessment)
    return latest


def _group_label(group: Group | None) -> str:
    return (group.short_name or group.name) if group else ""


def export_csv(plan: ActionPlan) -> bytes:
    return sheets.write_csv([COLUMNS, *plan_rows(plan)])


def export_xlsx(plan: ActionPlan) -> bytes:
    return sheets.write_xlsx([COLUMNS, *plan_rows(plan)], sheet_title="Actions")


# --- reading ----------------------------------------------------------------


def check_size(size: int) -> None:
    limit = settings.ASSURE_MAX_UPLOAD_BYTES
    if size > limit:
        raise SpreadsheetError(
            f"The file is {sheets.describe_size(size)}; the largest Assure accepts is "
            f"{sheets.describe_size(limit)}."
        )


def read_rows(name: str, content: bytes) -> list[dict[str, Any]]:
    """The file's data rows as dicts keyed by the columns the file has (a
    column it lacks is absent from every row), or SpreadsheetError. Every
    value is plain JSON, so the rows can wait in the session for the confirm."""
    check_size(len(content))
    table = sheets.read_table(
        name,
        content,
        max_rows=settings.ASSURE_IMPORT_MAX_ROWS,
        max_unpacked_bytes=settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES,
    )
    header = [str(h).strip() if h is not None else "" for h in table[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(f"it has no {' or '.join(repr(m) for m in missing)} column")
        if unknown:
            parts.append(f"Assure does not know the columns {', '.join(repr(u) for u in unknown)}")
        raise SpreadsheetError(
            "The columns are wrong: "
            + "; ".join(parts)
            + f". The columns are: {', '.join(COLUMNS)}."
        )
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise SpreadsheetError(
            f"The columns are wrong: {', '.join(repr(h) for h in repeated)} appears more than "
            "once; keep one of each."
        )
    rows = []
    for values in table[1:]:
        padded = list(values) + [None] * (len(header) - len(values))
        rows.append({h: padded[i] for i, h in enumerate(header) if h})
    return rows


# --- preview and save -------------------------------------------------------

#: A cell this long is refused: it is more than a spreadsheet itself holds.
MAX_CELL_CHARACTERS = sheets.MAX_CELL_CHARACTERS


@dataclass
class Change:
    """One field a row would change, as people read it."""

    label: str
    old: str
    new: str


@dataclass
class RowResult:
    number: int  # the spreadsheet row number, counting the header as row 1
    ref: str
    status: str = "unchanged"  # create, change, unchanged, conflict, error
    errors: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    assessment: dict[str, Any] | None = None
    #: The action's version this row was compared with (None for a new action).
    pinned_version: int | None = None
    #: What someone changed in Assure since the version the row rests on.
    their_changes: list[services.FieldChange] = field(default_factory=list)

    @property
    def changed_fields(self) -> list[str]:
        return [c.label for c in self.changes]


@dataclass
class Preview:
    rows: list[RowResult]

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def conflicts(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "conflict"]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.errors

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def assessments(self) -> int:
        return sum(1 for r in self.rows if r.assessment and not r.errors)

    @property
    def pins(self) -> dict[str, int | None]:
        """Each row's ref and the version of its action the preview showed
        (None: no such action yet), for the session until the confirm."""
        return {r.ref: r.pinned_version for r in self.rows if r.ref}


class ImportConflict(Exception):
    """Rows whose action someone changed since the preview (or since the
    file was exported); nothing was saved."""

    def __init__(self, rows: list[RowResult]) -> None:
        super().__init__("Actions in this import were changed by someone else; nothing was saved.")
        self.rows = rows


class _Context:
    """What a row is checked against, read once per preview."""

    def __init__(self, plan: ActionPlan) -> None:
        self.plan = plan
        self.today = timezone.localdate()
        self.priorities = {p.number: p for p in Priority.objects.filter(plan=plan)}
        self.actions = {
            a.ref: a
            for a in with_current_ratings(Action.objects.filter(plan=plan)).select_related(
                "priority", "oversight_group", "reporting_to"
            )
        }
        groups = list(plan.board.groups.all())
        self.groups: dict[str, list[Group]] = {}
        for g in groups:
            for key in {g.slug, g.name, g.short_name}:
                if key:
                    self.groups.setdefault(key.casefold(), []).append(g)
        self.evidence = {}
        for t in EvidenceType.objects.all():
            self.evidence[t.slug.casefold()] = t
            self.evidence[t.name.casefold()] = t


def preview_import(
    plan: ActionPlan, rows: list[dict[str, Any]], *, pins: dict[str, int | None] | None = None
) -> Preview:
    """What the rows would do to the plan as it is now. With `pins` (the
    versions an earlier preview showed), a row whose action changed since
    that preview is a conflict."""
    context = _Context(plan)
    results = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows, start=2):
        result = _check_row(context, index, row, pins)
        if result.ref:
            if result.ref in seen:
                result.errors.append(
                    f"Ref {result.ref} is also on row {seen[result.ref]}; each ref appears once."
                )
            else:
                seen[result.ref] = index
        if result.errors and result.status != "conflict":
            result.status = "error"
        results.append(result)
    return Preview(results)


def _pin_conflict(context: _Context, result: RowResult, pins: dict[str, int | None]) -> bool:
    """True when the row's action is not as the preview showed it: someone
    changed, added or deleted it since."""
    existing = context.actions.get(result.ref)
    current = existing.version if existing else None
    pinned = pins.get(result.ref)
    if result.ref in pins and pinned == current:
        return False
    result.status = "conflict"
    if result.ref not in pins:
        result.errors.append(f"Action {result.ref} was not in the preview; upload the file again.")
    elif existing is None:
        result.errors.append(f"Action {result.ref} was deleted by someone else since the preview.")
    elif pinned is None:
        result.errors.append(f"Action {result.ref} was added by someone else since the preview.")
    else:
        result.errors.append(f"Action {result.ref} was changed by someone else since the preview.")
        result.their_changes = services.action_changes_since(action=existing, version=pinned)
    return True


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _same(name: str, old: Any, new: Any) -> bool:
    """Equal as Assure stores them (core.text): line endings and trailing
    spaces do not count (a spreadsheet's are not a browser's)."""
    return bool(Action.normalised(name, old) == Action.normalised(name, new))


def _shown(value: Any) -> str:
    """A field's value as the preview shows it: names, not ids."""
    if value is None:
        return ""
    if isinstance(value, Priority):
        return f"Priority {value.number}"
    if isinstance(value, Group):
        return value.name
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _check_cells(row: dict[str, Any], result: RowResult) -> None:
    """Refuse what no database column should hold: a NUL character
    (PostgreSQL rejects it) or more text than a spreadsheet cell holds."""
    for column, value in row.items():
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            result.errors.append(
                f"The {column} cell holds a NUL character (an invisible control character "
                "that Assure cannot store); remove it."
            )
        if len(value) > MAX_CELL_CHARACTERS:
            result.errors.append(
                f"The {column} cell is {len(value):,} characters long; a cell may hold at most "
                f"{MAX_CELL_CHARACTERS:,}."
            )


def _check_ref(ref: str, result: RowResult) -> None:
    if not ref:
        result.errors.append("The ref is missing.")
    elif len(ref) > REF_LENGTH:
        result.errors.append(f"The ref {ref!r} is longer than {REF_LENGTH} characters.")
    else:
        try:
            validate_ref(ref)
        except ValidationError as exc:
            result.errors.append(f"The ref {ref!r} cannot be used. {' '.join(exc.messages)}")


def _row_values(context: _Context, row: dict[str, Any], result: RowResult) -> dict[str, Any]:
    """The action's fields the file has columns for; a missing column means
    "not in this file" and changes nothing."""
    values: dict[str, Any] = {
        model_field: _text(row.get(column))
        for column, model_field in TEXT_FIELDS.items()
        if column in row
    }
    if "description" in values and not values["description"]:
        result.errors.append("The action text is missing.")
    if "Priority" in row:
        values["priority"] = _priority(context, row, result)
    if "Due date" in row:
        values["due_date"] = _date(row.get("Due date"), "due date", result)
    if "Oversight group" in row:
        values["oversight_group"] = _group(
            context, row.get("Oversight group"), "oversight group", result
        )
    if "Reporting to" in row:
        values["reporting_to"] = _group(context, row.get("Reporting to"), "reporting to", result)
    for model_field, value in values.items():
        limit = getattr(Action._meta.get_field(model_field), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            result.errors.append(
                f"The {model_field.replace('_', ' ')} is longer than {limit} characters."
            )
    return values


def _check_row(
    context: _Context, number: int, row: dict[str, Any], pins: dict[str, int | None] | None
) -> RowResult:
    ref = _text(row.get("Ref")).rstrip(".")
    result = RowResult(number=number, ref=ref)
    _check_cells(row, result)
    _check_ref(ref, result)
    if pins is not None and ref and _pin_conflict(context, result, pins):
        return result
    result.values = _row_values(context, row, result)
    existing = context.actions.get(ref)
    if existing is not None:
        result.pinned_version = existing.version
        if _check_file_version(existing, row, result):
            return result
    result.assessment = _assessment(context, row, result)
    if existing is None:
        result.status = "create"
        return result
    for name, value in result.values.items():
        old = getattr(existing, name)
        if not _same(name, old, value):
            label = str(cast(Field, Action._meta.get_field(name)).verbose_name).capitalize()
            result.changes.append(Change(label, _shown(old), _shown(value)))
    if result.changes or result.assessment:
        result.status = "change"
    return result


def _check_file_version(existing: Action, row: dict[str, Any], result: RowResult) -> bool:
    """True when the row rests on an older version of the action than Assure
    has: the row is a conflict, not a change, so an old file cannot undo newer edits."""
    raw = _text(row.get(VERSION))
    if not raw:
        return False
    try:
        version = int(raw)
    except ValueError:
        result.errors.append(
            f"The version {raw!r} is not a whole number; keep the Version column as Assure "
            "exported it."
        )
        return False
    if version > existing.version:
        result.errors.append(
            f"The file says version {version} of action {existing.ref}, but Assure has only "
            f"version {existing.version}: was the file exported from another plan?"
        )
        return False
    if version < existing.version:
        result.status = "conflict"
        result.errors.append(
            f"Action {existing.ref} was changed in Assure after this file was exported "
            f"(the file has version {version}, Assure has version {existing.version}). "
            "Export the plan again and make your changes in the new file."
        )
        result.their_changes = services.action_changes_since(action=existing, version=version)
        return True
    return False


def _priority(context: _Context, row: dict[str, Any], result: RowResult) -> Priority | None:
    raw = _text(row.get("Priority"))
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        number = -1
    priority = context.priorities.get(number)
    if priority is None:
        known = ", ".join(str(n) for n in sorted(context.priorities)) or "none"
        result.errors.append(f"Priority {raw!r} is not in this plan (its priorities: {known}).")
    return priority


def _date(raw: Any, label: str, result: RowResult) -> datetime.date | None:
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    result.errors.append(
        f"The {label} {text!r} is not a date; write it as 2016-03-31 or 31/03/2016."
    )
    return None


def _group(context: _Context, raw: Any, label: str, result: RowResult) -> Group | None:
    text = _text(raw)
    if not text:
        return None
    found = context.groups.get(text.casefold(), [])
    if len(found) == 1:
        return found[0]
    if not found:
        result.errors.append(f"The {label} {text!r} is not one of this board's groups.")
    else:
        result.errors.append(
            f"The {label} {text!r} matches more than one group; use the group's full name."
        )
    return None


def _rating(raw: Any, label: str, result: RowResult) -> str:
    text = _text(raw).upper()
    if text and text not in Rating.values:
        result.errors.append(
            f"The {label} {_text(raw)!r} is not a rating; use RED, AMBER, GREEN, BLUE or GREY."
        )
        return ""
    return text


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _ratings(
    context: _Context, row: dict[str, Any], result: RowResult
) -> tuple[str, str, str | None] | None:
    """The row's process and impact ratings, one of them carried over from
    the action's current assessment when the row gives only the other; and
    which one was carried over. None: no rating, or a refused one."""
    ratings = {
        "process": _rating(row.get("Process rating"), "process rating", result),
        "impact": _rating(row.get("Impact rating"), "impact rating", result),
    }
    if not any(ratings.values()):
        return None
    carried = None
    if not all(ratings.values()):
        carried = "impact" if not ratings["impact"] else "process"
        existing = context.actions.get(result.ref)
        current = getattr(existing, f"current_{carried}", None) if existing else None
        if not current:
            given = "process" if carried == "impact" else "impact"
            result.errors.append(
                f"Action {result.ref} has no {carried} rating yet to carry over: give "
                f"{_article(carried)} {carried} rating too, or leave the {given} rating blank."
            )
            return None
        ratings[carried] = current
    return ratings["process"], ratings["impact"], carried


def _assessment(context: _Context, row: dict[str, Any], result: RowResult) -> dict[str, Any] | None:
    rated = _ratings(context, row, result)
    if rated is None:
        return None
    process, impact, carried = rated
    existing = context.actions.get(result.ref)
    current = (
        getattr(existing, "current_process", None),
        getattr(existing, "current_impact", None),
    )
    if existing and current == (process, impact):
        return None
    names = [n.strip() for n in _text(row.get("Evidence types")).split(",") if n.strip()]
    types = []
    for name in names:
        found = context.evidence.get(name.casefold())
        if found is None:
            result.errors.append(f"The evidence type {name!r} is not one Assure knows.")
        else:
            types.append(found)
    assessed_on = _date(row.get("Assessed on"), "assessed on date", result) or context.today
    commentary, evidence = _text(row.get("Commentary")), _text(row.get("Evidence"))
    problems = services.assessment_problems(
        process=process,
        impact=impact,
        commentary=commentary,
        evidence_types=types,
        evidence=evidence,
        assessed_on=assessed_on,
    )
    note = ""
    if carried:
        value = process if carried == "process" else impact
        note = (
            f" (The {carried} rating {value} is carried over from action {result.ref}'s "
            "current assessment.)"
        )
    for name, message in problems.items():
        if name == "assessed_on":
            message = f"The assessed on date {assessed_on.isoformat()} is in the future: {message}"
        result.errors.append(message + (note if name in ("commentary", "evidence_types") else ""))
    return {
        "process": process,
        "impact": impact,
        "assessed_on": assessed_on,
        "commentary": commentary,
        "evidence_types": types,
        "evidence": evidence,
    }


@transaction.atomic
def import_save(
    *,
    plan: ActionPlan,
    rows: list[dict[str, Any]],
    pins: dict[str, int | None],
    recorded_by: Any,
) -> Preview:
    """Save the rows as the preview that pinned `pins` showed them, or save
    nothing: ImportConflict when any row's action changed since (or the file
    is older than an action), ValueError when a row no longer checks out.

    Changes go through services.action_update with the pinned version, so a
    colleague's edit that lands between this check and the write is refused
    there too, and the whole import rolls back.
    """
    preview = preview_import(plan, rows, pins=pins)
    if preview.conflicts:
        raise ImportConflict(preview.conflicts)
    if not preview.valid:
        raise ValueError("The import has errors; nothing was saved.")
    existing = {a.ref: a for a in Action.objects.filter(plan=plan)}
    for row in preview.rows:
        if row.status == "create":
            action = services.action_create(plan=plan, ref=row.ref, **row.values)
        else:
            action = existing[row.ref]
            if row.changes:
                try:
                    action = services.action_update(
                        action_id=action.pk,
                        expected_version=cast(int, row.pinned_version),
                        changes=row.values,
                    )
                except services.EditConflict as exc:
                    row.status = "conflict"
                    row.their_changes = exc.their_changes
                    raise ImportConflict([row]) from exc
        if row.assessment:
            services.assessment_record(action=action, recorded_by=recorded_by, **row.assessment)
    return preview
