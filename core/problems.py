"""Field problems: what every service's `*_problems()` function returns and
its write refuses with. The same mapping the forms, the importers and the
admin show on their fields, so one rule reads the same wherever it is met.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

#: Messages by field name; "__all__" for the record as a whole.
Problems = dict[str, list[str]]


def add_problem(problems: Problems, name: str, message: str) -> None:
    """Note `message` against the field `name`, once: two rules that find
    the same fault say it once."""
    messages = problems.setdefault(name, [])
    if message not in messages:
        messages.append(message)


def raise_problems(problems: Problems) -> None:
    """Refuse the write, with every problem on its field, if there are any."""
    if problems:
        raise ValidationError(problems)  # type: ignore[arg-type]
