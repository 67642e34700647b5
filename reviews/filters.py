from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from board.models import ReportingYear
from core.forms import FilterForm
from reviews import selectors
from reviews.models import CaseReview, LearningTheme


class ReviewFilter(django_filters.FilterSet):
    """The register's filters. A value the form refuses lists nothing,
    rather than dropping the filter and listing (or exporting) everything."""

    kind = django_filters.ChoiceFilter(choices=CaseReview.Kind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(
        choices=CaseReview.Status.choices, empty_label="Any status"
    )
    year = django_filters.ChoiceFilter(
        method="filter_year", empty_label="Any year", label="Reporting year", choices=[]
    )
    theme = django_filters.ModelChoiceFilter(
        field_name="themes",
        queryset=LearningTheme.objects.order_by("name"),
        empty_label="Any theme",
        label="Learning theme",
    )
    due = django_filters.ChoiceFilter(
        method="filter_due",
        label="Steps",
        choices=[
            ("overdue", "A step overdue"),
            ("soon", "A step due in the next 10 working days"),
            ("either", "Overdue or due soon"),
        ],
        empty_label="Any",
    )

    class Meta:
        model = CaseReview
        fields = ["kind", "status", "year", "theme", "due"]
        form = FilterForm

    def __init__(self, data: Any = None, *args: Any, board: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        years = selectors.review_years(board=board)
        self.years = {y.label: y for y in years}
        self.filters["year"].extra["choices"] = [(y.label, y.label) for y in years]

    @property
    def qs(self) -> QuerySet[CaseReview]:
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs.distinct()

    def filter_year(self, queryset: QuerySet[CaseReview], name: str, value: str) -> Any:
        if not value:
            return queryset
        year = self.years.get(value) or ReportingYear.objects.filter(label=value).first()
        return queryset.filter(selectors.in_year_q(year)) if year else queryset.none()

    def filter_due(self, queryset: QuerySet[CaseReview], name: str, value: str) -> Any:
        wanted = {
            "overdue": Q(overdue=True),
            "soon": Q(due_soon=True),
            "either": Q(overdue=True) | Q(due_soon=True),
        }
        return queryset.filter(wanted[value]) if value in wanted else queryset
