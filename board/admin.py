from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group as Role
from django.contrib.messages import ERROR
from django.forms.models import construct_instance
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from board import services
from board.accounts import user_may_manage, user_role_problems, users_managed_by
from board.models import (
    Agency,
    Attendance,
    Board,
    BoardAccess,
    BoardAgency,
    Contribution,
    Group,
    MainGroup,
    Meeting,
    Member,
    PublishedTotal,
    ReportingYear,
    Risk,
    SourceDocument,
)
from core import roles


def _may_manage(request, user) -> bool:  # type: ignore[no-untyped-def]
    """board.accounts.user_may_manage, asked once per account and request: an
    account's page asks it for every view, inline and button (twenty queries)."""
    answers = request.__dict__.setdefault("_assure_may_manage", {})
    if user.pk not in answers:
        answers[user.pk] = user_may_manage(actor=request.user, user=user)
    return answers[user.pk]


class AccessInline(admin.TabularInline):
    """Rows of BoardAccess in a table.

    Django's tabular inline names each column in its header only, so a screen
    reader landing on a row's select or its delete box hears no name (axe:
    select-name, label). Each control here is given its own. Only the people
    the signed-in person may manage (board.accounts) can be chosen.
    """

    model = BoardAccess
    extra = 0

    def control_labels(self, form):  # type: ignore[no-untyped-def]
        """The accessible name of each control of one row, by field name."""
        access = form.instance
        known = access.pk is not None
        return {
            "board": "Board",
            "user": "Person",
            "DELETE": f"Delete: {access.user} may see {access.board}" if known else "Delete",
        }

    def get_formset(self, request, obj=None, **kwargs):  # type: ignore[no-untyped-def]
        formset = super().get_formset(request, obj, **kwargs)
        control_labels = self.control_labels

        class LabelledFormSet(formset):  # type: ignore[misc, valid-type]
            def add_fields(self, form, index):  # type: ignore[no-untyped-def]
                super().add_fields(form, index)
                for name, label in control_labels(form).items():
                    if name in form.fields:
                        widget = form.fields[name].widget
                        # The admin wraps a select in RelatedFieldWidgetWrapper,
                        # which renders its inner widget's attrs.
                        getattr(widget, "widget", widget).attrs["aria-label"] = label

        return LabelledFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "user":
            kwargs["queryset"] = users_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PeopleOnBoardInline(AccessInline):
    """Who may see a board, on the board's page."""

    autocomplete_fields = ("user",)
    verbose_name = "person who may see this board"
    verbose_name_plural = "people who may see this board"


class BoardsOfPersonInline(AccessInline):
    """The boards a person may see, on their account's page. Read only for an
    account the signed-in person may not manage, like the rest of the page."""

    verbose_name = "board this person may see"
    verbose_name_plural = "boards this person may see"

    def _may_manage(self, request, obj) -> bool:  # type: ignore[no-untyped-def]
        return obj is None or _may_manage(request, obj)

    def has_add_permission(self, request, obj):  # type: ignore[no-untyped-def]
        return super().has_add_permission(request, obj) and self._may_manage(request, obj)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)


@admin.register(SourceDocument)
class SourceDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("key", "title", "publisher", "published")
    search_fields = ("key", "title", "notes")


# The board's records save through board.services, as the business manager's
# pages do: a form here refuses what the service refuses, and shows why.


class ServiceAdminForm(forms.ModelForm):
    """Fills the instance from the form and takes its errors from the
    service's *_problems(), instead of the model form's own validation."""

    def _post_clean(self) -> None:
        opts = self._meta
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        for name, messages in self.problems().items():
            self.add_error(name if name in self.fields else None, messages)

    def problems(self) -> dict[str, list[str]]:
        return {}


class ServiceAdmin(SimpleHistoryAdmin):
    """Saves through `save(obj, form)`, a call to a service; many-to-many
    fields are the service's to set, so save_related saves only inlines."""

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj._history_user = request.user
        self.save(obj, form)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class BoardAdminForm(ServiceAdminForm):
    class Meta:
        model = Board
        fields = ["slug", "name", "short_name", "area", "kind", "website"]

    def problems(self) -> dict[str, list[str]]:
        return services.board_problems(board=self.instance)


@admin.register(Board)
class BoardAdmin(ServiceAdmin):
    """Saved through board_save, as the Admin's own pages save a board."""

    form = BoardAdminForm
    list_display = ("name", "short_name", "area", "kind")
    search_fields = ("name", "short_name", "area")
    list_filter = ("kind",)
    prepopulated_fields = {"slug": ("name",)}
    # The logo is checked (its content, size and pixels) and re-encoded by
    # board_logo_set on the board's logo page; the admin only shows it.
    readonly_fields = ("read_records_kept_months", "logo")
    inlines = [PeopleOnBoardInline]

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.board_save(board=obj)


@admin.register(ReportingYear)
class ReportingYearAdmin(ServiceAdmin):
    list_display = ("label", "start", "end")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.reporting_year_save(year=obj)


