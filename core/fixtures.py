"""Loading the past reports' fixtures, validated, all or nothing.

Django's loaddata saves raw objects and checks nothing, so a typo in a
transcribed report would land silently. This loader reads every file first,
resolves natural keys itself so an error can name the file, the object and the
field, runs full_clean on every object, and saves inside one transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations

from core import text
from core.history import LOADED_FROM


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message names file, object and field."""


class _SelfReferenceMissing(Exception):
    """A record points at another record of its model not yet loaded."""


@dataclass
class Record:
    path: Path
    index: int  # 1-based position in its file
    model: type[models.Model]
    fields: dict[str, Any]

    def where(self, field_name: str | None = None) -> str:
        key = self.fields_key()
        text = f"{self.path.name}, object {self.index} ({self.model._meta.label_lower}{key})"
        return f"{text}, field '{field_name}'" if field_name else text

    def fields_key(self) -> str:
        for name in ("slug", "key", "label", "ref", "title"):
            if isinstance(self.fields.get(name), str):
                return f" {name}={self.fields[name]!r}"
        return ""


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0

    def count(self, bucket: dict[str, int], label: str) -> None:
        bucket[label] = bucket.get(label, 0) + 1

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    @property
    def total_kept(self) -> int:
        return sum(self.kept.values())


def read_records(paths: Sequence[Path]) -> list[Record]:
    records = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise FixtureError(
                f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
            ) from None
        except UnicodeDecodeError:
            raise FixtureError(f"{path.name}: not UTF-8 text.") from None
        if not isinstance(data, list):
            raise FixtureError(f"{path.name}: a fixture is a JSON list of objects.")
        for index, item in enumerate(data, start=1):
            records.append(_record(path, index, item))
    return records


def _record(path: Path, index: int, item: object) -> Record:
    if not isinstance(item, dict) or not isinstance(item.get("fields"), dict):
        raise FixtureError(f"{path.name}, object {index}: needs 'model' and a 'fields' object.")
    label = item.get("model")
    try:
        model = apps.get_model(str(label))
    except (LookupError, ValueError):
        raise FixtureError(f"{path.name}, object {index}: unknown model {label!r}.") from None
    if not hasattr(model, "natural_key"):
        raise FixtureError(
            f"{path.name}, object {index}: {label} has no natural key, so it cannot be "
            "loaded again without duplicates."
        )
    if "pk" in item:
        raise FixtureError(
            f"{path.name}, object {index}: fixtures use natural keys; remove the 'pk'."
        )
    return Record(path, index, model, item["fields"])


def dependency_order(records: Iterable[Record]) -> list[type[models.Model]]:
    """Models ordered so that whatever a model points to is saved before it."""
    present = {record.model for record in records}
    ordered: list[type[models.Model]] = []
    visiting: set[type[models.Model]] = set()

    def visit(model: type[models.Model]) -> None:
        if model in ordered or model in visiting:
            return
        visiting.add(model)
        for f in model._meta.get_fields():
            forward = (f.many_to_one and f.concrete) or (f.many_to_many and not f.auto_created)
            target = f.related_model if forward else None
            if target in present and target is not model:
                visit(target)
        visiting.discard(model)
        ordered.append(model)

    for model in sorted(present, key=lambda m: m._meta.label_lower):
        visit(model)
    return ordered


