"""Two-hop question templates over invented entities, and the unrelated filler paragraphs.

A template is the bridge pattern of the benchmark: hop 1 goes from an *anchor* (qualified by a
*modifier*) to a *bridge* entity, hop 2 from the bridge to the answer.  A distractor chain keeps
the pattern but alters one detail of the question, as the paper does: the anchor is swapped for
another invented entity of the same kind (``named``), or the modifier changes (``other``: "the
second conductor" instead of "the first").  Anchor-level facts are drawn once per anchor, so a
fake paragraph about the same anchor never contradicts the gold paragraph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .names import NameMaker

Facts = dict[str, str]
ORDINALS = ("first", "second", "third", "fourth")
DIRECTIONS = ("north", "south", "east", "west")


@dataclass(frozen=True)
class Template:
    key: str
    anchor: Callable[[NameMaker], tuple[str, Facts]]  # the anchor and its own facts
    modifiers: Callable[[NameMaker], list[str]]  # at least 3 distinct: gold + 2 fake chains
    bridge: Callable[[NameMaker], str]
    answer: Callable[[NameMaker], str]
    # Facts of one chain beyond anchor/bridge/answer, drawn knowing the anchor's facts.
    details: Callable[[NameMaker, Facts], Facts]
    question: str
    sub1: str
    sub2: str
    hop1: str
    hop2: str


@dataclass(frozen=True)
class Chain:
    anchor: str
    modifier: str
    bridge: str
    answer: str
    question: str
    sub1: str
    sub2: str
    hop1: str
    hop2: str


def make_chain(t: Template, nm: NameMaker, anchor: str, facts: Facts, modifier: str) -> Chain:
    bridge, answer = t.bridge(nm), t.answer(nm)
    f = {
        **facts,
        **t.details(nm, facts),
        "anchor": anchor,
        "mod": modifier,
        "bridge": bridge,
        "Bridge": bridge[0].upper() + bridge[1:],
        "surname": bridge.split()[-1],
        "answer": answer,
    }
    return Chain(
        anchor,
        modifier,
        bridge,
        answer,
        *(s.format(**f) for s in (t.question, t.sub1, t.sub2, t.hop1, t.hop2)),
    )


def _ordinals(nm: NameMaker) -> list[str]:
    return nm.rng.sample(ORDINALS, 3)


def _conductor_life(nm: NameMaker, facts: Facts) -> Facts:
    # Alive and adult while the orchestra existed, so no fake chain contradicts the gold one.
    founded = int(facts["founded"])
    born = nm.year(founded - 60, founded - 25)
    return {
        "born": str(born),
        "died": str(nm.year(founded + 10, founded + 40)),
        "school": nm.word(),
    }


TEMPLATES: tuple[Template, ...] = (
    Template(
        key="conductor",
        anchor=lambda nm: (
            f"{nm.place()} Philharmonic Orchestra",
            {"founded": str(nm.year(1840, 1900)), "hall": f"{nm.word()} Hall"},
        ),
        modifiers=_ordinals,
        bridge=lambda nm: nm.person(),
        answer=lambda nm: nm.place(),
        details=_conductor_life,
        question="In which town was the {mod} principal conductor of the {anchor} born?",
        sub1="Who was the {mod} principal conductor of the {anchor}?",
        sub2="In which town was {bridge} born?",
        hop1="The {anchor} is a symphony orchestra founded in {founded} and resident at {hall}. "
        "Its {mod} principal conductor was {bridge}, under whose direction the orchestra began "
        "its tradition of open-air summer concerts and made its first recordings. The post is "
        "filled by a vote of the players.",
        hop2="{bridge} ({born}–{died}) was a conductor and violinist. {surname} was born in the "
        "market town of {answer} and trained at the {school} Conservatory before holding posts "
        "with several provincial orchestras, and was admired for reviving forgotten overtures.",
    ),
    Template(
        key="expedition",
        anchor=lambda nm: (f"{nm.word()} Island", {"sea": nm.word()}),
        modifiers=lambda nm: [str(nm.year(1830, 1910)) for _ in range(3)],
        bridge=lambda nm: f"the {nm.word()}",
        answer=lambda nm: nm.place(),
        details=lambda nm, _: {"launched": str(nm.year(1790, 1825))},
        question="In which port was the ship of the {mod} expedition to {anchor} built?",
        sub1="Which ship carried the {mod} expedition to {anchor}?",
        sub2="In which port was {bridge} built?",
        hop1="{anchor} is an uninhabited island in the {sea} Sea, known for its basalt cliffs "
        "and its colonies of seabirds. The {mod} expedition to {anchor}, sent by a learned "
        "society to survey the island's birds and tides, sailed aboard {bridge} and spent "
        "eleven weeks ashore before bad weather forced its return.",
        hop2="{Bridge} was a three-masted barque launched in {launched} from the shipyards of "
        "{answer}, a port on the northern coast. Built for the timber trade, she was later "
        "chartered for scientific voyages and was noted for her shallow draught.",
    ),
    Template(
        key="architect",
        anchor=lambda nm: (
            f"{nm.word()} Park",
            {"town": nm.place(), "club": f"{nm.place()} Athletic"},
        ),
        modifiers=lambda nm: nm.rng.sample(DIRECTIONS, 3),
        bridge=lambda nm: nm.person(),
        answer=lambda nm: str(nm.year(1840, 1900)),
        details=lambda nm, _: {"died": str(nm.year(1935, 1960)), "city": nm.place()},
        question="In what year was the architect of the {mod} stand of {anchor} born?",
        sub1="Who designed the {mod} stand of {anchor}?",
        sub2="In what year was {bridge} born?",
        hop1="{anchor} is a football ground in {town} and the home of {club}. Of its four "
        "covered stands, the {mod} stand, with its cantilevered roof, was designed by the "
        "architect {bridge}; it is the oldest part of the ground still in use.",
        hop2="{bridge} ({answer}–{died}) was an architect known for civic buildings in brick and "
        "concrete. After studying in {city}, {surname} opened a small practice whose early work "
        "included a public library, swimming baths and several sports grounds.",
    ),
    Template(
        key="chef",
        anchor=lambda nm: (
            f"{nm.word()} House",
            {"town": nm.place(), "opened": str(nm.year(1900, 1990))},
        ),
        modifiers=_ordinals,
        bridge=lambda nm: nm.person(),
        answer=lambda nm: nm.person(),
        details=lambda nm, _: {"city": nm.place()},
        question="Who trained the {mod} head chef of {anchor}?",
        sub1="Who was the {mod} head chef of {anchor}?",
        sub2="Who trained {bridge}?",
        hop1="{anchor} is a restaurant in the old harbour district of {town}, opened in {opened} "
        "in a former customs warehouse. Its {mod} head chef was {bridge}, who built the menu "
        "around smoked fish and foraged herbs and earned the restaurant a national reputation.",
        hop2="{bridge} is a chef and food writer. {surname} trained under {answer} in a hotel "
        "kitchen in {city}, learning classical sauces and butchery, and later wrote a "
        "prize-winning cookbook on preserving and pickling.",
    ),
    Template(
        key="congress",
        anchor=lambda nm: (f"{nm.word()} League", {"founded": str(nm.year(1300, 1500))}),
        modifiers=_ordinals,
        bridge=lambda nm: nm.place(),
        answer=lambda nm: nm.word(),
        details=lambda nm, _: {"uni": str(nm.year(1400, 1700))},
        question="On which river lies the city where the {mod} congress of the {anchor} was held?",
        sub1="In which city was the {mod} congress of the {anchor} held?",
        sub2="On which river does {bridge} lie?",
        hop1="The {anchor} is an association of merchant guilds founded in {founded} to settle "
        "disputes over tolls and weights. Its {mod} congress was held in the city of {bridge}, "
        "where the delegates adopted a common standard for grain measures.",
        hop2="{bridge} is a cathedral city and river port. It lies on the river {answer}, which "
        "barges can navigate up to the city's old stone bridge, and it grew rich from the wool "
        "trade. Its university was founded in {uni}.",
    ),
    Template(
        key="studio",
        anchor=lambda nm: (
            f"{nm.word()} Quartet",
            {"town": nm.place(), "formed": str(nm.year(1950, 2000))},
        ),
        modifiers=_ordinals,
        bridge=lambda nm: f"{nm.word()} Studios",
        answer=lambda nm: nm.place(),
        details=lambda nm, _: {"opened": str(nm.year(1955, 1995))},
        question="In which town is the studio where the {mod} album of the {anchor} was recorded?",
        sub1="Where was the {mod} album of the {anchor} recorded?",
        sub2="In which town is {bridge}?",
        hop1="The {anchor} is a string quartet formed in {formed} by four graduates of the "
        "conservatory in {town}, known for its folk-song arrangements. Its {mod} album, a "
        "collection of dances, was recorded at {bridge} over three days and was praised for "
        "its warm, close sound.",
        hop2="{bridge} is a recording studio in the town of {answer}, set up in a converted "
        "chapel in {opened}. Acoustic ensembles prize its main room for its natural "
        "reverberation, and the studio keeps a collection of vintage microphones.",
    ),
)
