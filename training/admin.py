"""Training records in the Django admin, for the Admin who loads and
corrects what past reports state. Every save goes through training.services,
as the business manager's pages do: the admin refuses what they refuse, and
says why on the form."""

from django.contrib import admin

from board.admin import ServiceAdmin, ServiceAdminForm
from training import services
from training.models import (
    CourseAgency,
    ImpactEvaluation,
    StatedFigure,
    TrainingCourse,
    TrainingFigures,
)

_OWNER = ["board", "group", "year", "quarter", "mode"]


class TrainingFiguresAdminForm(ServiceAdminForm):
    class Meta:
        model = TrainingFigures
        fields = [
            *_OWNER,
            "courses_delivered",
            "places_offered",
            "delegates_booked",
            "delegates_attended",
            "delegates_no_show",
            "cancellations",
            "late_cancellations",
            "learners_registered",
            "learners_completed",
            "learners_passed",
            "satisfaction_pct",
            "places_filled_pct",
            "attendance_pct",
            "completion_pct",
            "pass_rate_pct",
            "source",
            "notes",
        ]

    def problems(self) -> dict[str, list[str]]:
        year = self.cleaned_data.get("year")
        if year is None:
            return {}  # the year field says what is missing
        return services.figures_problems(figures=self.instance, year=year)


@admin.register(TrainingFigures)
class TrainingFiguresAdmin(ServiceAdmin):
    form = TrainingFiguresAdminForm
    list_display = ("__str__", "year", "quarter", "mode", "courses_delivered", "delegates_booked")
    list_filter = ("board", "group", "year", "mode")
    list_select_related = ("board", "group", "year")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.figures_save(figures=obj, year=form.cleaned_data["year"])


class StatedFigureAdminForm(ServiceAdminForm):
    class Meta:
        model = StatedFigure
        fields = [*_OWNER, "measure", "change", "value", "wording", "explanation", "source"]

    def problems(self) -> dict[str, list[str]]:
        year = self.cleaned_data.get("year")
        if year is None:
            return {}
        return services.stated_figure_problems(stated=self.instance, year=year)


@admin.register(StatedFigure)
class StatedFigureAdmin(ServiceAdmin):
    form = StatedFigureAdminForm
    list_display = ("__str__", "year", "mode", "measure", "value")
    list_filter = ("board", "group", "year", "mode", "measure")
    list_select_related = ("board", "group", "year")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.stated_figure_save(stated=obj, year=form.cleaned_data["year"])


class TrainingCourseAdminForm(ServiceAdminForm):
    """A course's year and quarter follow from its date."""

    class Meta:
        model = TrainingCourse
        fields = [
            "board",
            "group",
            "mode",
            "title",
            "date",
            "sessions",
            "places_offered",
            "delegates_booked",
            "delegates_attended",
            "delegates_no_show",
            "cancellations",
            "late_cancellations",
            "places_filled_pct",
            "attendance_pct",
            "source",
            "notes",
        ]

    def problems(self) -> dict[str, list[str]]:
        """The course's rules, and its delegates by agency as they stand
        (lowering the attendance below them is refused here as on the page)."""
        problems = services.course_problems(course=self.instance)
        if self.instance.pk:
            counts = services.course_agency_counts([self.instance.pk]).get(self.instance.pk, {})
            for name, messages in services.course_agency_problems(
                course=self.instance, counts=counts
            ).items():
                problems.setdefault(name, []).extend(messages)
        return problems


class CourseAgencyInline(admin.TabularInline):  # type: ignore[type-arg]
    """A course's delegates by agency, read only here: they are changed on
    the course's page or by an import, which check them against its
    attendance."""

    model = CourseAgency
    fields = ("agency", "delegates")
    readonly_fields = ("agency", "delegates")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(TrainingCourse)
class TrainingCourseAdmin(ServiceAdmin):
    form = TrainingCourseAdminForm
    inlines = [CourseAgencyInline]
    list_display = ("title", "date", "mode", "sessions", "places_offered", "delegates_attended")
    list_filter = ("board", "group", "year", "mode")
    list_select_related = ("board", "group", "year")
    search_fields = ("title",)
    date_hierarchy = "date"

    def get_inlines(self, request, obj):  # type: ignore[no-untyped-def]
        """A course being added has no delegates by agency yet, so its page
        shows (and its form expects) none."""
        return self.inlines if obj is not None else []

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.courses_save(courses=[obj])

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        obj._history_user = request.user
        services.course_remove(course=obj)


class ImpactEvaluationAdminForm(ServiceAdminForm):
    class Meta:
        model = ImpactEvaluation
        fields = [
            *_OWNER,
            "course",
            "subject",
            "months_after",
            "delegates_asked",
            "replies",
            "reporting_change",
            "reporting_change_pct",
            "finding",
            "action",
            "source",
        ]

    def problems(self) -> dict[str, list[str]]:
        return services.impact_problems(evaluation=self.instance)


@admin.register(ImpactEvaluation)
class ImpactEvaluationAdmin(ServiceAdmin):
    form = ImpactEvaluationAdminForm
    list_display = ("subject", "year", "quarter", "mode", "months_after", "replies")
    list_filter = ("board", "group", "year", "mode")
    list_select_related = ("board", "group", "year")
    search_fields = ("subject", "finding")
    raw_id_fields = ("course", "action")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.impact_save(evaluation=obj, year=form.cleaned_data["year"])
