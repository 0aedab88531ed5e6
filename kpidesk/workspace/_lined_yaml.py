"""YAML read with positions, so that a setting file's mistakes are reported at their line and column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

__all__ = ["EntryChecker", "LinedMapping", "did_you_mean", "load_lined_yaml"]


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


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


def did_you_mean(value: str, choices: Sequence[str]) -> str:
    """ " (did you mean 'x'?)" for the choice closest to a misspelt `value`, or nothing."""
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class EntryChecker:
    """Reads one entry of a setting file (a report, an alert rule), naming the file, line and column of
    whatever is wrong and the entry by its `name`. Subclasses add the keys of their kind of entry."""

    #: How messages call an entry: "report", "alert".
    what = "entry"

    def __init__(self, path: Path, raw: LinedMapping, error: Callable[[str], Exception]) -> None:
        self.path = path
        self.raw = raw
        self.error = error

    def fail(self, key: str | None, message: str) -> Exception:
        line, column = self.raw.place(key) if key else (self.raw.line, self.raw.column)
        name = self.raw.get("name")
        which = f"{self.what} {name!r}: " if isinstance(name, str) else f"{self.what}: "
        return self.error(f"{self.path}, line {line}, column {column}: {which}{message}")

    def name(self) -> str:
        """The entry's `name`: how commands name it, so letters, digits, '-', '_' or '.'."""
        value = self.text("name")
        if value is None or not _NAME.match(value):
            raise self.fail(
                "name", f"`name` {value!r} should be letters, digits, '-', '_' or '.' (at most 64)"
            )
        return value

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(None, f"`{key}` is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"`{key}` should be a text, not {value!r}")
        return value.strip()

    def one_of(self, key: str, choices: Sequence[str], value: object) -> str:
        """`value` (written at `key`), which must be one of `choices`."""
        if not isinstance(value, str) or value not in choices:
            hint = did_you_mean(value, choices) if isinstance(value, str) else ""
            raise self.fail(key, f"`{key}` is {value!r}; expected one of {', '.join(choices)}{hint}")
        return value

    def names(self, key: str, default: Sequence[str], choices: Sequence[str] | None) -> tuple[str, ...]:
        """A list of names at `key` (one name alone is a list of one), each one of `choices` if given."""
        value = self.raw.get(key)
        if value is None:
            return tuple(default)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
            raise self.fail(key, f"`{key}` should be a list of names, not {value!r}")
        for item in items:
            if choices is not None and item not in choices:
                raise self.fail(
                    key, f"`{key}`: {item!r} is not one of {', '.join(choices)}{did_you_mean(item, choices)}"
                )
        if len(set(items)) != len(items):
            raise self.fail(key, f"`{key}` names the same item twice")
        return tuple(items)

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"`{key}` should be true or false, not {value!r}")
        return value
