"""Lookups that keep impossible values from reaching the database."""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    """`__in` on an integer column leaves out candidates the column cannot
    hold: numbers too big or too small for it, and text that is no whole
    number ("1.5").

    No row holds them, and the database driver overflows on the first kind
    while Django raises on the second. Django already answers "no such row"
    for `id=99999999999999999999`, but not for `id__in=[...]`, which the
    admin's autocomplete and multiple-choice widgets and every multiple
    choice build from whatever was posted. Registered for every integer field
    in CoreConfig.ready.
    """

    def get_prep_lookup(self) -> Any:
        if self.rhs_is_direct_value():
            self.rhs = [value for value in self.rhs if self._could_hold(value)]
        return super().get_prep_lookup()

    def _could_hold(self, value: Any) -> bool:
        if value is None or hasattr(value, "resolve_expression"):
            return True
        try:
            self.lhs.output_field.get_prep_value(value)
        except (TypeError, ValueError):
            return False
        return True

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
