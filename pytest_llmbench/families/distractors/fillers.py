"""Unrelated encyclopedic paragraphs about invented entities: the 8 ordinary distractors of an
item (HotpotQA's distractor setting), some of which the fake paragraphs replace in place."""

from __future__ import annotations

from collections.abc import Callable

from .names import NameMaker


def _town(nm: NameMaker) -> str:
    return (
        f"{nm.place()} is a small town in the valley of the {nm.word()}, with a population of "
        f"about {nm.rng.randrange(2, 40)},{nm.rng.randrange(100, 999)} people. It grew around a "
        "ford on an old drovers' road and is known for its slate quarries and its weekly cattle "
        "market. The parish church has a rare painted ceiling."
    )


def _botanist(nm: NameMaker) -> str:
    who = nm.person()
    born = nm.year(1800, 1880)
    return (
        f"{who} ({born}–{nm.year(born + 40, born + 80)}) was a botanist who catalogued the "
        f"mosses and lichens of the {nm.word()} uplands. {who.split()[-1]} published a "
        "two-volume flora, corresponded with collectors abroad, and has a species of "
        "liverwort named in their honour."
    )


def _firm(nm: NameMaker) -> str:
    return (
        f"{nm.word()} & {nm.word()} was a firm of instrument makers founded in {nm.place()} in "
        f"{nm.year(1780, 1880)}. It produced barometers, surveying levels and ship's compasses, "
        "supplied several observatories, and closed after a fire destroyed its workshop."
    )


def _festival(nm: NameMaker) -> str:
    return (
        f"The {nm.place()} Lantern Festival is held every winter on the longest night of the "
        "year. Townspeople carry paper lanterns through the streets to the harbour, where a "
        f"choir sings and a bonfire is lit. The custom was first recorded in {nm.year(1600, 1850)}."
    )


def _viaduct(nm: NameMaker) -> str:
    return (
        f"The {nm.word()} Viaduct is a railway viaduct of {nm.rng.randrange(9, 40)} arches "
        f"crossing a wide valley near {nm.place()}. It was completed in {nm.year(1840, 1900)}, "
        "took six years to build, and still carries a branch line used by freight trains and "
        "a summer heritage service."
    )


def _painter(nm: NameMaker) -> str:
    who = nm.person()
    return (
        f"{who} was a landscape painter known for small oil studies of coastal weather. "
        f"{who.split()[-1]} exhibited regularly in {nm.place()} and taught drawing at a "
        "school of art for many years; a retrospective of the studies toured in "
        f"{nm.year(1950, 2015)}."
    )


def _gazette(nm: NameMaker) -> str:
    return (
        f"The {nm.place()} Gazette is a weekly local newspaper first printed in "
        f"{nm.year(1790, 1900)}. It covers council business, farming and sport, and its "
        "archive of photographs is held by the county record office."
    )


FILLERS: tuple[Callable[[NameMaker], str], ...] = (
    _town,
    _botanist,
    _firm,
    _festival,
    _viaduct,
    _painter,
    _gazette,
)


def fillers(nm: NameMaker, n: int) -> list[str]:
    """``n`` paragraphs of varied kinds (each kind once before any repeats)."""
    kinds: list[Callable[[NameMaker], str]] = []
    while len(kinds) < n:
        kinds.extend(nm.rng.sample(FILLERS, len(FILLERS)))
    return [make(nm) for make in kinds[:n]]
