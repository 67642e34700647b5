"""The Department for Education's files as published: thousands of rows,
both kinds of authority code, suppression markers, the statistical
neighbour model, a count's neighbour average, revisions and the charts of
comparators of another scale. The files are generated in the published
layouts (tests/indicators/published.py); every figure in them is synthetic."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import charts, selectors, services, statistics_imports
from indicators import importer as imp
from indicators.models import (
    Comparator,
    Indicator,
    IndicatorValue,
    StatisticalNeighbour,
    StatisticsImport,
)
from tests.indicators import published
from tests.indicators.factories import (
    ComparatorFactory,
    IndicatorFactory,
    SourceFactory,
    ValueFactory,
)

pytestmark = pytest.mark.django_db

#: One generated file serves the module's tests (generating it is the slow part).
FILE = published.statistics_file()
#: A smaller file in the same layout, for the tests that need no thousands of rows.
SMALL = published.statistics_file(years=3, count=40)
AREA = published.authorities()[4]  # Synthetic authority 5


def test_a_published_file_of_more_rows_than_a_spreadsheet_import_allows_is_read(settings):
    settings.ASSURE_IMPORT_MAX_ROWS = 2000
    statistics = imp.read_statistics("cin.csv", FILE)
    assert len(statistics.rows) == 14 * (1 + 9 + 152) == 2268
    assert len(statistics.authorities) == 152
    assert (AREA.new_code, f"{AREA.name} ({AREA.new_code} and {AREA.old_code})") in (
        statistics.authorities
    )


def test_a_file_past_the_byte_limit_is_refused_naming_both_sizes(settings):
    settings.ASSURE_STATISTICS_MAX_BYTES = 1024
    with pytest.raises(imp.SpreadsheetError, match=r"The file is .*; the largest .* is 1 KB"):
        imp.read_statistics("cin.csv", FILE)


def test_a_file_with_a_header_and_no_rows_is_told_so():
    header = FILE.split(b"\n", 1)[0] + b"\n"
    with pytest.raises(imp.SpreadsheetError, match="The file has a header and no rows"):
        imp.read_statistics("cin.csv", header)


def test_the_upload_page_tells_a_header_only_file_so_and_keeps_nothing(world, users, client_for):
    client = client_for("manager")
    url = reverse("indicators:statistics_import", kwargs={"board": world.board.slug})
    header = FILE.split(b"\n", 1)[0] + b"\n"
    response = client.post(
        url, {"file": SimpleUploadedFile("cin.csv", header, "text/csv"), "publication": "CIN"}
    )
    assert response.status_code == 400
    assert "The file has a header and no rows" in response.content.decode()
    assert "assure-statistics-import" not in client.session


def test_rows_of_other_levels_are_left_out_as_the_file_is_read():
    text = FILE.decode().splitlines()
    district = text[1].replace("National", "Local authority district")
    statistics = imp.read_statistics("cin.csv", "\n".join([*text, district]).encode())
    assert statistics.left_out == 1
    assert len(statistics.rows) == 2268


def test_a_file_that_is_not_utf8_part_way_through_is_refused_in_words():
    bad = FILE[:5000] + "Lütön".encode("cp1252") + FILE[5000:]
    with pytest.raises(imp.SpreadsheetError, match="The file is not UTF-8 text"):
        imp.read_statistics("cin.csv", bad)


# --- codes and neighbours ---------------------------------------------------------


def _indicators(board):
    return {
        "referrals": IndicatorFactory(board=board, code="referrals", unit="count"),
        "referrals_rate": IndicatorFactory(board=board, code="rate", unit="rate"),
        "re_referrals_percent": IndicatorFactory(
            board=board, code="rereferrals", unit="percentage"
        ),
        "spend_per_child": IndicatorFactory(board=board, code="spend", unit="money"),
    }


def _preview(board, content=FILE, authority=AREA.new_code, mapping=None):
    return imp.preview_statistics(
        board=board,
        statistics=imp.read_statistics("cin.csv", content),
        authority=authority,
        mapping=mapping or {"referrals": "referrals"},
        publication="Synthetic children in need file",
    )


def test_a_file_with_only_old_codes_is_chosen_by_its_three_digit_code(world):
    _indicators(world.board)
    content = published.statistics_file(years=3, count=40, codes="old")
    result = _preview(world.board, content, AREA.old_code)
    assert result.valid, result.errors
    assert sum(1 for i in result.items if i.what == "value") == 3


@pytest.mark.parametrize("codes", ["old", "new", "mixed"])
def test_a_neighbour_list_of_either_kind_of_code_matches_a_file_with_both(world, codes):
    _indicators(world.board)
    others = published.authorities()[10:20]
    pairs = [
        (
            a.old_code if codes == "old" or (codes == "mixed" and n % 2) else a.new_code,
            a.name,
        )
        for n, a in enumerate(others)
    ]
    services.neighbours_replace(board=world.board, neighbours=pairs)
    result = _preview(world.board, published.statistics_file(years=3, count=40, marker_share=0))
    assert result.valid, result.errors
    averages = [i for i in result.items if i.what == Comparator.Kind.NEIGHBOURS]
    assert averages
    assert all(i.neighbours_listed == 10 for i in averages)
    assert max(i.neighbours_used for i in averages) == 10


def test_a_neighbour_list_that_matches_no_row_of_the_file_is_refused_with_the_reason(world):
    _indicators(world.board)
    services.neighbours_replace(board=world.board, neighbours=[("821", "Luton"), ("822", "")])
    result = _preview(world.board)
    assert not result.valid
    (error,) = result.errors
    assert error.startswith(
        "None of the board's 2 statistical neighbours (821, 822) matches a local authority row "
        "of this file, whose authorities have codes such as"
    )
    with pytest.raises(ValueError, match="cannot be saved"):
        imp.save_statistics(preview=result, publication="Synthetic")
    assert not IndicatorValue.objects.exists()
    assert not Comparator.objects.exists()


def test_a_neighbour_list_naming_the_boards_own_authority_is_refused(world):
    _indicators(world.board)
    services.neighbours_replace(
        board=world.board, neighbours=[(AREA.old_code, AREA.name), ("E99000011", "")]
    )
    result = _preview(world.board)
    assert any("names its own authority" in e for e in result.errors)


@pytest.mark.parametrize(
    ("code", "valid"),
    [("821", True), ("E06000032", True), ("e06000032", True), ("82", False), ("Luton", False)],
)
def test_a_neighbour_code_is_one_of_the_two_published_forms(world, code, valid):
    problems = services.neighbours_problems(board=world.board, neighbours=[(code, "")])
    assert (not problems) is valid
    if not valid:
        assert (
            "old three-digit number (821) or its new nine-character code" in (problems["file"][0])
        )


def test_the_model_file_as_published_gives_the_boards_ten_neighbours_with_both_codes(world):
    model = published.neighbour_model()
    entries = imp.read_neighbours(model, name="sn.csv", authority=AREA.name)
    names = published.neighbours_of(model, AREA.name)
    assert [name for _, name, _ in entries] == names
    by_name = {a.name: a for a in published.authorities()}
    assert [(code, other) for code, _, other in entries] == [
        (by_name[n].new_code, by_name[n].old_code) for n in names
    ]
    saved = services.neighbours_replace(board=world.board, neighbours=entries)
    assert [n.rank for n in saved] == list(range(1, 11))


def test_the_model_file_is_found_by_either_code_and_its_neighbours_by_old_code(world):
    model = published.neighbour_model(by="old")
    by_old = imp.read_neighbours(model, authority=AREA.old_code)
    by_new = imp.read_neighbours(model, authority=AREA.new_code)
    assert by_old == by_new
    assert all(services.la_code_kind(code) == "new" for code, _, _ in by_old)


def test_the_model_file_without_the_boards_authority_is_refused_in_words():
    with pytest.raises(imp.SpreadsheetError, match="The model has no row for Nowhere"):
        imp.read_neighbours(published.neighbour_model(), authority="Nowhere")


def test_a_file_of_neither_layout_says_what_a_neighbour_file_has():
    with pytest.raises(imp.SpreadsheetError, match="SN1 to SN10"):
        imp.read_neighbours(b"authority_id,neighbour\n1,2\n")


def test_the_neighbours_page_imports_the_model_file_for_the_boards_authority(
    world, users, client_for
):
    client = client_for("manager")
    url = reverse("indicators:neighbours", kwargs={"board": world.board.slug})
    model = published.neighbour_model()
    response = client.post(
        url,
        {"file": SimpleUploadedFile("sn.csv", model, "text/csv"), "authority": AREA.new_code},
    )
    assert response.status_code == 302
    names = published.neighbours_of(model, AREA.name)
    assert list(StatisticalNeighbour.objects.values_list("la_name", flat=True)) == names
    page = client.get(url).content.decode()
    assert f"({published.authorities()[0].new_code}" in page or names[0] in page


# --- a count's neighbour average: the preview and the save ask one rule ----------


@pytest.mark.parametrize("unit", ["count", "percentage", "rate", "money"])
def test_every_unit_with_every_comparator_a_file_brings_previews_and_saves_alike(world, unit):
    measure = {"count": "referrals", "rate": "referrals_rate", "percentage": "re_referrals_percent"}
    column = measure.get(unit, "spend_per_child")
    IndicatorFactory(board=world.board, code="measure", unit=unit)
    services.neighbours_replace(
        board=world.board,
        neighbours=[(a.old_code, a.name) for a in published.authorities()[20:30]],
    )
    result = _preview(world.board, SMALL, mapping={column: "measure"})
    assert result.valid, (result.errors, [i.problems for i in result.items if i.problems])
    kinds = {i.what for i in result.items}
    assert kinds == {"value", *Comparator.Kind.values}
    saved = imp.save_statistics(preview=result, publication="Synthetic children in need file")
    assert saved == len(result.items)
    again = _preview(world.board, SMALL, mapping={column: "measure"})
    assert again.counts["new"] == again.counts["changed"] == 0


def test_a_count_indicators_neighbour_average_is_kept_as_the_mean_it_is(world):
    indicator = IndicatorFactory(board=world.board, code="referrals", unit="count")
    neighbours = published.authorities()[30:40]
    services.neighbours_replace(
        board=world.board, neighbours=[(a.new_code, "") for a in neighbours]
    )
    result = _preview(world.board, SMALL)
    imp.save_statistics(preview=result, publication="Synthetic")
    averages = Comparator.objects.filter(indicator=indicator, kind=Comparator.Kind.NEIGHBOURS)
    fractional = [c for c in averages if c.value != c.value.to_integral_value()]
    assert fractional, "a mean of ten whole numbers is seldom whole"
    status = selectors.indicator_status(indicator=indicator)
    latest = status.neighbours
    assert latest is not None
    assert latest.used_words.startswith("average of ")
    assert (
        services.comparator_number_problems(
            unit="count", kind=Comparator.Kind.NEIGHBOURS, number=Decimal("3765.6")
        )
        == {}
    )
    assert services.comparator_number_problems(
        unit="count", kind=Comparator.Kind.ENGLAND, number=Decimal("3765.6")
    ) == {"value": ["A count is a whole number."]}


def test_a_count_with_a_neighbour_average_imports_through_the_pages(
    world, users, client_for, django_capture_on_commit_callbacks
):
    IndicatorFactory(board=world.board, code="referrals", unit="count", measure="referrals")
    services.neighbours_replace(
        board=world.board,
        neighbours=[(a.old_code, a.name) for a in published.authorities()[60:70]],
    )
    client = client_for("manager")
    url = reverse("indicators:statistics_import", kwargs={"board": world.board.slug})
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("cin.csv", FILE, "text/csv"),
            "publication": "Synthetic children in need file",
        },
    )
    assert response.status_code == 200
    token = client.session["assure-statistics-import"]["token"]
    statistics = imp.read_statistics("cin.csv", FILE)
    index = statistics.measures.index("referrals")
    response = client.post(
        url, {"token": token, "authority": AREA.new_code, f"measure_{index}": "referrals"}
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    confirm = reverse("indicators:statistics_import_confirm", kwargs={"board": world.board.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"token": token})
    assert response.status_code == 302
    job = StatisticsImport.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == StatisticsImport.Status.SUCCEEDED
    assert job.statistics == {}  # the rows are let go once saved
    assert Comparator.objects.filter(kind=Comparator.Kind.NEIGHBOURS).count() == 14
    assert IndicatorValue.objects.count() + Comparator.objects.count() == job.recorded
    page = client.get(job.get_absolute_url()).content.decode()
    assert f"{job.recorded} figures recorded, 0 unchanged" in page
    assert "See the scorecard" in page


def _job(world, **changes):
    IndicatorFactory(board=world.board, code="referrals", unit="count")
    statistics = imp.read_statistics("cin.csv", SMALL)
    result = imp.preview_statistics(
        board=world.board,
        statistics=statistics,
        authority=AREA.new_code,
        mapping={"referrals": "referrals"},
        publication="Synthetic",
    )
    fields = {
        "board": world.board,
        "user": None,
        "file_name": "cin.csv",
        "publication": "Synthetic",
        "authority": AREA.new_code,
        "mapping": {"referrals": "referrals"},
        "fingerprint": imp.fingerprint(result),
        "statistics": statistics.as_json(),
        **changes,
    }
    return statistics_imports.import_request(**fields)


def test_a_preview_hashes_the_same_whatever_order_its_mapping_comes_back_in(world):
    """The confirmed import keeps its mapping as JSON, and PostgreSQL's jsonb
    gives its keys back in an order of its own: the same figures must hash the
    same, or every import of two or more columns fails at confirm there."""
    IndicatorFactory(board=world.board, code="referrals", unit="count")
    IndicatorFactory(board=world.board, code="rate", unit="rate")
    statistics = imp.read_statistics("cin.csv", SMALL)

    def hashed(mapping):
        return imp.fingerprint(
            imp.preview_statistics(
                board=world.board,
                statistics=statistics,
                authority=AREA.new_code,
                mapping=mapping,
                publication="Synthetic",
            )
        )

    one_way = hashed({"referrals": "referrals", "referrals_rate": "rate"})
    assert one_way == hashed({"referrals_rate": "rate", "referrals": "referrals"})
    assert one_way != hashed({"referrals": "referrals"})


def test_the_background_import_saves_and_reports_progress_to_the_end(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(world)
    job.refresh_from_db()
    assert (job.status, job.progress, job.step) == ("succeeded", 100, "Finished")
    assert job.recorded == IndicatorValue.objects.count() + Comparator.objects.count()


def test_an_import_whose_figures_changed_since_the_preview_saves_nothing(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(world, fingerprint="0" * 64)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("The board's indicators or figures changed after the preview")
    assert not IndicatorValue.objects.exists()
    assert not Comparator.objects.exists()


def test_an_import_that_fails_part_way_through_saving_saves_nothing(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    real = services.comparator_save

    def failing(*, comparator):
        calls.append(comparator)
        if len(calls) > 3:
            raise RuntimeError("the disk is full")
        return real(comparator=comparator)

    monkeypatch.setattr(services, "comparator_save", failing)
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(world)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "the disk is full" in job.error
    assert "nothing was saved" in job.error
    assert not IndicatorValue.objects.exists()
    assert not Comparator.objects.exists()


def test_a_large_upload_is_read_from_its_temporary_file(world, users, client_for, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # the upload goes to a temporary file
    IndicatorFactory(board=world.board, code="referrals", unit="count", measure="referrals")
    response = client_for("manager").post(
        reverse("indicators:statistics_import", kwargs={"board": world.board.slug}),
        {"file": SimpleUploadedFile("cin.csv", FILE, "text/csv"), "publication": "Synthetic"},
    )
    assert response.status_code == 200
    assert "Synthetic authority 5" in response.content.decode()


# --- revised only where a value differs -------------------------------------------


def _two_editions(world, first, second, year=2019):
    indicator = IndicatorFactory(board=world.board, code=f"cin-{year}", unit="count")
    start = datetime.date(year, 4, 1)
    ValueFactory(indicator=indicator, period_start=start, value=Decimal(first), edition=1)
    ValueFactory(indicator=indicator, period_start=start, value=Decimal(second), edition=2)
    return indicator


def test_a_later_edition_stating_the_same_figure_is_not_called_a_revision(world):
    same = _two_editions(world, "2455", "2455")
    point = selectors.indicator_status(indicator=same).latest
    assert not point.revised
    assert point.revised_from == ""
    (line,) = selectors.indicator_lines(Indicator.objects.filter(pk=same.pk))
    assert not line.revised


def test_a_revision_shows_both_figures(world):
    changed = _two_editions(world, "2455", "2458")
    point = selectors.indicator_status(indicator=changed).latest
    assert point.revised
    assert point.revised_from == "2,455"
    assert point.shown == "2,458"
    (line,) = selectors.indicator_lines(Indicator.objects.filter(pk=changed.pk))
    assert line.revised
    assert line.revised_from == "2,455"


def test_the_scorecard_marks_only_the_figure_that_changed(world, users, client_for):
    same = _two_editions(world, "2455", "2455", 2018)
    _two_editions(world, "2455", "2458", 2019)
    client = client_for("manager")
    body = client.get(reverse("reports:scorecard", args=[world.board.slug])).content.decode()
    assert body.count(">Revised</strong>") == 1
    assert "(was 2,455)" in body
    page = client.get(same.get_absolute_url()).content.decode()
    assert "Revision 1" not in page
    assert "(the same figure again)" in page


def test_the_import_says_a_figure_revises_another_only_where_it_differs(world):
    indicator = IndicatorFactory(board=world.board, code="referrals", unit="count")
    statistics = imp.read_statistics("cin.csv", FILE)
    own = [r for r in statistics.rows if statistics.code(r) == AREA.new_code]
    older = SourceFactory(title="Last year's file")
    figures = {}
    for row in own:
        start = int(row[0][:4])
        cell = row[statistics.header.index("referrals")]
        if cell.isdigit():
            figures[start] = Decimal(cell)
    first, second = sorted(figures)[:2]
    ValueFactory(
        indicator=indicator,
        period_start=datetime.date(first, 4, 1),
        value=figures[first],
        source=older,
    )
    ValueFactory(
        indicator=indicator,
        period_start=datetime.date(second, 4, 1),
        value=figures[second] + 3,
        source=older,
    )
    result = _preview(world.board)
    by_year = {i.start_year: i for i in result.items if i.what == "value"}
    assert by_year[first].revises == ""
    assert by_year[second].revises.startswith(f"{figures[second] + 3:,} from Last year's file")


# --- charts: a comparator of another scale is never on the board's axis -----------


def _charted(world, unit):
    indicator = IndicatorFactory(board=world.board, code=f"charted-{unit}", unit=unit)
    for year, own, england, mean in ((2019, 3000, 632830, "2995.5"), (2020, 3100, 650000, "3010")):
        start = datetime.date(year, 4, 1)
        ValueFactory(indicator=indicator, period_start=start, value=Decimal(own))
        ComparatorFactory(indicator=indicator, period_start=start, value=Decimal(england))
        ComparatorFactory(
            indicator=indicator,
            period_start=start,
            kind=Comparator.Kind.NEIGHBOURS,
            value=Decimal(mean),
            neighbours_used=10,
            neighbours_listed=10,
        )
    return selectors.indicator_status(indicator=indicator)


def test_a_counts_england_figure_has_its_own_panel_and_axis(world):
    status = _charted(world, "count")
    fig = charts.figure(status)
    axes = {trace["name"]: trace.get("yaxis", "y") for trace in fig["data"]}
    assert axes == {
        "The board's area": "y",
        "Statistical neighbours": "y",
        "England (own scale, lower panel)": "y2",
    }
    layout = fig["layout"]
    assert layout["yaxis"]["domain"][0] > layout["yaxis2"]["domain"][1]
    assert layout["yaxis2"]["title"]["text"] == "England: count, on its own scale"
    chart = charts.svg_chart(status)
    assert [line.kind for line in chart.lines] == ["value", "neighbours"]
    assert chart.y_ticks[-1][1] == "4,000"  # the board's scale, not England's
    assert chart.panel is not None
    assert [line.kind for line in chart.panel.lines] == ["england"]
    assert chart.panel.y_ticks[-1][1] == "700,000"


def test_a_rates_england_figure_shares_the_boards_axis(world):
    status = _charted(world, "rate")
    fig = charts.figure(status)
    assert all(trace.get("yaxis", "y") == "y" for trace in fig["data"])
    assert "yaxis2" not in fig["layout"]
    assert charts.svg_chart(status).panel is None


def test_the_indicator_page_draws_the_other_scale_in_its_own_labelled_panel(
    world, users, client_for
):
    status = _charted(world, "count")
    page = client_for("manager").get(status.indicator.get_absolute_url()).content.decode()
    assert f'id="chart-panel-{status.indicator.code}"' in page
    assert "England: count, on its own scale" in page
