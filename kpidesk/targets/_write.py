"""Writing the target file: a new target, or a change of one, inserted into the text as the user wrote it.

The file is a manager's document, with their comments, order and quoting, so it is never re-dumped:
the new lines (or, in a flow collection, the new item) are inserted where they belong and everything
else is kept byte for byte. The whole new text is read and checked before it replaces the file, in one
step, so an invalid target or change is never written.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from kpidesk.targets._file import (
    CHANGEABLE_KEYS,
    FIXED_KEYS,
    TARGET_KEYS,
    Guardrail,
    Target,
    TargetError,
    find_target,
    parse_targets,
)

__all__ = ["add_target", "set_target"]

_HEADER = "targets:\n"


def add_target(path: str | Path, entry: Mapping[str, Any]) -> Target:
    """Append the target `entry` (keys as in the file; None values left out) to the file at `path`,
    creating it when absent, and return it as read back. An id already used is refused."""
    path = Path(path)
    document = _Document.read(path)
    ident = str(entry.get("id") or "")
    existing = document.targets()
    if any(target.id == ident for target in existing):
        raise TargetError(f"{path}: a target {ident} already exists; change it with `kpidesk targets set`")
    values = _ordered({k: _plain(k, v) for k, v in entry.items() if v is not None})
    document.append_target(values)
    return find_target(document.write_checked(), ident, str(path))


def set_target(
    path: str | Path,
    target_id: str,
    values: Mapping[str, Any],
    *,
    effective: date,
    by: str,
    reason: str,
    recorded: datetime | None = None,
) -> Target:
    """Append a change of `target_id` (the keys of `values` that are not None) taking effect on the
    local day `effective`, by `by`, for `reason`, recorded at `recorded` (now by default); return the
    target with its changes, as read back. A change that leaves the target as it was is refused."""
    path = Path(path)
    document = _Document.read(path)
    before = find_target(document.targets(), target_id, str(path))
    given = {k: v for k, v in values.items() if v is not None}
    for key in given:
        if key in FIXED_KEYS:
            raise TargetError(
                f"{path}: target {target_id}: {key}: cannot be changed: another {key} makes another target; "
                "add it with its own id"
            )
        if key not in CHANGEABLE_KEYS:
            raise TargetError(
                f"{path}: target {target_id}: {key}: not a key a change sets ({', '.join(CHANGEABLE_KEYS)})"
            )
    if not given:
        raise TargetError(
            f"{path}: target {target_id}: nothing to change; give a new {'/'.join(CHANGEABLE_KEYS)}"
        )
    if not by.strip():
        raise TargetError(f"{path}: target {target_id}: a change needs who made it (by)")
    if not reason.strip():
        raise TargetError(f"{path}: target {target_id}: a change needs a reason; say why the target changes")
    stamp = (recorded or datetime.now(UTC)).replace(microsecond=0)
    change = {
        "effective": effective,
        "by": by,
        "reason": reason,
        "recorded": stamp,
        **{k: _plain(k, v) for k, v in given.items()},
    }
    document.append_change(target_id, change)
    after = find_target(document.checked(), target_id, str(path))
    if _in_force(after.as_of(effective)) == _in_force(before.as_of(effective)):
        words = ", ".join(f"{k} {_flow(change[k])}" for k in given)
        raise TargetError(
            f"{path}: target {target_id}: the change changes nothing: from {effective.isoformat()} it "
            f"already has {words}"
        )
    return find_target(document.write_checked(), target_id, str(path))


def _in_force(target: Target) -> dict[str, Any]:
    return {key: getattr(target, key) for key in CHANGEABLE_KEYS}


def _plain(key: str, value: Any) -> Any:
    """A value as it is written: guardrails as `{metric: name}`, tuples as lists, mappings as dicts."""
    if key == "guardrails" and isinstance(value, list | tuple):
        return [_guardrail(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _plain("", v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain("", v) for v in value]
    return value


def _guardrail(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return dict(item)
    return {"metric": item.metric if isinstance(item, Guardrail) else str(item)}


def _ordered(entry: Mapping[str, Any]) -> dict[str, Any]:
    known = {k: entry[k] for k in TARGET_KEYS if k in entry}
    return {**known, **{k: v for k, v in entry.items() if k not in known}}


def _flow(value: Any) -> str:
    """`value` written on one line, valid both as a block value and inside a flow collection."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, datetime):
        return value.isoformat()
    dumped = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=2**30).strip()
    inner = dumped[1:-1]
    # A text with line breaks: a double-quoted scalar with escapes (JSON's string is one).
    return json.dumps(value, ensure_ascii=False) if "\n" in inner else inner


def _block(values: Mapping[str, Any], dash: int, indent: int) -> str:
    """A block sequence item: `- key: value` at column `dash`, its other keys at column `indent`."""
    lines = [
        f"{' ' * (dash if number == 0 else indent)}{'- ' if number == 0 else ''}{key}: {_flow(value)}\n"
        for number, (key, value) in enumerate(values.items())
    ]
    return "".join(lines)


