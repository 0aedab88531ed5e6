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
    blocks: list[tuple[Text, list[list[Any]]]] = field(default_factory=list)

    gap = 2

    def add_block(self, heading: Text, rows: list[list[Any]]) -> None:
        self.blocks.append((heading, rows))

    def _widths(self, available: int) -> list[int]:
        widths = [len(h) for h in self.headers]
        for _, rows in self.blocks:
            for row in rows:
                widths = [max(w, _cell_width(c)) for w, c in zip(widths, row, strict=True)]
        excess = sum(widths) + self.gap * (len(widths) - 1) - available
        for i in sorted(range(len(widths)), key=lambda i: -widths[i]):
            if excess <= 0:
                break
            if self.foldable[i]:
                cut = min(excess, widths[i] - max(6, len(self.headers[i])))
                widths[i] -= max(cut, 0)
                excess -= max(cut, 0)
        return widths

    def _table(self, widths: list[int], *, header: bool) -> Table:
        table = compact_table(show_header=header)
        for name, width, right, fold in zip(self.headers, widths, self.right, self.foldable, strict=True):
            table.add_column(
                name,
                width=width,
                justify="right" if right else "left",
                no_wrap=not fold,
                overflow="fold" if fold else "ellipsis",
            )
        return table

    def print(self, console: Console) -> None:
        """The header once, then each block's heading over its rows."""
        widths = self._widths(console.width)
        console.print(self._table(widths, header=True))
        for heading, rows in self.blocks:
            table = self._table(widths, header=False)
            for row in rows:
                table.add_row(*row)
            console.print(heading, highlight=False)
            console.print(table)
