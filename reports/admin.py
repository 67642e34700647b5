"""Annual reports in the Django admin. Every save goes through
reports.services, as the business manager's pages do, so the admin refuses
what they refuse and says why on its form.

What publishing froze stays frozen here too: a published report, its
sections, its snapshots and its builds are read only, and nothing of a
report is deleted in the admin. While a correction is drafted the report's
sections are the next version's and can change, as on its pages; the
published version is its snapshot, which never can. A report's status changes only through the
services' approval and publication (the actions on the list), never by
editing a field.

The history pages of django-simple-history can post an older version of a
record back through save_model; every save here reads the report's state
afresh from the database, so an old version can neither bring back a
published report's earlier words nor change its status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from board.admin import ServiceAdmin, ServiceAdminForm
from reports import services
from reports.models import (
    AnnualReport,
    PublicPage,
    ReportBuild,
    ScorecardDocument,
    Section,
    Snapshot,
)


def _published(report_id: int | None) -> bool:
    """Whether the report is frozen now (published as it stands, with no
    correction drafted), as the database says: the object an admin page
    holds may be an older version of it."""
    return (
        report_id is not None
        and AnnualReport.objects.filter(pk=report_id, status=AnnualReport.Status.PUBLISHED).exists()
    )


class ReadOnly:
    """A record no one adds, changes or deletes in the admin: it is written
    by the services (snapshots, builds and scorecard documents by the
    background builds)."""

    model: Any

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Every field, on the history pages too: they build their form
        # without asking for change permission.
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        raise PermissionDenied

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        raise PermissionDenied


# Reports -----------------------------------------------------------------------------------


class ReportAddForm(ServiceAdminForm):
    class Meta:
        model = AnnualReport
        fields = ["board", "year", "approver"]

    def problems(self) -> dict[str, list[str]]:
        report = self.instance
        if report.board_id is None or report.year_id is None:
            return {}  # the board and year fields say what is missing
        return services.report_create_problems(
            board=report.board, year=report.year, approver=report.approver
        )


class ReportChangeForm(ServiceAdminForm):
    class Meta:
        model = AnnualReport
        fields = ["title", "approver"]

    def problems(self) -> dict[str, list[str]]:
        # The rules compare with the report as saved (who approves may change
        # only while it is a draft), not with this form's copy of it.
        saved = AnnualReport.objects.get(pk=self.instance.pk)
        return services.report_update_problems(
            report=saved, title=self.instance.title, approver=self.instance.approver
        )


class SnapshotInline(admin.TabularInline):
    model = Snapshot
    extra = 0
    can_delete = False
    fields = ("version", "created", "changes", "html_sha256", "pdf_sha256", "pages")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(ServiceAdmin):
    list_display = ("title", "board", "year", "status", "approver", "published_at")
    list_filter = ("status", "board", "year")
    list_select_related = ("board", "year")
    search_fields = ("title",)
    inlines = [SnapshotInline]
    actions = ["approve", "publish"]

    #: Shown, never edited: the services set them as the report moves on.
    RECORDED = (
        "board",
        "year",
        "status",
        "approved_by",
        "approved_at",
        "approval_reason",
        "missing_at_approval",
        "published_at",
        "sent_to_panel",
        "sent_to_what_works",
    )

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = ReportChangeForm if obj is not None else ReportAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.inlines

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ReportAddForm.Meta.fields
        return ["title", "approver", *self.RECORDED]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        if _published(obj.pk):
            return ["title", "approver", *self.RECORDED]
        return self.RECORDED

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (
            obj is not None and _published(obj.pk)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        if obj.pk is None:
            created = services.report_create(board=obj.board, year=obj.year, approver=obj.approver)
            obj.pk = created.pk
            obj._state.adding = False
            obj.refresh_from_db()
            return
        if _published(obj.pk):
            raise PermissionDenied
        # report_update reads the report afresh; what the form asked for, first.
        title, approver = obj.title, obj.approver
        services.report_update(report=obj, title=title, approver=approver)

    def _each(self, request: HttpRequest, queryset: Any, act: Any, done: str) -> None:
        for report in queryset.select_related("board", "year"):
            try:
                act(report)
            except ValidationError as exc:
                self.message_user(request, f"{report}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{report}: {done}", messages.SUCCESS)

    @admin.action(description="Approve the chosen reports", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        """Approval as on the report's page, without a reason: a report with
        Working Together items missing is approved there, where the reason
        is written."""
        self._each(
            request,
            queryset,
            lambda report: services.report_approve(report=report, user=request.user),
            "approved.",
        )

    @admin.action(description="Publish the chosen reports", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        self._each(
            request,
            queryset,
            lambda report: services.report_publish(report=report, user=request.user),
            "the snapshot is being built; the report is published when it is stored.",
        )


# Sections ----------------------------------------------------------------------------------


class SectionForm(ServiceAdminForm):
    class Meta:
        model = Section
        fields = ["included", "left_out_reason", "body"]

    def problems(self) -> dict[str, list[str]]:
        saved = Section.objects.select_related("report").get(pk=self.instance.pk)
        problems: dict[str, list[str]] = {}
        if {"included", "left_out_reason"} & set(self.changed_data):
            found = services.section_include_problems(
                section=saved,
                included=self.instance.included,
                reason=self.instance.left_out_reason,
            )
            problems.update(
                {"left_out_reason" if k == "reason" else k: v for k, v in found.items()}
            )
        if "body" in self.changed_data:
            for key, messages_ in services.section_save_problems(
                section=saved, body=self.instance.body
            ).items():
                problems.setdefault(key, []).extend(messages_)
        return problems


@admin.register(Section)
class SectionAdmin(ServiceAdmin):
    """A report's sections are made with the report; here a narrative
    section's words and whether a section is included can change. Moving
    sections is done on the report's page."""

    form = SectionForm
    list_display = ("__str__", "report", "position", "included")
    list_filter = ("report__board", "report__year", "kind", "included")
    list_select_related = ("report",)
    fields = ("report", "kind", "position", "included", "left_out_reason", "body")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or _published(obj.report_id):
            return self.fields
        if not obj.is_narrative:
            return ("report", "kind", "position", "body")
        return ("report", "kind", "position")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (
            obj is not None and _published(obj.report_id)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        saved = Section.objects.select_related("report").get(pk=obj.pk)
        if _published(saved.report_id):
            raise PermissionDenied
        if {"included", "left_out_reason"} & set(form.changed_data):
            services.section_include(
                section=saved, included=obj.included, reason=obj.left_out_reason
            )
        if "body" in form.changed_data:
            services.section_save(section=saved, body=obj.body)
        obj.refresh_from_db()


# What publishing froze, and the builds that froze it -----------------------------------------


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("__str__", "version", "created", "pages")
    list_filter = ("report__board",)
    list_select_related = ("report",)


@admin.register(ReportBuild)
class ReportBuildAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("__str__", "status", "step", "progress", "created", "finished")
    list_filter = ("status", "purpose")
    list_select_related = ("report",)


@admin.register(ScorecardDocument)
class ScorecardDocumentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("__str__", "board", "status", "pages", "created", "finished", "published_at")
    list_filter = ("status", "board")
    list_select_related = ("board",)


@admin.register(PublicPage)
class PublicPageAdmin(ReadOnly, SimpleHistoryAdmin):
    """Shown with its history; the business manager turns a board's public
    page on or off on the board's own page (reports:public_page)."""

    list_display = ("__str__", "board", "enabled", "changed", "changed_by")
    list_select_related = ("board", "changed_by")
