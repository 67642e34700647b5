import datetime
from html import escape

import django_tables2 as tables
from django.utils import timezone
from django.utils.safestring import SafeString

from priorities.models import Action, Rating
from priorities.selectors import is_overdue
from priorities.templatetags.ratings import TAGS


def short_date(day: datetime.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "—"


class ActionTable(tables.Table):
    label = "Actions"
    ref = tables.Column(verbose_name="Ref", linkify=lambda record: record.get_absolute_url())
    plan = tables.Column(accessor="plan__title", verbose_name="Plan", order_by=("plan__title",))
    priority = tables.Column(
        accessor="priority__number", verbose_name="Priority", order_by=("priority__number",)
    )
    description = tables.Column(verbose_name="Action")
    lead = tables.Column(verbose_name="Lead")
    oversight_group = tables.Column(
        verbose_name="Oversight", accessor="oversight_group__short_name"
    )
    due_date = tables.DateColumn(verbose_name="Due", format="j M Y")
    current_process = tables.Column(
        verbose_name="Process", order_by=("current_process",), empty_values=()
    )
    current_impact = tables.Column(
        verbose_name="Impact", order_by=("current_impact",), empty_values=()
    )
    last_assessed = tables.DateColumn(verbose_name="Last assessed", format="j M Y")
    actions = tables.Column(
        verbose_name="", empty_values=(), orderable=False, exclude_from_export=True
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
        row_attrs = {"id": lambda record: f"action-{record.pk}"}
        template_name = "priorities/_action_table.html"

    def __init__(self, *args, can_edit=False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.can_edit = can_edit
        if not can_edit:
            self.columns.hide("actions")

    def html_rows(self, *, oob: bool = False) -> SafeString:
        """The rows of this page, built in Python with the standard library's
        escaping; the same cells as the columns above, which still drive
        sorting, pagination and export."""
        today = timezone.localdate()
        rows = []
        for bound in self.paginated_rows:
            a = bound.record
            group = a.oversight_group
            url = escape(a.get_absolute_url())
            due = short_date(a.due_date)
            if is_overdue(a, today):
                due += ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
            cells = [
                f'<a class="govuk-link" href="{url}">{escape(a.ref)}</a>',
                escape(a.plan.title),
                str(a.priority.number) if a.priority else "—",
                escape(self.render_description(a.description)),
                escape(a.lead) or "—",
                escape((group.short_name or group.name) if group else "—"),
                due,
                TAGS.get(a.current_process, ""),
                TAGS.get(a.current_impact, ""),
                short_date(a.last_assessed),
            ]
            if self.can_edit:
                assess = escape(f"{a.get_absolute_url()}assess/")
                cells.append(
                    f'<a class="govuk-link" href="{assess}" hx-get="{assess}" hx-target="#action-{a.pk}" '
                    f'hx-swap="afterend">Record rating<span class="govuk-visually-hidden"> for {escape(a.ref)}</span></a>'
                )
            body = "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in cells)
            swap = ' hx-swap-oob="true"' if oob else ""
            rows.append(f'<tr class="govuk-table__row" id="action-{a.pk}"{swap}>{body}</tr>')
        return SafeString("".join(rows))

    def render_description(self, value: str) -> str:
        return value if len(value) <= 140 else value[:137].rstrip() + "…"

    def render_oversight_group(self, value: str, record: Action) -> str:
        group = record.oversight_group
        return (group.short_name or group.name) if group else ""

    def value_current_process(self, value: str | None) -> str:
        return value or "Not assessed"

    def value_current_impact(self, value: str | None) -> str:
        return value or "Not assessed"


RATING_FILTER_CHOICES = [*Rating.choices, ("NONE", "Not assessed")]
