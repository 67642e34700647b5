"""Which builder makes which kind of section: each module of this package
registers its builders with `register`, one per generated kind, so a new
kind is a function in the module of its group and nothing else changes."""

from __future__ import annotations

from collections.abc import Callable

from reports.models import Section
from reports.sections.blocks import BuiltSection, Context

Builder = Callable[[Context, Section], BuiltSection]

#: Generated section kinds and their builders, filled as the modules load.
BUILDERS: dict[str, Builder] = {}


def register(kind: str) -> Callable[[Builder], Builder]:
    """Make the decorated function the builder of `kind`; a kind has one."""

    def decorate(builder: Builder) -> Builder:
        if kind in BUILDERS:
            raise ValueError(f"Section kind {kind!r} already has a builder.")
        BUILDERS[kind] = builder
        return builder

    return decorate