class AgencyAdminForm(ServiceAdminForm):
    class Meta:
        model = Agency
        fields = ["slug", "name", "short_name", "sector"]

    def problems(self) -> dict[str, list[str]]:
        # An Admin changes any agency, shared or not (docs/adr/0019).
        return services.agency_problems(agency=self.instance)


@admin.register(Agency)
class AgencyAdmin(ServiceAdmin):
    form = AgencyAdminForm
    list_display = ("name", "short_name", "sector")
    search_fields = ("name", "short_name")
    list_filter = ("sector",)
    prepopulated_fields = {"slug": ("name",)}

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.agency_save(agency=obj)


class BoardAgencyAdminForm(forms.ModelForm):
    class Meta:
        model = BoardAgency
        fields = ["board", "agency"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        board, agency = cleaned.get("board"), cleaned.get("agency")
        if (
            board is not None
            and agency is not None
            and BoardAgency.objects.filter(board=board, agency=agency).exists()
        ):
            raise forms.ValidationError(f"{agency.name} is already on {board.name}'s list.")
        return cleaned


@admin.register(BoardAgency)
class BoardAgencyAdmin(SimpleHistoryAdmin):
    """A board's list of partner agencies (docs/adr/0021), through the same
    services as the agencies page: an add goes through board_agencies_add;
    a removal through board_agency_remove, refused with the page's message
    while the board still uses the agency. An entry is added or removed,
    never changed into another."""

    form = BoardAgencyAdminForm
    list_display = ("agency", "board")
    list_filter = ("board",)
    search_fields = ("agency__name", "agency__short_name", "board__name")
    autocomplete_fields = ("agency",)
    list_select_related = ("agency", "board")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):  # type: ignore[no-untyped-def]
        # Removing several at once would skip the rule; each has its own page.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        services.board_agencies_add(board=obj.board, agencies=[obj.agency])
        saved = BoardAgency.objects.get(board=obj.board, agency=obj.agency)
        obj.pk = saved.pk

    def delete_view(self, request, object_id, extra_context=None):  # type: ignore[no-untyped-def]
        """Say at once, with the service's own words, why a removal would be
        refused, rather than offering a confirmation the service refuses."""
        link = self.get_object(request, object_id)
        if link is not None and self.has_delete_permission(request, link):
            problems = services.board_agency_problems(board=link.board, agency=link.agency)
            if problems:
                for text in problems["__all__"]:
                    self.message_user(request, text, ERROR)
                return HttpResponseRedirect(
                    reverse("admin:board_boardagency_change", args=[link.pk])
                )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        services.board_agency_remove(board=obj.board, agency=obj.agency)


class GroupAdminForm(ServiceAdminForm):
    class Meta:
        model = Group
        fields = ["name", "slug", "short_name", "kind", "boards", "reports_to", "purpose"]

    def problems(self) -> dict[str, list[str]]:
        return services.group_problems(
            group=self.instance, boards=self.cleaned_data.get("boards") or []
        )


@admin.register(Group)
class GroupAdmin(ServiceAdmin):
    form = GroupAdminForm
    list_display = ("name", "short_name", "kind", "reports_to")
    search_fields = ("name", "short_name")
    list_filter = ("kind", "boards")
    filter_horizontal = ("boards",)
    prepopulated_fields = {"slug": ("name",)}

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.group_save(group=obj, boards=form.cleaned_data["boards"])


class MemberAdminForm(ServiceAdminForm):
    class Meta:
        model = Member
        fields = [
            "board",
            "agency",
            "person",
            "position",
            "role",
            "groups",
            "start",
            "end",
            "successor",
            "first_recorded",
            "last_recorded",
            "last_recorded_in",
            "notes",
        ]

    def problems(self) -> dict[str, list[str]]:
        if self.instance.board_id is None:
            return {}  # the board field says what is missing
        return services.member_problems(
            member=self.instance, groups=self.cleaned_data.get("groups") or []
        )


@admin.register(Member)
class MemberAdmin(ServiceAdmin):
    form = MemberAdminForm
    list_display = ("label", "person", "role", "board", "start", "end")
    search_fields = ("person", "position", "agency__name")
    list_filter = ("board", "role", "agency__sector")
    list_select_related = ("agency", "board")
    filter_horizontal = ("groups",)
    autocomplete_fields = ("agency",)
    # A plain id box with its label: the autocomplete widget left the
    # successor without an accessible name (axe: aria-input-field-name).
    raw_id_fields = ("successor",)

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.member_save(member=obj, groups=form.cleaned_data["groups"])


class MainGroupAdminForm(ServiceAdminForm):
    class Meta:
        model = MainGroup
        fields = ["board", "group"]

    def problems(self) -> dict[str, list[str]]:
        board, group = self.cleaned_data.get("board"), self.cleaned_data.get("group")
        if board is None or group is None:
            return {}  # the fields say what is missing
        problems = services.main_group_problems(board=board, group=group)
        clash = MainGroup.objects.filter(board=board).exclude(pk=self.instance.pk)
        if clash.exists():
            problems.setdefault("board", []).append(
                f"{board} already has a main group; change that one instead."
            )
        return problems


