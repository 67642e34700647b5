"""Plumbing every app's models share, knowing nothing of any app."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar

from django.db import models

from core import text


class NaturalKeyManager(models.Manager):
    """Manager whose get_by_natural_key delegates to the model's classmethod,
    so each model states its key in one place."""

    def get_by_natural_key(self, *key):  # type: ignore[no-untyped-def]
        return self.model.get_by_natural_key(*key)


class CleanTextModel(models.Model):
    """A model whose CharFields and TextFields hold text in one form
    (core.text): normalised whenever the record is validated, so the rules,
    the comparisons and the history see what will be stored, and again when it
    is saved, so no path (a page, the admin, an import, the fixtures, a
    command) stores a browser's CRLF or a paste's trailing spaces.

    A model method rather than a pre_save signal: it is part of what the model
    is, runs in a known order, and a reader finds it on the class."""

    #: TextFields holding Markdown narrative, whose hard line breaks are kept.
    markdown_fields: ClassVar[Collection[str]] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalise_text()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        self.normalise_text()
        super().clean_fields(exclude=exclude)

    def normalise_text(self) -> None:
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            clean = text.normalised(field, value, is_markdown=field.name in self.markdown_fields)
            if clean != value:
                setattr(self, field.attname, clean)

    @classmethod
    def normalised(cls, name: str, value: Any) -> Any:
        """`value` as the field `name` would store it, for comparing what a
        person sent with what is stored."""
        return text.normalised(
            cls._meta.get_field(name),  # type: ignore[arg-type]
            value,
            is_markdown=name in cls.markdown_fields,
        )


class DataVersion(models.Model):
    """One row whose number goes up in every transaction that changes any
    data a page may show (core.data_version, ADR 0022): the cached pages
    (core.page_cache) are keyed on it. Bumped by the database itself, by a
    trigger on every table, so no path of Django's or anyone's can forget."""

    number = models.BigIntegerField(default=0)

    class Meta:
        db_table = "core_data_version"

    def __str__(self) -> str:
        return f"Data version {self.number}"


class TableVersion(CleanTextModel):
    """The data version at which a table last changed, set by the same
    trigger in the same transaction: a page kept at version N that read only
    tables whose version is at most N is still what it would be drawn as
    (core.page_cache). The row "*" moves with every `migrate`."""

    table_name = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField()

    class Meta:
        db_table = "core_table_version"

    def __str__(self) -> str:
        return f"{self.table_name} changed at {self.version}"
