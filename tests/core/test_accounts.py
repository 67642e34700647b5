"""Accounts: one role, some boards, and every change of access on record."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from board.accounts import user_save
from board.models import BoardAccess
from core import roles


@pytest.mark.django_db
def test_giving_and_taking_away_a_board_is_on_record(world):
    user, password = user_save(username="jo", role=roles.BUSINESS_MANAGER, boards=[world.board])
    assert password
    user_save(username="jo", role=roles.BUSINESS_MANAGER, boards=[world.other_board])
    assert list(user.boards.all()) == [world.other_board]
    changes = list(
        BoardAccess.history.filter(user_id=user.pk)
        .order_by("history_date")
        .values_list("board_id", "history_type")
    )
    assert changes == [(world.board.pk, "+"), (world.board.pk, "-"), (world.other_board.pk, "+")]


@pytest.mark.django_db
def test_an_unknown_role_is_refused(world):
    with pytest.raises(ValidationError, match="is not a role"):
        user_save(username="jo", role="Superhero", boards=[])


@pytest.mark.django_db
def test_the_command_creates_an_account_and_says_its_password_once(world, capsys):
    call_command(
        "create_user", "sam", "--role", roles.INDEPENDENT_CHAIR, "--board", world.board.slug
    )
    out = capsys.readouterr().out
    assert "Saved sam as Independent chair on 1 boards." in out
    assert "Password (shown once):" in out


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_board(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No such board: nowhere"):
        call_command("create_user", "sam", "--role", roles.PARTNER, "--board", "nowhere")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "message"),
    [
        (
            [roles.PARTNER, roles.ADMIN],
            "Choose one role only: a person has exactly one role (you chose Admin and Partner).",
        ),
        ([], "Choose a role: a person has exactly one role."),
        ([roles.PARTNER], "Give one role, by name."),
        (
            "",
            "'' is not a role; choose one of: Business manager, Independent chair, Partner, Admin, "
            "Action lead.",
        ),
        ("Superuser", "'Superuser' is not a role; choose one of: Business manager, "),
    ],
)
def test_an_account_is_saved_with_exactly_one_known_role_and_nothing_else(world, role, message):
    from django.contrib.auth.models import User

    with pytest.raises(ValidationError) as refused:
        user_save(username="jo", role=role, boards=[world.board])
    assert refused.value.messages[0].startswith(message)
    assert not User.objects.filter(username="jo").exists()


@pytest.mark.django_db
def test_saving_an_account_again_leaves_it_one_role(world):
    from django.contrib.auth.models import Group

    user, _ = user_save(username="jo", role=roles.ADMIN, boards=[])
    user.groups.add(Group.objects.get(name=roles.PARTNER), Group.objects.create(name="Extra"))
    user_save(username="jo", role=roles.INDEPENDENT_CHAIR, boards=[])
    assert list(user.groups.values_list("name", flat=True)) == [roles.INDEPENDENT_CHAIR]
    user.refresh_from_db()
    assert not user.is_staff


@pytest.mark.django_db
def test_the_command_refuses_a_second_role_and_saves_nothing(world):
    from django.contrib.auth.models import User
    from django.core.management import CommandError

    with pytest.raises(
        CommandError,
        match=r"--role: give one role only; a person has exactly one role "
        r"\(you gave Partner, then Admin\)\.",
    ):
        call_command("create_user", "sam", "--role", roles.PARTNER, "--role", roles.ADMIN)
    assert not User.objects.filter(username="sam").exists()


@pytest.mark.django_db
def test_the_command_refuses_the_same_role_twice_too(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"you gave Partner, then Partner"):
        call_command("create_user", "sam", "--role", roles.PARTNER, "--role", roles.PARTNER)


@pytest.mark.django_db
def test_the_command_still_needs_a_role(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="the following arguments are required: --role"):
        call_command("create_user", "sam")
