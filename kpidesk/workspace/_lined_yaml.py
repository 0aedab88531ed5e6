"""YAML read with positions, so that a setting file's mistakes are reported at their line and column."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

__all__ = ["LinedMapping", "load_lined_yaml"]


class LinedMapping(dict[str, Any]):
    """A YAML mapping that remembers where it and each of its keys were written (1-based)."""

    line: int = 0
    column: int = 1
    places: dict[str, tuple[int, int]]

    def place(self, key: str) -> tuple[int, int]:
        """Where `key` was written, or the mapping itself when it is absent."""
        return self.places.get(key, (self.line, self.column))


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[LinedMapping]:
    data = LinedMapping()
    data.line = node.start_mark.line + 1
    data.column = node.start_mark.column + 1
    data.places = {}
    yield data
    data.update({str(k): v for k, v in loader.construct_mapping(node).items()})
    data.places = {
        str(key.value): (key.start_mark.line + 1, key.start_mark.column + 1)
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_lined_yaml(text: str) -> Any:
    """The document in `text`, its mappings as `LinedMapping`. Raises `yaml.YAMLError` (with its mark) on a
    syntax error; the caller names the file."""
    return yaml.load(text, Loader=_Loader)
