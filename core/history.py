"""Change history for pages: each simple-history record with what it changed,
worked out in memory from consecutive records (one query, not one per row)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


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
