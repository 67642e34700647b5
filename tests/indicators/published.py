"""Files in the layouts the Department for Education publishes, generated
for the tests (and the benchmark): explore education statistics' tidy CSVs
(one row per period and area, the geography columns first, one column per
measure, suppression markers in place of figures) and the statistical
neighbour model (one row per authority with its old three-digit and new
nine-character codes and ten neighbours in columns SN1 to SN10).

Every figure is synthetic, drawn from a seeded generator, and every
authority is named "Synthetic authority N" with made-up codes (E99... and
three digits), so no generated figure can pass for a published one. The
layouts are the published ones; the measure columns are named as the tests
need them.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

GEOGRAPHY = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
)
MARKERS = ("c", "x", "z", "k", "u", "low")
REGIONS = 9


@dataclass(frozen=True)
class Authority:
    name: str
    new_code: str
    old_code: str
    region: int

    @property
    def region_name(self) -> str:
        return f"Synthetic region {self.region}"

    @property
    def region_code(self) -> str:
        return f"E9900000{self.region}"


def authorities(count: int = 152) -> list[Authority]:
    """`count` synthetic authorities, spread over nine regions."""
    return [
        Authority(
            name=f"Synthetic authority {n}",
            new_code=f"E99{n:06d}",
            old_code=f"{100 + n:03d}",
            region=n % REGIONS + 1,
        )
        for n in range(1, count + 1)
    ]


#: The measures a file carries: (column, kind); kind is how the figure is drawn.
MEASURES = (
    ("referrals", "count"),
    ("referrals_rate", "rate"),
    ("re_referrals_percent", "percentage"),
    ("spend_per_child", "money"),
)


def _figure(rng: random.Random, kind: str, scale: int = 1) -> str:
    if kind == "count":
        return str(rng.randint(200, 6000) * scale)
    if kind == "rate":
        return f"{rng.uniform(200, 900):.1f}"
    if kind == "percentage":
        return f"{rng.uniform(5, 40):.1f}"
    return f"{rng.uniform(500, 3000):.2f}"


def statistics_file(
    *,
    years: int = 14,
    count: int = 152,
    first_year: int = 2010,
    measures: tuple[tuple[str, str], ...] = MEASURES,
    seed: int = 1,
    marker_share: float = 0.03,
    codes: str = "both",
) -> bytes:
    """A tidy CSV as explore education statistics publishes it: a national
    row, a row per region and a row per authority for each year, figures
    suppressed by marker at random (never in the national rows). `codes` is
    "both", "new" (old_la_code left blank) or "old" (new_la_code left blank).
    With the defaults, 2,268 data rows."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*GEOGRAPHY, *(name for name, _ in measures)])
    found = authorities(count)
    for year in range(first_year, first_year + years):
        period = f"{year}{(year + 1) % 100:02d}"
        start = [period, "Financial year", "", "E92000001", "England"]

        def figures(scale: int, suppress: bool) -> list[str]:
            return [
                rng.choice(MARKERS)
                if suppress and rng.random() < marker_share
                else _figure(rng, kind, scale)
                for _, kind in measures
            ]

        writer.writerow([*_level(start, "National"), "", "", "", "", "", *figures(150, False)])
        for region in range(1, REGIONS + 1):
            writer.writerow(
                [
                    *_level(start, "Regional"),
                    f"E9900000{region}",
                    f"Synthetic region {region}",
                    "",
                    "",
                    "",
                    *figures(16, False),
                ]
            )
        for authority in found:
            writer.writerow(
                [
                    *_level(start, "Local authority"),
                    authority.region_code,
                    authority.region_name,
                    authority.new_code if codes in ("both", "new") else "",
                    authority.old_code if codes in ("both", "old") else "",
                    authority.name,
                    *figures(1, True),
                ]
            )
    return out.getvalue().encode("utf-8")


def _level(start: list[str], level: str) -> list[str]:
    return [start[0], start[1], level, start[3], start[4]]


def neighbour_model(*, count: int = 152, seed: int = 1, by: str = "name") -> bytes:
    """The statistical neighbour model as published: title rows, then a
    header (LA number, LA name, New LA code, SN1 to SN10) and a row per
    authority whose neighbour columns hold the neighbours' names (`by`
    "name") or old codes (`by` "old")."""
    rng = random.Random(seed)
    found = authorities(count)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Children's services statistical neighbour benchmarking tool (synthetic)"])
    writer.writerow([])
    writer.writerow(["LA number", "LA name", "New LA code", *(f"SN{n}" for n in range(1, 11))])
    for authority in found:
        others = rng.sample([a for a in found if a != authority], 10)
        writer.writerow(
            [
                authority.old_code,
                authority.name,
                authority.new_code,
                *(a.name if by == "name" else a.old_code for a in others),
            ]
        )
    return out.getvalue().encode("utf-8")


def neighbours_of(model: bytes, name: str) -> list[str]:
    """The neighbour names a generated model gives an authority, as written."""
    rows = list(csv.reader(io.StringIO(model.decode())))
    row = next(r for r in rows if len(r) > 1 and r[1] == name)
    return row[3:13]
