"""The Django admin: the pages an Assure admin uses to manage boards and people."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from board.models import BoardAccess
from core import roles
from tests.factories import AssessmentFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("admin:board_board_changelist", lambda w: [w.board.name, w.other_board.name]),
        ("admin:board_member_changelist", lambda w: [str(w.member)]),
        ("admin:board_meeting_changelist", lambda w: [w.meeting.group.name, "19 May 2016"]),
        ("admin:board_risk_changelist", lambda w: ["R1", "R9"]),
        ("admin:priorities_action_changelist", lambda w: [">1a<", w.plan.title, w.action.lead]),
        (
            "admin:priorities_assessment_changelist",
            lambda w: [str(w.action), ">Amber<", ">Grey (not started)<"],
        ),
        ("admin:auth_user_changelist", lambda w: ["manager", "chair", "partner"]),
    ],
)
def test_an_admin_can_open_the_admin_lists_and_sees_what_they_hold(name, shown, world, client_for):
    world.assessment = AssessmentFactory(action=world.action, process="AMBER", impact="GREY")
    response = client_for("admin").get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    for text in shown(world):
        assert escape(text).replace("&lt;", "<").replace("&gt;", ">") in html, text


@pytest.mark.django_db
def test_an_admin_gives_a_person_a_board_on_the_boards_page_and_it_is_on_record(
    world, users, client_for
):
    from django.contrib.auth.models import User

    client = client_for("admin")
    # Admins may view boards but not change them; a superuser manages access here.
    superuser = User.objects.create_superuser(
        "root", "root@example.org", "correct horse battery staple"
    )
    client.force_login(superuser)
    url = reverse("admin:board_board_change", args=[world.other_board.pk])
    page = client.get(url)
    assert "People who may see this board" in page.content.decode()
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "accesses-TOTAL_FORMS": "1",
            "accesses-INITIAL_FORMS": "0",
            "accesses-0-user": users["chair"].pk,
            "accesses-0-board": world.other_board.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BoardAccess.objects.filter(board=world.other_board, user=users["chair"]).exists()
    record = BoardAccess.history.get(board_id=world.other_board.pk, user_id=users["chair"].pk)
    assert record.history_user == superuser


@pytest.mark.django_db
def test_an_admin_gives_a_person_a_board_on_their_account_page(world, users, client_for):
    client = client_for("admin")
    person = users["partner"]
    url = reverse("admin:auth_user_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Boards this person may see" in page.content.decode()
    data = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": "",
        "is_active": "on",
        "groups": [g.pk for g in person.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2016-04-01",
        "date_joined_1": "09:00:00",
        "board_accesses-TOTAL_FORMS": "2",
        "board_accesses-INITIAL_FORMS": "1",
        "board_accesses-0-id": BoardAccess.objects.get(user=person).pk,
        "board_accesses-0-user": person.pk,
        "board_accesses-0-board": world.board.pk,
        "board_accesses-1-user": person.pk,
        "board_accesses-1-board": world.other_board.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(person.boards.all()) == {world.board, world.other_board}
    assert BoardAccess.history.filter(
        user_id=person.pk, board_id=world.other_board.pk, history_user=users["admin"]
    ).exists()


@pytest.mark.django_db
def test_an_admin_cannot_make_anyone_a_superuser(world, users, client_for):
    client = client_for("admin")
    me = users["admin"]
    url = reverse("admin:auth_user_change", args=[me.pk])
    data = {
        "username": me.username,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [g.pk for g in me.groups.all()],
        "date_joined_0": "2016-04-01",
        "date_joined_1": "09:00:00",
        "board_accesses-TOTAL_FORMS": "0",
        "board_accesses-INITIAL_FORMS": "0",
    }
    client.post(url, data)
    me.refresh_from_db()
    assert not me.is_superuser


# Who may manage whom. An Admin manages the people Assure's roles describe; an
# account with rights beyond what an Admin could grant (a superuser, a group
# that is not a role, a permission of its own the Admin lacks) is out of reach.

PASSWORD = "correct horse battery staple"


@pytest.fixture
def root(db):
    from django.contrib.auth.models import User

    return User.objects.create_superuser(
        "root", "root@example.org", PASSWORD, first_name="Robin", last_name="Root"
    )


@pytest.fixture
def outranking(root, world):
    """Accounts an Admin must not touch, by the right that puts them out of reach."""
    from django.contrib.auth.models import Group, Permission

    owners = Group.objects.create(name="Site owners")
    owners.permissions.add(Permission.objects.get(codename="delete_user"))
    in_owners = UserFactory(username="owner", is_staff=True)
    in_owners.groups.add(owners)
    with_own_permission = UserFactory(username="deleter", role=roles.ADMIN)
    with_own_permission.user_permissions.add(Permission.objects.get(codename="delete_board"))
    return {"superuser": root, "other group": in_owners, "own permission": with_own_permission}


@pytest.fixture
def deleting_admin(users):
    """An Admin who was also given the permission to delete accounts."""
    from django.contrib.auth.models import Permission

    admin = users["admin"]
    admin.user_permissions.add(Permission.objects.get(codename="delete_user"))
    return admin


def change_data(person, **changes):
    """What the account page posts for `person`, with `changes` applied."""
    data = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_active": "on",
        "groups": [g.pk for g in person.groups.all()],
        "date_joined_0": "2016-04-01",
        "date_joined_1": "09:00:00",
        "board_accesses-TOTAL_FORMS": "0",
        "board_accesses-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def role_pks(*names):
    from django.contrib.auth.models import Group

    return [Group.objects.get(name=name).pk for name in names]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["superuser", "other group", "own permission"])
def test_an_admin_cannot_set_the_password_of_someone_with_more_rights(kind, outranking, client_for):
    target = outranking[kind]
    client = client_for("admin")
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {"usable_password": "true", "password1": "taken over 1234", "password2": "taken over 1234"},
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    assert not target.check_password("taken over 1234")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["superuser", "other group", "own permission"])
def test_an_admin_cannot_change_or_deactivate_someone_with_more_rights(
    kind, outranking, client_for
):
    target = outranking[kind]
    client = client_for("admin")
    url = reverse("admin:auth_user_change", args=[target.pk])
    response = client.post(
        url, change_data(target, first_name="Mallory", email="mallory@example.org", is_active=None)
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert (target.is_active, target.first_name, target.email) == (
        True,
        "Robin" if kind == "superuser" else "Test",
        "root@example.org" if kind == "superuser" else "",
    )


@pytest.mark.django_db
def test_an_admin_sees_a_superusers_account_read_only_and_still_in_the_list(root, client_for):
    client = client_for("admin")
    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert reverse("admin:auth_user_change", args=[root.pk]) in listing
    page = client.get(reverse("admin:auth_user_change", args=[root.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "View user" in html
    assert 'name="_save"' not in html
    assert 'name="username"' not in html
    assert reverse("admin:auth_user_password_change", args=[root.pk]) not in html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["superuser", "other group", "own permission"])
def test_an_admin_who_may_delete_accounts_cannot_delete_someone_with_more_rights(
    kind, outranking, deleting_admin, client_for
):
    from django.contrib.auth.models import User

    target = outranking[kind]
    client = client_for("admin")
    url = reverse("admin:auth_user_delete", args=[target.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=target.pk).exists()


@pytest.mark.django_db
def test_a_bulk_delete_that_includes_a_superuser_is_refused_and_deletes_nobody(
    root, users, deleting_admin, client_for
):
    from django.contrib.auth.models import User

    client = client_for("admin")
    selection = [users["partner"].pk, root.pk]
    url = reverse("admin:auth_user_changelist")
    confirm = client.post(url, {"action": "delete_selected", "_selected_action": selection})
    assert confirm.status_code == 200
    assert "would require deleting the following protected" not in confirm.content.decode()
    assert "your account doesn't have permission to delete the following types of objects" in (
        confirm.content.decode()
    )
    response = client.post(
        url, {"action": "delete_selected", "_selected_action": selection, "post": "yes"}
    )
    assert response.status_code == 403
    assert set(User.objects.filter(pk__in=selection).values_list("username", flat=True)) == {
        "partner",
        "root",
    }


@pytest.mark.django_db
def test_an_admin_who_may_delete_accounts_deletes_an_ordinary_one(
    users, deleting_admin, client_for
):
    from django.contrib.auth.models import User

    client = client_for("admin")
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [users["partner"].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(username="partner").exists()


@pytest.mark.django_db
def test_an_admin_resets_the_password_of_an_ordinary_person_and_of_another_admin(users, client_for):
    other_admin = UserFactory(username="admin2", role=roles.ADMIN)
    client = client_for("admin")
    for person in (users["partner"], other_admin):
        url = reverse("admin:auth_user_password_change", args=[person.pk])
        response = client.post(
            url,
            {
                "usable_password": "true",
                "password1": "a new one 98765",
                "password2": "a new one 98765",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        person.refresh_from_db()
        assert person.check_password("a new one 98765")


@pytest.mark.django_db
def test_a_superuser_keeps_full_control_of_other_superusers(root, client_for):
    from django.contrib.auth.models import User

    other_root = User.objects.create_superuser("root2", "root2@example.org", PASSWORD)
    client = client_for(None)
    client.force_login(other_root)
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    response = client.post(
        url,
        {"usable_password": "true", "password1": "a new one 98765", "password2": "a new one 98765"},
    )
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.check_password("a new one 98765")
    response = client.post(
        reverse("admin:auth_user_change", args=[root.pk]),
        change_data(root, is_active=None, is_staff="on", is_superuser="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    root.refresh_from_db()
    assert not root.is_active
    response = client.post(reverse("admin:auth_user_delete", args=[root.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=root.pk).exists()


@pytest.mark.django_db
def test_an_admin_may_put_people_in_the_four_role_groups_only(users, client_for):
    from django.contrib.auth.models import Group, Permission

    owners = Group.objects.create(name="Site owners")
    owners.permissions.add(Permission.objects.get(codename="delete_user"))
    client = client_for("admin")
    me = users["admin"]
    url = reverse("admin:auth_user_change", args=[me.pk])
    page = client.get(url)
    choices = [label for _, label in page.context["adminform"].form.fields["groups"].choices]
    assert sorted(choices) == sorted(roles.ALL)
    response = client.post(url, change_data(me, groups=[owners.pk]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"] == [
        f"Select a valid choice. {owners.pk} is not one of the available choices."
    ]
    assert list(me.groups.values_list("name", flat=True)) == [roles.ADMIN]


@pytest.mark.django_db
def test_an_admin_cannot_make_a_partner_staff_and_the_admin_role_brings_staff_status(
    users, client_for
):
    client = client_for("admin")
    partner = users["partner"]
    url = reverse("admin:auth_user_change", args=[partner.pk])
    response = client.post(url, change_data(partner, is_staff="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    partner.refresh_from_db()
    assert not partner.is_staff
    response = client.post(url, change_data(partner, groups=role_pks(roles.ADMIN)))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.is_staff
    assert list(partner.groups.values_list("name", flat=True)) == [roles.ADMIN]


# A person has exactly one role.


@pytest.mark.django_db
def test_the_account_page_refuses_a_second_role(users, client_for):
    client = client_for("admin")
    partner = users["partner"]
    url = reverse("admin:auth_user_change", args=[partner.pk])
    response = client.post(
        url, change_data(partner, groups=role_pks(roles.PARTNER, roles.INDEPENDENT_CHAIR))
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"] == [
        "Choose one role only: a person has exactly one role "
        "(you chose Independent chair and Partner)."
    ]
    assert list(partner.groups.values_list("name", flat=True)) == [roles.PARTNER]


@pytest.mark.django_db
def test_the_account_page_asks_for_a_role(users, client_for):
    client = client_for("admin")
    partner = users["partner"]
    url = reverse("admin:auth_user_change", args=[partner.pk])
    response = client.post(url, change_data(partner, groups=[]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"] == [
        "Choose a role: a person has exactly one role."
    ]
    assert list(partner.groups.values_list("name", flat=True)) == [roles.PARTNER]


@pytest.mark.django_db
def test_a_superuser_needs_no_role_but_never_two(root, users, client_for):
    client = client_for(None)
    client.force_login(root)
    url = reverse("admin:auth_user_change", args=[root.pk])
    response = client.post(url, change_data(root, is_staff="on", is_superuser="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        url,
        change_data(
            root, is_staff="on", is_superuser="on", groups=role_pks(roles.ADMIN, roles.PARTNER)
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"] == [
        "Choose one role only: a person has exactly one role (you chose Admin and Partner)."
    ]


@pytest.mark.django_db
def test_an_account_page_asks_who_may_manage_it_once(
    users, client_for, django_assert_max_num_queries
):
    client = client_for("admin")
    url = reverse("admin:auth_user_change", args=[users["partner"].pk])
    client.get(url)
    with django_assert_max_num_queries(17):
        page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()


@pytest.mark.django_db
def test_an_admin_cannot_change_or_take_away_a_superusers_board_access(root, world, client_for):
    access = BoardAccess.objects.create(user=root, board=world.board)
    client = client_for("admin")
    change = reverse("admin:board_boardaccess_change", args=[access.pk])
    response = client.post(change, {"user": root.pk, "board": world.other_board.pk})
    assert response.status_code == 403
    delete = reverse("admin:board_boardaccess_delete", args=[access.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert list(BoardAccess.objects.filter(user=root).values_list("board__slug", flat=True)) == [
        "alpha"
    ]


@pytest.mark.django_db
def test_an_admin_gives_boards_only_to_people_they_may_manage(root, users, world, client_for):
    client = client_for("admin")
    add = reverse("admin:board_boardaccess_add")
    choices = client.get(add).context["adminform"].form.fields["user"].queryset
    assert sorted(choices.values_list("username", flat=True)) == [
        "admin",
        "chair",
        "lead",
        "manager",
        "other_manager",
        "partner",
    ]
    response = client.post(add, {"user": root.pk, "board": world.other_board.pk})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not BoardAccess.objects.filter(user=root).exists()
    response = client.post(add, {"user": users["partner"].pk, "board": world.other_board.pk})
    assert response.status_code == 302
    assert set(users["partner"].boards.values_list("slug", flat=True)) == {"alpha", "beta"}
