"""The admin saves audits, Section 11 and inspections through the same
services as the business manager's pages, and shows the services' refusals
on its forms (board.admin.ServiceAdminForm)."""

from django.contrib import admin

from audits import services
from audits.models import (
    Audit,
    Finding,
    Inspection,
    Judgement,
    Section11Focus,
    Section11Rating,
    Section11Return,
    Section11Round,
    Section11Standard,
)
from board.admin import ServiceAdmin, ServiceAdminForm


class AuditAdminForm(ServiceAdminForm):
    class Meta:
        model = Audit
        fields = [
            "board",
            "group",
            "slug",
            "year",
            "kind",
            "theme",
            "scope",
            "start",
            "end",
            "dated_by",
            "cases_audited",
            "agencies",
            "agencies_note",
            "method",
            "status",
            "summary",
            "plan",
            "source",
            "notes",
        ]

    def problems(self) -> dict[str, list[str]]:
        return services.audit_problems(
            audit=self.instance, agencies=self.cleaned_data.get("agencies") or []
        )


@admin.register(Audit)
class AuditAdmin(ServiceAdmin):
    form = AuditAdminForm
    list_display = ("theme", "year", "kind", "status", "board", "group")
    list_filter = ("kind", "status", "year")
    search_fields = ("theme", "scope")
    filter_horizontal = ("agencies",)
    prepopulated_fields = {"slug": ("theme",)}

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.audit_save(audit=obj, agencies=form.cleaned_data["agencies"])


class FindingAdminForm(ServiceAdminForm):
    class Meta:
        model = Finding
        fields = ["audit", "position", "kind", "text", "action"]

    def problems(self) -> dict[str, list[str]]:
        return services.finding_problems(finding=self.instance)


@admin.register(Finding)
class FindingAdmin(ServiceAdmin):
    form = FindingAdminForm
    list_display = ("audit", "position", "kind")
    list_filter = ("kind",)

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.finding_save(finding=obj)


class StandardAdminForm(ServiceAdminForm):
    class Meta:
        model = Section11Standard
        fields = ["board", "group", "number", "title", "description"]

    def problems(self) -> dict[str, list[str]]:
        return services.standard_problems(standard=self.instance)


@admin.register(Section11Standard)
class StandardAdmin(ServiceAdmin):
    form = StandardAdminForm
    list_display = ("number", "title", "board", "group")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.standard_save(standard=obj)


class RoundAdminForm(ServiceAdminForm):
    class Meta:
        model = Section11Round
        fields = [
            "board",
            "group",
            "slug",
            "year",
            "title",
            "deadline",
            "summary",
            "plan",
            "source",
            "notes",
        ]

    def problems(self) -> dict[str, list[str]]:
        return services.round_problems(section11=self.instance)


@admin.register(Section11Round)
class RoundAdmin(ServiceAdmin):
    form = RoundAdminForm
    list_display = ("title", "year", "deadline", "board", "group")
    prepopulated_fields = {"slug": ("title",)}

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.round_save(section11=obj)


class FocusAdminForm(ServiceAdminForm):
    class Meta:
        model = Section11Focus
        fields = ["round", "standard", "findings"]

    def problems(self) -> dict[str, list[str]]:
        return services.focus_problems(focus=self.instance)


@admin.register(Section11Focus)
class FocusAdmin(ServiceAdmin):
    form = FocusAdminForm
    list_display = ("round", "standard")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.focus_save(focus=obj)


class ReturnAdminForm(ServiceAdminForm):
    class Meta:
        model = Section11Return
        fields = ["round", "agency", "submitted", "submitted_on", "notes"]

    def problems(self) -> dict[str, list[str]]:
        return services.return_save_problems(ret=self.instance)


@admin.register(Section11Return)
class ReturnAdmin(ServiceAdmin):
    form = ReturnAdminForm
    list_display = ("agency", "round", "submitted", "submitted_on")
    list_filter = ("submitted",)

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.return_save(ret=obj)


class RatingAdminForm(ServiceAdminForm):
    class Meta:
        model = Section11Rating
        fields = [
            "ret",
            "standard",
            "level",
            "evidence",
            "challenge_outcome",
            "area_for_development",
            "action",
        ]

    def problems(self) -> dict[str, list[str]]:
        return services.rating_problems(rating=self.instance)


@admin.register(Section11Rating)
class RatingAdmin(ServiceAdmin):
    form = RatingAdminForm
    list_display = ("ret", "standard", "level")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.rating_save(rating=obj)


class InspectionAdminForm(ServiceAdminForm):
    class Meta:
        model = Inspection
        fields = [
            "board",
            "slug",
            "year",
            "inspectorate",
            "kind",
            "start",
            "end",
            "dates_as_written",
            "published",
            "published_as_written",
            "report_url",
            "summary",
            "plans",
            "source",
            "notes",
        ]

    def problems(self) -> dict[str, list[str]]:
        return services.inspection_problems(
            inspection=self.instance, plans=self.cleaned_data.get("plans") or []
        )


@admin.register(Inspection)
class InspectionAdmin(ServiceAdmin):
    form = InspectionAdminForm
    list_display = ("inspectorate", "kind", "start", "board")
    filter_horizontal = ("plans",)

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.inspection_save(inspection=obj, plans=form.cleaned_data["plans"])


class JudgementAdminForm(ServiceAdminForm):
    class Meta:
        model = Judgement
        fields = ["inspection", "position", "area", "grade"]

    def problems(self) -> dict[str, list[str]]:
        return services.judgement_problems(judgement=self.instance)


@admin.register(Judgement)
class JudgementAdmin(ServiceAdmin):
    form = JudgementAdminForm
    list_display = ("inspection", "position", "area", "grade")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.judgement_save(judgement=obj)
