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
