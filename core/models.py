"""Plumbing every app's models share, knowing nothing of any app."""

from __future__ import annotations

from django.db import models


class NaturalKeyManager(models.Manager):
    """Manager whose get_by_natural_key delegates to the model's classmethod,
    so each model states its key in one place."""

    def get_by_natural_key(self, *key):  # type: ignore[no-untyped-def]
        return self.model.get_by_natural_key(*key)
