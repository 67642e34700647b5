from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from priorities import services
from priorities.models import (
    Action,
    ActionPlan,
    Assessment,
    EvidenceType,
    Priority,
    RagDefinition,
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
    """Closing, reopening and extending are the business manager's, on the
    plan's own page, through the services that record why; here they are
    shown, not changed. The period's own rules (an end before its start)
    are the model's `clean`, which the admin runs."""

    list_display = ("title", "board", "kind", "period", "starts_on", "ends_on", "closed_on")
    list_filter = ("board", "kind")
    search_fields = ("title", "summary", "notes")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("extended_to", "closed_on", "closed_reason")
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
