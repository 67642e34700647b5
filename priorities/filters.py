from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from board.models import Group
from core.forms import DateInput, FilterForm
from priorities.models import Action, ActionPlan, Priority
from priorities.selectors import overdue_q
from priorities.tables import RATING_FILTER_CHOICES

RATING_ERRORS = {
    "invalid_choice": "%(value)s is not a rating: choose from Red, Amber, Green, Blue, Grey "
    "and Not assessed."
}


class ActionFilterForm(FilterForm):
    """Field ids start "filter-": the list also holds the in-place assessment
    form, whose fields have the same names (process, impact)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)


class ActionFilter(django_filters.FilterSet):
    """The all-actions list's filters. A value the form refuses (a rating that
    does not exist, say) lists nothing, rather than silently dropping that
    filter and listing, or exporting, every action."""

    plan = django_filters.ChoiceFilter(
        field_name="plan", choices=[], empty_label="Any plan", label="Plan"
    )
    kind = django_filters.ChoiceFilter(
        field_name="plan__kind",
        choices=ActionPlan.Kind.choices,
        empty_label="Any kind",
        label="Plan kind",
    )
    priority = django_filters.ModelChoiceFilter(
        queryset=Priority.objects.none(), empty_label="Any priority"
    )
    process = django_filters.MultipleChoiceFilter(
        choices=RATING_FILTER_CHOICES,
        method="filter_rating",
        label="Process rating",
        help_text="Select all that apply, or none for any rating.",
        widget=forms.CheckboxSelectMultiple,
        error_messages=RATING_ERRORS,
    )
    impact = django_filters.MultipleChoiceFilter(
        choices=RATING_FILTER_CHOICES,
        method="filter_rating",
        label="Impact rating",
        help_text="Select all that apply, or none for any rating.",
        widget=forms.CheckboxSelectMultiple,
        error_messages=RATING_ERRORS,
    )
    lead = django_filters.CharFilter(lookup_expr="icontains", label="Lead contains")
    oversight_group = django_filters.ModelChoiceFilter(
        queryset=Group.objects.none(), empty_label="Any group", label="Oversight group"
    )
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue",
        label="Due date",
        choices=[("true", "Overdue only")],
        empty_label="Any",
    )
    not_assessed_since = django_filters.DateFilter(
        method="filter_not_assessed_since", label="Not assessed since", widget=DateInput()
    )
    closed = django_filters.ChoiceFilter(
        method="filter_closed",
        label="Closed plans",
        choices=[("include", "Include closed plans"), ("only", "Closed plans only")],
        empty_label="Leave out closed plans",
        help_text="A plan chosen above is listed whether it is closed or not.",
    )

    class Meta:
        model = Action
        fields = ["plan", "kind", "priority", "process", "impact", "lead", "oversight_group"]
        form = ActionFilterForm

    def __init__(self, data=None, *args, board, today, plans, **kwargs):  # type: ignore[no-untyped-def]
        """`plans` are the board's plans, each read with its `state` on
        `today` (selectors.plans_on): the choice of plan says which are closed
        without asking the database again."""
        self.today = today
        if data is not None:
            # An empty rating is no rating chosen, as the single-choice filter
            # it replaced sent it ("?process=&impact=" in older links).
            data = data.copy()
            for name in ("process", "impact"):
                data.setlist(name, [value for value in data.getlist(name) if value])
        super().__init__(data, *args, **kwargs)
        self.filters["plan"].extra["choices"] = [
            (str(p.pk), f"{p.title} (closed)" if p.state.closed else p.title) for p in plans
        ]
        self.filters["priority"].queryset = (
            Priority.objects.filter(plan__board=board)
            .select_related("plan")
            .order_by("plan__title", "number")
        )
        self.filters["oversight_group"].queryset = board.groups.order_by("name")
        self.filters["priority"].field.label_from_instance = lambda p: (
            f"{p.plan.title}: {p.number}. {p.title[:60]}"
        )

    @property
    def qs(self) -> QuerySet[Action]:
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        if not self.is_bound:
            return super().qs.filter(Q(plan_closed=False))
        return super().qs

    def filter_queryset(self, queryset: QuerySet[Action]) -> QuerySet[Action]:
        """Closed plans are left out unless asked for, or unless a plan is
        chosen: the filter's method runs only for a value, and leaving out
        is what no value means."""
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("closed") and not data.get("plan"):
            queryset = queryset.filter(Q(plan_closed=False))
        return queryset

    def filter_closed(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        return queryset.filter(Q(plan_closed=True)) if value == "only" else queryset

    def filter_rating(
        self, queryset: QuerySet[Action], name: str, value: list[str]
    ) -> QuerySet[Action]:
        """Actions whose current rating is any of those ticked; "NONE" is no
        assessment yet."""
        if not value:
            return queryset
        column = f"current_{name}"
        ratings = [v for v in value if v != "NONE"]
        wanted = Q(**{f"{column}__in": ratings}) if ratings else Q(pk__in=[])
        if "NONE" in value:
            wanted |= Q(**{f"{column}__isnull": True})
        return queryset.filter(wanted)

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        return queryset.filter(overdue_q(self.today), Q(plan_closed=False)) if value else queryset

    def filter_not_assessed_since(
        self, queryset: QuerySet[Action], name: str, value
    ) -> QuerySet[Action]:  # type: ignore[no-untyped-def]
        return queryset.filter(Q(last_assessed__isnull=True) | Q(last_assessed__lt=value))
