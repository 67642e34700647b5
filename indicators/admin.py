from django import forms
from django.contrib import admin
from django.forms.models import construct_instance
from simple_history.admin import SimpleHistoryAdmin

from indicators import services
from indicators.models import Comparator, Indicator, IndicatorValue, StatisticalNeighbour

# Indicators save through indicators.services, as the business
# manager's pages and the statistics import do: the admin refuses what the
# service refuses, and shows why.


class _ServiceForm(forms.ModelForm):
    """Fills the instance from the form and takes its errors from the
    service's *_problems(), instead of the model form's own validation."""

    def _post_clean(self) -> None:
        opts = self._meta
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        for name, messages in self.problems().items():
            self.add_error(name if name in self.fields else None, messages)

    def problems(self) -> dict[str, list[str]]:
        return {}


class IndicatorAdminForm(_ServiceForm):
    class Meta:
        model = Indicator
        fields = [
            "board",
            "code",
            "name",
            "definition",
            "unit",
            "polarity",
            "frequency",
            "priority",
            "source_kind",
            "measure",
            "target",
            "tolerance",
            "target_source",
            "position",
            "notes",
        ]

    def problems(self) -> dict[str, list[str]]:
        if self.instance.board_id is None:
            return {}
        return services.indicator_problems(indicator=self.instance)


class IndicatorValueAdminForm(_ServiceForm):
    class Meta:
        model = IndicatorValue
        fields = ["indicator", "period_kind", "period_start", "value", "marker", "source", "note"]

    def problems(self) -> dict[str, list[str]]:
        if self.instance.indicator_id is None:
            return {}
        services.period_value_prepare(self.instance)
        return services.value_problems(value=self.instance)


class ComparatorAdminForm(_ServiceForm):
    class Meta:
        model = Comparator
        fields = [
            "indicator",
            "kind",
            "period_kind",
            "period_start",
            "value",
            "marker",
            "source",
            "area_name",
            "neighbours_used",
            "neighbours_listed",
            "note",
        ]

    def problems(self) -> dict[str, list[str]]:
        if self.instance.indicator_id is None:
            return {}
        services.period_value_prepare(self.instance)
        return services.comparator_problems(comparator=self.instance)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    form = IndicatorAdminForm
    list_display = ("name", "code", "board", "unit", "polarity", "target")
    list_filter = ("board", "unit", "polarity", "source_kind")
    search_fields = ("name", "code", "definition")
    list_select_related = ("board",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj._history_user = request.user
        services.indicator_save(indicator=obj)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    form = IndicatorValueAdminForm
    list_display = ("indicator", "period_kind", "period_start", "edition", "value", "marker")
    list_filter = ("indicator__board", "period_kind", "marker")
    search_fields = ("indicator__name", "indicator__code", "note")
    list_select_related = ("indicator", "indicator__board")
    readonly_fields = ("edition",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj._history_user = request.user
        services.indicator_value_save(value=obj)


@admin.register(Comparator)
class ComparatorAdmin(SimpleHistoryAdmin):
    form = ComparatorAdminForm
    list_display = ("indicator", "kind", "period_start", "value", "marker", "neighbours_used")
    list_filter = ("indicator__board", "kind", "marker")
    search_fields = ("indicator__name", "indicator__code", "area_name")
    list_select_related = ("indicator", "indicator__board")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj._history_user = request.user
        services.comparator_save(comparator=obj)


@admin.register(StatisticalNeighbour)
class StatisticalNeighbourAdmin(SimpleHistoryAdmin):
    list_display = ("la_name", "la_code", "board", "rank")
    list_filter = ("board",)
    readonly_fields = ("board", "la_code", "la_name", "rank")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
