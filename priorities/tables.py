import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from priorities.models import Action, Rating
from priorities.templatetags.ratings import rating_tag


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

    def __init__(self, *args, can_edit=False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.can_edit = can_edit
        if not can_edit:
            self.columns.hide("actions")

    def render_description(self, value: str) -> str:
        return value if len(value) <= 140 else value[:137].rstrip() + "…"

    def render_oversight_group(self, value: str, record: Action) -> str:
        group = record.oversight_group
        return (group.short_name or group.name) if group else ""

    def render_current_process(self, value: str | None) -> str:
        return rating_tag(value)

    def render_current_impact(self, value: str | None) -> str:
        return rating_tag(value)

    def value_current_process(self, value: str | None) -> str:
        return value or "Not assessed"

    def value_current_impact(self, value: str | None) -> str:
        return value or "Not assessed"

    def render_actions(self, record: Action) -> str:
        url = reverse(
            "priorities:assess",
            kwargs={"board": record.plan.board.slug, "plan": record.plan.slug, "ref": record.ref},
        )
        return format_html(
            '<a class="govuk-link" href="{}" hx-get="{}" hx-target="#action-{}" hx-swap="afterend">'
            'Record rating<span class="govuk-visually-hidden"> for {}</span></a>',
            url,
            url,
            record.pk,
            record.ref,
        )


RATING_FILTER_CHOICES = [*Rating.choices, ("NONE", "Not assessed")]
