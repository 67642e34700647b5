from django.contrib import admin

from outbox.models import Attempt, Message


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "started_at", "finished_at", "outcome", "error")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The record of what Assure sent: read only, here as on the board's
    messages page, so nothing can rewrite what was sent or when."""

    list_display = ("subject", "to_address", "board", "reason", "status", "queued_at")
    list_filter = ("status", "reason", "board")
    search_fields = ("to_address", "subject", "about")
    inlines = [AttemptInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
