"""The all-actions list: one django-tables2 table that the page, its sorting
and pagination, and the CSV and XLSX exports share.

The page's rows are built in Python (Django's per-value escaping was the slow
part), but the table is described once: each column below carries the one
function that builds its cell on the page, beside the value it exports.
Columns hidden on the page (the plan and the priority) are still exported;
on the page the plan heads each group of its actions instead of filling a
column on every row."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from priorities.models import Action, Rating
from priorities.selectors import is_overdue
from priorities.templatetags.ratings import TAGS

#: Ratings as the filters offer them: the five, and no assessment at all.
RATING_FILTER_CHOICES = [*Rating.choices, ("NONE", "Not assessed")]

#: Whatever column a person sorts by, actions stay grouped by plan.
PLAN_ORDER = ("plan__title", "plan_id")


def short_date(day: datetime.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "—"


def shorten(text: str, limit: int = 140) -> str:
    """An action's text, cut at a word near `limit` characters; the action's
    own page has all of it."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(maxsplit=1)[0] if " " in cut else cut).rstrip(" ,;:-") + "…"


@dataclass(frozen=True)
class PageLinks:
    """The URLs of a page's rows, from `reverse` once per page rather than once
    per row: each pattern is reversed with markers put back as format fields."""

    action: str
    plan: str

    @classmethod
    def build(cls) -> PageLinks:
        marks = {"board": "board0mark", "plan": "plan0mark", "ref": "ref0mark"}

        def pattern(name: str, *fields: str) -> str:
            url = reverse(name, kwargs={f: marks[f] for f in fields})
            for field in fields:
                url = url.replace(marks[field], "{" + field + "}")
            return url

        return cls(
            action=pattern("priorities:action", "board", "plan", "ref"),
            plan=pattern("priorities:plan", "board", "plan"),
        )

    def for_action(self, action: Action) -> str:
        plan = action.plan
        return self.action.format(board=plan.board.slug, plan=plan.slug, ref=quote(action.ref))

    def for_plan(self, action: Action) -> str:
        plan = action.plan
        return self.plan.format(board=plan.board.slug, plan=plan.slug)


@dataclass(frozen=True)
class Page:
    """What every cell of a page may need besides its action."""

    today: datetime.date
    links: PageLinks


Cell = Callable[[Action, Page], str]


# One builder per cell; each returns HTML with every value escaped.


def ref_cell(a: Action, page: Page) -> str:
    return f'<a class="govuk-link" href="{escape(page.links.for_action(a))}">{escape(a.ref)}</a>'


def description_cell(a: Action, page: Page) -> str:
    return escape(shorten(a.description))


def lead_cell(a: Action, page: Page) -> str:
    return escape(a.lead) or "—"


def group_name(a: Action) -> str:
    group = a.oversight_group
    return (group.short_name or group.name) if group else ""


def oversight_cell(a: Action, page: Page) -> str:
    return escape(group_name(a)) or "—"


def due_cell(a: Action, page: Page) -> str:
    due = short_date(a.due_date)
    if is_overdue(a, page.today):
        due += ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    return due


def process_cell(a: Action, page: Page) -> str:
    return TAGS.get(a.current_process, "")  # type: ignore[attr-defined]


def impact_cell(a: Action, page: Page) -> str:
    return TAGS.get(a.current_impact, "")  # type: ignore[attr-defined]


def last_assessed_cell(a: Action, page: Page) -> str:
    return short_date(a.last_assessed)  # type: ignore[attr-defined]


def record_rating_cell(a: Action, page: Page) -> str:
    assess = escape(f"{page.links.for_action(a)}assess/")
    return (
        f'<a class="govuk-link" href="{assess}" hx-get="{assess}" hx-target="#action-{a.pk}" '
        f'hx-swap="afterend">Record rating<span class="govuk-visually-hidden"> for '
        f"{escape(a.ref)}</span></a>"
    )


def plan_cell(a: Action, page: Page) -> str:
    return escape(a.plan.title)


def priority_cell(a: Action, page: Page) -> str:
    return str(a.priority.number) if a.priority else "—"


