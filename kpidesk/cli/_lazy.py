"""What the commands need from the engine, imported when a command first uses it: `kpidesk --help`,
`--version` and the staffing commands start without loading ibis, pandas or DuckDB."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

__all__ = ["EngineChoice", "api"]


class _LazyModule:
    """Stands for a module and imports it on first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


if TYPE_CHECKING:
    from kpidesk import _api as api
else:
    api = _LazyModule("kpidesk._api")


class EngineChoice(click.Choice):
    """A choice among names an engine module defines (`EngineChoice("kpidesk.metrics", "PERIODS")`), read
    only when the command's options are parsed or its help is shown."""

    def __init__(self, module: str, name: str) -> None:
        self._source = (module, name)
        self.case_sensitive = True

    @property
    def choices(self) -> Sequence[Any]:  # type: ignore[override]
        module, name = self._source
        return tuple(getattr(importlib.import_module(module), name))