@dataclass
class _Document:
    """The file's text, edited by insertions, and what it takes to write it back as it was read."""

    path: Path
    text: str
    bom: bool
    newline: str

    @classmethod
    def read(cls, path: Path) -> _Document:
        if not path.exists():
            return cls(path, "", False, "\n")
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TargetError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
        document = cls(path, text, raw.startswith(codecs.BOM_UTF8), "\r\n" if "\r\n" in text else "\n")
        document.targets()
        return document

    def targets(self) -> list[Target]:
        return parse_targets(self.text, origin=str(self.path))

    def checked(self) -> list[Target]:
        """The targets of the edited text; an error names the target and key, not a line the file lacks."""
        try:
            return parse_targets(self.text, origin=str(self.path))
        except TargetError as exc:
            where = re.escape(str(self.path)) + r"(, line \d+(, column \d+)?)?: "
            raise TargetError(f"{self.path} not changed: {re.sub('^' + where, '', str(exc))}") from None

    def write_checked(self) -> list[Target]:
        """Check the edited text, then put it in place of the file in one step."""
        targets = self.checked()
        data = (codecs.BOM_UTF8 if self.bom else b"") + self.text.encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, self.path.stat().st_mode if self.path.exists() else 0o644)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return targets

    def _insert(self, at: int, text: str, *, lines: bool = True) -> None:
        """Insert `text` at `at`: whole lines (after a line break the file's last line may lack), or
        an item inside a flow collection."""
        if lines and at > 0 and self.text[at - 1] != "\n":
            text = "\n" + text
        self.text = self.text[:at] + text.replace("\n", self.newline) + self.text[at:]

    def _root(self) -> yaml.MappingNode | None:
        root = yaml.compose(self.text, Loader=yaml.SafeLoader)
        return root if isinstance(root, yaml.MappingNode) else None

    def append_target(self, values: Mapping[str, Any]) -> None:
        entry = _value_of(self._root(), "targets")
        if entry is None:
            # No file, or one with comments only (`read` has refused anything else without `targets:`).
            self._insert(len(self.text), _HEADER + _block(values, 2, 4))
        else:
            self._append_item(*entry, values)

    def append_change(self, target_id: str, change: Mapping[str, Any]) -> None:
        entry = _value_of(self._root(), "targets")
        assert entry is not None and isinstance(entry[1], yaml.SequenceNode)
        item = next(node for node in entry[1].value if _id_of(node) == target_id)
        changes = _value_of(item, "changes")
        if changes is not None:
            self._append_item(changes[0], changes[1], change)
        elif item.flow_style:
            self._insert(
                item.end_mark.index - 1,
                f"{', ' if item.value else ''}changes: [{_flow(change)}]",
                lines=False,
            )
        else:
            indent = item.start_mark.column
            at = _line_end(self.text, _content_end(item))
            self._insert(at, f"{' ' * indent}changes:\n" + _block(change, indent + 2, indent + 4))

    def _append_item(self, key: yaml.Node, node: yaml.Node, values: Mapping[str, Any]) -> None:
        """Append an item to the sequence `node`, the value of `key`: in its own style, or as the first
        item of a block sequence where the value is empty."""
        if isinstance(node, yaml.SequenceNode) and node.flow_style:
            closing = node.end_mark.index - 1
            self._insert(closing, f"{', ' if node.value else ''}{_flow(values)}", lines=False)
        elif isinstance(node, yaml.SequenceNode):
            dash = node.start_mark.column
            first = node.value[0]
            indent = first.start_mark.column if isinstance(first, yaml.MappingNode) else dash + 2
            self._insert(_line_end(self.text, _content_end(node)), _block(values, dash, indent))
        elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            # `key:` with nothing, `key: ~` or `key: null`: the written null gives way to the list.
            self.text = self.text[: node.start_mark.index] + self.text[node.end_mark.index :]
            dash = key.start_mark.column + 2
            self._insert(_line_end(self.text, key.end_mark.index), _block(values, dash, dash + 2))
        else:
            line = key.start_mark.line + 1
            raise TargetError(f"{self.path}, line {line}: `{key.value}` must be a list to add to it")


def _id_of(node: yaml.Node) -> str | None:
    found = _value_of(node, "id") if isinstance(node, yaml.MappingNode) else None
    return str(found[1].value) if found is not None else None


def _value_of(mapping: yaml.MappingNode | None, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    if mapping is None:
        return None
    for key, value in mapping.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return key, value
    return None


def _content_end(node: yaml.Node) -> int:
    """Where the last value written inside a block collection ends: the collection's own end mark lies
    past any comment that follows it, which belongs to what comes next."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return int(node.end_mark.index)


def _line_end(text: str, at: int) -> int:
    """The start of the line after the one `at` is on (or `at` itself at the start of a line)."""
    if at > 0 and text[at - 1] == "\n":
        return at
    found = text.find("\n", at)
    return len(text) if found < 0 else found + 1