class ActionColumn(tables.Column):  # type: ignore[misc]
    """A column of the all-actions list: its header, what it exports, how it
    sorts (within each plan), and `cell`, which builds its cell on the page.
    `width` names the space the cell takes (see .assure-actions in the
    stylesheet)."""

    def __init__(self, *args: Any, cell: Cell, width: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cell = cell
        self.width = width

    def order(self, queryset: QuerySet[Action], is_descending: bool) -> tuple[Any, bool]:
        if not isinstance(queryset, QuerySet) or not self.order_by:
            return queryset, False
        keys = [F(str(field.bare).replace(".", "__")) for field in self.order_by]
        ordered = [
            k.desc(nulls_last=True) if is_descending else k.asc(nulls_last=True) for k in keys
        ]
        return queryset.order_by(*PLAN_ORDER, *ordered, "position", "ref"), True


class ActionDateColumn(ActionColumn, tables.DateColumn):  # type: ignore[misc]
    """A date: exported as a date, which a spreadsheet can sort."""


class ActionTable(tables.Table):  # type: ignore[misc]
    label = "Actions"
    ref = ActionColumn(verbose_name="Ref", order_by=("position", "ref"), cell=ref_cell, width="s")
    plan = ActionColumn(
        accessor="plan__title",
        verbose_name="Plan",
        order_by=("plan__title",),
        visible=False,
        cell=plan_cell,
    )
    priority = ActionColumn(
        accessor="priority__number",
        verbose_name="Priority",
        order_by=("priority__number",),
        visible=False,
        cell=priority_cell,
    )
    description = ActionColumn(
        verbose_name="Action", order_by=("description",), cell=description_cell, width="wide"
    )
    lead = ActionColumn(verbose_name="Lead", order_by=("lead",), cell=lead_cell, width="m")
    oversight_group = ActionColumn(
        verbose_name="Oversight",
        accessor="oversight_group__short_name",
        order_by=("oversight_group__short_name",),
        cell=oversight_cell,
    )
    due_date = ActionDateColumn(
        verbose_name="Due", format="j M Y", order_by=("due_date",), cell=due_cell, width="date"
    )
    current_process = ActionColumn(
        verbose_name="Process", order_by=("current_process",), empty_values=(), cell=process_cell
    )
    current_impact = ActionColumn(
        verbose_name="Impact", order_by=("current_impact",), empty_values=(), cell=impact_cell
    )
    last_assessed = ActionDateColumn(
        verbose_name="Last assessed",
        format="j M Y",
        order_by=("last_assessed",),
        cell=last_assessed_cell,
        width="date",
    )
    actions = ActionColumn(
        verbose_name="",
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
        cell=record_rating_cell,
        width="s",
    )

    class Meta:
        model = Action
        fields = ()
        sequence = (
            "ref",
            "plan",
            "priority",
            "description",
            "lead",
            "oversight_group",
            "due_date",
            "current_process",
            "current_impact",
            "last_assessed",
            "actions",
        )
        empty_text = "No actions match these filters."
        attrs = {"class": "govuk-table assure-actions", "id": "actions"}
        template_name = "priorities/_action_table.html"

    def __init__(self, *args: Any, can_edit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.can_edit = can_edit
        if not can_edit:
            self.columns.hide("actions")

    def _rows(self, records: Iterable[Action], page: Page, *, oob: bool) -> Iterator[str]:
        columns = [bound.column for bound in self.columns]  # those shown, in order
        swap = ' hx-swap-oob="true"' if oob else ""
        for a in records:
            cells = "".join(
                f'<td class="govuk-table__cell"{_width(c)}>{c.cell(a, page)}</td>' for c in columns
            )
            yield f'<tr class="govuk-table__row" id="action-{a.pk}"{swap}>{cells}</tr>'

    def html_rows(self, *, oob: bool = False) -> SafeString:
        """This page's rows, grouped by plan: each group is a row group headed
        by the plan's title, once. `oob` gives only the rows, for htmx to swap
        in place of the ones on the page."""
        page = Page(today=timezone.localdate(), links=PageLinks.build())
        records = [bound.record for bound in self.paginated_rows]
        if oob:
            return SafeString("".join(self._rows(records, page, oob=True)))
        groups: list[list[Action]] = []
        for a in records:
            if groups and groups[-1][0].plan_id == a.plan_id:
                groups[-1].append(a)
            else:
                groups.append([a])
        span = len(list(self.columns))
        html = []
        for group in groups:
            first = group[0]
            html.append(
                '<tbody class="govuk-table__body">'
                f'<tr class="govuk-table__row"><th scope="rowgroup" colspan="{span}" '
                f'class="govuk-table__header assure-actions__plan">'
                f'<a class="govuk-link" href="{escape(page.links.for_plan(first))}">'
                f"{escape(first.plan.title)}</a>{_closed_tag(first)}</th></tr>"
                + "".join(self._rows(group, page, oob=False))
                + "</tbody>"
            )
        return SafeString("".join(html))

    def value_description(self, value: str) -> str:
        return value

    def value_oversight_group(self, value: str, record: Action) -> str:
        return group_name(record)

    def value_current_process(self, value: str | None) -> str:
        return value or "Not assessed"

    def value_current_impact(self, value: str | None) -> str:
        return value or "Not assessed"


def _closed_tag(a: Action) -> str:
    """A closed plan's heading says so, when closed plans are listed."""
    if getattr(a, "plan_closed", False):
        return ' <strong class="govuk-tag govuk-tag--grey">Closed plan</strong>'
    return ""


def _width(column: ActionColumn) -> str:
    return f' data-width="{column.width}"' if column.width else ""