class Loader:
    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.result = LoadResult()
        self.seen: dict[tuple[str, tuple[Any, ...]], Record] = {}

    def run(self) -> LoadResult:
        with transaction.atomic():
            for model in dependency_order(self.records):
                self.load_model([r for r in self.records if r.model is model])
            # What an app derives from records written without its services
            # (a board's list of partner agencies): each app says, by a
            # `fixtures_loaded` method on its AppConfig, so core names none.
            for config in apps.get_app_configs():
                derive = getattr(config, "fixtures_loaded", None)
                if derive is not None:
                    derive()
        return self.result

    def load_model(self, pending: list[Record]) -> None:
        """Load one model's records; one that points at another record of the
        same model (a group reporting to a group) waits until that is loaded."""
        while pending:
            waiting = []
            for record in pending:
                try:
                    self.load(record)
                except _SelfReferenceMissing:
                    waiting.append(record)
            if len(waiting) == len(pending):
                self.refuse_loop(waiting)
                self.load(waiting[0], final=True)  # raises the missing reference
            pending = waiting

    def refuse_loop(self, waiting: list[Record]) -> None:
        """Name the loop when records still waiting point at one another (a
        group reporting to itself, or to a group that reports back to it)."""
        keys = {key: record for record in waiting if (key := _plain_key(record)) is not None}
        for record in waiting:
            for name, value in record.fields.items():
                model_field = record.model._meta.get_field(name)
                if not (model_field.many_to_one and model_field.related_model is record.model):
                    continue
                target = keys.get(tuple(value)) if isinstance(value, list) else None
                if target is record:
                    raise FixtureError(f"{record.where(name)}: refers to this object itself.")
                if target is not None:
                    raise FixtureError(
                        f"{record.where(name)}: {value} ({target.where()}) refers back to this "
                        "object, directly or through others; a loop cannot be loaded."
                    )

    def load(self, record: Record, final: bool = False) -> None:
        instance = record.model()
        m2m = self.assign_fields(record, instance, final)
        try:
            instance.clean_fields()  # turns the JSON's strings into dates and decimals
        except ValidationError as exc:
            raise FixtureError(f"{record.where()}: {describe(exc)}") from None
        key = self.natural_key(record, instance)
        existing = self.find_existing(record, key)
        if existing is not None:
            instance.pk = existing.pk
            instance._state.adding = False
        try:
            instance.full_clean(validate_constraints=True)
        except ValidationError as exc:
            raise FixtureError(f"{record.where()}: {describe(exc)}") from None
        self.save(record, instance, existing, m2m)

    def assign_fields(
        self, record: Record, instance: models.Model, final: bool
    ) -> dict[str, list[models.Model]]:
        """Set the record's fields on the instance; return its many-to-many values."""
        m2m: dict[str, list[models.Model]] = {}
        for name, value in record.fields.items():
            try:
                model_field = record.model._meta.get_field(name)
            except FieldDoesNotExist:
                raise FixtureError(f"{record.where(name)}: no such field.") from None
            if model_field.many_to_many:
                m2m[name] = self.resolve_many(record, model_field, value)
            elif model_field.many_to_one:
                setattr(
                    instance, model_field.name, self.resolve_own(record, model_field, value, final)
                )
            elif model_field.concrete and not model_field.auto_created:
                check_json_type(record, model_field, value)
                setattr(instance, model_field.attname, value)
            else:
                raise FixtureError(f"{record.where(name)}: this field cannot be loaded.")
        return m2m

    def resolve_own(self, record: Record, model_field: Any, value: Any, final: bool) -> Any:
        """Resolve a foreign key; one to a not-yet-loaded record of the same model waits."""
        try:
            return self.resolve(record, model_field, value)
        except FixtureError:
            if model_field.related_model is record.model and not final:
                raise _SelfReferenceMissing from None
            raise

    def natural_key(self, record: Record, instance: models.Model) -> tuple[Any, ...]:
        try:
            key = tuple(instance.natural_key())  # type: ignore[attr-defined]
        except (ObjectDoesNotExist, AttributeError, TypeError) as exc:
            raise FixtureError(
                f"{record.where()}: its natural key is incomplete ({exc})."
            ) from None
        label = record.model._meta.label_lower
        earlier = self.seen.get((label, key))
        if earlier is not None:
            raise FixtureError(
                f"{record.where()}: duplicate natural key {list(key)}, already defined by "
                f"{earlier.where()}."
            )
        self.seen[(label, key)] = record
        return key

    def find_existing(self, record: Record, key: tuple[Any, ...]) -> models.Model | None:
        try:
            return record.model._default_manager.get_by_natural_key(*key)  # type: ignore[attr-defined]
        except ObjectDoesNotExist:
            return None

    def resolve(self, record: Record, model_field: Any, value: Any) -> models.Model | None:
        if value is None:
            return None
        target = model_field.related_model
        if not isinstance(value, list) or not all(map(_is_key_part, value)):
            raise FixtureError(
                f"{record.where(model_field.name)}: a reference is a natural key list of "
                f'text and whole numbers, for example ["slug"]; got {json.dumps(value)}.'
            )
        try:
            return target._default_manager.get_by_natural_key(*value)
        except target.DoesNotExist:
            raise FixtureError(
                f"{record.where(model_field.name)}: no {target._meta.label_lower} with "
                f"natural key {value} is defined in any fixture."
            ) from None
        except (TypeError, ValueError, OverflowError, ValidationError):
            raise FixtureError(
                f"{record.where(model_field.name)}: {value} is not a natural key of "
                f"{target._meta.label_lower}."
            ) from None

    def resolve_many(self, record: Record, model_field: Any, value: Any) -> list[models.Model]:
        if not isinstance(value, list):
            raise FixtureError(f"{record.where(model_field.name)}: expected a list of keys.")
        return [obj for item in value if (obj := self.resolve(record, model_field, item))]

    def save(
        self,
        record: Record,
        instance: models.Model,
        existing: models.Model | None,
        m2m: dict[str, list[models.Model]],
    ) -> None:
        label = record.model._meta.label_lower
        changed = existing is None or any(
            _stored(record.model, f, getattr(existing, f.attname))
            != _stored(record.model, f, getattr(instance, f.attname))
            for f in record.model._meta.concrete_fields
            if not getattr(f, "auto_now", False) and f.name != "version"
        )
        if existing is not None and changed and edited_by_a_person(existing):
            self.result.count(self.result.kept, label)
            return
        if existing is not None and hasattr(existing, "version"):
            instance.version = existing.version + 1  # type: ignore[attr-defined]
        if changed:
            instance._change_reason = f"{LOADED_FROM}{record.path.name}"  # type: ignore[attr-defined]
            instance.save()
        for name, objects in m2m.items():
            manager = getattr(instance, name)
            current = set(manager.all())
            if current != set(objects):
                manager.set(objects)
                changed = True
        if existing is None:
            self.result.count(self.result.created, label)
        elif changed:
            self.result.count(self.result.updated, label)
        else:
            self.result.unchanged += 1


