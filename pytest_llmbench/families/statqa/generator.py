"""``llmbench generate statqa``: fresh StatQA-style items over synthetic tables.

Each item is one of the benchmark's sub-task shapes (``VARIANTS``); its table is drawn so that
the intended prerequisites hold, and its gold methods come from ``rules`` applied to the rows
actually shown, never from the intent. Everything derives from ``random.Random(seed)``: the same
seed and count give the same file.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from . import methods as m
from . import rules
from .tables import (
    THEMES,
    Column,
    Theme,
    categorical,
    crosstab,
    identifiers,
    quantitative,
    related,
    shaped,
)

# (variant name, task): the mix cycles through these so every sub-task shape is represented.
VARIANTS: tuple[tuple[str, str], ...] = (
    ("correlation-large", m.CORRELATION),
    ("correlation-small", m.CORRELATION),
    ("correlation-control", m.CORRELATION),
    ("contingency-2x2", m.CONTINGENCY),
    ("contingency-2x2-sparse", m.CONTINGENCY),
    ("contingency-rxc", m.CONTINGENCY),
    ("contingency-strata", m.CONTINGENCY),
    ("normality-small", m.DISTRIBUTION),
    ("normality-large", m.DISTRIBUTION),
    ("two-sample", m.DISTRIBUTION),
    ("named-distribution", m.DISTRIBUTION),
    ("variance-normal", m.VARIANCE),
    ("variance-skewed", m.VARIANCE),
    ("descriptive", m.DESCRIPTIVE),
)
# Row counts keep clear of n = 50, whose handling by the normality rules is undocumented.
SMALL_N, LARGE_N = (15, 40), (56, 75)
MAX_TRIES = 500


@dataclass(frozen=True)
class GenItem:
    variant: str
    task: str
    difficulty: str
    question: str
    columns: tuple[str, ...]  # relevant columns, a control or strata column last
    methods: tuple[str, ...]
    ruled_out: tuple[str, ...]  # candidates a prerequisite excluded (the tempting wrong answer)
    table: tuple[Column, ...]  # id column first
    theme: str


class _Ctx:
    """One item's random source and theme, with helpers to pick unused column names."""

    def __init__(self, rng: random.Random, theme: Theme) -> None:
        self.rng, self.theme = rng, theme
        self.quant = rng.sample(list(theme.quantitative), len(theme.quantitative))
        self.cate = rng.sample(list(theme.categorical), len(theme.categorical))

    def label(self, header: str) -> str:
        return self.theme.label(header)

    def n(self, span: tuple[int, int]) -> int:
        return self.rng.randint(*span)

    def cate_column(self, header: str, n: int, sparse: bool = False) -> Column:
        """Levels equally likely, or (``sparse``, two levels) 80/20 for small expected counts."""
        levels = self.theme.categorical[header]
        weights = [0.8, 0.2] if sparse else [1.0] * len(levels)
        return categorical(self.rng, header, levels, n, weights)

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)


Built = tuple[list[Column], str, list[str], list[str], str]
# (relevant columns, question, gold methods, ruled-out candidates, difficulty)


def _correlation(c: _Ctx, variant: str) -> Built:
    n = c.n(SMALL_N if variant == "correlation-small" else LARGE_N)
    x = quantitative(c.rng, c.quant[0], n, normal=c.rng.random() < 0.7)
    y = related(c.rng, c.quant[1], [float(v) for v in x.values], c.rng.uniform(0.3, 1.5))
    cols = [x, y]
    lx, ly = c.label(x.header), c.label(y.header)
    if variant == "correlation-control":
        z = quantitative(c.rng, c.quant[2], n, normal=True)
        cols.append(z)
        q = f"Is {lx} correlated with {ly} once {c.label(z.header)} is controlled for?"
    else:
        q = c.pick(
            [f"Is there a correlation between {lx} and {ly}?", f"Do {lx} and {ly} move together?"]
        )
    gold, level = rules.correlation(n, control=variant == "correlation-control")
    ruled = [] if len(cols) == 3 else [x for x in (m.PEARSON, m.SPEARMAN) if x not in gold]
    return cols, q, gold, ruled, level


def _contingency(c: _Ctx, variant: str) -> Built:
    two_level = [h for h in c.cate if len(c.theme.categorical[h]) == 2]
    three_level = [h for h in c.cate if len(c.theme.categorical[h]) == 3]
    a_h, b_h = (three_level[0], two_level[0]) if variant == "contingency-rxc" else two_level[:2]
    sparse = variant == "contingency-2x2-sparse"
    for _ in range(MAX_TRIES):
        n = c.n((12, 22) if sparse else (70, 110))
        a, b = c.cate_column(a_h, n, sparse), c.cate_column(b_h, n, sparse)
        table = crosstab(a, b)
        try:
            gold, level = rules.contingency(table, strata=variant == "contingency-strata")
        except rules.NotApplicable:
            continue
        want = {"contingency-2x2": 2, "contingency-strata": 1}.get(variant, 1)
        if len(gold) == want and (variant != "contingency-rxc" or len(table) == 3):
            break
    else:  # pragma: no cover - the spans above make this practically unreachable
        raise RuntimeError(f"could not draw a {variant} table")
    cols = [a, b]
    la, lb = c.label(a_h), c.label(b_h)
    q = c.pick([f"Is {la} independent of {lb}?", f"Is {la} associated with {lb}?"])
    if variant == "contingency-strata":
        s_h = next(h for h in c.cate if h not in (a_h, b_h))
        cols.append(c.cate_column(s_h, n))
        q = f"Taking {c.label(s_h)} as strata, is {la} associated with {lb}?"
    ruled = [x for x in (m.CHI_SQUARE, m.FISHER) if x not in gold] if level == "hard" else []
    return cols, q, gold, ruled, level


