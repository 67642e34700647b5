"""Moving an install between databases (SQLite to PostgreSQL and back) with
export_data and import_data loses nothing and adds nothing: export, import
into an empty database and export again give the same file.

The suite runs on both databases; .ci/run also moves the past reports from
SQLite to PostgreSQL and back.
"""

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from simple_history.signals import post_create_historical_record

from board.models import Group, Member, Risk
from core import roles
from core.roles import sync_role_permissions
from tests.factories import (
    BoardFactory,
    GroupFactory,
    MemberFactory,
    RiskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _roles() -> None:
    """Transactional tests empty every table between tests, the roles the
    data migration made included; put them back."""
    sync_role_permissions(apps, ["board", "priorities", "indicators"])


def _some_records() -> None:
    """Records whose history includes changes to many-to-many relations,
    which is what plain loaddata duplicates."""
    luton = BoardFactory(slug="luton", name="Luton Safeguarding Children Board")
    bedford = BoardFactory(slug="bedford", name="Bedford Borough Safeguarding Children Board")
    group = GroupFactory(slug="pan-beds-cdop", boards=[luton])
    group.boards.add(bedford)  # a pan-area group: a history record of its own
    member = MemberFactory(board=luton, groups=[group])
    member.groups.add(GroupFactory(slug="luton-board", boards=[luton]))
    RiskFactory(board=luton, ref="R1", title='=HYPERLINK("x")')
    UserFactory(username="jo", role=roles.BUSINESS_MANAGER, boards=[luton, bedford])


def _empty_database() -> None:
    call_command("flush", interactive=False, verbosity=0)


def test_export_import_export_gives_the_same_file(tmp_path: Path) -> None:
    _some_records()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("export_data", str(first))
    history_before = Member.history.count(), Group.history.count()

    _empty_database()
    call_command("import_data", str(first))
    call_command("export_data", str(second))

    assert (Member.history.count(), Group.history.count()) == history_before
    assert second.read_text() == first.read_text()
    assert Group.objects.get(slug="pan-beds-cdop").boards.count() == 2


def _history_written_while(load: Callable[[], None]) -> list[str]:
    """The history records Assure's models write while load() runs."""
    written: list[str] = []

    def note(sender: type, **kwargs: object) -> None:
        written.append(sender.__name__)

    post_create_historical_record.connect(note)
    try:
        load()
    finally:
        post_create_historical_record.disconnect(note)
    return written


def test_plain_loaddata_adds_history_that_was_never_made(tmp_path: Path) -> None:
    """Why import_data exists: Django's loaddata sets each many-to-many
    relation, and the history's change handler records that as a new change.
    (Whether the new records survive the load depends on the keys the
    database hands out: a record given a key the file also holds is
    overwritten by the file's. So count what is written, not what is left.)"""
    _some_records()
    dump = tmp_path / "dump.json"
    call_command("export_data", str(dump))

    _empty_database()
    written = _history_written_while(lambda: call_command("loaddata", str(dump), verbosity=0))

    assert sorted(written) == ["HistoricalGroup", "HistoricalGroup", "HistoricalMember"]


def test_import_data_writes_no_history_of_its_own(tmp_path: Path) -> None:
    _some_records()
    dump = tmp_path / "dump.json"
    call_command("export_data", str(dump))

    _empty_database()
    written = _history_written_while(lambda: call_command("import_data", str(dump)))

    assert written == []
    assert Group.history.count() == 5


def test_import_refuses_a_database_already_in_use_and_changes_nothing(tmp_path: Path) -> None:
    _some_records()
    dump = tmp_path / "dump.json"
    call_command("export_data", str(dump))
    RiskFactory(board=BoardFactory(slug="luton"), ref="R2")
    before = tmp_path / "before.json"
    call_command("export_data", str(before))

    with pytest.raises(CommandError, match="already holds records"):
        call_command("import_data", str(dump))

    after = tmp_path / "after.json"
    call_command("export_data", str(after))
    assert after.read_text() == before.read_text()


def test_import_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_data", str(tmp_path / "nowhere.json"))


def test_times_keep_every_microsecond(tmp_path: Path) -> None:
    """Django's JSON keeps milliseconds only: a time 412 microseconds past a
    whole second was written as ".000" from one database and without it from
    the other, and lost its microseconds on the way."""
    _some_records()
    Risk.history.update(
        history_date=datetime.datetime(2026, 12, 2, 4, 36, 44, 412, tzinfo=datetime.UTC)
    )
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("export_data", str(first))
    assert '"history_date": "2026-12-02T04:36:44.000412Z"' in first.read_text()

    _empty_database()
    call_command("import_data", str(first))
    call_command("export_data", str(second))

    assert second.read_text() == first.read_text()


def test_import_replaces_the_learning_themes_a_migration_made(tmp_path: Path) -> None:
    """A freshly migrated database already holds the shared learning themes
    (reviews/migrations/0002): the file's themes take their place, with the
    names and keys it holds, and no theme is doubled."""
    from reviews.models import LearningTheme

    LearningTheme.objects.all().delete()  # whatever an earlier test left
    LearningTheme.objects.create(slug="neglect", name="Neglect, as this install wrote it")
    LearningTheme.objects.create(slug="online-harm", name="Online harm")
    exported = tmp_path / "themes.json"
    call_command("export_data", str(exported))

    _empty_database()
    # As the migration makes them: no history of their own.
    LearningTheme.objects.bulk_create(
        [
            LearningTheme(slug="neglect", name="Neglect"),
            LearningTheme(slug="exploitation", name="Exploitation"),
        ]
    )
    call_command("import_data", str(exported))

    assert sorted(LearningTheme.objects.values_list("slug", "name")) == [
        ("neglect", "Neglect, as this install wrote it"),
        ("online-harm", "Online harm"),
    ]
