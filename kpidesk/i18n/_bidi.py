"""Bidirectional isolation: a left-to-right run (a number with its unit, a date, an id) inside a Hebrew or
Arabic sentence keeps its own order and does not reorder the words around it."""

from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["FSI", "PDI", "bdi", "isolate"]

#: FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (Unicode 6.3): the run between them takes the
#: direction of its first strong character and is laid out as one unit in the text around it.
FSI = "\u2068"
PDI = "\u2069"


def isolate(text: str) -> str:
    """`text` between FSI and PDI, for plain text (e-mail, CSV for people, terminal)."""
    return f"{FSI}{text}{PDI}"


def bdi(text: object) -> Markup:
    """`text` escaped (unless it is already `Markup`) inside a `<bdi>` element, for HTML, where the
    element does what FSI…PDI does."""
    return Markup("<bdi>{}</bdi>").format(escape(text))
