from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from board.models import (
    Agency,
    Attendance,
    Board,
    BoardAccess,
    Contribution,
    Group,
    Meeting,
    Member,
    PublishedTotal,
    ReportingYear,
    Risk,
    SourceDocument,
)


class PeopleOnBoardInline(admin.TabularInline):
    """Who may see a board, on the board's page."""

    model = BoardAccess
    extra = 0
    autocomplete_fields = ("user",)
    verbose_name = "person who may see this board"
    verbose_name_plural = "people who may see this board"


class BoardsOfPersonInline(admin.TabularInline):
    """The boards a person may see, on their account's page."""

    model = BoardAccess
    extra = 0
    verbose_name = "board this person may see"
    verbose_name_plural = "boards this person may see"


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "area", "kind")
    search_fields = ("name", "short_name", "area")
    list_filter = ("kind",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [PeopleOnBoardInline]


@admin.register(SourceDocument)
class SourceDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("key", "title", "publisher", "published")
    search_fields = ("key", "title", "notes")


@admin.register(ReportingYear)
class ReportingYearAdmin(SimpleHistoryAdmin):
    list_display = ("label", "start", "end")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "sector")
    search_fields = ("name", "short_name")
    list_filter = ("sector",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "reports_to")
    search_fields = ("name", "short_name")
    list_filter = ("kind", "boards")
    filter_horizontal = ("boards",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("label", "person", "role", "board", "start", "end")
    search_fields = ("person", "position", "agency__name")
    list_filter = ("board", "role", "agency__sector")
    list_select_related = ("agency", "board")
    filter_horizontal = ("groups",)
    autocomplete_fields = ("agency",)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ("member",)


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("group", "date", "location")
    list_filter = ("group",)
    search_fields = ("group__name", "location")
    date_hierarchy = "date"
    inlines = [AttendanceInline]


@admin.register(Contribution)
class ContributionAdmin(SimpleHistoryAdmin):
    list_display = ("label", "board", "year", "amount")
    list_filter = ("board", "year")
    search_fields = ("label", "agency__name")
    autocomplete_fields = ("agency",)


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ("ref", "title", "board", "likelihood", "impact", "status", "review_date")
    list_filter = ("board", "status")
    search_fields = ("ref", "title", "description", "owner")


@admin.register(PublishedTotal)
class PublishedTotalAdmin(SimpleHistoryAdmin):
    list_display = ("board", "year", "amount")
    list_filter = ("board", "year")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AssureUserAdmin(UserAdmin):
    """Accounts. Someone in the Admin role manages people, their role and
    boards, but cannot make anyone a superuser or hand out single permissions."""

    inlines = [BoardsOfPersonInline]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "user_permissions")

    list_filter = (*UserAdmin.list_filter, "boards")


@admin.register(BoardAccess)
class BoardAccessAdmin(SimpleHistoryAdmin):
    list_display = ("user", "board")
    list_filter = ("board",)
    search_fields = ("user__username", "user__last_name", "board__name")
