"""Indicators: the rules every path obeys (services), and the judgements the
scorecard and the chair's dashboard read (selectors)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from board.models import ReportingYear
from indicators import selectors as sel
from indicators import services
from indicators.models import Comparator, Indicator, IndicatorTarget, IndicatorValue
from indicators.selectors import (
    Point,
    direction_of_travel,
    indicator_values_changed_since,
    indicators_needing_attention,
    target_rating,
)
from tests.factories import PlanFactory, PriorityFactory
from tests.indicators.factories import (
    ComparatorFactory,
    IndicatorFactory,
    SourceFactory,
    ValueFactory,
)

pytestmark = pytest.mark.django_db

Y2019 = datetime.date(2019, 4, 1)
Y2020 = datetime.date(2020, 4, 1)


def point(value, marker="", start=Y2020):
    return Point(
        kind="year",
        start=start,
        end=start,
        value=None if value is None else Decimal(value),
        marker=marker,
        source="Report",
        edition=1,
        unit="count",
    )


def indicator(polarity="higher", target=None, tolerance=None, unit="percentage"):
    return Indicator(
        code="x",
        name="Timeliness",
        unit=unit,
        polarity=polarity,
        target=None if target is None else Decimal(target),
        tolerance=None if tolerance is None else Decimal(tolerance),
    )


# --- rating against target ------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "value", "code"),
    [
        ("higher", "80", "on-target"),  # equal to target is on target
        ("higher", "80.0001", "on-target"),
        ("higher", "79.9999", "near-target"),
        ("higher", "75", "near-target"),  # the tolerance edge is near, not off
        ("higher", "74.9999", "off-target"),
        ("lower", "80", "on-target"),
        ("lower", "79", "on-target"),
        ("lower", "85", "near-target"),
        ("lower", "85.0001", "off-target"),
    ],
)
def test_it_rates_against_the_target_by_polarity_with_exact_edges(polarity, value, code):
    rating = target_rating(indicator(polarity, "80", "5"), point(value))
    assert rating.code == code


def test_without_a_tolerance_anything_short_of_the_target_is_off_target():
    assert target_rating(indicator("higher", "80"), point("79.9999")).code == "off-target"
    assert target_rating(indicator("higher", "80"), point("80")).code == "on-target"


def test_it_rates_nothing_without_a_target_or_for_a_suppressed_value():
    assert target_rating(indicator("higher"), point("10")).code == "no-target"
    rating = target_rating(indicator("higher", "80"), point(None, "c"))
    assert rating.code == "not-rated"
    assert (
        rating.words
        == "Not rated (suppressed: c (confidential (suppressed to protect individuals)))"
    )
    assert target_rating(indicator("higher", "80"), None).words == "Not rated (no value yet)"


def test_the_rating_says_the_target_in_its_unit():
    assert target_rating(indicator("higher", "80"), point("90")).words == "On target (80%)"


# --- direction of travel ------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "latest", "previous", "code", "arrow"),
    [
        ("higher", "11", "10", "improving", "↑"),
        ("higher", "9", "10", "worse", "↓"),
        ("lower", "9", "10", "improving", "↓"),
        ("lower", "11", "10", "worse", "↑"),
        ("higher", "10", "10", "no-change", "→"),
        ("neither", "11", "10", "up", "↑"),
        ("neither", "9", "10", "down", "↓"),
    ],
)
def test_it_judges_the_direction_by_polarity(polarity, latest, previous, code, arrow):
    direction = direction_of_travel(polarity, point(latest), point(previous, start=Y2019))
    assert (direction.code, direction.arrow) == (code, arrow)


def test_it_says_so_when_there_is_no_previous_value():
    direction = direction_of_travel("higher", point("10"), None)
    assert (direction.code, direction.words) == ("none", "No previous value to compare with")


def test_a_suppressed_previous_value_is_not_read_as_zero():
    direction = direction_of_travel("higher", point("10"), point(None, "c", start=Y2019))
    assert direction.code == "cannot-judge"
    assert direction.words.startswith("Cannot be judged: the previous value is suppressed (c (")
    assert direction.arrow == ""


def test_a_suppressed_latest_value_is_not_judged():
    direction = direction_of_travel("lower", point(None, "x"), point("10", start=Y2019))
    assert direction.code == "cannot-judge"
    assert "latest value is suppressed (x (not available))" in direction.words


# --- the rules of values --------------------------------------------------------


def record(ind, **kwargs):
    values = {
        "indicator": ind,
        "period_kind": "year",
        "period_start": Y2019,
        "source": SourceFactory(),
        "value": Decimal("5"),
        "marker": "",
    }
    values.update(kwargs)
    return services.indicator_value_save(value=IndicatorValue(**values))


def problems_of(callable_, **kwargs):
    with pytest.raises(ValidationError) as caught:
        callable_(**kwargs)
    return caught.value.message_dict


def test_it_refuses_a_value_and_a_marker_together():
    ind = IndicatorFactory()
    problems = problems_of(record, ind=ind, value=Decimal("0"), marker="c")
    assert problems == {
        "value": [
            "Give a value or a suppression marker, not both: a suppressed figure has no value."
        ]
    }
    assert not IndicatorValue.objects.exists()


def test_it_refuses_neither_a_value_nor_a_marker():
    problems = problems_of(record, ind=IndicatorFactory(), value=None, marker="")
    assert problems["value"] == ["Enter the value, or choose the marker the publication gives."]


def test_it_keeps_a_suppressed_value_as_its_marker_never_zero():
    saved = record(IndicatorFactory(), value=None, marker="C")
    saved.refresh_from_db()
    assert (saved.value, saved.marker) == (None, "c")


def test_it_refuses_an_unknown_marker():
    problems = problems_of(record, ind=IndicatorFactory(), value=None, marker="q")
    assert problems["marker"] == ["Choose a marker from the list: c, x, z, u, k or low."]


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        ("count", "1.5", "A count is a whole number."),
        ("count", "-1", "A figure cannot be negative."),
        ("percentage", "100.0001", "A percentage lies between 0 and 100."),
        ("rate", "10000000000", "A figure cannot be more than 9,999,999,999."),
        ("rate", "1.23456", "Give a figure to at most four decimal places."),
    ],
)
def test_it_refuses_a_figure_its_unit_does_not_allow(unit, value, message):
    problems = problems_of(record, ind=IndicatorFactory(unit=unit), value=Decimal(value))
    assert problems["value"] == [message]


@pytest.mark.parametrize(
    ("unit", "value"), [("count", "0"), ("percentage", "100"), ("rate", "1.2345")]
)
def test_it_accepts_the_edges_of_its_unit(unit, value):
    assert record(IndicatorFactory(unit=unit), value=Decimal(value)).value == Decimal(value)


@pytest.mark.parametrize(
    ("kind", "start", "message"),
    [
        ("year", datetime.date(2019, 4, 2), "A reporting year starts on 1 April."),
        (
            "quarter",
            datetime.date(2019, 5, 1),
            "A quarter starts on 1 April, 1 July, 1 October or 1 January.",
        ),
        ("month", datetime.date(2019, 5, 2), "A month starts on its 1st."),
        ("year", datetime.date(1999, 4, 1), "Assure records periods from 2000 on."),
    ],
)
def test_it_refuses_a_period_that_does_not_start_where_its_kind_starts(kind, start, message):
    problems = problems_of(record, ind=IndicatorFactory(), period_kind=kind, period_start=start)
    assert problems["period_start"] == [message]


def test_it_refuses_a_period_that_has_not_started_but_takes_this_month():
    today = timezone.localdate()
    ind = IndicatorFactory()
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    problems = problems_of(record, ind=ind, period_kind="month", period_start=next_month)
    assert problems["period_start"] == ["The period has not started yet: it can have no figure."]
    saved = record(ind, period_kind="month", period_start=today.replace(day=1))
    assert saved.period_end.month == today.month


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        ("year", datetime.date(2019, 4, 1), datetime.date(2020, 3, 31)),
        ("quarter", datetime.date(2019, 10, 1), datetime.date(2019, 12, 31)),
        ("quarter", datetime.date(2020, 1, 1), datetime.date(2020, 3, 31)),
        ("month", datetime.date(2020, 2, 1), datetime.date(2020, 2, 29)),
    ],
)
def test_it_sets_the_end_of_the_period_from_its_start(kind, start, end):
    assert record(IndicatorFactory(), period_kind=kind, period_start=start).period_end == end


def test_a_later_publication_is_kept_as_a_revision_beside_the_first_figure():
    ind = IndicatorFactory(code="referrals")
    report = SourceFactory(title="Annual report 2020-21")
    statistics = SourceFactory(title="Characteristics of children in need 2021")
    first = record(ind, source=report, value=Decimal("3297"))
    revised = record(ind, source=statistics, value=Decimal("3301"))
    assert (first.edition, revised.edition) == (1, 2)
    status = sel.indicator_status(indicator=ind)
    assert status.latest.value == Decimal("3301")
    assert status.latest.source == "Characteristics of children in need 2021"
    assert status.latest.revised
    assert [v.value for v in status.latest.other_editions] == [Decimal("3297")]


def test_it_refuses_a_second_value_from_the_same_document_for_a_period():
    ind = IndicatorFactory()
    source = SourceFactory()
    record(ind, source=source)
    problems = problems_of(record, ind=ind, source=source, value=Decimal("6"))
    assert problems["source"] == [
        "This period already has a value from that document: change that one instead."
    ]


def test_value_record_changes_the_documents_figure_instead_of_doubling_it():
    ind = IndicatorFactory()
    source = SourceFactory()
    services.value_record(
        indicator=ind, period_kind="year", period_start=Y2019, source=source, value=Decimal("1")
    )
    services.value_record(
        indicator=ind, period_kind="year", period_start=Y2019, source=source, value=None, marker="c"
    )
    assert list(IndicatorValue.objects.values_list("value", "marker", "edition")) == [
        (None, "c", 1)
    ]


# --- the rules of indicators -------------------------------------------------------


def test_it_refuses_a_target_on_an_indicator_that_is_not_judged():
    ind = IndicatorFactory.build(
        board=IndicatorFactory().board, polarity="neither", target=Decimal("5")
    )
    assert services.indicator_problems(indicator=ind)["target"] == [
        "A target needs a direction: say whether higher or lower is better."
    ]


def test_it_refuses_a_tolerance_without_a_target_or_below_zero():
    board = IndicatorFactory().board
    ind = IndicatorFactory.build(board=board, polarity="higher", tolerance=Decimal("1"))
    assert services.indicator_problems(indicator=ind)["tolerance"] == [
        "A tolerance needs a target to be measured from."
    ]
    ind.target, ind.tolerance = Decimal("5"), Decimal("-0.0001")
    assert services.indicator_problems(indicator=ind)["tolerance"] == [
        "A tolerance cannot be negative."
    ]


def test_it_refuses_a_priority_of_another_boards_plan():
    ind = IndicatorFactory()
    other = PriorityFactory(plan=PlanFactory())
    ind.priority = other
    assert services.indicator_problems(indicator=ind)["priority"] == [
        "That priority belongs to another board's plan."
    ]


def test_it_refuses_a_code_the_board_already_has_and_a_code_a_page_uses():
    ind = IndicatorFactory(code="referrals")
    twin = IndicatorFactory.build(board=ind.board, code="referrals", name="Twin")
    assert services.indicator_problems(indicator=twin)["code"] == [
        "The board already has an indicator with that code."
    ]
    twin.code = "import"
    assert "names a page of its own" in services.indicator_problems(indicator=twin)["code"][0]


def test_comparator_save_changes_the_one_recorded_for_the_kind_and_period():
    ind = IndicatorFactory()
    source = SourceFactory()
    for value in ("10", "12"):
        services.comparator_save(
            comparator=Comparator(
                indicator=ind,
                kind="england",
                period_kind="year",
                period_start=Y2019,
                value=Decimal(value),
                source=source,
            )
        )
    assert list(Comparator.objects.values_list("value", flat=True)) == [Decimal("12")]


def test_the_neighbours_average_cannot_use_more_neighbours_than_were_listed():
    comparator = Comparator(
        indicator=IndicatorFactory(),
        kind="neighbours",
        period_kind="year",
        period_start=Y2019,
        value=Decimal("3"),
        source=SourceFactory(),
        neighbours_used=11,
        neighbours_listed=10,
    )
    assert services.comparator_problems(comparator=comparator)["neighbours_used"] == [
        "The average cannot use more neighbours (11) than were listed (10)."
    ]


# --- selectors for the scorecard and the dashboard --------------------------------


def test_indicators_needing_attention_are_those_off_target_or_getting_worse(world):
    off = IndicatorFactory(
        board=world.board, code="off", polarity="higher", target=Decimal("80"), unit="percentage"
    )
    worse = IndicatorFactory(board=world.board, code="worse", polarity="lower")
    fine = IndicatorFactory(
        board=world.board, code="fine", polarity="higher", target=Decimal("80"), unit="percentage"
    )
    elsewhere = IndicatorFactory(
        board=world.other_board,
        code="off",
        polarity="higher",
        target=Decimal("80"),
        unit="percentage",
    )
    for ind, values in (
        (off, ("85", "70")),
        (worse, ("5", "7")),
        (fine, ("70", "90")),
        (elsewhere, ("1", "2")),
    ):
        ValueFactory(indicator=ind, period_start=Y2019, value=Decimal(values[0]))
        ValueFactory(indicator=ind, period_start=Y2020, value=Decimal(values[1]))
    found = indicators_needing_attention(board=world.board)
    assert [(s.indicator.code, s.rating.code, s.direction.code) for s in found] == [
        ("off", "off-target", "worse"),
        ("worse", "no-target", "worse"),
    ]
    first = found[0]
    assert (first.latest.shown, first.previous.shown) == ("70%", "85%")
    assert first.url == "/boards/alpha/indicators/off/"


def test_values_changed_since_are_those_recorded_after_the_date(world):
    ind = IndicatorFactory(board=world.board, code="referrals")
    old = ValueFactory(indicator=ind, period_start=Y2019)
    IndicatorValue.objects.filter(pk=old.pk).update(
        recorded_at=timezone.now() - datetime.timedelta(days=30)
    )
    ValueFactory(indicator=ind, period_start=Y2020, value=None, marker="c")
    ValueFactory(indicator=IndicatorFactory(board=world.other_board), period_start=Y2020)
    changes = indicator_values_changed_since(
        board=world.board, since=timezone.now() - datetime.timedelta(days=7)
    )
    assert [(c.code, c.period, c.shown, c.count) for c in changes.listed] == [
        ("referrals", "2020-21", "c (confidential (suppressed to protect individuals))", 1)
    ]
    assert (changes.total, changes.more) == (1, 0)


def test_values_changed_since_come_one_per_indicator_newest_first_and_capped(world):
    """An import records many values of an indicator at once: the indicator
    is listed once, with its newest value and how many there were; past the
    limit only the count of the rest is kept."""
    now = timezone.now()
    for n, minutes in enumerate((30, 10, 20)):
        ind = IndicatorFactory(board=world.board, code=f"i{n}", name=f"Indicator {n}")
        for year in (2018, 2019, 2020):
            value = ValueFactory(
                indicator=ind, period_start=datetime.date(year, 4, 1), value=Decimal(year - n)
            )
            IndicatorValue.objects.filter(pk=value.pk).update(
                recorded_at=now - datetime.timedelta(minutes=minutes + 2020 - year)
            )
    changes = indicator_values_changed_since(
        board=world.board, since=now - datetime.timedelta(days=1), limit=2
    )
    assert [(c.code, c.period, c.shown, c.count) for c in changes.listed] == [
        ("i1", "2020-21", "2,019", 3),
        ("i2", "2020-21", "2,018", 3),
    ]
    assert (changes.total, changes.more) == (3, 1)
    assert changes.listed[0].url == "/boards/alpha/indicators/i1/"


def test_a_changed_value_revises_the_latest_earlier_figure_that_differs(
    world, django_assert_max_num_queries
):
    """Editions 2,455, 2,458, 2,458: the third restates the second but still
    revises the first, as the scorecard says; a marker against a number
    differs; a first edition revises nothing. Three queries in all."""
    ind = IndicatorFactory(board=world.board, code="cin", unit="count")
    for edition, value in ((1, "2455"), (2, "2458"), (3, "2458")):
        ValueFactory(indicator=ind, period_start=Y2019, edition=edition, value=Decimal(value))
    same = IndicatorFactory(board=world.board, code="same", unit="count")
    for edition in (1, 2):
        ValueFactory(indicator=same, period_start=Y2019, edition=edition, value=Decimal("7"))
    ValueFactory(indicator=same, period_start=Y2020, value=Decimal("8"))
    hidden = IndicatorFactory(board=world.board, code="hidden", unit="count")
    ValueFactory(indicator=hidden, period_start=Y2019, edition=1, value=Decimal("4"))
    ValueFactory(indicator=hidden, period_start=Y2019, edition=2, value=None, marker="c")
    with django_assert_max_num_queries(3):
        changes = indicator_values_changed_since(
            board=world.board, since=timezone.now() - datetime.timedelta(days=1)
        )
    found = {c.code: (c.edition, c.revised, c.revised_from, c.restates) for c in changes.listed}
    assert found["cin"] == (3, True, "2,455", False)
    assert found["hidden"] == (2, True, "4", False)
    assert found["same"] == (1, False, "", False)
    lines = {
        line.indicator.code: line
        for line in sel.indicator_lines(Indicator.objects.filter(board=world.board))
    }
    assert (lines["cin"].revised, lines["cin"].revised_from) == (True, "2,455")


def test_a_value_published_again_unchanged_is_no_revision(world):
    ind = IndicatorFactory(board=world.board, code="cin", unit="count")
    for edition in (1, 2):
        ValueFactory(indicator=ind, period_start=Y2019, edition=edition, value=Decimal("2455"))
    (change,) = indicator_values_changed_since(
        board=world.board, since=timezone.now() - datetime.timedelta(days=1)
    ).listed
    assert (change.edition, change.revised, change.revised_from, change.restates) == (
        2,
        False,
        "",
        True,
    )


def test_values_changed_at_the_same_moment_stand_by_name_then_code(world):
    """Ties on the moment recorded: indicators by name, then code; within an
    indicator, the value saved last is its newest."""
    moment = timezone.now() - datetime.timedelta(hours=1)
    for code, name in (("b-code", "Same name"), ("a-code", "Same name"), ("z", "Another")):
        ind = IndicatorFactory(board=world.board, code=code, name=name)
        first = ValueFactory(indicator=ind, period_start=Y2020, value=Decimal(1))
        second = ValueFactory(indicator=ind, period_start=Y2019, value=Decimal(2))
        IndicatorValue.objects.filter(pk__in=[first.pk, second.pk]).update(recorded_at=moment)
    changes = indicator_values_changed_since(
        board=world.board, since=moment - datetime.timedelta(minutes=1)
    )
    assert [(c.code, c.period, c.shown, c.count) for c in changes.listed] == [
        ("z", "2019-20", "2", 2),
        ("a-code", "2019-20", "2", 2),
        ("b-code", "2019-20", "2", 2),
    ]
    assert changes.total == 3
    assert indicator_values_changed_since(board=world.board, since=moment, limit=0).listed == []
    nothing = indicator_values_changed_since(
        board=world.board, since=moment + datetime.timedelta(seconds=1)
    )
    assert (nothing.listed, nothing.total) == ([], 0)


def _lines_agree_with_statuses(board):
    full = {s.indicator.pk: s for s in sel.statuses(Indicator.objects.filter(board=board))}
    lines = sel.indicator_lines(Indicator.objects.filter(board=board))
    assert [line.indicator.pk for line in lines] == list(full)

    def shown(point):
        return (point.label, point.shown) if point else None

    for line in lines:
        status = full[line.indicator.pk]
        assert (
            shown(line.latest),
            shown(line.previous),
            line.revised,
            line.direction,
            line.rating,
            shown(line.england),
            shown(line.neighbours),
            line.neighbours.used_words if line.neighbours else "",
            line.url,
            line.needs_attention,
        ) == (
            shown(status.latest),
            shown(status.previous),
            status.latest.revised if status.latest else False,
            status.direction,
            status.rating,
            shown(status.england),
            shown(status.neighbours),
            status.neighbours.used_words if status.neighbours else "",
            status.url,
            status.needs_attention,
        ), line.indicator.code
    return lines


def test_an_indicators_row_judges_as_its_full_series_does(world):
    """The overview's rows read only the last two periods and the comparators
    that apply: each judges exactly as the indicator's full series does,
    revisions, suppressed figures, comparators older or newer than the latest
    figure and no figures at all included."""
    source = SourceFactory()
    revision = SourceFactory(title="A later publication")
    cases = {
        "revised": (
            "higher",
            [("2019", "60", "", 1), ("2020", "70", "", 1), ("2020", "71.25", "", 2)],
        ),
        "suppressed": (
            "lower",
            [("2018", "5", "", 1), ("2019", None, "c", 1), ("2020", "4", "", 1)],
        ),
        "worse": ("lower", [("2017", "1", "", 1), ("2018", "2", "", 1), ("2019", "3", "", 1)]),
        "one": ("neither", [("2020", "0", "", 1)]),
        "none": ("higher", []),
    }
    for code, (polarity, values) in cases.items():
        ind = IndicatorFactory(
            board=world.board,
            code=code,
            unit="percentage",
            polarity=polarity,
            target=Decimal("65") if polarity != "neither" else None,
            tolerance=Decimal("5") if polarity != "neither" else None,
        )
        for year, value, marker, edition in values:
            ValueFactory(
                indicator=ind,
                period_start=datetime.date(int(year), 4, 1),
                value=None if value is None else Decimal(value),
                marker=marker,
                source=source if edition == 1 else revision,
                edition=edition,
            )
        # England for an older year and for a year after the latest figure;
        # the neighbours for the latest year, one of them suppressed.
        ComparatorFactory(indicator=ind, period_start=Y2019, value=Decimal("43.1"), kind="england")
        ComparatorFactory(
            indicator=ind,
            period_start=datetime.date(2021, 4, 1),
            value=Decimal("50"),
            kind="england",
        )
        ComparatorFactory(
            indicator=ind,
            period_start=Y2020,
            value=Decimal("12.3456"),
            kind="neighbours",
            neighbours_used=9,
            neighbours_listed=10,
        )
    IndicatorFactory(board=world.other_board, code="elsewhere")
    lines = {line.indicator.code: line for line in _lines_agree_with_statuses(world.board)}
    assert set(lines) == set(cases)
    assert (lines["revised"].latest.shown, lines["revised"].revised) == ("71.25%", True)
    assert lines["revised"].england.label == "2019-20"  # the 2021-22 figure is after the latest
    assert lines["revised"].neighbours.shown == "12.3456%"
    assert lines["suppressed"].direction.code == "cannot-judge"
    assert lines["worse"].england.label == "2019-20"
    assert lines["worse"].neighbours is None  # the neighbours' figure is after the latest
    assert lines["one"].latest.shown == "0%"
    assert lines["none"].latest is None
    assert lines["none"].england is None


def test_the_scorecard_groups_by_priority_and_charts_gaps_not_zeros(world):
    priority = world.action.priority
    ind = IndicatorFactory(board=world.board, code="cp", priority=priority, polarity="lower")
    IndicatorFactory(board=world.board, code="loose", name="Loose one")
    ValueFactory(indicator=ind, period_start=datetime.date(2018, 4, 1), value=Decimal("50"))
    ValueFactory(indicator=ind, period_start=Y2019, value=None, marker="c")
    ValueFactory(indicator=ind, period_start=Y2020, value=Decimal("40"))
    ComparatorFactory(indicator=ind, period_start=Y2020, value=Decimal("43.5"))
    groups = sel.scorecard(board=world.board)
    assert [g.title for g in groups] == [str(priority), "Not linked to a priority"]
    status = groups[0].statuses[0]
    assert status.england.shown == "43.5"
    assert status.direction.code == "cannot-judge"  # the previous period is suppressed
    from indicators.charts import figure, svg_chart

    fig = figure(status)
    assert fig["data"][0]["y"] == [50.0, None, 40.0]
    assert fig["layout"]["annotations"][0]["text"] == "c"
    chart = svg_chart(status)
    assert len(chart.lines[0].segments) == 2  # broken at the gap
    assert [m for _, _, m in chart.gaps] == ["c"]
    assert "Suppressed: 2019-20 (c)." in status.summary


@pytest.mark.parametrize("count", [10, 1000])
def test_the_reads_take_the_same_queries_at_10_and_1000_indicators(
    world, count, django_assert_max_num_queries
):
    source = SourceFactory()
    indicators = Indicator.objects.bulk_create(
        Indicator(
            board=world.board, code=f"i{n}", name=f"Indicator {n}", unit="count", polarity="higher"
        )
        for n in range(count)
    )
    values = []
    for ind in indicators:
        for month in range(12):
            start = datetime.date(2019 + (month + 3) // 12, (month + 3) % 12 + 1, 1)
            values.append(
                IndicatorValue(
                    indicator=ind,
                    period_kind="month",
                    period_start=start,
                    period_end=start,
                    value=Decimal(month),
                    source=source,
                )
            )
    IndicatorValue.objects.bulk_create(values)
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=ind, year=ReportingYear.for_start_year(2019), target=Decimal(5))
        for ind in indicators
    )
    # The fourth query reads every indicator's targets by year at once.
    with django_assert_max_num_queries(4):
        groups = sel.scorecard(board=world.board)
    assert sum(len(g.statuses) for g in groups) == count
    assert groups[0].statuses[0].latest.label == "March 2020"
    assert groups[0].statuses[0].rating.code == "on-target"  # 11 in March 2020 against 5
    with django_assert_max_num_queries(3):
        assert len(indicators_needing_attention(board=world.board)) == 0  # all rising, on target
    with django_assert_max_num_queries(4):
        overview = sel.scorecard_overview(board=world.board)
    assert sum(len(g.statuses) for g in overview) == count
    assert overview[0].statuses[0].previous.label == "February 2020"
    with django_assert_max_num_queries(2):
        changes = indicator_values_changed_since(
            board=world.board, since=timezone.now() - datetime.timedelta(days=1), limit=50
        )
    assert (changes.total, len(changes.listed)) == (count, min(count, 50))


def test_the_fixture_path_refuses_what_the_service_refuses():
    """The past reports' loader validates with full_clean: the model's clean
    asks the same service rules."""
    ind = IndicatorFactory()
    value = IndicatorValue(
        indicator=ind,
        period_kind="year",
        period_start=Y2019,
        period_end=datetime.date(2020, 3, 30),
        value=Decimal("0"),
        marker="c",
        source=SourceFactory(),
    )
    with pytest.raises(ValidationError) as caught:
        value.full_clean()
    assert caught.value.message_dict["period_end"] == [
        "A period starting 2019-04-01 ends on 2020-03-31."
    ]
    assert "not both" in caught.value.message_dict["value"][0]


def test_a_period_far_ahead_is_refused_without_working_out_its_end():
    problems = problems_of(record, ind=IndicatorFactory(), period_start=datetime.date(9999, 4, 1))
    assert problems["period_start"] == ["The period has not started yet: it can have no figure."]


def test_the_chart_is_a_figure_plotly_accepts(world):
    import plotly.graph_objects as go

    from indicators.charts import figure

    ind = IndicatorFactory(board=world.board, code="cp", unit="rate")
    ValueFactory(indicator=ind, period_start=Y2019, value=None, marker="x")
    ValueFactory(indicator=ind, period_start=Y2020, value=Decimal("39.03"))
    ComparatorFactory(indicator=ind, period_start=Y2020, value=Decimal("43.1"))
    fig = go.Figure(figure(sel.indicator_status(indicator=ind)))
    assert [trace.name for trace in fig.data] == ["The board's area", "England"]
    assert list(fig.data[0].y) == [None, 39.03]
    assert fig.layout.yaxis.title.text == "Rate per 10,000 children"
