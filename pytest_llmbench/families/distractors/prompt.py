"""The project's prompt for multi-hop QA with distractors: instructions, demonstrations, context.

The structure follows the paper (answer only from the context, decompose into sub-questions, end
with one ``Final Answer:`` line of at most 5 words, two worked examples) but the wording and both
demonstrations are our own and use invented entities: the paper's first demonstration is itself
a test item, so reusing it would leak an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

Rendering = Literal["default", "official"]
RENDERINGS: tuple[Rendering, ...] = ("default", "official")

SYSTEM_PROMPT = """\
You answer questions using only the context paragraphs you are given, not your own knowledge.
Break the question into sub-questions and answer each one from the context. Then finish with
one line that starts with "Final Answer: " followed by the answer in at most 5 words, without
any explanation.

Example 1
Context:
The Hallowmere Rowing Club is an amateur rowing club on Lake Orvenne. It was founded in 1902 by
the engineer Petra Solvang and holds its regatta every August.

Petra Solvang (1868-1931) was an engineer and sportswoman. She was born in the harbour town of
Kestrelby and later designed several lock gates on the Orvenne canal.
Question: In which town was the founder of the Hallowmere Rowing Club born?
Sub-question 1: Who founded the Hallowmere Rowing Club?
Answer 1: Petra Solvang.
Sub-question 2: In which town was Petra Solvang born?
Answer 2: Kestrelby.
Final Answer: Kestrelby

Example 2
Context:
"Song of the Amber Hills" is the official anthem of Drevnik Province. Its music was composed in
1951 by Ilja Marek, with words by the poet Sanna Velt.

Ilja Marek (1909-1977) was a composer and cellist who played the cello in the Drevnik Radio
Orchestra for twenty years before turning to composition.
Question: Which instrument did the composer of the anthem of Drevnik Province play?
Sub-question 1: Who composed the anthem of Drevnik Province?
Answer 1: Ilja Marek.
Sub-question 2: Which instrument did Ilja Marek play?
Answer 2: The cello.
Final Answer: cello"""

# Words of the demonstrations: the generator keeps them out of its invented names so a
# demonstration never doubles as a hint for a generated item.
DEMO_NAMES = frozenset(
    {"hallowmere", "orvenne", "petra", "solvang", "kestrelby", "drevnik", "ilja", "marek"}
    | {"sanna", "velt", "amber"}
)


def paragraph_text(sentences: Sequence[str]) -> str:
    """HotpotQA stores a paragraph as sentences that carry their own leading spaces."""
    return "".join(sentences)


def render_context(paragraphs: Sequence[str], rendering: Rendering = "default") -> str:
    """Paragraph texts without titles (a fake paragraph's title is its fake answer).

    ``official`` concatenates them with no separator, as upstream does (most fake paragraphs
    start with a space and real ones do not: a faint cue kept for fidelity); ``default``
    strips each one and separates them with a blank line.
    """
    if rendering == "official":
        return "".join(paragraphs)
    if rendering == "default":
        return "\n\n".join(p.strip() for p in paragraphs)
    raise ValueError(f"rendering must be one of {', '.join(RENDERINGS)}, got {rendering!r}")


def user_message(context: str, question: str) -> str:
    return f"Context:\n{context}\n\nQuestion: {question}"
