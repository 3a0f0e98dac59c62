"""The project's own wording of the StatQA prompt sections and its five demonstrations.

The spec fixes the structure (sections, their order, what each asks) but not the text; this text
is written for pytest-llmbench. The demonstrations use fictional tables so that they never leak
a benchmark item into a prompt.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import methods as m

_TASK = (
    "You help a statistician start an analysis. You are given the metadata of the columns of a "
    "table{rows} and a statistical question about the table. Choose the columns that the "
    "question is about and every statistical method from the list below that can be applied "
    "to answer it."
)
TASK_DESCRIPTION = _TASK.format(rows=" (not its rows)")
TASK_DESCRIPTION_WITH_DATA = _TASK.format(rows=", its rows as CSV,")

# The official instruction asks for every applicable method, only from the list, and names no
# prerequisite; neither does this one, so the own prompts pose the same task (docs/statqa.md).
INSTRUCTION = (
    'Reply with exactly one JSON object with the keys "columns" and "methods", shaped like '
    '{"columns": ["c1", "c2", "..."], "methods": ["m1", "m2", "..."]}. Copy column headers '
    "exactly as they are given. List all applicable methods, only methods from the list, "
    "spelled as in the list. If the question involves a strata or control variable, put that "
    "column last."
)

RESPONSE = "The answer, as one JSON object, follows."
COT = (
    'Let\'s think step by step. Give the JSON object with one more key, "reason", that '
    "explains the choice briefly. "
)

# Domain knowledge for the 1-shot+DK strategy ("stats-prompt"): what each method is for, in
# qualitative terms, as the official block gives it. No thresholds (row counts, expected cell
# counts, table shapes) and no "use it alone": the gold answers were derived from exactly those
# rules (spec §10), so stating them would hand the model the answer.
_KNOWLEDGE: dict[str, str] = {
    m.PEARSON: "linear association between two quantitative columns",
    m.SPEARMAN: "monotonic (rank) association between two quantitative columns",
    m.KENDALL: "rank association between two quantitative columns; also suited to small samples",
    m.PARTIAL: "association between two quantitative columns with a control column held fixed",
    m.CHI_SQUARE: "independence of two categorical columns, for large samples",
    m.FISHER: "independence of two categorical columns, an exact test for small samples",
    m.MANTEL_HAENSZEL: "association of two categorical columns across the levels of a strata "
    "column",
    m.ANDERSON_DARLING: "whether a quantitative column is normally distributed",
    m.SHAPIRO_WILK: "whether a quantitative column is normally distributed; suited to small "
    "samples",
    m.KS_NORMAL: "whether a quantitative column is normally distributed",
    m.LILLIEFORS: "whether a quantitative column is normally distributed; suited to large samples",
    m.KS_TWO_SAMPLE: "whether two independent samples come from the same distribution",
    m.KS_UNIFORM: "whether a quantitative column follows a uniform distribution",
    m.KS_GAMMA: "whether a quantitative column follows a gamma distribution",
    m.KS_EXPONENTIAL: "whether a quantitative column follows an exponential distribution",
    m.MOOD: "whether two columns differ significantly in spread",
    m.LEVENE: "whether two columns differ significantly in variance",
    m.BARTLETT: "whether two normally distributed columns differ significantly in variance",
    m.F_TEST: "whether two normally distributed columns differ significantly in variance",
}
_DESCRIPTIVE_KNOWLEDGE = "each gives the statistic its name says"


def method_list() -> str:
    return "\n".join(f"{task}: {', '.join(m.METHODS_BY_TASK[task])}." for task in m.TASKS)


def knowledge_block() -> str:
    lines = []
    for task in m.TASKS:
        lines.append(f"{task}:")
        if task == m.DESCRIPTIVE:
            lines.append(f"- {', '.join(m.DESCRIPTIVE_METHODS)}: {_DESCRIPTIVE_KNOWLEDGE}.")
            continue
        lines.extend(f"- {name}: {_KNOWLEDGE[name]}." for name in m.METHODS_BY_TASK[task])
    return "\n".join(lines)


@dataclass(frozen=True)
class Demonstration:
    id: str
    columns_info: tuple[str, ...]
    question: str
    columns: tuple[str, ...]
    methods: tuple[str, ...]
    reasoning: str  # the worked explanation of the CoT variant

    def answer_json(self) -> str:
        cols = ", ".join(f'"{c}"' for c in self.columns)
        meths = ", ".join(f'"{x}"' for x in self.methods)
        return f'{{"columns": [{cols}], "methods": [{meths}]}}'

    def render(self, cot: bool) -> str:
        info = "\n".join(self.columns_info)
        answer = f"{self.reasoning} {self.answer_json()}" if cot else self.answer_json()
        return (
            f"Column information:\n{info}\nStatistical question: {self.question}\nAnswer: {answer}"
        )


def _info(header: str, dtype: str, rows: int, normal: bool) -> str:
    return (
        f"column_header: {header}; data_type: {dtype}; num_of_rows: {rows}; is_normality: {normal}."
    )


DEMONSTRATIONS: tuple[Demonstration, ...] = (
    Demonstration(
        "correlation",
        (
            _info("tree_id", "id", 120, False),
            _info("height_m", "quantitative", 120, True),
            _info("fruit_yield_kg", "quantitative", 120, False),
            _info("variety", "categorical", 120, False),
        ),
        "Do taller trees tend to give a larger fruit yield?",
        ("height_m", "fruit_yield_kg"),
        (m.PEARSON, m.SPEARMAN, m.KENDALL),
        "The question asks about the association of two quantitative columns, height_m and "
        "fruit_yield_kg, with no control variable. With 120 rows, the sample is large enough "
        "for Pearson and Spearman as well as Kendall.",
    ),
    Demonstration(
        "contingency",
        (
            _info("visit_id", "id", 400, False),
            _info("smoker", "categorical", 400, False),
            _info("has_cough", "categorical", 400, False),
            _info("age", "quantitative", 400, False),
        ),
        "Is having a cough independent of being a smoker?",
        ("smoker", "has_cough"),
        (m.CHI_SQUARE, m.FISHER),
        "Both columns are categorical with two levels each, so they form a 2x2 table, which "
        "Fisher's exact test handles; with 400 rows the expected counts are large enough for "
        "the chi-square test too. No strata variable is involved.",
    ),
    Demonstration(
        "distribution",
        (
            _info("cell_id", "id", 35, False),
            _info("capacity_mAh", "quantitative", 35, True),
            _info("manufacturer", "categorical", 35, False),
        ),
        "Can the battery capacities be treated as normally distributed?",
        ("capacity_mAh",),
        (m.ANDERSON_DARLING, m.SHAPIRO_WILK, m.KS_NORMAL),
        "This is a normality check of one quantitative column. With 35 rows, fewer than 50, "
        "Shapiro-Wilk applies and Lilliefors does not; Anderson-Darling and the "
        "Kolmogorov-Smirnov test for normality apply at any size.",
    ),
    Demonstration(
        "variance",
        (
            _info("trip_id", "id", 80, False),
            _info("route_a_minutes", "quantitative", 80, True),
            _info("route_b_minutes", "quantitative", 80, True),
        ),
        "Is the variability of commute times the same on route A and route B?",
        ("route_a_minutes", "route_b_minutes"),
        (m.MOOD, m.LEVENE, m.BARTLETT, m.F_TEST),
        "The question compares the spread of two quantitative columns. Mood's and Levene's "
        "tests always apply here; both columns are normally distributed, so Bartlett's test "
        "and the F-test apply as well.",
    ),
    Demonstration(
        "descriptive",
        (
            _info("store_id", "id", 60, False),
            _info("monthly_sales", "quantitative", 60, False),
            _info("region", "categorical", 60, False),
        ),
        "What is the middle value of the monthly sales?",
        ("monthly_sales",),
        ("Median",),
        "The middle value of a column is its median, a descriptive statistic of monthly_sales.",
    ),
)
DEMONSTRATION_IDS = tuple(d.id for d in DEMONSTRATIONS)
