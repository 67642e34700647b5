"""Assure's roles. Each is a Django group created by a data migration
(board/migrations/0002_roles.py); which boards a person sees is Board.users."""

BUSINESS_MANAGER = "Business manager"
INDEPENDENT_CHAIR = "Independent chair"
PARTNER = "Partner"
ADMIN = "Admin"
#: A person in a partner agency who leads actions: they see only the actions
#: they lead (priorities.lead_views), nothing else of the board.
ACTION_LEAD = "Action lead"

ALL = (BUSINESS_MANAGER, INDEPENDENT_CHAIR, PARTNER, ADMIN, ACTION_LEAD)

#: Roles that see case-review records, manage people or answer for actions
#: (a case review's plan among them), so sign in with a second factor as well
#: as a password (core.two_factor). Superusers and staff always do; partners
#: may choose to.
SECOND_FACTOR_REQUIRED = (BUSINESS_MANAGER, INDEPENDENT_CHAIR, ADMIN, ACTION_LEAD)

#: The roles a business manager may invite to their own boards; an Admin may
#: invite any role (people.rules).
INVITED_BY_BUSINESS_MANAGERS = (ACTION_LEAD, PARTNER)

#: What each role may do with the models of every app, as Django model
#: permission verbs. Object-level rules (which board) live in each app's rules.py.
MODEL_PERMISSIONS = {
    BUSINESS_MANAGER: ("view", "add", "change"),
    INDEPENDENT_CHAIR: ("view",),
    PARTNER: (),
    ADMIN: ("view",),
    ACTION_LEAD: (),
}

#: The Admin role also manages accounts, which boards they see, and boards'
#: lists of partner agencies, in the Django admin: (app label, codename) pairs.
ADMIN_ACCOUNT_PERMISSIONS = (
    ("auth", "view_user"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "view_group"),
    ("board", "view_boardaccess"),
    ("board", "add_boardaccess"),
    ("board", "change_boardaccess"),
    ("board", "delete_boardaccess"),
    # A board's list of partner agencies: added to and taken off, never
    # changed (board.admin.BoardAgencyAdmin, through the same services).
    ("board", "add_boardagency"),
    ("board", "delete_boardagency"),
)


#: The Admin role also keeps a board's records in the Django admin (loading
#: what the past reports name, correcting what the seeds got wrong): add and
#: change, never delete, on these (app label, model) pairs. The admin saves
#: them through the same services as the business manager's pages.
ADMIN_MAINTAINS = (
    ("board", "agency"),
    ("board", "member"),
    ("board", "group"),
    ("board", "maingroup"),
    ("board", "reportingyear"),
    ("board", "contribution"),
    ("board", "publishedtotal"),
    ("audits", "audit"),
    ("audits", "finding"),
    ("audits", "section11standard"),
    ("audits", "section11round"),
    ("audits", "section11focus"),
    ("audits", "section11return"),
    ("audits", "section11rating"),
    ("audits", "inspection"),
    ("audits", "judgement"),
    ("training", "trainingfigures"),
    ("training", "statedfigure"),
    ("training", "trainingcourse"),
    ("training", "impactevaluation"),
)


#: Records nobody writes by hand (who read which case review): no role holds
#: a model permission on them but the Admin's "view", so the Django admin
#: shows them to the Admin alone, read only. (app label, model) pairs.
ADMIN_VIEWS_ONLY = (("reviews", "readrecord"),)


def _role_may_hold(role: str, permission) -> bool:  # type: ignore[no-untyped-def]
    verb = permission.codename.split("_", 1)[0]
    if verb not in MODEL_PERMISSIONS[role]:
        return False
    model = (permission.content_type.app_label, permission.content_type.model)
    return model not in ADMIN_VIEWS_ONLY or (role == ADMIN and verb == "view")


def sync_role_permissions(apps, app_labels):  # type: ignore[no-untyped-def]
    """Give each role its model permissions on the models of `app_labels`.

    Called from data migrations (with the historical app registry), once per
    app that adds models, so the roles always match MODEL_PERMISSIONS.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips an app without a models module, which the
        # historical registry of a migration never has; lend it one, and
        # give back what was there (the live registry's, when tests call this).
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_permissions = list(
        Permission.objects.filter(content_type__app_label__in=app_labels).select_related(
            "content_type"
        )
    )
    for name in MODEL_PERMISSIONS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(p for p in app_permissions if _role_may_hold(name, p)))
        if name == ADMIN:
            for app_label, codename in ADMIN_ACCOUNT_PERMISSIONS:
                group.permissions.add(
                    *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
                )
            for app_label, model in ADMIN_MAINTAINS:
                if app_label in app_labels:
                    group.permissions.add(
                        *Permission.objects.filter(
                            content_type__app_label=app_label,
                            codename__in=[f"add_{model}", f"change_{model}"],
                        )
                    )
