"""The audit programme's filters: by reporting year, theme, kind and status.
A value the form refuses lists nothing, rather than every audit."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from audits.models import Audit
from board.models import ReportingYear
from core.forms import FilterForm


class AuditFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        field_name="year__label", label="Reporting year", empty_label="Any year"
    )
    theme = django_filters.CharFilter(
        lookup_expr="icontains", label="Theme contains", max_length=200
    )
    kind = django_filters.ChoiceFilter(choices=Audit.Kind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(choices=Audit.Status.choices, empty_label="Any status")

    class Meta:
        model = Audit
        fields = ["year", "theme", "kind", "status"]
        form = FilterForm

    def __init__(self, data: Any = None, *args: Any, years: list[ReportingYear], **kwargs: Any):
        super().__init__(data, *args, **kwargs)
        self.filters["year"].extra["choices"] = [(y.label, y.label) for y in years]

    @property
    def qs(self) -> QuerySet[Audit]:
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs
