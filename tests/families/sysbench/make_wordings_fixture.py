"""Write ``data/sysbench_wordings.json``: the wording table in the official SysBench format.

Five turns per dialogue, two constraints per turn, in table order; the system message and user
turns are placeholders of ours (the importer reads only their text). Run
``python -m tests.families.sysbench.make_wordings_fixture`` after editing
``data/wordings.yaml``; a test checks the file is in sync.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .wordings import Wording, load

FIXTURE = Path(__file__).parent / "data" / "sysbench_wordings.json"
PER_TURN, TURNS = 2, 5


def _user(w: Wording, dialogue: int, turn: int) -> str:
    first = w.passes[0].user if w.passes else ""
    return first if first and first != "请回答。" else f"第{dialogue}段对话的第{turn}个问题。"


def build(wordings: list[Wording]) -> list[dict[str, Any]]:
    per_dialogue = PER_TURN * TURNS
    out = []
    for d, start in enumerate(range(0, len(wordings), per_dialogue), 1):
        chunk = wordings[start : start + per_dialogue]
        system = f"你是测试对话{d}中的助手。"
        messages: list[dict[str, str]] = [{"role": "system", "content": system}]
        infos: dict[str, Any] = {}
        cid = 0
        for t, k in enumerate(range(0, len(chunk), PER_TURN), 1):
            turn = chunk[k : k + PER_TURN]
            user = _user(turn[0], d, t)
            while user in infos:  # user texts must be distinct within a dialogue
                user += " "
            criteria = {}
            for i, w in enumerate(turn, 1):
                cid += 1
                criteria[str(i)] = {
                    "criteria_id": cid,
                    "criteria_content": w.text,
                    "criteria_type": w.type,
                }
            refusal = any(w.family == "judge:refusal" for w in turn)
            infos[user] = {"alignment": "misalign" if refusal else "align", "criteria": criteria}
            messages += [
                {"role": "user", "content": user},
                {"role": "assistant", "content": f"参考回复{t}"},
            ]
        out.append(
            {
                "system_id": d,
                "system_prompt": system,
                "messages": messages,
                "prompt_infos": infos,
                "领域": "测试",
                "rounds_related": d % 3 != 0,
                "场景": "措辞",
            }
        )
    return out


def render() -> str:
    return json.dumps(build(load()), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    FIXTURE.write_text(render(), encoding="utf-8")
    print(f"wrote {FIXTURE}")
