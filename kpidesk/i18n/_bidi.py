"""Bidirectional isolation: a left-to-right run (a number with its unit, a date, an id) inside a Hebrew or
Arabic sentence keeps its own order and does not reorder the words around it."""

from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["FSI", "LRI", "PDI", "bdi", "isolate", "isolate_ltr"]

#: FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (Unicode 6.3): the run between them takes the
#: direction of its first strong character and is laid out as one unit in the text around it.
FSI = "\u2068"
PDI = "\u2069"
#: LEFT-TO-RIGHT ISOLATE: the run between it and PDI is laid out left to right whatever it holds.
LRI = "\u2066"


def isolate(text: str) -> str:
    """`text` between FSI and PDI, for plain text (e-mail, CSV for people, terminal)."""
    return f"{FSI}{text}{PDI}"


def isolate_ltr(text: str) -> str:
    """`text` between LRI and PDI: for a run with no letter in it, such as a range of times
    "07:30–12:30", LRI states its left-to-right direction outright, as the tables' `<bdi dir="ltr">`
    does, rather than leaving it to a first strong character the run does not have."""
    return f"{LRI}{text}{PDI}"


def bdi(text: object) -> Markup:
    """`text` escaped (unless it is already `Markup`) inside a `<bdi>` element, for HTML, where the
    element does what FSI…PDI does."""
    return Markup("<bdi>{}</bdi>").format(escape(text))
