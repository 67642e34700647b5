from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from board.models import ReportingYear
from core.forms import DateInput, FilterForm
from reviews import selectors
from reviews.models import CaseReview, LearningTheme, ReadRecord


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


class ReadRecordFilterForm(FilterForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("read_from"), data.get("read_to")
        if start and end and end < start:
            self.add_error("read_to", "The last day must be the same as or after the first day.")
        return data


#: Days a filter's bounds are held to: no read is recorded before the first,
#: and a day past the last would overflow a database's time stamps.
_EARLIEST = datetime.date(2000, 1, 1)
_LATEST = datetime.date(9000, 12, 31)


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, London time (the time zone people read in)."""
    day = min(max(day, _EARLIEST), _LATEST)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ReadRecordFilter(django_filters.FilterSet):
    """Who read a review, or any of the board's: by person, review, page or
    file, and the days they read on. A filter the form refuses lists
    nothing, rather than listing (or exporting) everything."""

    username = django_filters.ChoiceFilter(label="Person", empty_label="Anyone", choices=[])
    review = django_filters.ModelChoiceFilter(
        queryset=CaseReview.objects.none(), empty_label="Any review", label="Review"
    )
    what = django_filters.ChoiceFilter(
        choices=ReadRecord.What.choices, empty_label="Any page or file", label="What they read"
    )
    kind = django_filters.ChoiceFilter(
        choices=ReadRecord.Kind.choices, empty_label="Viewed or downloaded", label="How"
    )
    read_from = django_filters.DateFilter(
        method="filter_from", label="Read on or after", widget=DateInput()
    )
    read_to = django_filters.DateFilter(
        method="filter_to", label="Read on or before", widget=DateInput()
    )

    class Meta:
        model = ReadRecord
        fields = ["username", "review", "what", "kind", "read_from", "read_to"]
        form = ReadRecordFilterForm

    def __init__(
        self,
        data: Any = None,
        *args: Any,
        board: Any,
        review: CaseReview | None,
        readers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        self.filters["username"].extra["choices"] = readers
        if review is None:
            self.filters["review"].queryset = CaseReview.objects.filter(board=board).order_by(
                "name"
            )
        else:
            del self.filters["review"]

    @property
    def qs(self) -> QuerySet[ReadRecord]:
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs

    def filter_from(
        self, queryset: QuerySet[ReadRecord], name: str, value: datetime.date | None
    ) -> QuerySet[ReadRecord]:
        return queryset.filter(at__gte=_start_of(value)) if value else queryset

    def filter_to(
        self, queryset: QuerySet[ReadRecord], name: str, value: datetime.date | None
    ) -> QuerySet[ReadRecord]:
        if not value or value >= _LATEST:
            return queryset
        return queryset.filter(at__lt=_start_of(value + datetime.timedelta(days=1)))
