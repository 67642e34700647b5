"""Who may do what with a board, rule by rule: every role on its own board,
on another board, and without a board; a superuser; a visitor."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import Group as Role

from board import rules as board_rules
from core import roles
from tests.factories import BoardFactory, UserFactory

PERMS = ("board.see_board", "board.read_records", "board.edit_records")

#: What each role may do on a board it was given: see, read, edit.
ON_OWN_BOARD = {
    roles.PARTNER: (True, False, False),
    roles.INDEPENDENT_CHAIR: (True, True, False),
    roles.BUSINESS_MANAGER: (True, True, True),
    roles.ADMIN: (True, True, False),
    None: (False, False, False),  # given the board but no role
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ON_OWN_BOARD))
def test_each_role_on_its_own_board(role):
    board = BoardFactory()
    user = UserFactory(role=role, boards=[board])
    assert tuple(user.has_perm(p, board) for p in PERMS) == ON_OWN_BOARD[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ON_OWN_BOARD))
def test_only_an_admin_reaches_a_board_it_was_not_given(role):
    mine, theirs = BoardFactory(), BoardFactory()
    user = UserFactory(role=role, boards=[mine])
    admin = role == roles.ADMIN
    assert tuple(user.has_perm(p, theirs) for p in PERMS) == (admin, admin, False)


@pytest.mark.django_db
def test_a_superuser_counts_as_an_admin_on_every_board():
    board = BoardFactory()
    user = UserFactory()
    user.is_superuser = True
    user.save()
    assert board_rules.is_admin(user) is True
    assert board_rules.can_read_records(user, board) is True
    assert board_rules.can_edit_records(user, board) is False


@pytest.mark.django_db
def test_a_visitor_has_no_board_and_no_role():
    board = BoardFactory()
    visitor = AnonymousUser()
    assert board_rules.is_admin(visitor) is False
    assert board_rules.board_ids(visitor) == frozenset()
    assert board_rules.role_names(visitor) == frozenset()
    assert board_rules.can_see_board(visitor, board) is False


@pytest.mark.django_db
def test_no_board_is_on_nobodys_list():
    user = UserFactory(role=roles.BUSINESS_MANAGER, boards=[BoardFactory()])
    assert board_rules.on_board(user, None) is False


@pytest.mark.django_db
def test_each_role_predicate_names_its_own_role_only():
    checks = {
        roles.BUSINESS_MANAGER: board_rules.is_business_manager,
        roles.INDEPENDENT_CHAIR: board_rules.is_chair,
        roles.PARTNER: board_rules.is_partner,
        roles.ADMIN: board_rules.is_admin,
    }
    for role in checks:
        user = UserFactory(role=role)
        assert {r for r, check in checks.items() if check(user)} == {role}, role


@pytest.mark.django_db
def test_a_persons_boards_and_roles_are_read_once_and_kept(django_assert_num_queries):
    board = BoardFactory()
    user = UserFactory(role=roles.INDEPENDENT_CHAIR, boards=[board])
    assert board_rules.board_ids(user) == frozenset({board.pk})
    assert board_rules.role_names(user) == frozenset({roles.INDEPENDENT_CHAIR})
    user.groups.add(Role.objects.get(name=roles.BUSINESS_MANAGER))
    with django_assert_num_queries(0):
        assert board_rules.role_names(user) == frozenset({roles.INDEPENDENT_CHAIR})
        assert user.has_perm("board.read_records", board)
        assert not user.has_perm("board.edit_records", board)
