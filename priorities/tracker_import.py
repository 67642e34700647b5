"""An action tracker in the board's own layout, into one of its action
plans (board.importing): whatever its columns are called, however it words
its ratings ("R", "Red", "On track", "Complete", "Not started", or numbers
the board says the meaning of), one RAG column per dimension or one for
both, priorities written "Priority 1: Neglect" or "1" (or as heading rows
above their actions), refs like "1.a" or "P1 A2", due dates as dates or as
text ("Q3 2026", "March 2027", "Ongoing").

A row is matched to an action of the plan by its ref (or, in a tracker with
no refs, by its action's words); a match is changed, anything else is a new
action. New ratings are recorded as an assessment dated as the file says
(or as at the date given for the file). Everything is saved through
priorities.services (priority_create, action_create, action_update with the
version the preview saw, assessment_record), so the import refuses what
the forms refuse: a RED or AMBER rating without commentary, a GREEN or BLUE
impact without evidence.

Assure's own export has its own import (priorities.spreadsheets), which
keeps to its columns and the versions it wrote.
"""

from __future__ import annotations

import datetime
import re
import string
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CharField, Field
from django.utils import timezone

from board import importing
from board.models import Group
from core import mapping as m
from core.forms import DateInput, GovukFormMixin
from core.validators import validate_ref
from priorities import services
from priorities.models import Action, ActionPlan, Priority, Rating
from priorities.selectors import with_current_ratings

#: Words trackers use for the five-point scale, the same for process and
#: impact; numbers are left for the board to say what they mean.
RATING_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("r", "red", "off track", "not on track", "behind", "behind schedule", "overdue"),
        Rating.RED,
    ),
    **dict.fromkeys(
        ("a", "amber", "at risk", "some slippage", "slipping", "partially on track"),
        Rating.AMBER,
    ),
    **dict.fromkeys(("g", "green", "on track", "on target", "good progress"), Rating.GREEN),
    **dict.fromkeys(
        ("b", "blue", "complete", "completed", "done", "closed", "achieved", "finished"),
        Rating.BLUE,
    ),
    **dict.fromkeys(
        ("grey", "gray", "not started", "not yet started", "not due", "not yet due"),
        Rating.GREY,
    ),
}

#: Timescales written as words with no date in them.
NO_DATE_WORDS = {"ongoing", "on going", "continuous", "tbc", "tbd", "to be confirmed", "n/a"}

_PRIORITY = re.compile(r"^(?:priority|p)?\s*(?:no\.?\s*)?(\d{1,2})\s*(?:[:.)\-–—]\s*(.*))?$", re.I)
_NUMERIC_DATE = re.compile(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}$")


def _limit(name: str) -> int:
    return cast(CharField, Action._meta.get_field(name)).max_length or 10_000


class TrackerOptions(GovukFormMixin, forms.Form):
    plan = forms.ChoiceField(
        label="Which action plan is this the tracker of?",
        error_messages={"required": "Choose the action plan to import into."},
    )
    as_at = forms.DateField(
        label="The ratings in this file are as at",
        widget=DateInput(),
        help_text="The date of the assessments recorded from this file, where a row gives none. "
        "For example, 30 11 2026.",
        required=False,
    )
    order = forms.ChoiceField(
        label="How does the file write its dates?",
        choices=list(m.DATE_ORDERS.items()),
        initial=m.DAY_FIRST,
        widget=forms.RadioSelect,
    )
    quarters = forms.ChoiceField(
        label='Due dates written as quarters ("Q3 2026") are',
        choices=list(m.QUARTERS.items()),
        initial=m.FINANCIAL,
        widget=forms.RadioSelect,
        help_text='"Q3 2026-27" is always a quarter of the financial year.',
    )

    def __init__(self, *args: Any, board: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a plan"),
            *(
                (p.slug, f"{p.title}{f' ({p.period})' if p.period else ''}")
                for p in ActionPlan.objects.filter(board=board).order_by("title")
            ),
        ]


