from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from board.models import Group
from core.forms import DateInput, FilterForm
from priorities.models import Action, ActionPlan, Priority
from priorities.selectors import overdue_q
from priorities.tables import RATING_FILTER_CHOICES


class ActionFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        queryset=ActionPlan.objects.none(), empty_label="Any plan", field_name="plan"
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
    process = django_filters.ChoiceFilter(
        choices=RATING_FILTER_CHOICES,
        method="filter_rating",
        empty_label="Any",
        label="Process rating",
    )
    impact = django_filters.ChoiceFilter(
        choices=RATING_FILTER_CHOICES,
        method="filter_rating",
        empty_label="Any",
        label="Impact rating",
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

    class Meta:
        model = Action
        fields = ["plan", "kind", "priority", "process", "impact", "lead", "oversight_group"]
        form = FilterForm

    def __init__(self, *args, board, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = ActionPlan.objects.filter(board=board).order_by("title")
        self.filters["priority"].queryset = (
            Priority.objects.filter(plan__board=board)
            .select_related("plan")
            .order_by("plan__title", "number")
        )
        self.filters["oversight_group"].queryset = board.groups.order_by("name")
        self.filters["priority"].field.label_from_instance = lambda p: (
            f"{p.plan.title}: {p.number}. {p.title[:60]}"
        )

    def filter_rating(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        column = f"current_{name}"
        if value == "NONE":
            return queryset.filter(**{f"{column}__isnull": True})
        return queryset.filter(**{column: value})

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        return queryset.filter(overdue_q()) if value else queryset

    def filter_not_assessed_since(
        self, queryset: QuerySet[Action], name: str, value
    ) -> QuerySet[Action]:  # type: ignore[no-untyped-def]
        return queryset.filter(Q(last_assessed__isnull=True) | Q(last_assessed__lt=value))
