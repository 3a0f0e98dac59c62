"""The closed list of 27 StatQA methods, grouped by the benchmark's five task categories.

The strings are the benchmark's exact spellings: the scorer compares names only up to case and
outer whitespace, so a prompt, a demonstration or a generated gold set that drifted from these
spellings would silently make correct answers wrong.
"""

from __future__ import annotations

CORRELATION = "Correlation Analysis"
CONTINGENCY = "Contingency Table Test"
DISTRIBUTION = "Distribution Compliance Test"
VARIANCE = "Variance Test"
DESCRIPTIVE = "Descriptive Statistics"

# Task order follows the paper's per-task tables (CA, CTT, DCT, VT, DS).
TASKS: tuple[str, ...] = (CORRELATION, CONTINGENCY, DISTRIBUTION, VARIANCE, DESCRIPTIVE)
TASK_ABBREVIATIONS = {
    CORRELATION: "CA",
    CONTINGENCY: "CTT",
    DISTRIBUTION: "DCT",
    VARIANCE: "VT",
    DESCRIPTIVE: "DS",
}
DIFFICULTIES: tuple[str, ...] = ("easy", "hard")

PEARSON = "Pearson Correlation Coefficient"
SPEARMAN = "Spearman Correlation Coefficient"
KENDALL = "Kendall Correlation Coefficient"
PARTIAL = "Partial Correlation Coefficient"
CHI_SQUARE = "Chi-square Independence Test"
FISHER = "Fisher Exact Test"
MANTEL_HAENSZEL = "Mantel-Haenszel Test"
ANDERSON_DARLING = "Anderson-Darling Test"
SHAPIRO_WILK = "Shapiro-Wilk Test of Normality"
KS_NORMAL = "Kolmogorov-Smirnov Test for Normality"
LILLIEFORS = "Lilliefors Test"
KS_TWO_SAMPLE = "Kolmogorov-Smirnov Test"
KS_UNIFORM = "Kolmogorov-Smirnov Test for Uniform distribution"
KS_GAMMA = "Kolmogorov-Smirnov Test for Gamma distribution"
KS_EXPONENTIAL = "Kolmogorov-Smirnov Test for Exponential distribution"
MOOD = "Mood Variance Test"
LEVENE = "Levene Test"
BARTLETT = "Bartlett Test"
F_TEST = "F-Test for Variance"
DESCRIPTIVE_METHODS: tuple[str, ...] = (
    "Mean",
    "Median",
    "Mode",
    "Range",
    "Quartile",
    "Standard Deviation",
    "Skewness",
    "Kurtosis",
)

METHODS_BY_TASK: dict[str, tuple[str, ...]] = {
    CORRELATION: (PEARSON, SPEARMAN, KENDALL, PARTIAL),
    CONTINGENCY: (CHI_SQUARE, FISHER, MANTEL_HAENSZEL),
    DISTRIBUTION: (
        ANDERSON_DARLING,
        SHAPIRO_WILK,
        KS_NORMAL,
        LILLIEFORS,
        KS_TWO_SAMPLE,
        KS_UNIFORM,
        KS_GAMMA,
        KS_EXPONENTIAL,
    ),
    VARIANCE: (MOOD, LEVENE, BARTLETT, F_TEST),
    DESCRIPTIVE: DESCRIPTIVE_METHODS,
}

ALL_METHODS: tuple[str, ...] = tuple(m for task in TASKS for m in METHODS_BY_TASK[task])
assert len(ALL_METHODS) == 27  # the benchmark's closed list; a typo here must not go unnoticed
