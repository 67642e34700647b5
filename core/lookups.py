"""Lookups that keep impossible values from reaching the database."""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    """`__in` on an integer column leaves out numbers the column cannot hold.

    No row holds them, and the database driver overflows on them: Django
    already treats `id=99999999999999999999` as "no such row", but not
    `id__in=[...]`, which the admin's widgets and every multiple choice make
    from whatever was posted. Registered for every integer field in
    CoreConfig.ready.
    """

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            kind = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(kind)
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register_lookups() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
