"""Synthetic columns whose type and distribution are set by construction (standard library only).

A quantitative column is drawn as normal or as skewed and redrawn until the Anderson-Darling
check agrees with the intent, so the ``is_normality`` shown to the model, the rows shown, and the
gold derived from them cannot disagree. Values are rounded first and checked as shown.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .rules import is_normal

MAX_DRAWS = 200


@dataclass(frozen=True)
class Column:
    header: str
    data_type: str  # "quantitative", "categorical" or "id"
    values: tuple[float | int | str, ...]
    normal: bool = False  # is_normality as shown: the Anderson-Darling check at 5 %

    def metadata_line(self) -> str:
        return (
            f"column_header: {self.header}; data_type: {self.data_type}; "
            f"num_of_rows: {len(self.values)}; is_normality: {self.normal}."
        )


@dataclass(frozen=True)
class Theme:
    """A fictional table: an id column, quantitative columns (header → how a question names it),
    categorical columns (header → levels; each theme has two with 2 levels and one with 3) and
    how questions name the categorical columns."""

    name: str
    id_column: str
    quantitative: dict[str, str]
    categorical: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, header: str) -> str:
        return self.quantitative.get(header) or self.labels.get(header) or header


THEMES: tuple[Theme, ...] = (
    Theme(
        "greenhouse trial",
        "plant_id",
        {
            "stem_height_cm": "stem height",
            "leaf_area_cm2": "leaf area",
            "water_ml": "water given",
            "fruit_mass_g": "fruit mass",
            "root_length_cm": "root length",
        },
        {"soil": ("loam", "sand", "clay"), "fertiliser": ("yes", "no"), "shaded": ("yes", "no")},
        {"soil": "soil type", "fertiliser": "fertiliser use", "shaded": "shading"},
    ),
    Theme(
        "call centre log",
        "call_id",
        {
            "wait_seconds": "waiting time",
            "talk_minutes": "talk time",
            "agent_tenure_months": "agent tenure",
            "satisfaction_points": "satisfaction score",
            "hold_seconds": "time on hold",
        },
        {
            "channel": ("phone", "chat", "email"),
            "resolved": ("yes", "no"),
            "shift": ("day", "night"),
        },
        {"channel": "contact channel", "resolved": "resolution status", "shift": "shift"},
    ),
    Theme(
        "cycling club rides",
        "ride_id",
        {
            "distance_km": "ride distance",
            "avg_speed_kmh": "average speed",
            "elevation_gain_m": "elevation gain",
            "heart_rate_bpm": "heart rate",
            "cadence_rpm": "pedalling cadence",
        },
        {"bike": ("road", "gravel", "mtb"), "weather": ("dry", "wet"), "group_ride": ("yes", "no")},
        {"bike": "bike type", "weather": "weather", "group_ride": "riding in a group"},
    ),
    Theme(
        "bakery orders",
        "order_id",
        {
            "dough_kg": "dough weight",
            "bake_minutes": "baking time",
            "order_value_eur": "order value",
            "delivery_km": "delivery distance",
            "crust_score": "crust rating",
        },
        {
            "oven": ("deck", "convection", "rack"),
            "organic": ("yes", "no"),
            "day_type": ("weekday", "weekend"),
        },
        {"oven": "oven type", "organic": "organic status", "day_type": "day type"},
    ),
)


def _normal(rng: random.Random, n: int, decimals: int) -> list[float]:
    mu, sigma = rng.uniform(40, 120), rng.uniform(4, 12)
    return [round(rng.gauss(mu, sigma), decimals) for _ in range(n)]


def _skewed(rng: random.Random, n: int, decimals: int) -> list[float]:
    # A log-normal with a large shape parameter plus a positive floor: clearly right-skewed and
    # strictly positive (the variance rules skip columns with values ≤ 0).
    scale, shape, floor = rng.uniform(5, 20), rng.uniform(0.8, 1.2), rng.uniform(1, 3)
    return [round(floor + scale * rng.lognormvariate(0, shape), decimals) for _ in range(n)]


def _draw(make: Callable[[], list[float]], want_normal: bool | None) -> tuple[list[float], bool]:
    for _ in range(MAX_DRAWS):
        values = make()
        if len(set(values)) < 2:
            continue
        normal = is_normal(values)
        if want_normal is None or normal == want_normal:
            return values, normal
    raise RuntimeError("could not draw a column with the intended distribution")  # pragma: no cover


def quantitative(
    rng: random.Random, header: str, n: int, normal: bool, decimals: int = 1
) -> Column:
    """A column drawn normal (and passing the normality check) or skewed (and failing it)."""
    gen = _normal if normal else _skewed
    values, shown = _draw(lambda: gen(rng, n, decimals), normal)
    return Column(header, "quantitative", tuple(values), shown)


def shaped(rng: random.Random, header: str, n: int, shape: str) -> Column:
    """A positive column drawn from a named family (uniform, gamma, exponential)."""
    draws: dict[str, Callable[[], float]] = {
        "uniform": lambda: rng.uniform(10, 90),
        "gamma": lambda: rng.gammavariate(2.0, 8.0),
        "exponential": lambda: rng.expovariate(1 / 15),
    }
    values, shown = _draw(lambda: [round(draws[shape]() + 0.1, 2) for _ in range(n)], None)
    return Column(header, "quantitative", tuple(values), shown)


def related(
    rng: random.Random, header: str, base: Sequence[float], strength: float, decimals: int = 1
) -> Column:
    """A column linearly related to ``base`` plus noise (a paired measurement of the same rows)."""
    sd = max(1e-9, (max(base) - min(base)) / 4)

    def make() -> list[float]:
        return [round(50 + strength * v + rng.gauss(0, sd), decimals) for v in base]

    values, shown = _draw(make, None)
    return Column(header, "quantitative", tuple(values), shown)


def categorical(
    rng: random.Random, header: str, levels: Sequence[str], n: int, weights: Sequence[float]
) -> Column:
    return Column(header, "categorical", tuple(rng.choices(list(levels), weights, k=n)))


def identifiers(header: str, n: int) -> Column:
    return Column(header, "id", tuple(range(1, n + 1)))


def crosstab(a: Column, b: Column) -> list[list[int]]:
    """Counts of ``a`` × ``b`` over the levels that occur (in order of first appearance)."""
    rows = list(dict.fromkeys(a.values))
    cols = list(dict.fromkeys(b.values))
    table = [[0] * len(cols) for _ in rows]
    for x, y in zip(a.values, b.values, strict=True):
        table[rows.index(x)][cols.index(y)] += 1
    return table


def to_csv(columns: Sequence[Column]) -> str:
    # Headers and levels are plain identifiers, so no CSV quoting is ever needed.
    lines = [",".join(c.header for c in columns)]
    lines += [",".join(str(c.values[i]) for c in columns) for i in range(len(columns[0].values))]
    return "\n".join(lines)
