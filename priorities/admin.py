from django import forms
from django.contrib import admin
from django.forms.models import construct_instance
from simple_history.admin import SimpleHistoryAdmin

from priorities import indicator_services, services
from priorities.models import (
    Action,
    ActionPlan,
    Assessment,
    Comparator,
    EvidenceType,
    Indicator,
    IndicatorValue,
    Priority,
    RagDefinition,
    StatisticalNeighbour,
    Theme,
)


class PriorityInline(admin.StackedInline):
    model = Priority
    extra = 0


class RagDefinitionInline(admin.TabularInline):
    model = RagDefinition
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "board", "kind", "period", "status")
    list_filter = ("board", "kind", "status")
    search_fields = ("title", "summary", "notes")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [PriorityInline, RagDefinitionInline]


@admin.register(Priority)
class PriorityAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "plan")
    list_filter = ("plan__board", "plan")
    search_fields = ("title", "key_outcomes")


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "plan", "position")
    list_filter = ("kind", "plan")


class ActionAdminForm(forms.ModelForm):
    """The action's lead in Assure must be an action lead of the plan's
    board, here as on the business manager's page (services says so). The
    admin gives it its model and fields."""

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        plan, account = cleaned.get("plan"), cleaned.get("lead_account")
        if plan is not None and account is not None and account != self.instance.lead_account:
            for name, messages in services.lead_account_problems(
                plan=plan, account=account
            ).items():
                self.add_error(name, messages)
        return cleaned


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    form = ActionAdminForm
    list_display = ("ref", "plan", "priority", "timescale", "due_date", "lead")
    list_filter = ("plan__board", "plan__kind", "plan")
    search_fields = ("ref", "description", "lead")
    list_select_related = ("plan", "priority")
    readonly_fields = ("version",)
    raw_id_fields = ("lead_account",)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Assessments are append-only: the admin shows them and changes nothing."""

    list_display = ("action", "assessed_on", "process", "impact", "recorded_by", "recorded_at")
    list_filter = ("process", "impact", "action__plan__board")
    search_fields = ("action__ref", "commentary")
    list_select_related = ("action", "recorded_by")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(EvidenceType)
class EvidenceTypeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "position")


# Indicators save through priorities.indicator_services, as the business
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
        return indicator_services.indicator_problems(indicator=self.instance)


class IndicatorValueAdminForm(_ServiceForm):
    class Meta:
        model = IndicatorValue
        fields = ["indicator", "period_kind", "period_start", "value", "marker", "source", "note"]

    def problems(self) -> dict[str, list[str]]:
        if self.instance.indicator_id is None:
            return {}
        indicator_services.period_value_prepare(self.instance)
        return indicator_services.value_problems(value=self.instance)


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
        indicator_services.period_value_prepare(self.instance)
        return indicator_services.comparator_problems(comparator=self.instance)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    form = IndicatorAdminForm
    list_display = ("name", "code", "board", "unit", "polarity", "target")
    list_filter = ("board", "unit", "polarity", "source_kind")
    search_fields = ("name", "code", "definition")
    list_select_related = ("board",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj._history_user = request.user
        indicator_services.indicator_save(indicator=obj)


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
        indicator_services.indicator_value_save(value=obj)


@admin.register(Comparator)
class ComparatorAdmin(SimpleHistoryAdmin):
    form = ComparatorAdminForm
    list_display = ("indicator", "kind", "period_start", "value", "marker", "neighbours_used")
    list_filter = ("indicator__board", "kind", "marker")
    search_fields = ("indicator__name", "indicator__code", "area_name")
    list_select_related = ("indicator", "indicator__board")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj._history_user = request.user
        indicator_services.comparator_save(comparator=obj)


@admin.register(StatisticalNeighbour)
class StatisticalNeighbourAdmin(SimpleHistoryAdmin):
    list_display = ("la_name", "la_code", "board", "rank")
    list_filter = ("board",)
    readonly_fields = ("board", "la_code", "la_name", "rank")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
