"""Action plans to and from spreadsheets (CSV and XLSX).

The export and the import share one list of columns, so a plan exported and
imported again comes back identical. The import never saves as it reads: it
builds a preview of every row (create, change, unchanged, or its errors),
and only a confirmed preview with no errors is saved, in one transaction.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from board.models import Group
from priorities import services
from priorities.models import Action, ActionPlan, Assessment, EvidenceType, Priority, Rating
from priorities.selectors import with_current_ratings

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


class SpreadsheetError(Exception):
    """The file as a whole cannot be read as an action plan."""


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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in plan_rows(plan):
        writer.writerow([v.isoformat() if isinstance(v, datetime.date) else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(plan: ActionPlan) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    sheet.append(COLUMNS)
    for row in plan_rows(plan):
        sheet.append(row)
    for cell in sheet["E"][1:] + sheet["N"][1:]:
        cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading ----------------------------------------------------------------


def _size(n: int) -> str:
    if n >= 1_048_576:
        return f"{n / 1_048_576:.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def check_size(size: int) -> None:
    limit = settings.ASSURE_MAX_UPLOAD_BYTES
    if size > limit:
        raise SpreadsheetError(
            f"The file is {_size(size)}; the largest Assure accepts is {_size(limit)}."
        )


def read_rows(name: str, content: bytes) -> list[dict[str, Any]]:
    """The file's data rows as dicts keyed by column name, or SpreadsheetError."""
    check_size(len(content))
    if not content.strip():
        raise SpreadsheetError("The file is empty.")
    if content[:4] == b"PK\x03\x04":
        table = _xlsx_table(content)
    elif name.lower().endswith(".csv") or not _looks_binary(content):
        table = _csv_table(content)
    else:
        raise SpreadsheetError(
            "The file is not a spreadsheet: upload a CSV or an Excel (XLSX) file."
        )
    table = [row for row in table if any(str(v).strip() for v in row if v is not None)]
    if not table:
        raise SpreadsheetError("The file is empty.")
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
    rows = []
    for values in table[1:]:
        padded = [_plain(v) for v in values] + [None] * (len(header) - len(values))
        rows.append({h: padded[i] for i, h in enumerate(header) if h})
    return rows


def _plain(value: Any) -> Any:
    """A cell as JSON can hold it, so a preview can wait in the session."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _looks_binary(content: bytes) -> bool:
    return b"\x00" in content[:2048]


def _xlsx_table(content: bytes) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SpreadsheetError(
            "The file is not a spreadsheet Assure can read: it is not a valid XLSX file."
        ) from None
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_table(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise SpreadsheetError(
                "The file is not a spreadsheet: its text could not be read."
            ) from None
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file could not be read: {exc}.") from None


# --- preview and save -------------------------------------------------------


@dataclass
class RowResult:
    number: int  # the spreadsheet row number, counting the header as row 1
    ref: str
    status: str = "unchanged"  # create, change, unchanged, error
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    assessment: dict[str, Any] | None = None


@dataclass
class Preview:
    rows: list[RowResult]

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.errors

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def assessments(self) -> int:
        return sum(1 for r in self.rows if r.assessment and not r.errors)


class _Context:
    """What a row is checked against, read once per preview."""

    def __init__(self, plan: ActionPlan) -> None:
        self.plan = plan
        self.priorities = {p.number: p for p in Priority.objects.filter(plan=plan)}
        self.actions = {
            a.ref: a
            for a in with_current_ratings(Action.objects.filter(plan=plan)).select_related(
                "priority"
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


def preview_import(plan: ActionPlan, rows: list[dict[str, Any]]) -> Preview:
    context = _Context(plan)
    results = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows, start=2):
        result = _check_row(context, index, row)
        if result.ref:
            if result.ref in seen:
                result.errors.append(
                    f"Ref {result.ref} is also on row {seen[result.ref]}; each ref appears once."
                )
            else:
                seen[result.ref] = index
        if result.errors:
            result.status = "error"
        results.append(result)
    return Preview(results)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _check_row(context: _Context, number: int, row: dict[str, Any]) -> RowResult:
    ref = _text(row.get("Ref")).rstrip(".")
    result = RowResult(number=number, ref=ref)
    if not ref:
        result.errors.append("The ref is missing.")
    elif len(ref) > REF_LENGTH:
        result.errors.append(f"The ref {ref!r} is longer than {REF_LENGTH} characters.")
    values: dict[str, Any] = {
        column_field: _text(row.get(column)) for column, column_field in TEXT_FIELDS.items()
    }
    if not values["description"]:
        result.errors.append("The action text is missing.")
    values["priority"] = _priority(context, row, result)
    values["due_date"] = _date(row.get("Due date"), "due date", result)
    values["oversight_group"] = _group(
        context, row.get("Oversight group"), "oversight group", result
    )
    values["reporting_to"] = _group(context, row.get("Reporting to"), "reporting to", result)
    for model_field, value in values.items():
        limit = getattr(Action._meta.get_field(model_field), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            result.errors.append(
                f"The {model_field.replace('_', ' ')} is longer than {limit} characters."
            )
    result.values = values
    result.assessment = _assessment(context, row, result)
    existing = context.actions.get(ref)
    if existing is None:
        result.status = "create"
    else:
        result.changes = [
            str(cast(Field, Action._meta.get_field(name)).verbose_name).capitalize()
            for name, value in values.items()
            if getattr(existing, name) != value
        ]
        if result.changes:
            result.status = "change"
    if result.assessment and result.status == "unchanged":
        result.status = "change"
    return result


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
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
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


def _assessment(context: _Context, row: dict[str, Any], result: RowResult) -> dict[str, Any] | None:
    process = _rating(row.get("Process rating"), "process rating", result)
    impact = _rating(row.get("Impact rating"), "impact rating", result)
    if not process and not impact:
        return None
    if not (process and impact):
        result.errors.append("Give both a process rating and an impact rating, or neither.")
        return None
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
    assessed_on = _date(row.get("Assessed on"), "assessed on date", result) or timezone.localdate()
    commentary, evidence = _text(row.get("Commentary")), _text(row.get("Evidence"))
    problems = services.assessment_problems(
        process=process,
        impact=impact,
        commentary=commentary,
        evidence_types=types,
        evidence=evidence,
    )
    result.errors.extend(problems.values())
    return {
        "process": process,
        "impact": impact,
        "assessed_on": assessed_on,
        "commentary": commentary,
        "evidence_types": types,
        "evidence": evidence,
    }


@transaction.atomic
def import_save(*, plan: ActionPlan, rows: list[dict[str, Any]], recorded_by: Any) -> Preview:
    """Check the rows against the plan as it is now and save them all, or
    raise ValueError and save nothing."""
    preview = preview_import(plan, rows)
    if not preview.valid:
        raise ValueError("The import has errors; nothing was saved.")
    existing = {a.ref: a for a in Action.objects.filter(plan=plan)}
    next_position = max((a.position for a in existing.values()), default=0)
    for row in preview.rows:
        action = existing.get(row.ref)
        if action is None:
            next_position += 1
            action = Action(plan=plan, ref=row.ref, position=next_position, **row.values)
            action.full_clean()
            action.save()
        elif row.changes:
            action = services.action_update(
                action_id=action.pk, expected_version=action.version, changes=row.values
            )
        if row.assessment:
            services.assessment_record(action=action, recorded_by=recorded_by, **row.assessment)
    return preview
