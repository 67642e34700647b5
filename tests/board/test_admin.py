"""The Django admin: the pages an Assure admin uses to manage boards and people."""

import pytest
from django.urls import reverse

from board.models import BoardAccess


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "admin:board_board_changelist",
        "admin:board_member_changelist",
        "admin:board_meeting_changelist",
        "admin:board_risk_changelist",
        "admin:priorities_action_changelist",
        "admin:priorities_assessment_changelist",
        "admin:auth_user_changelist",
    ],
)
def test_an_admin_can_open_the_admin_lists(name, client_for):
    assert client_for("admin").get(reverse(name)).status_code == 200


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
