"""Factories for indicators, their values and comparators (kept beside their
tests; tests/factories.py holds the shared ones)."""

import datetime
from decimal import Decimal

import factory

from board.models import SourceDocument
from indicators.models import Comparator, Indicator, IndicatorValue
from tests.factories import BoardFactory


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Annual report {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    board = factory.SubFactory(BoardFactory)
    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Referrals to children's social care {n}")
    unit = Indicator.Unit.COUNT
    polarity = "neither"


class ValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period_kind = "year"
    period_start = datetime.date(2019, 4, 1)
    period_end = factory.LazyAttribute(lambda v: datetime.date(v.period_start.year + 1, 3, 31))
    value = Decimal("100")
    marker = ""
    source = factory.SubFactory(SourceFactory)


class ComparatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comparator

    indicator = factory.SubFactory(IndicatorFactory)
    kind = Comparator.Kind.ENGLAND
    period_kind = "year"
    period_start = datetime.date(2019, 4, 1)
    period_end = factory.LazyAttribute(lambda v: datetime.date(v.period_start.year + 1, 3, 31))
    value = Decimal("100")
    marker = ""
    source = factory.SubFactory(SourceFactory)
