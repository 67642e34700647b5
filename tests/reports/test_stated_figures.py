"""A figure a report states, checked against the report itself: the same
figure stated again, or a rate worked out from its own parts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports.figures import StatedFigure
from tests.factories import BoardFactory, YearFactory

pytestmark = pytest.mark.django_db


def figure(**fields) -> StatedFigure:
    return StatedFigure(
        board=BoardFactory(),
        year=YearFactory(),
        topic=StatedFigure.Topic.CHECKED,
        position=1,
        label="contacts",
        **fields,
    )


def test_a_figure_stated_again_differently_names_the_difference():
    assert figure(value="8,265", elsewhere="8,278", elsewhere_where="in the text").difference == (
        "13 more where the report states it again."
    )
    assert figure(value="197", elsewhere="196", elsewhere_where="in the text").difference == (
        "1 fewer where the report states it again."
    )


def test_a_figure_stated_again_the_same_has_no_difference():
    assert figure(value="1,132", elsewhere="1,132", elsewhere_where="below").difference == ""


def test_a_rate_that_rounds_to_what_is_stated_has_no_difference():
    rate = figure(value="19%", numerator=Decimal(3247), denominator=Decimal(16791))
    assert rate.computed == "3,247 / 16,791 = 19.3%"
    assert rate.difference == ""


def test_a_rate_one_rounding_short_is_flagged_on_the_edge():
    # 2,890 / 9,673 is 29.88%: it rounds to 30%, so a stated 29% is flagged.
    low = figure(value="29%", numerator=Decimal(2890), denominator=Decimal(9673))
    assert "0.9 points lower" in low.difference
    # 1 / 8 is 12.5% exactly: half rounds up, so 13% stands and 12% does not.
    assert figure(value="13%", numerator=Decimal(1), denominator=Decimal(8)).difference == ""
    assert (
        "0.5 points lower"
        in figure(value="12%", numerator=Decimal(1), denominator=Decimal(8)).difference
    )


def test_a_rate_to_a_decimal_place_is_checked_to_that_place():
    rate = figure(value="13.9%", numerator=Decimal(1132), denominator=Decimal(8278))
    assert rate.computed == "1,132 / 8,278 = 13.67%"
    assert "0.23 points higher" in rate.difference


def test_it_refuses_a_rate_with_one_part_or_a_zero_whole():
    with pytest.raises(ValidationError) as one:
        figure(value="29%", numerator=Decimal(1)).full_clean()
    assert one.value.message_dict["denominator"] == ["Give both parts of the rate, or neither."]
    with pytest.raises(ValidationError) as zero:
        figure(value="29%", numerator=Decimal(1), denominator=Decimal(0)).full_clean()
    assert zero.value.message_dict["denominator"] == ["The whole must be more than zero."]


def test_it_refuses_a_figure_stated_elsewhere_without_saying_where():
    with pytest.raises(ValidationError) as failure:
        figure(value="8,265", elsewhere="8,278").full_clean()
    assert "elsewhere_where" in failure.value.message_dict