def edited_by_a_person(obj: models.Model) -> bool:
    """Whether someone changed this object in Assure since it was loaded.

    Changes made by people carry their user in the history (the request
    middleware records it); loads and commands carry none. A person's edit
    always wins over a reloaded fixture, so running `make run` again never
    undoes work done in the browser. A person's save that changed nothing
    (a form sent back as it was, its text differing only in line endings or
    trailing spaces) is not an edit, so a corrected fixture still applies.
    """
    history = getattr(obj, "history", None)
    if history is None:
        return False
    records = list(history.order_by("-history_date", "-history_id"))
    for record, older in zip(records, [*records[1:], None], strict=True):
        if record.history_user_id is None:
            return False
        if older is None or _really_changed(type(obj), record, older):
            return True
    return False


def _really_changed(model: type[models.Model], record: Any, older: Any) -> bool:
    """Whether a history record changed anything since the one before it:
    every field the history keeps (those no form edits too, such as a
    setting a service changes), text compared as it is stored (core.text),
    and its many-to-many fields."""
    for tracked in record.tracked_fields:
        model_field = model._meta.get_field(tracked.name)
        if tracked.name == "version" or getattr(model_field, "auto_now", False):
            continue
        before = _stored(model, model_field, getattr(older, tracked.attname))
        if _stored(model, model_field, getattr(record, tracked.attname)) != before:
            return True
    m2m = {f.name for f in record._history_m2m_fields}
    return bool(m2m and record.diff_against(older, included_fields=m2m).changes)