def _distribution(c: _Ctx, variant: str) -> Built:
    n = c.n({"normality-large": LARGE_N, "normality-small": SMALL_N}.get(variant, (20, 45)))
    if variant.startswith("normality"):
        x = quantitative(c.rng, c.quant[0], n, normal=c.rng.random() < 0.5)
        gold, level = rules.normality(n)
        other = m.LILLIEFORS if m.SHAPIRO_WILK in gold else m.SHAPIRO_WILK
        q = c.pick(
            [
                f"Is the {c.label(x.header)} normally distributed?",
                f"Can the {c.label(x.header)} be assumed to follow a normal distribution?",
            ]
        )
        return [x], q, gold, [other], level
    if variant == "two-sample":
        x = quantitative(c.rng, c.quant[0], n, normal=True)
        y = quantitative(c.rng, c.quant[1], n, normal=c.rng.random() < 0.5)
        q = f"Do {c.label(x.header)} and {c.label(y.header)} follow the same distribution?"
        return [x, y], q, [m.KS_TWO_SAMPLE], [], "easy"
    shape = c.pick(["uniform", "gamma", "exponential"])
    method = {"uniform": m.KS_UNIFORM, "gamma": m.KS_GAMMA, "exponential": m.KS_EXPONENTIAL}[shape]
    x = shaped(c.rng, c.quant[0], n, shape)
    article = "an" if shape == "exponential" else "a"
    q = f"Does the {c.label(x.header)} follow {article} {shape} distribution?"
    return [x], q, [method], [], "easy"


def _variance(c: _Ctx, variant: str) -> Built:
    n = c.n((20, 45))
    both_normal = variant == "variance-normal"
    for _ in range(MAX_TRIES):
        x = quantitative(c.rng, c.quant[0], n, normal=both_normal or c.rng.random() < 0.5)
        y = quantitative(c.rng, c.quant[1], n, normal=both_normal)
        try:
            gold, level = rules.variance([float(v) for v in x.values], [float(v) for v in y.values])
            break
        except rules.NotApplicable:  # a value ≤ 0: upstream would skip this pair, so redraw
            continue
    else:  # pragma: no cover
        raise RuntimeError("could not draw a variance pair")
    lx, ly = c.label(x.header), c.label(y.header)
    q = c.pick([f"Do {lx} and {ly} have the same variance?", f"Is {lx} as variable as {ly}?"])
    ruled = [v for v in (m.MOOD, m.LEVENE, m.BARTLETT, m.F_TEST) if v not in gold]
    return [x, y], q, gold, ruled, level


_ASK = {
    "Mean": "What is the average {x}?",
    "Median": "What is the middle value of the {x}?",
    "Mode": "Which value of the {x} occurs most often?",
    "Range": "How far apart are the largest and the smallest {x}?",
    "Quartile": "What are the first and third quartiles of the {x}?",
    "Standard Deviation": "What is the standard deviation of the {x}?",
    "Skewness": "How asymmetric is the distribution of the {x}?",
    "Kurtosis": "How heavy are the tails of the distribution of the {x}?",
}


def _descriptive(c: _Ctx, variant: str) -> Built:
    stat = c.pick(list(m.DESCRIPTIVE_METHODS))
    x = quantitative(c.rng, c.quant[0], c.n((15, 45)), normal=c.rng.random() < 0.5)
    return [x], _ASK[stat].format(x=c.label(x.header)), [stat], [], "easy"


_BUILDERS: dict[str, Callable[[_Ctx, str], Built]] = {
    m.CORRELATION: _correlation,
    m.CONTINGENCY: _contingency,
    m.DISTRIBUTION: _distribution,
    m.VARIANCE: _variance,
    m.DESCRIPTIVE: _descriptive,
}


def generate_item(rng: random.Random, variant: str, task: str) -> GenItem:
    c = _Ctx(rng, rng.choice(THEMES))
    cols, question, gold, ruled, level = _BUILDERS[task](c, variant)
    n = len(cols[0].values)
    used = {x.header for x in cols}
    # Distractors: one unused quantitative and one unused categorical column, so choosing the
    # columns is part of the task, as in the benchmark.
    spare_quant = next(h for h in c.quant if h not in used)
    extra = [quantitative(rng, spare_quant, n, normal=rng.random() < 0.5)]
    spare = [h for h in c.cate if h not in used]
    if spare:  # a strata item uses all three categorical columns
        extra.append(c.cate_column(spare[0], n))
    body = cols + extra
    rng.shuffle(body)
    table = (identifiers(c.theme.id_column, n), *body)
    return GenItem(
        variant,
        task,
        level,
        question,
        tuple(x.header for x in cols),
        tuple(gold),
        tuple(ruled),
        table,
        c.theme.name,
    )


def generate(seed: int, n: int) -> list[GenItem]:
    rng = random.Random(seed)
    return [generate_item(rng, *VARIANTS[i % len(VARIANTS)]) for i in range(n)]
