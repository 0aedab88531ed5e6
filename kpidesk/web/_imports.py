"""Importing from the web, for administrators: uploaded files kept under the workspace (`uploads/`),
imported as `kpidesk import` imports them, and what every import did, with a way back (undo).

The uploads stay where they were saved, so an import can be looked at or run again later; their names
are reduced to a plain file name (no folders, no `..`) and their size is limited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.views import Audience, Forbidden

__all__ = [
    "UPLOADS_DIR",
    "UPLOAD_LIMIT_BYTES",
    "ImportChoice",
    "ImportOutcome",
    "import_choices",
    "import_history",
    "import_uploads",
    "rejected_of",
    "safe_file_name",
    "save_uploads",
    "undo",
]

UPLOADS_DIR = "uploads"
#: The largest file the Import page takes; bigger exports are imported with `kpidesk import`.
UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024
_CHUNK = 1024 * 1024
_NAME_LENGTH = 120


class UploadTooLarge(InvalidRequest):
    """An uploaded file over the size limit; nothing was saved or imported."""

    def __init__(self, name: str, limit: int) -> None:
        super().__init__(
            f"{name} is larger than {limit / 1024 / 1024:g} MB, the most the Import page takes; "
            "import it with `kpidesk import` in a terminal"
        )
        self.name = name
        self.limit = limit


@dataclass(frozen=True)
class ImportChoice:
    """What the uploaded files hold: one canonical table's rows (`kind`) or one system's export
    (`export`, a built-in format that feeds several tables)."""

    value: str
    is_export: bool


def import_choices() -> list[ImportChoice]:
    """The tables a file can be imported into, then the built-in exports (docs/importers.md)."""
    from kpidesk.ingest.exports import EXPORT_FORMATS
    from kpidesk.warehouse import CANONICAL_TABLES

    # Source figures come with a system's export, never as a file of their own.
    kinds = [ImportChoice(t.kind, False) for t in CANONICAL_TABLES if t.kind != "figures"]
    return kinds + [ImportChoice(name, True) for name in sorted(EXPORT_FORMATS)]


def _check_admin(audience: Audience) -> None:
    if audience.role != "admin":
        raise Forbidden("importing is for administrators")


def safe_file_name(name: str) -> str:
    """`name` as a plain file name: the last part of any path, only letters, digits, `.`, `-` and `_`,
    not starting with a dot, at most `_NAME_LENGTH` characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.-]+", "_", base).lstrip("._")
    if len(base) > _NAME_LENGTH:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[: _NAME_LENGTH - len(suffix) - 1] + dot + suffix) if dot else base[:_NAME_LENGTH]
    return base or "upload"


def save_uploads(
    audience: Audience,
    workspace: Path,
    uploads: Iterable[tuple[str, IO[bytes]]],
    *,
    limit_bytes: int = UPLOAD_LIMIT_BYTES,
) -> list[Path]:
    """Save each (name, stream) in a new folder `uploads/<UTC time>/` of the workspace; a file over
    `limit_bytes` removes the folder and raises UploadTooLarge naming it."""
    _check_admin(audience)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = workspace / UPLOADS_DIR / stamp
    folder.mkdir(parents=True, exist_ok=False)
    saved: list[Path] = []
    try:
        for name, stream in uploads:
            target = _free_path(folder, safe_file_name(name))
            size = 0
            with target.open("wb") as out:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > limit_bytes:
                        raise UploadTooLarge(safe_file_name(name), limit_bytes)
                    out.write(chunk)
            saved.append(target)
    except BaseException:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        raise
    return saved


def _free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `name-2`, `name-3`… when two uploads share a name."""
    path = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path


@dataclass(frozen=True)
class ImportOutcome:
    """What one import from the web did: a summary per table it wrote (ImportSummary) and the rows
    rejected or repaired (`kpidesk.rejected`'s columns)."""

    summaries: list[Any]
    rejected: pd.DataFrame

    @property
    def import_ids(self) -> list[int]:
        return [s.import_id for s in self.summaries]


def import_uploads(
    audience: Audience,
    workspace: Any,
    files: list[Path],
    choice: str,
    *,
    mapping: Path | None = None,
    source: str | None = None,
) -> ImportOutcome:
    """Import saved uploads as `kpidesk import` does (`choice`: a table or a built-in export), without
    waiting for an import another process is running (ImportRunning says which)."""
    import kpidesk

    _check_admin(audience)
    chosen = {c.value: c for c in import_choices()}.get(choice)
    if chosen is None:
        expected = ", ".join(c.value for c in import_choices())
        raise InvalidRequest(f"expected what the files hold, one of {expected}; got {choice!r}")
    if not files:
        raise InvalidRequest("choose at least one file to import")
    if chosen.is_export:
        summaries = kpidesk.import_export(
            files, choice, workspace=workspace, mapping=mapping, source=source or None, wait=False
        )
    else:
        summary = kpidesk.import_files(
            files, choice, workspace=workspace, mapping=mapping, source=source or None, wait=False
        )
        summaries = [summary]
    rejected = pd.concat(
        [kpidesk.rejected(workspace, import_id=s.import_id) for s in summaries], ignore_index=True
    )
    return ImportOutcome(summaries, rejected)


def import_history(audience: Audience, workspace: Any) -> pd.DataFrame:
    """Every import, newest first (`kpidesk.imports`' columns)."""
    import kpidesk

    _check_admin(audience)
    return kpidesk.imports(workspace).iloc[::-1].reset_index(drop=True)


def rejected_of(audience: Audience, workspace: Any, import_id: int) -> pd.DataFrame:
    """The rows import `import_id` rejected or repaired."""
    import kpidesk

    _check_admin(audience)
    return kpidesk.rejected(workspace, import_id=import_id)


def undo(audience: Audience, workspace: Any, import_id: int) -> Any:
    """Undo import `import_id` (and the others of the same command): `kpidesk.undo_import`, without
    waiting for an import another process is running."""
    import kpidesk

    _check_admin(audience)
    return kpidesk.undo_import(import_id, workspace=workspace, wait=False)
