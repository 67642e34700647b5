"""Figures a published annual report states that Assure's own records do
not hold: its "in numbers" page, the child death overview panel's figures,
how many board meetings it says were held, and figures it states twice or
works out from others. Each is kept as the report words it, beside what it
is compared with, and where Assure can check it (the same figure stated
elsewhere in the report, or a rate worked out from its own parts) the
difference is named rather than hidden, as the budget's published total and
training's stated figures are.

Only past reports' fixtures write these (through the loader's full_clean):
a board running Assure records meetings, reviews and indicators instead.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from board.models import Board, ReportingYear, SourceDocument
from core.models import CleanTextModel, NaturalKeyManager


def _number(text: str) -> Decimal | None:
    """The figure in a stated value ("8,265", "29%", "£7.2 billion" gives
    7.2), or None when it holds none or more than one."""
    found = re.findall(r"\d[\d,]*(?:\.\d+)?", text)
    if len(found) != 1:
        return None
    try:
        return Decimal(found[0].replace(",", ""))
    except InvalidOperation:
        return None


def _shown(value: Decimal) -> str:
    return f"{value:,f}".rstrip("0").rstrip(".") if "." in f"{value}" else f"{value:,}"


class StatedFigure(CleanTextModel):
    class Topic(models.TextChoices):
        IN_NUMBERS = "in-numbers", "In numbers"
        CHILD_DEATHS = "child-deaths", "Child deaths"
        MEETINGS = "meetings", "Board meetings"
        CHECKED = "checked", "Figures checked against the report itself"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(max_length=20, choices=Topic.choices)
    position = models.PositiveSmallIntegerField(help_text="Its place in the report's order.")
    heading = models.CharField(
        max_length=120, blank=True, help_text='The report\'s heading for it, such as "Population".'
    )
    value = models.CharField(
        max_length=60, help_text='The figure as the report gives it: "213,500", "27%", "£7.2bn".'
    )
    label = models.CharField(max_length=300, help_text="What the figure counts, in a few words.")
    compared_with = models.CharField(
        max_length=300,
        blank=True,
        help_text='What the report compares it with, as it says: "60 in 2015-16".',
    )
    elsewhere = models.CharField(
        "stated elsewhere as",
        max_length=60,
        blank=True,
        help_text="The same figure where the report states it again, if it differs.",
    )
    elsewhere_where = models.CharField(
        "where it says so", max_length=200, blank=True, help_text="Where the report says that."
    )
    numerator = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For a stated percentage: the count it is a share of, as the report gives it.",
    )
    denominator = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="The whole it is of."
    )
    wording = models.TextField(blank=True, help_text="The report's own words.")
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "year__start", "topic", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "year", "topic", "position"], name="statedfigure_unique_place"
            )
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.year}: {self.label} stated as {self.value}"

    def clean(self) -> None:
        problems: dict[str, list[str]] = {}
        if (self.numerator is None) != (self.denominator is None):
            problems["denominator"] = ["Give both parts of the rate, or neither."]
        elif self.denominator is not None and self.denominator <= 0:
            problems["denominator"] = ["The whole must be more than zero."]
        elif self.numerator is not None and _number(self.value) is None:
            problems["value"] = ["A rate worked out from its parts needs a stated figure."]
        if self.elsewhere and not self.elsewhere_where.strip():
            problems["elsewhere_where"] = ["Say where the report states the other figure."]
        if problems:
            raise ValidationError(problems)  # type: ignore[arg-type]

    @property
    def computed(self) -> str:
        """The rate worked out from its parts, to one decimal place more than
        the report gives, or "" when the figure has no parts."""
        if self.numerator is None or not self.denominator:
            return ""
        places = Decimal(1).scaleb(-(self._places() + 1))
        rate = (self.numerator * 100 / self.denominator).quantize(places, ROUND_HALF_UP)
        return f"{_shown(self.numerator)} / {_shown(self.denominator)} = {rate}%"

    def _places(self) -> int:
        stated = _number(self.value)
        exponent = stated.as_tuple().exponent if stated is not None else 0
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0

    @property
    def difference(self) -> str:
        """Where the report disagrees with itself, the difference in words;
        "" where it does not (or Assure cannot tell)."""
        stated = _number(self.value)
        if stated is None:
            return ""
        if self.elsewhere:
            other = _number(self.elsewhere)
            if other is None or other == stated:
                return ""
            gap = other - stated
            more = "more" if gap > 0 else "fewer"
            return f"{_shown(abs(gap))} {more} where the report states it again."
        if self.numerator is not None and self.denominator:
            exact = self.numerator * 100 / self.denominator
            places = Decimal(1).scaleb(-self._places())
            if exact.quantize(places, ROUND_HALF_UP) == stated:
                return ""
            finer = exact.quantize(Decimal(1).scaleb(-(self._places() + 1)), ROUND_HALF_UP)
            gap = finer - stated
            direction = "lower" if gap > 0 else "higher"
            return (
                f"The stated rate is {_shown(abs(gap))} points {direction} than the report's own "
                f"figures give ({self.computed}, which rounds to "
                f"{exact.quantize(places, ROUND_HALF_UP)}%)."
            )
        return ""

    def natural_key(self) -> tuple[str, str, str, int]:
        return (self.board.slug, self.year.label, self.topic, self.position)

    natural_key.dependencies = ["board.board", "board.reportingyear"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, year: str, topic: str, position: int) -> StatedFigure:
        return cls.objects.get(board__slug=board, year__label=year, topic=topic, position=position)


def stated_figures(*, board: Board, year: ReportingYear) -> list[StatedFigure]:
    """Every figure the board's report for the year states, by topic and in
    the report's order. One query."""
    return list(
        StatedFigure.objects.filter(board=board, year=year)
        .select_related("source")
        .order_by("topic", "position")
    )
