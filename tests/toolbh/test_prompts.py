"""The single user message per (row, level, version): spec §3, official and corrected."""

from __future__ import annotations

import pytest

from pytest_llmbench.families.toolbh.prompts import OFFICIAL, instruction, render
from tests.toolbh.conftest import row

R = row("single_step")


def test_prompt_layout_and_versions() -> None:
    text = render(R, "level_2", "solvable")
    head = OFFICIAL[("en", "level_2")]
    assert text == (
        f"{head}\n\n<task>\n{R['task']}\n</task>\n<provided_tools>\n{R['tools']}\n</provided_tools>"
    )
    unsolvable = render(R, "level_3", "unsolvable")
    assert f"<task>\n{R['unsolvable_task']}\n</task>\n<provided_tools>" in unsolvable
    assert f"<provided_tools>\n{R['unsolvable_tools']}\n</provided_tools>" in unsolvable


def test_only_the_level_1_unsolvable_prompt_has_an_extra_blank_line() -> None:
    assert "</task>\n\n<provided_tools>" in render(R, "level_1", "unsolvable")
    assert "</task>\n<provided_tools>" in render(R, "level_1", "solvable")
    corrected = render(R, "level_1", "unsolvable", prompt_variant="corrected")
    assert "</task>\n<provided_tools>" in corrected


def test_official_prompts_keep_their_defects() -> None:
    en3 = instruction("en", "level_3")
    assert "Planned tool: UnsovlableQuery</answer>" in en3
    assert "<provided_tool>" in en3
    assert "describe" not in en3.lower().split("state the relationship")[0]
    assert "line break \\“\n\\”" in instruction("en", "level_2")  # the source's odd escapes
    zh3 = instruction("zh", "level_3")
    assert "UnsovlableQuery" in zh3 and "缺少工具" in zh3


@pytest.mark.parametrize("language", ["en", "zh"])
def test_corrected_prompts_fix_spelling_tag_and_missing_paragraph(language: str) -> None:
    text = instruction(language, "level_3", "corrected")
    assert "UnsovlableQuery" not in text
    assert "<provided_tool>" not in text
    assert "<provided_tools>" in text
    if language == "en":
        assert "describe the capability the missing tool needs" in text
    assert instruction(language, "level_1", "corrected") == OFFICIAL[(language, "level_1")]


def test_chinese_prompts_and_bad_arguments() -> None:
    zh = row("single_step", language="zh")
    assert render(zh, "level_1", "solvable", "zh").startswith("根据 <task> 中的任务描述")
    with pytest.raises(ValueError, match="no ToolBH prompt"):
        instruction("fr", "level_1")
    with pytest.raises(ValueError, match="prompt_variant"):
        instruction("en", "level_1", "fixed")
