"""The one table style of the command line: no outer frame, a rule under the header, two spaces between
columns, so that a table fits 80 columns; and tables that share their column widths."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

__all__ = ["AlignedBlocks", "compact_table", "natural_width"]


def compact_table(title: str | None = None, *, show_header: bool = True, lines: bool = False) -> Table:
    """A table without side borders or column rules: the width goes to the values."""
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        show_header=show_header,
        show_lines=lines,
    )


def natural_width(console: Console, renderable: RenderableType) -> int:
    """The width a renderable takes when nothing has to wrap."""
    return console.measure(renderable, options=console.options.update_width(10_000)).maximum


def _cell_width(cell: Any) -> int:
    text = cell if isinstance(cell, Text) else Text.from_markup(str(cell))
    return max((Text(line).cell_len for line in text.plain.split("\n")), default=0)


@dataclass
class AlignedBlocks:
    """Rows in blocks under a heading each (one block per metric), printed as tables whose columns line
    up. Numbers never wrap; the columns named `foldable` give up width when the terminal is narrow."""

    headers: Sequence[str]
    right: Sequence[bool]
    foldable: Sequence[bool]
    #: Columns left out, in this order, when the table would not fit otherwise.
    droppable: Sequence[str] = ()
    blocks: list[tuple[Text, list[list[Any]]]] = field(default_factory=list)

    gap = 2

    def add_block(self, heading: Text, rows: list[list[Any]]) -> None:
        self.blocks.append((heading, rows))

    def _natural(self) -> list[int]:
        widths = [len(h) for h in self.headers]
        for _, rows in self.blocks:
            for row in rows:
                widths = [max(w, _cell_width(c)) for w, c in zip(widths, row, strict=True)]
        return widths

    def shown(self, available: int) -> list[int]:
        """The columns that fit: all of them, else without the droppable ones, as many as needed."""
        widths = self._natural()
        keep = list(range(len(self.headers)))
        for name in self.droppable:
            if sum(widths[i] for i in keep) + self.gap * (len(keep) - 1) <= available:
                break
            keep = [i for i in keep if self.headers[i] != name]
        return keep

    def _widths(self, keep: list[int], available: int) -> list[int]:
        natural = self._natural()
        widths = [natural[i] for i in keep]
        excess = sum(widths) + self.gap * (len(widths) - 1) - available
        for j in sorted(range(len(widths)), key=lambda j: -widths[j]):
            if excess <= 0:
                break
            i = keep[j]
            if self.foldable[i]:
                cut = max(min(excess, widths[j] - max(6, len(self.headers[i]))), 0)
                widths[j] -= cut
                excess -= cut
        return widths

    def _table(self, keep: list[int], widths: list[int], *, header: bool) -> Table:
        table = compact_table(show_header=header)
        for i, width in zip(keep, widths, strict=True):
            table.add_column(
                self.headers[i],
                width=width,
                justify="right" if self.right[i] else "left",
                no_wrap=not self.foldable[i],
                overflow="fold" if self.foldable[i] else "ellipsis",
            )
        return table

    def print(self, console: Console) -> None:
        """The header once, then each block's heading over its rows."""
        keep = self.shown(console.width)
        widths = self._widths(keep, console.width)
        console.print(self._table(keep, widths, header=True))
        for heading, rows in self.blocks:
            table = self._table(keep, widths, header=False)
            for row in rows:
                table.add_row(*(row[i] for i in keep))
            console.print(heading, highlight=False)
            console.print(table)
