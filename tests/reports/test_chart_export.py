"""Chart export for PDFs gets past kaleido's start-up race once, and no more."""

import io

import pytest

from reports import charts


class KaleidoHiccup(Exception):
    pass


def test_a_failed_export_is_tried_once_more_in_a_new_session(monkeypatch):
    calls = []

    async def flaky(figures):
        calls.append(list(figures))
        if len(calls) == 1:
            raise KaleidoHiccup("kaleido_scopes is not defined")
        return ["<svg>a</svg>"]

    monkeypatch.setattr(charts, "_export_all", flaky)
    assert charts._export_with_one_retry(["figure"]) == ["<svg>a</svg>"]
    assert calls == [["figure"], ["figure"]]


def test_a_second_failure_is_a_real_one(monkeypatch):
    calls = []

    async def broken(figures):
        calls.append(figures)
        raise KaleidoHiccup("no browser")

    monkeypatch.setattr(charts, "_export_all", broken)
    with pytest.raises(KaleidoHiccup, match="no browser"):
        charts._export_with_one_retry(["figure"])
    assert len(calls) == 2


def rows(*values: float) -> list[tuple[str, float]]:
    return [(f"Row {i}", value) for i, value in enumerate(values, start=1)]


def test_a_chart_of_twelve_rows_or_fewer_draws_every_row():
    bars = charts.capped_bars(rows(*range(12, 0, -1)), others="All other {count} rows")
    assert bars.labels == [f"Row {i}" for i in range(1, 13)]
    assert bars.values == list(range(12, 0, -1))
    assert (bars.folded, bars.folded_value, bars.shown) == (0, 0.0, 12)


def test_past_twelve_rows_the_rest_are_one_bar_of_their_sum():
    bars = charts.capped_bars(rows(*range(13, 0, -1)), others="All other {count} rows")
    assert len(bars.labels) == charts.MAX_BARS == 12
    assert bars.labels[:11] == [f"Row {i}" for i in range(1, 12)]
    assert bars.labels[11] == "All other 2 rows"
    assert bars.values == [13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2 + 1]
    assert (bars.folded, bars.folded_value, bars.shown) == (2, 3, 11)


def test_percentages_fold_into_their_mean_not_their_sum():
    bars = charts.capped_bars(
        rows(0, 10, 20, 75, 100, 100), others="The other {count} (average)", mean=True, limit=4
    )
    assert bars.labels == ["Row 1", "Row 2", "Row 3", "The other 3 (average)"]
    assert bars.values == [0, 10, 20, 275 / 3]
    assert bars.folded == 3


def test_a_capped_chart_keeps_room_for_one_row_and_the_others():
    with pytest.raises(ValueError, match="room for one row"):
        charts.capped_bars(rows(1, 2, 3), others="{count}", limit=1)


def test_the_chart_draws_no_value_axis_and_wraps_a_long_title():
    fig = charts.figure(
        title="Contributions by partner, 2016-17: the 11 largest, and the other 59 together "
        "(a title longer than the chart is wide)",
        labels=["a", "b"],
        values=[1.0, 2.0],
        unit="£",
    )
    assert fig.layout.xaxis.visible is False
    assert fig.layout.title.text.count("<br>") == 1
    assert list(fig.data[0].text) == ["£2", "£1"]  # bottom to top: the first row on top


def test_one_session_draws_each_figure_alone_without_reloading_its_page(monkeypatch):
    """The page is not reloaded between figures (a third of a second each):
    every chart still draws its own figure and nothing of the one before
    (drawn as SVG here, to read its words)."""
    import kaleido

    assert "_return_kaleido_tab" in vars(kaleido.Kaleido)  # the hook overridden still exists
    reloads = []

    async def counted_reload(self):
        reloads.append(self)

    monkeypatch.setattr("kaleido._kaleido_tab._tab._KaleidoTab.reload", counted_reload)
    monkeypatch.setattr(charts, "FORMAT", "svg")
    first = charts.figure(title="Alpha partners", labels=["Alpha one"], values=[10], unit="%")
    second = charts.figure(title="Beta partners", labels=["Beta two"], values=[20], unit="%")
    # With the retry the reports use: on a busy machine kaleido can ask its page
    # for its scripts before they have loaded (CI met it once).
    exported = charts._export_with_one_retry([first, second])
    one, two = (image.decode() for image in exported)
    assert reloads == []
    assert "Alpha one" in one
    assert "Beta" not in one
    assert "Beta two" in two
    assert "Alpha" not in two


def png(mode: str, colour: tuple[int, ...]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, (4, 3), colour).save(out, format="PNG")
    return out.getvalue()


def test_a_chart_is_cached_opaque_laid_on_white_so_the_pdf_holds_no_transparency_mask():
    from PIL import Image

    flat = charts.opaque(png("RGBA", (29, 112, 184, 255)))
    with Image.open(io.BytesIO(flat)) as picture:
        assert picture.format == "PNG"
        assert picture.mode == "RGB"
        assert picture.getpixel((0, 0)) == (29, 112, 184)
    # A see-through pixel comes out as the paper it stands on, white.
    with Image.open(io.BytesIO(charts.opaque(png("RGBA", (0, 0, 0, 0))))) as picture:
        assert picture.getpixel((3, 2)) == (255, 255, 255)


def test_an_opaque_png_or_another_format_is_kept_as_it_is():
    already = png("RGB", (1, 2, 3))
    assert charts.opaque(already) is already
    assert charts.opaque(b"<svg>a</svg>") == b"<svg>a</svg>"