@dataclass
class _Context:
    plan: ActionPlan
    today: datetime.date
    as_at: datetime.date | None
    priorities: dict[int, Priority]
    titles: dict[str, int]
    actions: dict[str, Action]
    by_words: dict[str, list[Action]]
    groups: dict[str, Group]
    new_priorities: dict[int, str] = field(default_factory=dict)
    refs: set[str] = field(default_factory=set)


@importing.register
class TrackerImporter(importing.Importer):
    kind = "action-tracker"
    noun = "an action tracker"
    title = "Import an action tracker"
    section = "priorities:plans"
    guidance = [
        "A row per action, in any columns: its ref, priority, the action, its lead, due date, "
        "ratings, commentary and evidence. Rows that only name a priority (a heading above its "
        "actions) give the rows below them their priority.",
        "Ratings in your own words (R, Red, On track, Complete, Not started, or numbers 1 to "
        "5): you say what each means, for process and for impact, or for one column that rates "
        "both.",
        "A row whose ref matches an action of the plan changes that action; a new rating is "
        "recorded as an assessment, with the plan's rules (commentary for RED and AMBER, "
        "evidence for a GREEN or BLUE impact).",
    ]
    fields = [
        m.Field(
            "ref",
            "Ref",
            aliases=(
                "reference",
                "action ref",
                "action no",
                "action number",
                "no",
                "number",
                "id",
                "item",
            ),
            hint='Such as "1a", "1.a" or "P1 A2" (spaces become hyphens). Without a ref column, '
            "rows are matched to actions by their words.",
        ),
        m.Field(
            "priority",
            "Priority",
            aliases=("priority area", "strategic priority", "objective", "priority number"),
            hint='"Priority 1: Neglect", "P1" or "1"; a priority the plan lacks is added when it '
            "is given a title.",
        ),
        m.Field(
            "description",
            "Action",
            required=True,
            aliases=(
                "actions",
                "action description",
                "description",
                "what we will do",
                "what",
                "activity",
                "task",
                "key actions",
                "actions to be taken",
            ),
            hint="What will be done.",
        ),
        m.Field(
            "timescale",
            "Timescale",
            aliases=("timeframe", "time frame", "when"),
            hint="As written; a due date written as words is kept here too.",
        ),
        m.Field(
            "due_date",
            "Due date",
            aliases=(
                "due",
                "deadline",
                "target date",
                "completion date",
                "date due",
                "by when",
                "target completion date",
            ),
            hint='A date, or "Q3 2026", "March 2027" (the end of it), or words such as "Ongoing" '
            "(no due date).",
        ),
        m.Field(
            "lead",
            "Lead",
            aliases=(
                "lead officer",
                "lead person",
                "owner",
                "responsible",
                "responsible officer",
                "who",
                "action owner",
                "lead agency",
                "leads",
                "responsibility",
            ),
            hint="Who leads it, as written.",
        ),
        m.Field(
            "oversight_group",
            "Oversight group",
            kind=m.CHOICE,
            aliases=("oversight", "sub group", "subgroup", "responsible group", "group"),
        ),
        m.Field(
            "reporting_to",
            "Reporting to",
            kind=m.CHOICE,
            aliases=("reports to", "accountable to"),
        ),
        m.Field(
            "impact_expected",
            "Impact expected",
            aliases=(
                "outcome",
                "outcomes",
                "expected outcome",
                "intended outcome",
                "expected impact",
                "intended impact",
                "desired outcome",
            ),
        ),
        m.Field(
            "how_we_will_know",
            "How we will know",
            aliases=(
                "how will we know",
                "measure",
                "measures",
                "success measure",
                "success criteria",
                "measure of success",
                "evidence of success",
            ),
        ),
        m.Field(
            "process",
            "Process rating",
            kind=m.CHOICE,
            aliases=(
                "process rag",
                "process",
                "progress rag",
                "progress rating",
                "rag progress",
                "status",
                "progress status",
                "rag process",
            ),
            hint="How the work is going, in the file's words.",
        ),
        m.Field(
            "impact",
            "Impact rating",
            kind=m.CHOICE,
            aliases=("impact rag", "rag impact", "outcome rag", "outcome rating", "impact"),
            hint="What difference it made, in the file's words.",
        ),
        m.Field(
            "rating",
            "Rating for process and impact (one column)",
            kind=m.CHOICE,
            aliases=("rag", "rag rating", "rag status", "overall rag", "rating", "current rag"),
            hint='One word rates both; two, as "Amber/Green", rate process then impact. Where '
            "a process or impact column is mapped too, it wins.",
        ),
        m.Field(
            "commentary",
            "Commentary",
            aliases=(
                "comments",
                "update",
                "progress update",
                "latest update",
                "progress",
                "progress to date",
                "narrative",
                "commentary update",
            ),
            hint="Why the rating is what it is.",
        ),
        m.Field(
            "evidence",
            "Evidence",
            aliases=("evidence of impact", "evidence notes", "supporting evidence"),
        ),
        m.Field(
            "assessed_on",
            "Date of the rating",
            kind=m.DATE,
            aliases=(
                "date of update",
                "update date",
                "updated",
                "last updated",
                "as at",
                "rag date",
                "date assessed",
                "assessed on",
            ),
        ),
        m.Field("notes", "Notes", aliases=("other notes", "additional notes")),
    ]

    def options_form(self, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
        return TrackerOptions(data, initial=initial, board=self.board)

    def _plan(self) -> ActionPlan | None:
        slug = str(self.options.get("plan") or "")
        return ActionPlan.objects.filter(board=self.board, slug=slug).first() if slug else None

    def choices(self, f: m.Field) -> list[tuple[str, str]]:
        if f.name in ("process", "impact", "rating"):
            return [(value, str(label)) for value, label in Rating.choices]
        if f.name in ("oversight_group", "reporting_to"):
            return [(g.slug, g.name) for g in self.board.groups.order_by("kind", "name")]
        return []

    def known_words(self, f: m.Field) -> dict[str, str]:
        if f.name in ("process", "impact", "rating"):
            return dict(RATING_WORDS)
        if f.name in ("oversight_group", "reporting_to"):
            return {
                m.word_key(name): g.slug
                for g in self.board.groups.all()
                for name in (g.name, g.short_name, g.slug)
                if name
            }
        return {}

    def split(self, f: m.Field) -> Any:
        if f.name == "rating":
            return _split_rating
        return None

    def done_url(self) -> str:
        plan = self._plan()
        return plan.get_absolute_url() if plan else super().done_url()

    # --- the preview -----------------------------------------------------------

    def _context(self, plan: ActionPlan) -> _Context:
        priorities = {p.number: p for p in Priority.objects.filter(plan=plan)}
        actions = list(
            with_current_ratings(Action.objects.filter(plan=plan)).select_related(
                "priority", "oversight_group", "reporting_to"
            )
        )
        by_words: dict[str, list[Action]] = {}
        for action in actions:
            by_words.setdefault(m.word_key(action.description), []).append(action)
        as_at = self.options.get("as_at")
        return _Context(
            plan=plan,
            today=timezone.localdate(),
            as_at=datetime.date.fromisoformat(as_at) if as_at else None,
            priorities=priorities,
            titles={m.word_key(p.title): n for n, p in priorities.items()},
            actions={a.ref: a for a in actions},
            by_words=by_words,
            groups={g.slug: g for g in self.board.groups.all()},
            refs={a.ref for a in actions},
        )

    def preview(self, table: m.Table, mapping: m.Mapping) -> m.Preview:
        preview = m.Preview()
        plan = self._plan()
        if plan is None:
            preview.problems.append(
                m.CellProblem(None, "", "", "choose the action plan the tracker is for.")
            )
            return preview
        context = self._context(plan)
        current: int | None = None
        seen: dict[str, int] = {}
        entries: list[dict[str, Any]] = []
        for number, values in table.rows:
            row = m.PreviewRow(number=number)
            preview.rows.append(row)
            cells = m.RowCells(table, mapping, row, values, self.fields)
            heading = self._heading(cells, context)
            if heading is not None:
                current = heading
                continue
            entry = self._row(cells, context, current)
            if entry is None:
                continue
            ref = entry["ref"]
            if ref in seen:
                cells.refuse("ref", f"ref {ref} is also on row {seen[ref]}; each ref appears once.")
            seen.setdefault(ref, number)
            if not row.problems and row.status != m.UNCHANGED:
                entries.append(entry)
        for number_, title in sorted(context.new_priorities.items()):
            preview.plan.append({"op": "priority", "number": number_, "title": title})
            preview.notes.append(f"Priority {number_}, {title}, will be added to {plan.title}.")
        preview.plan += entries
        assessments = sum(1 for e in entries if e["assessment"])
        preview.notes.insert(
            0,
            f"This import would add {preview.count(m.NEW)} actions to {plan.title}, change "
            f"{preview.count(m.CHANGE)} and leave {preview.count(m.UNCHANGED)} as they are; "
            f"{assessments} new assessment{'s' if assessments != 1 else ''} would be recorded.",
        )
        return preview

    def _priority_of(
        self, cells: m.RowCells, text: str, context: _Context, name: str
    ) -> int | None:
        """The priority a cell names: its number (added to the plan when the
        cell gives a title and the plan lacks it), or by its title."""
        found = _PRIORITY.match(" ".join(text.split()))
        if found:
            number, title = int(found.group(1)), (found.group(2) or "").strip()
            if number in context.priorities or number in context.new_priorities:
                return number
            if not title:
                known = ", ".join(str(n) for n in sorted(context.priorities)) or "none yet"
                cells.refuse(
                    name,
                    f"{context.plan.title} has no priority {number} (its priorities: {known}); "
                    f'write it as "Priority {number}: its title" to add it.',
                )
                return None
            limit = cast(CharField, Priority._meta.get_field("title")).max_length or 300
            if len(title) > limit:
                cells.refuse(name, f"the priority's title is longer than {limit} characters.")
                return None
            context.new_priorities[number] = title
            return number
        by_title = context.titles.get(m.word_key(text))
        if by_title is None:
            for n, title in context.new_priorities.items():
                if m.word_key(title) == m.word_key(text):
                    by_title = n
        if by_title is None:
            cells.refuse(
                name,
                f"{text!r} is not a priority of {context.plan.title}: write its number, or "
                '"Priority 3: its title" to add it.',
            )
        return by_title

    def _heading(self, cells: m.RowCells, context: _Context) -> int | None:
        """A row that only names a priority (in its priority, action or ref
        column): the priority of the rows below it, until the next."""
        texts = {name: m.text_of(cells.raw(name)) for name in ("priority", "description", "ref")}
        others = [
            m.text_of(cells.table.value(cells.values, column))
            for column, name in cells.mapping.columns.items()
            if name not in ("priority", "description", "ref", m.IGNORE)
        ]
        if any(others):
            return None
        filled = {name: text for name, text in texts.items() if text}
        if len(filled) != 1:
            return None
        name, text = next(iter(filled.items()))
        if name != "priority" and not re.match(r"^(priority|p)\s*\d", text, re.I):
            return None
        number = self._priority_of(cells, text, context, name)
        if number is None:
            return None
        title = context.new_priorities.get(number) or context.priorities[number].title
        cells.row.status = m.SKIPPED
        cells.row.label = f"Priority {number}: {title}"
        cells.row.notes.append(f"A heading: the rows below it belong to priority {number}.")
        return number

    def _ref(
        self, cells: m.RowCells, context: _Context, description: str, priority: int | None
    ) -> tuple[str, Action | None]:
        if cells.has("ref"):
            raw = m.text_of(cells.raw("ref"))
            ref = re.sub(r"\s+", "-", raw.strip().rstrip("."))
            if not ref:
                cells.refuse("ref", "the ref is missing.")
                return "", None
            if len(ref) > _limit("ref"):
                cells.refuse("ref", f"the ref {raw!r} is longer than {_limit('ref')} characters.")
                return "", None
            try:
                validate_ref(ref)
            except ValidationError as exc:
                cells.refuse("ref", f"the ref {raw!r} cannot be used. {' '.join(exc.messages)}")
                return "", None
            if ref != raw:
                cells.row.notes.append(f"The ref {raw!r} is kept as {ref}.")
            return ref, context.actions.get(ref)
        matches = context.by_words.get(m.word_key(description), [])
        if len(matches) == 1:
            return matches[0].ref, matches[0]
        if len(matches) > 1:
            cells.refuse(
                "description",
                "the plan has several actions with these words; map a Ref column to say which.",
            )
            return "", None
        ref = _next_ref(context, priority)
        cells.row.notes.append(f"Given the ref {ref} (the file has no refs).")
        return ref, None

    def _row(
        self, cells: m.RowCells, context: _Context, current: int | None
    ) -> dict[str, Any] | None:
        row = cells.row
        description = cells.text("description", 10_000) or ""
        priority: int | None = current
        priority_text = m.text_of(cells.raw("priority"))
        if priority_text:
            priority = self._priority_of(cells, priority_text, context, "priority")
        if not description:
            if not row.problems:
                cells.refuse("description", "the action is missing.")
            return None
        ref, existing = self._ref(cells, context, description, priority)
        row.label = f"{ref}: {description[:80]}" if ref else description[:80]
        values = self._values(
            cells, context, description, priority, bool(priority_text) or current is not None
        )
        assessment = self._assessment(cells, context, existing)
        if row.problems:
            return None
        if ref:
            context.refs.add(ref)
        entry: dict[str, Any] = {
            "op": "action",
            "row": row.number,
            "ref": ref,
            "existing": existing.pk if existing else None,
            "version": existing.version if existing else None,
            "fields": values,
            "assessment": assessment,
        }
        if existing is None:
            row.status = m.NEW
            row.notes.append(self._describe_new(values, context))
        else:
            changes = _changes(existing, values, context)
            if changes:
                row.notes.append("Changes " + "; ".join(changes) + ".")
            row.status = m.CHANGE if (changes or assessment) else m.UNCHANGED
            if not (changes or assessment):
                row.notes.append(f"The same as action {existing.ref}.")
        if assessment:
            row.notes.append(
                f"A new assessment: process {assessment['process']}, impact "
                f"{assessment['impact']}, dated {_day(assessment['assessed_on'])}."
            )
        return entry

    def _values(
        self,
        cells: m.RowCells,
        context: _Context,
        description: str,
        priority: int | None,
        has_priority: bool,
    ) -> dict[str, Any]:
        """The action's fields as the row gives them (a field with no column
        mapped is left out, so the action keeps what it has)."""
        values: dict[str, Any] = {"description": description}
        if has_priority or cells.has("priority"):
            values["priority"] = priority
        for name in ("lead", "impact_expected", "how_we_will_know", "notes", "timescale"):
            text = cells.text(name, _limit(name))
            if text is not None:
                values[name] = text
        self._due(cells, context, values)
        for name in ("oversight_group", "reporting_to"):
            if cells.has(name):
                values[name] = cells.choice(name) or None
        return values

    def _due(self, cells: m.RowCells, context: _Context, values: dict[str, Any]) -> None:
        if not cells.has("due_date"):
            return
        raw = cells.raw("due_date")
        text = m.text_of(raw)
        if not text:
            values["due_date"] = None
            return
        order = str(self.options.get("order") or m.DAY_FIRST)
        if (
            isinstance(raw, datetime.date)
            or _NUMERIC_DATE.match(text)
            or re.match(r"^\d{4}-\d{2}-\d{2}", text)
        ):
            values["due_date"] = (
                cells.date("due_date", order=order) or datetime.date.min
            ).isoformat()
            if values["due_date"] == datetime.date.min.isoformat():
                values["due_date"] = None
            return
        try:
            values["due_date"] = m.parse_date(text, order=order).isoformat()
            return
        except m.DateProblem:
            pass
        quarters = str(self.options.get("quarters") or m.FINANCIAL)
        period = m.period_end(text, quarters=quarters)
        timescale_given = cells.has("timescale") and bool(values.get("timescale"))
        if period is not None:
            day, words = period
            values["due_date"] = day.isoformat()
            cells.row.notes.append(f"Due {text!r}: due on {_day(day.isoformat())}, the {words}.")
        else:
            values["due_date"] = None
            cells.row.notes.append(
                f"Due {text!r} is not a date: kept as the timescale, with no due date."
            )
        if not timescale_given:
            if len(text) > _limit("timescale"):
                cells.refuse(
                    "due_date",
                    f"{text[:40]!r}... is longer than a timescale holds ({_limit('timescale')} "
                    "characters).",
                )
            values["timescale"] = text

    def _ratings(
        self, cells: m.RowCells, existing: Action | None
    ) -> tuple[str | None, str | None, list[str]]:
        process = cells.choice("process")
        impact = cells.choice("impact")
        if cells.has("rating"):
            text = m.text_of(cells.raw("rating"))
            parts = _split_rating(text) if text else []
            if len(parts) > 2:
                cells.refuse(
                    "rating",
                    f"{text!r} holds {len(parts)} ratings; write one for both, or process/impact.",
                )
            else:
                found = [cells.word("rating", part) for part in parts]
                if len(found) == 1:
                    found.append(found[0])
                if found:
                    process = process or found[0]
                    impact = impact or found[1]
        carried = []
        if (process or impact) and not (process and impact):
            missing = "impact" if process else "process"
            current = getattr(existing, f"current_{missing}", None) if existing else None
            if current:
                carried.append(missing)
                if missing == "impact":
                    impact = current
                else:
                    process = current
            else:
                given = "process" if missing == "impact" else "impact"
                cells.refuse(
                    given,
                    f"the row rates {given} but not {missing}, and the action has no {missing} "
                    f"rating to carry over: map a column for the {missing} rating, or one "
                    "column that rates both.",
                )
        return process, impact, carried

    def _assessment(
        self, cells: m.RowCells, context: _Context, existing: Action | None
    ) -> dict[str, Any] | None:
        process, impact, carried = self._ratings(cells, existing)
        if not (process and impact) or cells.row.problems:
            return None
        current = (
            (getattr(existing, "current_process", None), getattr(existing, "current_impact", None))
            if existing
            else None
        )
        if current == (process, impact):
            cells.row.notes.append("Ratings as already recorded.")
            return None
        order = str(self.options.get("order") or m.DAY_FIRST)
        assessed_on = cells.date("assessed_on", order=order) or context.as_at or context.today
        commentary = cells.text("commentary", 10_000) or ""
        evidence = cells.text("evidence", 10_000) or ""
        problems = services.assessment_problems(
            process=process,
            impact=impact,
            commentary=commentary,
            evidence_types=[],
            evidence=evidence,
            assessed_on=assessed_on,
        )
        rated = "rating" if cells.has("rating") and not cells.has("impact") else "impact"
        for name, message in problems.items():
            if name == "assessed_on":
                cells.refuse(
                    "assessed_on" if cells.has("assessed_on") else None,
                    f"the rating's date, {_day(assessed_on.isoformat())}, is in the future: "
                    f"{message}",
                )
            elif name == "commentary":
                cells.refuse(
                    "commentary" if cells.has("commentary") else rated,
                    f"{message} Map a column to Commentary, or write one in the cell.",
                )
            elif name == "evidence_types":
                cells.refuse(
                    "evidence" if cells.has("evidence") else rated,
                    "an impact rating of GREEN or BLUE needs evidence: map a column to "
                    "Evidence, or describe the evidence in it.",
                )
            else:
                cells.refuse(rated, message)
        for name in carried:
            cells.row.notes.append(f"The {name} rating is carried over from the current one.")
        return {
            "process": process,
            "impact": impact,
            "assessed_on": assessed_on.isoformat(),
            "commentary": commentary,
            "evidence": evidence,
        }

    def _describe_new(self, values: dict[str, Any], context: _Context) -> str:
        parts = []
        if values.get("priority"):
            parts.append(f"priority {values['priority']}")
        if values.get("lead"):
            parts.append(f"led by {values['lead']}")
        if values.get("due_date"):
            parts.append(f"due {_day(values['due_date'])}")
        return "A new action" + (": " + ", ".join(parts) if parts else "") + "."

    # --- saving ------------------------------------------------------------------

    def save(self, preview: m.Preview, *, user: Any) -> str:
        plan = self._plan()
        if plan is None:
            raise importing.PreviewChanged
        groups = {g.slug: g for g in self.board.groups.all()}
        added_priorities = 0
        for entry in preview.plan:
            if entry["op"] == "priority":
                services.priority_create(plan=plan, number=entry["number"], title=entry["title"])
                added_priorities += 1
        priorities = {p.number: p for p in Priority.objects.filter(plan=plan)}
        created = changed = assessed = 0
        for entry in preview.plan:
            if entry["op"] != "action":
                continue
            fields = _model_values(entry["fields"], priorities, groups)
            if entry["existing"] is None:
                action = services.action_create(plan=plan, ref=entry["ref"], **fields)
                created += 1
            else:
                try:
                    action = services.action_update(
                        action_id=entry["existing"],
                        expected_version=entry["version"],
                        changes=fields,
                    )
                except services.EditConflict as conflict:
                    raise importing.PreviewChanged from conflict
                changed += 1
            if entry["assessment"]:
                assessment = dict(entry["assessment"])
                assessment["assessed_on"] = datetime.date.fromisoformat(assessment["assessed_on"])
                services.assessment_record(action=action, recorded_by=user, **assessment)
                assessed += 1
        parts = [
            f"{created} actions added",
            f"{changed} changed",
            f"{assessed} assessments recorded",
        ]
        if added_priorities:
            parts.append(f"{added_priorities} priorities added")
        return ", ".join(parts) + "."


def _split_rating(text: str) -> list[str]:
    """A combined rating cell's words: "Amber/Green" is process then impact."""
    return [part.strip() for part in re.split(r"\s*[/|\\]\s*", text) if part.strip()]


def _next_ref(context: _Context, priority: int | None) -> str:
    """A ref for a new action of a tracker with no refs: the priority's
    number and the next free letter ("2c"), or the next free number."""
    if priority is not None:
        for letter in string.ascii_lowercase:
            ref = f"{priority}{letter}"
            if ref not in context.refs:
                context.refs.add(ref)
                return ref
    n = 1
    while str(n) in context.refs:
        n += 1
    context.refs.add(str(n))
    return str(n)


def _day(iso: str | None) -> str:
    return f"{datetime.date.fromisoformat(iso):%-d %B %Y}" if iso else "(none)"


def _model_values(
    values: dict[str, Any], priorities: dict[int, Priority], groups: dict[str, Group]
) -> dict[str, Any]:
    """The plan's plain values as the action's fields."""
    fields = dict(values)
    if "priority" in fields:
        fields["priority"] = priorities.get(fields["priority"]) if fields["priority"] else None
    if "due_date" in fields:
        fields["due_date"] = (
            datetime.date.fromisoformat(fields["due_date"]) if fields["due_date"] else None
        )
    for name in ("oversight_group", "reporting_to"):
        if name in fields:
            fields[name] = groups.get(fields[name]) if fields[name] else None
    return fields


def _changes(existing: Action, values: dict[str, Any], context: _Context) -> list[str]:
    """What the row changes on the action, in words."""
    changes = []
    for name, new in values.items():
        old: Any = getattr(existing, name)
        if name == "priority":
            old = existing.priority.number if existing.priority else None
        elif name in ("oversight_group", "reporting_to"):
            old = old.slug if old else None
        elif name == "due_date":
            old = old.isoformat() if old else None
        if isinstance(old, str) and isinstance(new, str):
            same = " ".join(old.split()) == " ".join(new.split())
        else:
            same = old == new
        if not same:
            label = str(cast(Field, Action._meta.get_field(name)).verbose_name)
            if name == "due_date":
                changes.append(f"{label} {_day(old)} → {_day(new)}")
            elif name in ("description", "impact_expected", "how_we_will_know", "notes"):
                changes.append(label)
            else:
                changes.append(f"{label} {old or '(blank)'} → {new or '(blank)'}")
    return changes
