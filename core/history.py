"""Change history for pages: each simple-history record with what it changed,
worked out in memory from consecutive records (one query, not one per row)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

#: How the past-reports loader (core.fixtures) names its saves in history.
LOADED_FROM = "Loaded from "


def without_loaded_records(records: QuerySet[Any]) -> QuerySet[Any]:
    """`records` less those whose latest save was the past-reports loader's:
    what a board loads from an old report is not something that changed since
    its last meeting. One subquery on the model's simple-history table; a
    record with no history, or saved last by a person, stays."""
    history = records.model.history.model  # type: ignore[attr-defined]
    latest_reason = (
        history.objects.filter(id=OuterRef("pk"))
        .order_by("-history_date", "-history_id")
        .values("history_change_reason")[:1]
    )
    # A reason left empty is NULL, and NOT (NULL LIKE ...) is not true: compare
    # with the empty text instead, or every record a person saved would go.
    reason = Coalesce(Subquery(latest_reason), Value(""), output_field=CharField())
    return records.annotate(latest_save_reason=reason).exclude(
        latest_save_reason__startswith=LOADED_FROM
    )


@dataclass
class Change:
    field: str
    old: Any
    new: Any


def history_with_changes(records: QuerySet[Any], *, limit: int = 50) -> list[Any]:
    entries = list(records.select_related("history_user").order_by("history_date", "history_id"))
    previous = None
    for entry in entries:
        entry.changes = []
        if previous is not None:
            delta = entry.diff_against(previous, foreign_keys_are_objs=False)
            entry.changes = [
                Change(_label(entry, c.field), c.old, c.new)
                for c in delta.changes
                if c.field != "version"
            ]
        previous = entry
    entries.reverse()
    return entries[:limit]


def _label(entry: Any, name: str) -> str:
    try:
        return str(entry.instance_type._meta.get_field(name).verbose_name).capitalize()
    except Exception:
        return name
