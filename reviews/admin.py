"""The case review models in the Django admin. Every save goes through the
reviews services, so the admin refuses what the pages refuse."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from simple_history.admin import SimpleHistoryAdmin

from reviews import services
from reviews.models import (
    CaseReview,
    LearningTheme,
    ReadRecord,
    Recommendation,
    ReviewStep,
    StatedCount,
)
from reviews.read_records import What, record_reads


class ServiceSavingAdmin(SimpleHistoryAdmin):
    """Saves through a service; the service's field errors come back on the
    admin's form (checked in the form's clean, before anything is saved)."""

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        admin_self = self

        class ServiceForm(form):  # type: ignore[misc, valid-type]
            def _post_clean(self) -> None:
                super()._post_clean()
                if self.errors:
                    return
                for name, messages in admin_self.problems(self.instance, self).items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)

        return ServiceForm

    def problems(self, obj: Any, form: Any) -> dict[str, list[str]]:
        return {}


@admin.register(LearningTheme)
class LearningThemeAdmin(ServiceSavingAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        services.theme_save(theme=obj)


class ReviewStepInline(admin.TabularInline):
    """The steps, read only: they are recorded on the review's pages, where
    the clock's rules are checked and the due dates worked out."""

    model = ReviewStep
    extra = 0
    can_delete = False
    fields = ("kind", "date", "precision", "due", "outcome", "detail", "late_reason")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class RecordsReads:
    """An admin whose change and history pages show a case review's content
    records each successful look at them as a read of that review (the
    list, like the register, shows only what the register shows)."""

    model: Any

    def review_of(self, obj: Any) -> CaseReview | None:
        return obj if isinstance(obj, CaseReview) else None

    def _recorded(self, request: Any, response: Any, obj: Any, page: str) -> Any:
        review = self.review_of(obj) if obj is not None else None
        if review is None:
            return response
        return record_reads(request, response, reviews=[review], what=What.ADMIN, detail=page)

    def change_view(
        self, request: Any, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(  # type: ignore[misc]
            request, object_id, form_url, extra_context
        )
        obj = getattr(response, "context_data", None) or {}
        return self._recorded(
            request, response, obj.get("original"), f"{self.model._meta.verbose_name} page"
        )

    def _stored(self, object_id: str) -> Any:
        return self.model._default_manager.filter(pk=unquote(object_id)).first()

    def history_view(self, request: Any, object_id: str, extra_context: Any = None) -> Any:
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        page = f"{self.model._meta.verbose_name} history"
        return self._recorded(request, response, self._stored(object_id), page)

    def history_form_view(
        self, request: Any, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        response = super().history_form_view(  # type: ignore[misc]
            request, object_id, version_id, extra_context
        )
        page = f"{self.model._meta.verbose_name} as it was"
        return self._recorded(request, response, self._stored(object_id), page)


@admin.register(CaseReview)
class CaseReviewAdmin(RecordsReads, ServiceSavingAdmin):
    list_display = ("name", "board", "kind", "status", "publication_status", "year")
    list_filter = ("board", "kind", "status", "publication_status")
    search_fields = ("name", "summary")
    list_select_related = ("board", "year")
    filter_horizontal = ("themes",)
    inlines = [ReviewStepInline]

    def problems(self, obj: Any, form: Any) -> dict[str, list[str]]:
        # The model's clean checked the rest (see services.publication_date_problems).
        return services.publication_date_problems(review=obj) if obj.board_id else {}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        services.review_save(review=obj)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The themes saved by the form; the steps of the kind, after them.
        services.review_save(review=form.instance)


@admin.register(Recommendation)
class RecommendationAdmin(RecordsReads, ServiceSavingAdmin):
    list_display = ("review", "number", "to_partnership")
    list_filter = ("review__board",)
    search_fields = ("text", "review__name")
    list_select_related = ("review",)
    filter_horizontal = ("agencies", "actions")

    def problems(self, obj: Any, form: Any) -> dict[str, list[str]]:
        if obj.review_id is None:
            return {}
        # The model's clean checked the rest; whom it is addressed to needs
        # the agencies chosen on this form.
        problems = services.recommendation_problems(
            recommendation=obj, agencies=form.cleaned_data.get("agencies")
        )
        return {"agencies": problems["agencies"]} if "agencies" in problems else {}

    def review_of(self, obj: Any) -> CaseReview | None:
        return obj.review if isinstance(obj, Recommendation) else None

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        services.recommendation_save(recommendation=obj, agencies=form.cleaned_data.get("agencies"))


@admin.register(StatedCount)
class StatedCountAdmin(ServiceSavingAdmin):
    list_display = ("board", "year", "measure", "value")
    list_filter = ("board", "year", "measure")
    list_select_related = ("board", "year")

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        services.stated_count_save(stated=obj)


@admin.register(ReadRecord)
class ReadRecordAdmin(admin.ModelAdmin):
    """Who read which case review, to look at only: nobody adds, changes
    or deletes a read record here (a superuser neither); the board's
    retention period and prune_read_records remove them."""

    list_display = ("at", "person", "role", "review_name", "what", "detail", "kind", "board")
    list_filter = ("board", "what", "kind")
    search_fields = ("person", "username", "review_name")
    date_hierarchy = "at"
    list_select_related = ("board",)
    actions = None
    fields = (
        "at",
        "board",
        "review",
        "review_name",
        "user",
        "username",
        "person",
        "role",
        "kind",
        "what",
        "detail",
        "path",
    )
    readonly_fields = fields

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
