"""Query expressions every app may use."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Func


class IsoDate(Func):
    """A date read as its ISO text ("2016-04-01"), which sorts and compares
    as the date does: the database hands it over as it stores it (SQLite) or
    formats it (PostgreSQL, whatever its DateStyle), and no date is built
    for it in Python. For columns read for thousands of rows of which few
    are shown: `datetime.date.fromisoformat` makes a date of those."""

    output_field = CharField()
    template = "CAST(%(expressions)s AS text)"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM-DD')"
        )