def _stored(model: type[models.Model], model_field: Any, value: Any) -> Any:
    """`value` in the form `model_field` stores it, so text differing only in
    line endings or trailing spaces compares equal."""
    markdown = getattr(model, "markdown_fields", ())
    return text.normalised(model_field, value, is_markdown=model_field.name in markdown)


# What JSON may hold for each kind of field. Integers are checked against
# PostgreSQL's column ranges (Django's defaults) whatever the database, so a
# fixture that loads on SQLite loads on PostgreSQL too.
_TEXT_KINDS = frozenset(
    {
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "URLField",
        "UUIDField",
        "GenericIPAddressField",
        "FilePathField",
        "FileField",
        "ImageField",
        "DateTimeField",
        "TimeField",
        "DurationField",
    }
)
_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_json_type(record: Record, model_field: Any, value: Any) -> None:
    """Refuse a value of the wrong JSON type for its field before Django
    coerces it (a dict saved as its Python text, a number read as a date)."""
    where = record.where(model_field.name)
    kind = model_field.get_internal_type()
    if value is None:
        if not model_field.null:
            raise FixtureError(f"{where}: cannot be null; leave it out or give a value.")
        return
    if kind == "JSONField":
        return
    expected = _expected_json(kind, value)
    if expected:
        raise FixtureError(f"{where}: expected {expected}, got {json.dumps(value)}.")
    if isinstance(value, str) and "\x00" in value:
        raise FixtureError(f"{where}: contains a NUL character, which no database stores.")
    if kind in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[kind]
        if not low <= value <= high:
            raise FixtureError(
                f"{where}: {value} is outside what the database stores ({low} to {high})."
            )


def _expected_json(kind: str, value: Any) -> str:
    """What the field needs, when the value is not that; empty when it is."""
    if kind in _TEXT_KINDS:
        return "" if isinstance(value, str) else "text"
    if kind == "DateField":
        ok = isinstance(value, str) and _ISO_DATE.fullmatch(value) is not None
        return "" if ok else 'a date as text, for example "2016-04-01"'
    if kind in _INTEGER_RANGES:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return "" if ok else "a whole number"
    if kind in ("DecimalField", "FloatField"):
        ok = isinstance(value, str | int | float) and not isinstance(value, bool)
        return "" if ok else 'a number, or a number as text such as "10.00"'
    if kind == "BooleanField":
        return "" if isinstance(value, bool) else "true or false"
    return f"a kind of field ({kind}) the fixture loader does not read yet"


def _plain_key(record: Record) -> tuple[Any, ...] | None:
    """The record's natural key when its own plain fields make it (a slug),
    without resolving any reference; None when it needs more."""
    instance = record.model()
    for name, value in record.fields.items():
        model_field = record.model._meta.get_field(name)
        if model_field.concrete and not model_field.is_relation:
            setattr(instance, model_field.attname, value)
    try:
        return tuple(instance.natural_key())  # type: ignore[attr-defined]
    except (ObjectDoesNotExist, AttributeError, TypeError, ValueError):
        return None


def _is_key_part(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"field '{name}': {' '.join(str(m) for m in errors[0].messages)}"
            if name != "__all__"
            else " ".join(str(m) for e in errors for m in e.messages)
            for name, errors in exc.error_dict.items()
        )
    return " ".join(exc.messages)


def fixture_paths(directories: Iterable[Path]) -> list[Path]:
    return sorted(path for directory in directories for path in Path(directory).glob("*.json"))


def load_fixtures(paths: Sequence[Path]) -> LoadResult:
    """Validate and load every object of every file, or nothing at all."""
    records = read_records(paths)
    return Loader(records).run()
