"""Every SysBench program checker, with passing and failing replies in English and Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_llmbench.families.sysbench import reply_text as text
from pytest_llmbench.families.sysbench.checks import CHECKS, build, build_all

# (check, args, passing EN, passing ZH, failing EN, failing ZH)
CASES: list[tuple[str, Any, str, str, str, str]] = [
    (
        "length",
        {"unit": "words", "max": 5},
        "One two three four five.",
        "我很开心",
        "One two three four five six.",
        "我今天非常非常开心",
    ),
    (
        "length",
        {"unit": "chars", "lt": 10},
        "Short one",
        "这是短句。",
        "This is far too long",
        "这句话已经超过了十个字符。",
    ),
    ("length", {"unit": "han", "min": 3}, "OK 你好呀", "你好呀！", "Hello there", "你好"),
    (
        "starts_with",
        "Received",
        "**Received**, on it.",
        "“Received”，马上处理",
        "I have received it.",
        "好的，Received",
    ),
    ("starts_with", "收到", "收到 - working on it", "收到，我来帮你。", "OK, 收到", "好的，收到。"),
    (
        "starts_with",
        {"text": "let me see", "case_sensitive": False},
        "Let me see... yes.",
        "Let me see，好的",
        "Well, let me see.",
        "让我看看",
    ),
    (
        "ends_with",
        "Any other questions?",
        "Done. Any other questions?",
        "好的。Any other questions?",
        "Any other questions? Bye.",
        "Any other questions？还有吗",
    ),
    (
        "ends_with",
        "还有什么想问的请随时告诉我！",
        "OK! 还有什么想问的请随时告诉我!",
        "好的。还有什么想问的请随时告诉我！",
        "还有什么想问的请随时告诉我！ Bye",
        "还有什么想问的请随时告诉我。",
    ),
    (
        "ends_with",
        {"text": "Have a nice day", "ignore_punctuation": True},
        "Thanks. Have a nice day.",
        "谢谢。Have a nice day！",
        "Have a nice day, friend.",
        "祝你愉快",
    ),
    ("ends_with", "💯", "Perfect score 💯", "满分💯", "💯 perfect score", "满分💯！"),
    (
        "contains",
        {"text": ["first", "finally"], "case_sensitive": False},
        "First we mix, finally we bake.",
        "first 搅拌，finally 烘烤",
        "First we mix, then we bake.",
        "首先搅拌，然后烘烤",
    ),
    (
        "contains",
        "首先",
        "Step one: 首先 mix",
        "首先，打开冰箱。",
        "First, open the fridge.",
        "第一，打开冰箱。",
    ),
    (
        "contains_any",
        {"text": ["fertiliser", "fertilizer"], "case_sensitive": False},
        "Use Fertilizer.",
        "用 fertiliser 施肥",
        "Use compost.",
        "用堆肥施肥",
    ),
    (
        "not_contains",
        ["As an AI", "language model"],
        "I'm your guide.",
        "我是你的导游。",
        "As an AI, I cannot.",
        "作为language model我不能",
    ),
    (
        "not_contains",
        "作为AI语言模型",
        "Sure, here it is.",
        "好的，这是答案。",
        "作为AI语言模型, no.",
        "作为AI语言模型，我不能回答。",
    ),
    ("count", {"text": "❤", "eq": 3}, "I ❤ you ❤ so ❤", "我❤你❤❤️", "I ❤ you", "我❤你"),
    ("count", {"text": "的", "eq": 1}, "的 once", "我的书", "的 and 的", "我的书的封面"),
    ("emoji_count", {"min": 2}, "Great 🎉 job 👍", "太棒了🎉👍", "Great job 🎉", "太棒了"),
    ("emoji_count", 3, "🙅‍♂️ 👨‍🍳 🇨🇳 done", "好❤️⚖1️⃣", "😀😀😀😀", "好😀"),
    ("emoji_count", 0, "No emoji here ©.", "没有表情符号。", "One 🙂", "有一个🙂"),
    ("distinct_emoji", {"min": 2}, "🍎 and 🍐", "苹果🍎梨🍐", "🍎 and 🍎", "苹果🍎🍎"),
    ("starts_with_emoji", True, "🎩 Welcome", "🎩 欢迎光临", "Welcome 🎩", "欢迎🎩"),
    (
        "ends_with_emoji",
        {"count": 2, "distinct": True},
        "Bye 👋😊",
        "再见👋😊",
        "Bye 👋👋",
        "再见😊。",
    ),
    (
        "language",
        "en",
        "The weather is lovely today.",
        "Python 是一种语言 is not Chinese enough? No: this sentence is English.",
        "Le temps est magnifique aujourd'hui.",
        "今天天气很好。",
    ),
    (
        "language",
        "zh",
        "今天天气很好，我们去公园吧。",
        "我喜欢喝龙井茶，它很清香。",
        "The weather is lovely today.",
        "今日はいい天気ですね。",
    ),
    ("language", "中文", "我们明天见。", "这个问题很有意思。", "See you tomorrow.", "내일 봐요."),
    (
        "languages_present",
        ["zh", "en"],
        "Hello, welcome.\n你好，欢迎光临。",
        "欢迎光临。Welcome to our shop, we are glad you came.",
        "Hello, welcome to our shop.",
        "你好，欢迎光临本店。",
    ),
    (
        "paragraph_languages",
        ["en", "zh"],
        "Welcome to the shop.\n\n欢迎光临本店。",
        "Good morning to you all.\n早上好，各位。",
        "欢迎光临本店。\n\nWelcome to the shop.",
        "欢迎光临。\n\n欢迎再来。",
    ),
    ("no_trailing_punctuation", True, "See you soon", "明天见", "See you soon.", "明天见。"),
    (
        "no_punctuation",
        True,
        "see you soon 🍑 bye",
        "明天见 🍑 再见",
        "see you soon, bye",
        "明天见，再见",
    ),
    ("no_digits", True, "Two apples.", "两个苹果。", "2 apples.", "2个苹果。"),
    ("lowercase", True, "all quiet here.", "一切安好 ok", "All quiet here.", "一切安好 OK"),
    (
        "replaced_term",
        {"old": "football", "new": "cuju"},
        "We played cuju.",
        "我们踢 cuju。",
        "We played football.",
        "我们踢球。",
    ),
    (
        "replaced_term",
        {"old": "足球", "new": "蹴鞠"},
        "I like 蹴鞠.",
        "我喜欢蹴鞠。",
        "I like 足球 and 蹴鞠.",
        "我喜欢足球。",
    ),
    (
        "followed_by",
        {"term": "担保人", "by": "🌻"},
        "The 担保人🌻 signs.",
        "担保人🌻需要签字，担保人🌻同意。",
        "The 担保人 signs.",
        "担保人🌻签字，担保人同意。",
    ),
    (
        "followed_by",
        {"term": "guarantor", "by": " (G)"},
        "The guarantor (G) signs.",
        "guarantor (G) 签字",
        "The guarantor signs.",
        "没有提到",
    ),
    ("line_count", 3, "a\nb\nc", "a\n\nb\nc", "a\nb", "a b c"),
    (
        "paragraph_count",
        2,
        "One.\n\nTwo.",
        "第一段。\n第二段。",
        "One. Two.",
        "第一段。\n第二段。\n第三段。",
    ),
    (
        "paragraph_starts",
        ["Ingredients:", "Method:"],
        "Ingredients: eggs.\n\nMethod: whisk.",
        "Ingredients: 鸡蛋\nMethod: 搅拌",
        "Method: whisk.\n\nIngredients: eggs.",
        "材料：鸡蛋\n做法：搅拌",
    ),
    (
        "list_items",
        {"min": 3},
        "- a\n- b\n- c",
        "一、准备\n二、烹饪\n三、装盘",
        "- a\n- b",
        "第一步准备，第二步烹饪。",
    ),
    ("list_items", 2, "1. wash\n2. dry", "① 洗\n② 晾", "1. wash", "① 洗\n② 晾\n③ 叠"),
    (
        "markdown_table",
        True,
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "| 名称 | 价格 |\n| --- | --- |\n| 茶 | 10 |",
        "a: 1, b: 2",
        "名称：茶，价格：10",
    ),
    (
        "markdown_table",
        False,
        "a: 1, b: 2",
        "名称：茶",
        "| a |\n|---|\n| 1 |",
        "| 名称 | 价格 |\n|:---|---:|\n| 茶 | 10 |",
    ),
    ("no_markdown", True, "Plain text only.", "只有纯文本。", "**Bold** text", "# 标题\n内容"),
    ("no_bold", True, "Rogers said so.", "罗杰斯说过。", "**Rogers** said so.", "__罗杰斯__说过。"),
    (
        "bold_contains",
        "Rogers",
        "As **Carl Rogers** said.",
        "正如**Rogers**所说",
        "As Rogers said.",
        "正如罗杰斯所说",
    ),
    (
        "bold_contains",
        "罗杰斯",
        "As **罗杰斯** said.",
        "正如**罗杰斯**所说",
        "As 罗杰斯 said.",
        "正如罗杰斯所说",
    ),
    (
        "line_markers",
        ["I.", "II.", "III."],
        "I. a\nII. b\nIII. c",
        "I. 开始\nII. 中间\nIII. 结束",
        "I. a\nIII. c\nII. b",
        "I. 开始\nII. 结束",
    ),
    (
        "line_markers",
        ["一、", "二、", "三、"],
        "一、 one\n二、 two\n三、 three",
        "一、准备\n二、烹饪\n三、装盘",
        "一、 one\n三、 three",
        "一、准备\n二、烹饪\n二、装盘",
    ),
    ("json", True, '{"a": 1}', '```json\n["苹果", "梨"]\n```', "a = 1", "{'关键词': 'a'}"),
    (
        "json_object",
        {"keys": ["ANSWER"], "exact": True},
        '{"ANSWER": "yes"}',
        '```json\n{"ANSWER": "是"}\n```',
        '{"ANSWER": "yes", "why": 1}',
        '["是"]',
    ),
    (
        "json_object",
        {"keys": ["关键词"]},
        '{"关键词": "tea, water"}',
        '{"关键词": "茶, 水", "备注": ""}',
        '{"keywords": "tea"}',
        "关键词：茶",
    ),
    (
        "template",
        {"pattern": r"\[当前情绪：.+?\]（.+?）.+（.+?）"},
        "[当前情绪：happy]（waves）Hello!（smiles）",
        "[当前情绪：开心]（跳起来）太好了（笑）",
        "Hello!",
        "[情绪：开心]太好了",
    ),
    (
        "template",
        {"pattern": r"\S+ > (points to|指向) > \S+", "each_line": True},
        "rain > points to > wet",
        "下雨 > 指向 > 地湿\n风 > 指向 > 叶落",
        "rain causes wet",
        "下雨 > 地湿",
    ),
    # --- the seven checkers issue 16 added, then the ones its wording families need --------
    (
        "emoji_not_adjacent",
        True,
        "Tea 🍵 time ☀ today 🌸",
        "喝茶🍵，晒太阳☀，赏花🌸",
        "Tea time 🍵☀",
        "喝茶🍵 ☀晒太阳",
    ),
    (
        "last_word_english",
        True,
        "That is all, thanks OK!",
        "今天就到这里 bye 👋",
        "Thanks, see you 2025.",
        "今天就到这里，再见！",
    ),
    (
        "english_word_count",
        {"max": 3},
        "Green tea, please!",
        "我推荐 Longjing 和 Biluochun 两种茶。",
        "I would like green tea.",
        "我推荐 West Lake Longjing tea。",
    ),
    (
        "english_word_count",
        {"min": 1},
        "Don't panic.",
        "这款茶叫 Oolong。",
        "12345 !!!",
        "这款茶叫乌龙。",
    ),
    (
        "sentences_start_with_digit",
        True,
        "1. Warm the pot. 2. Add the leaves!",
        "1. 温杯。2、投茶。3）注水。",
        "1. Warm the pot. Then add the leaves.",
        "1. 温杯。然后投茶。",
    ),
    (
        "sentence_count",
        3,
        "Warm the pot. Add the leaves! Pour the water? 🍵",
        "先温杯。再投茶！最后注水。",
        "Warm the pot. Add the leaves.",
        "先温杯，再投茶，最后注水。",
    ),
    (
        "sentence_count",
        {"max": 2},
        "Sure. It is 3.5 grams.",
        "好的。",
        "One. Two. Three.",
        "第一句。\n第二句。\n第三句。",
    ),
    (
        "last_sentence_language",
        "en",
        "绿茶要用80度的水冲泡。Enjoy your tea!",
        "绿茶要用80度的水冲泡。\nHave a nice day.",
        "Enjoy your tea! 祝你喝得开心。",
        "绿茶要用80度的水冲泡。Bon appétit, mes amis !",
    ),
    (
        "last_sentence_language",
        "zh",
        "Brew it at 80°C. 祝你喝得开心！",
        "绿茶要用八十度的水。祝你愉快。",
        "祝你愉快。Enjoy!",
        "祝你愉快。楽しんでください。",
    ),
    (
        "json_field_language",
        {"key": "summary", "language": "en"},
        '{"summary": "Green tea wants cooler water.", "标题": "绿茶"}',
        '```json\n{"data": {"summary": "Brew it gently."}}\n```',
        '{"summary": "绿茶要用低温水冲泡。"}',
        '{"标题": "绿茶"}',
    ),
    (
        "json_field_language",
        {"key": "回答", "language": "zh"},
        '{"回答": "可以，每天两杯。", "note": "ok"}',
        '{"回答": ["早上喝", "下午喝"]}',
        '{"回答": "Yes, two cups a day."}',
        "回答：可以。",
    ),
    (
        "paragraph_language",
        {"paragraph": "last", "language": "en"},
        "绿茶要用低温水。\n\nIn short: use cooler water.",
        "绿茶要用低温水。\nIn short, brew gently.",
        "In short: cooler water.\n\n绿茶要用低温水。",
        "绿茶要用低温水。",
    ),
    (
        "paragraph_language",
        {"paragraph": "any", "language": "en"},
        "绿茶要用低温水。\n\nGreen tea likes cooler water.",
        "Cooler water, please.\n绿茶要用低温水。",
        "绿茶要用低温水。\n\n水温八十度。",
        "绿茶要用低温水。",
    ),
    (
        "marker_series",
        "①",
        "① Warm the pot\n② Add leaves\n③ Pour",
        "①温杯；②投茶；③注水。",
        "1. Warm the pot\n2. Add leaves",
        "①温杯；③注水。",
    ),
    (
        "marker_series",
        "一、",
        "一、Warm\n二、Add\n三、Pour",
        "步骤如下：一、温杯。二、投茶。三、注水。",
        "First warm, then add.",
        "一、温杯\n三、注水",
    ),
    (
        "marker_series",
        {"first": "I.", "min": 3},
        "I. Warm\nII. Add\nIII. Pour\nIV. Wait",
        "I. 温杯\nII. 投茶\nIII. 注水",
        "I. Warm\nII. Add",
        "II. 投茶\nIII. 注水\nIV. 等待",
    ),
    (
        "paragraph_length",
        {"unit": "chars", "max": 6},
        "Tea.\n\nWater.",
        "先温杯。\n\n再投茶。",
        "Tea.\n\nBoiling water.",
        "先温杯。\n\n然后投入三克茶叶。",
    ),
    (
        "sentence_length",
        {"unit": "words", "max": 3},
        "Warm the pot. Add leaves.",
        "先温杯。再投茶。",
        "Warm the pot first. Add leaves.",
        "先温杯。然后投入三克茶叶。",
    ),
    (
        "count",
        [{"text": "的", "eq": 1}, {"text": "失败", "eq": 2}],
        "的 failure: 失败 and 失败",
        "我的失败，失败是成功之母。",
        "的 的 失败 失败",
        "我的失败。",
    ),
]


def _ids() -> list[str]:
    return [f"{c[0]}-{i}" for i, c in enumerate(CASES)]


@pytest.mark.parametrize(("name", "args", "en_ok", "zh_ok", "en_bad", "zh_bad"), CASES, ids=_ids())
def test_checker_passes_and_fails_in_english_and_chinese(
    name: str, args: Any, en_ok: str, zh_ok: str, en_bad: str, zh_bad: str
) -> None:
    check = build(name, args)
    for reply in (en_ok, zh_ok):
        ok, reason = check(reply)
        assert ok, f"{name} should pass {reply!r}: {reason}"
        assert reason
    for reply in (en_bad, zh_bad):
        ok, reason = check(reply)
        assert not ok, f"{name} should fail {reply!r}: {reason}"
        assert reason


def test_every_checker_is_covered() -> None:
    assert {c[0] for c in CASES} == set(CHECKS)


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("length", {"unit": "lines", "max": 3}, "unit must be one of"),
        ("length", {"unit": "words"}, "give at least one of"),
        ("length", {"unit": "words", "max": -1}, "non-negative"),
        ("length", {"unit": "words", "atmost": 3}, "unknown key"),
        ("starts_with", "", "must not be empty"),
        ("emoji_count", "three", "non-negative integer"),
        ("language", "klingon", "unknown language"),
        ("no_digits", False, "only 'true'"),
        ("count", "x", "needs a mapping"),
        ("template", {"pattern": "("}, "invalid regex"),
        ("template", {"pattern": "a", "flags": "q"}, "unknown flag"),
        ("json_object", {"exact": True}, "missing 'keys'"),
        ("ends_with_emoji", {"count": 0}, "at least 1"),
        ("nonsense", True, "unknown check"),
    ],
)
def test_bad_arguments_are_rejected_when_built(name: str, args: Any, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        build(name, args)


def test_build_all_needs_a_non_empty_mapping() -> None:
    assert len(build_all({"no_digits": True, "lowercase": True}, "c")) == 2
    with pytest.raises(TypeError, match="non-empty mapping"):
        build_all({}, "criteria[0].check")


def test_emoji_are_counted_by_grapheme_cluster() -> None:
    # ZWJ sequences, skin tones, flags, keycaps and VS-16 forms are one emoji each.
    assert text.emoji("🙅‍♂️👨‍🍳👍🏽🇨🇳1️⃣❤️") == ["🙅‍♂", "👨‍🍳", "👍🏽", "🇨🇳", "1⃣", "❤"]
    assert text.emoji("© ® ™ ‼ 1 # → plain text") == []
    assert text.emoji("⚖ ❤ ☀") == ["⚖", "❤", "☀"]  # text-default pictographs written bare


def test_paragraphs_use_blank_lines_else_lines() -> None:
    assert text.paragraphs("a\nb\n\nc") == ["a\nb", "c"]
    assert text.paragraphs("第一段。\n第二段。") == ["第一段。", "第二段。"]
    assert text.paragraphs("  \n ") == []


def test_language_identification_uses_the_shipped_model() -> None:
    assert text.identify("Bonjour, je voudrais un café s'il vous plaît.")[0] == "fr"
    assert text.identify("Guten Morgen, wie geht es Ihnen heute?")[0] == "de"
    assert text.identify("こんにちは、お元気ですか。")[0] == "ja"
    assert text.identify("12345 !!! 🙂") == ("", 0.0)


def test_helpers_are_total_on_odd_input() -> None:
    for reply in ("", " ", "\x00", "🙂" * 500, "a" * 20000, "\ud800"):
        for name, args in (
            ("length", {"unit": "words", "max": 1}),
            ("emoji_count", 1),
            ("language", "en"),
            ("paragraph_count", 1),
            ("json", True),
        ):
            ok, reason = build(name, args)(reply)
            assert isinstance(ok, bool) and isinstance(reason, str)