@admin.register(MainGroup)
class MainGroupAdmin(ServiceAdmin):
    form = MainGroupAdminForm
    list_display = ("board", "group")
    list_select_related = ("board", "group")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        """A board has one main group: change which group, not which board."""
        return ("board",) if obj is not None else ()

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.main_group_set(board=obj.board, group=obj.group)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ("member",)


@admin.register(Meeting)
class MeetingAdmin(ServiceAdmin):
    list_display = ("group", "date", "location")
    list_filter = ("group",)
    search_fields = ("group__name", "location")
    date_hierarchy = "date"
    inlines = [AttendanceInline]

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.meeting_save(meeting=obj)


class ContributionAdminForm(ServiceAdminForm):
    class Meta:
        model = Contribution
        fields = ["board", "year", "agency", "label", "amount", "notes"]

    def problems(self) -> dict[str, list[str]]:
        year = self.cleaned_data.get("year")
        if self.instance.board_id is None or year is None:
            return {}  # the board and year fields say what is missing
        return services.contribution_problems(contribution=self.instance, year=year)


@admin.register(Contribution)
class ContributionAdmin(ServiceAdmin):
    form = ContributionAdminForm
    list_display = ("label", "board", "year", "amount")
    list_filter = ("board", "year")
    search_fields = ("label", "agency__name")
    autocomplete_fields = ("agency",)

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.contribution_save(contribution=obj, year=form.cleaned_data["year"])

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        obj._history_user = request.user
        services.contribution_remove(contribution=obj)


@admin.register(Risk)
class RiskAdmin(ServiceAdmin):
    list_display = ("ref", "title", "board", "likelihood", "impact", "status", "review_date")
    list_filter = ("board", "status")
    search_fields = ("ref", "title", "description", "owner")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.risk_save(risk=obj, board=obj.board)


@admin.register(PublishedTotal)
class PublishedTotalAdmin(ServiceAdmin):
    list_display = ("board", "year", "amount")
    list_filter = ("board", "year")

    def save(self, obj, form):  # type: ignore[no-untyped-def]
        services.published_total_save(total=obj)


User = get_user_model()
admin.site.unregister(User)


class AccountForm(UserChangeForm):
    """The account page. A person has exactly one role (board.accounts says
    why); the error is on the groups field, where the roles are chosen."""

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        if "groups" in self.fields and "groups" in cleaned:
            is_superuser = cleaned.get("is_superuser", self.instance.is_superuser)
            for problem in user_role_problems(
                role_names=[group.name for group in cleaned["groups"]],
                is_superuser=bool(is_superuser),
            ):
                self.add_error("groups", problem)
        return cleaned


@admin.register(User)
class AssureUserAdmin(UserAdmin):
    """Accounts. Someone in the Admin role manages people, their role and
    boards, but cannot make anyone a superuser, hand out single permissions or
    put anyone in a group that is not a role; their staff status follows the
    Admin role. They see everyone, but cannot change, deactivate, delete or set
    the password of an account with more rights than their own
    (board.accounts.users_managed_by): the password and delete views and the
    bulk delete all ask has_change_permission or has_delete_permission with
    the account. Superusers manage everyone."""

    form = AccountForm
    inlines = [BoardsOfPersonInline]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "is_staff", "user_permissions")

    filter_horizontal = ("user_permissions",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "groups":
            # A person has one role, chosen from four: a short list of boxes,
            # not the two-list filter Django gives groups.
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["label"] = "Role"
            if request.user.is_superuser:
                kwargs["help_text"] = (
                    "Choose exactly one role. A superuser may have none, and only a "
                    "superuser may give a group that is not a role."
                )
            else:
                kwargs["queryset"] = Role.objects.filter(name__in=roles.ALL)
                kwargs["help_text"] = "Choose exactly one role."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        """People get accounts by invitation (a board's People page), never
        with a password someone else typed; only a superuser adds one here."""
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_change_permission(request, obj) and (
            obj is None or _may_manage(request, obj)
        )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_delete_permission(request, obj) and (
            obj is None or _may_manage(request, obj)
        )

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not request.user.is_superuser and "groups" in form.cleaned_data:
            obj.is_staff = any(group.name == roles.ADMIN for group in form.cleaned_data["groups"])
        super().save_model(request, obj, form, change)

    list_filter = (*UserAdmin.list_filter, "boards")


@admin.register(BoardAccess)
class BoardAccessAdmin(SimpleHistoryAdmin):
    """Who sees which board. An Admin changes only the access of people they
    may manage (board.accounts.users_managed_by)."""

    list_display = ("user", "board")
    list_filter = ("board",)
    search_fields = ("user__username", "user__last_name", "board__name")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "user":
            kwargs["queryset"] = users_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_change_permission(request, obj) and (
            obj is None or _may_manage(request, obj.user)
        )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_delete_permission(request, obj) and (
            obj is None or _may_manage(request, obj.user)
        )
