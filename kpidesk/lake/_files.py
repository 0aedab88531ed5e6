"""Where the lake's files live: a local folder, or an object store or HDFS through pyarrow.fs.

Every path the rest of the package handles is relative to the lake's root; only this module turns it
into a place on a file system. Locally, files are written by DuckDB's own Parquet writer, the manifest
is replaced with a rename and exports hold an OS file lock; on a remote file system Arrow batches from
DuckDB are written with pyarrow, the manifest is one PUT, and there is no lock (one exporter at a time
is the operator's rule there).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb

__all__ = ["LOCK_FILE", "MANIFEST_FILE", "LakeFiles", "LocalFiles", "RemoteFiles", "lake_files"]

MANIFEST_FILE = "_manifest.json"
LOCK_FILE = "_lake.lock"

#: URI schemes Spark spells differently from Arrow.
_ARROW_SCHEMES = {"s3a": "s3", "s3n": "s3"}


class LakeFiles(ABC):
    """The file operations the lake needs, on paths relative to its root."""

    def __init__(self, location: str) -> None:
        self.location = location

    def absolute(self, relative: str) -> str:
        """The path (or URI) of a file of the lake, as Spark and DuckDB are given it."""
        return f"{self.location.rstrip('/')}/{relative}"

    @abstractmethod
    def missing(self, relatives: Iterable[str]) -> list[str]:
        """Those of `relatives` that do not exist."""

    @abstractmethod
    def read_text(self, relative: str) -> str | None:
        """A small text file's contents, or None when it does not exist."""

    @abstractmethod
    def replace_text(self, relative: str, text: str) -> None:
        """Write a small text file so that a reader sees the old or the new contents, never a part."""

    @abstractmethod
    def write_query(self, con: duckdb.DuckDBPyConnection, sql: str, relative: str) -> None:
        """Write the rows of `sql` to a new Parquet file."""

    @abstractmethod
    def listing(self, relative_dir: str) -> list[str]:
        """Every file under a folder (recursively), relative to the lake's root; none when it is absent."""

    @abstractmethod
    def delete(self, relative: str) -> None:
        """Remove a file, if it is there."""

    @abstractmethod
    def delete_tree(self, relative_dir: str) -> None:
        """Remove a folder and everything in it, if it is there."""

    @abstractmethod
    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Held while the manifest is read, changed and replaced, so that two writers cannot interleave."""


class LocalFiles(LakeFiles):
    """A lake in a local folder."""

    def __init__(self, location: str) -> None:
        super().__init__(location.removeprefix("file://"))
        self.root = Path(self.location)

    def missing(self, relatives: Iterable[str]) -> list[str]:
        return [r for r in relatives if not (self.root / r).is_file()]

    def read_text(self, relative: str) -> str | None:
        try:
            return (self.root / relative).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def replace_text(self, relative: str, text: str) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def write_query(self, con: duckdb.DuckDBPyConnection, sql: str, relative: str) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        quoted = str(target).replace("'", "''")
        con.execute(f"COPY ({sql}) TO '{quoted}' (FORMAT parquet)")

    def listing(self, relative_dir: str) -> list[str]:
        folder = self.root / relative_dir
        if not folder.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in folder.rglob("*") if p.is_file())

    def delete(self, relative: str) -> None:
        """Remove the file, and the folders it leaves empty (a partition gone, a source gone)."""
        path = self.root / relative
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == self.root or self.root not in folder.parents:
                break
            try:
                folder.rmdir()
            except OSError:
                break

    def delete_tree(self, relative_dir: str) -> None:
        shutil.rmtree(self.root / relative_dir, ignore_errors=True)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"waiting for another process writing the lake at {self.root}…", file=sys.stderr)
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


class RemoteFiles(LakeFiles):
    """A lake on a file system pyarrow reaches by URI (s3://, s3a://, gs://, hdfs://)."""

    def __init__(self, location: str) -> None:
        from pyarrow import fs

        super().__init__(location)
        scheme, rest = location.split("://", 1)
        self.fs, self.base = fs.FileSystem.from_uri(f"{_ARROW_SCHEMES.get(scheme, scheme)}://{rest}")

    def _path(self, relative: str) -> str:
        return f"{self.base.rstrip('/')}/{relative}"

    def missing(self, relatives: Iterable[str]) -> list[str]:
        from pyarrow import fs

        wanted = list(relatives)
        infos = self.fs.get_file_info([self._path(r) for r in wanted])
        return [r for r, info in zip(wanted, infos, strict=True) if info.type != fs.FileType.File]

    def read_text(self, relative: str) -> str | None:
        try:
            with self.fs.open_input_stream(self._path(relative)) as stream:
                return bytes(stream.read()).decode("utf-8")
        except FileNotFoundError:
            return None

    def _parent_made(self, relative: str) -> str:
        """The path of `relative`, its folder made first (a no-op on object stores, needed on HDFS)."""
        path = self._path(relative)
        self.fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
        return path

    def replace_text(self, relative: str, text: str) -> None:
        with self.fs.open_output_stream(self._parent_made(relative)) as out:
            out.write(text.encode("utf-8"))

    def write_query(self, con: duckdb.DuckDBPyConnection, sql: str, relative: str) -> None:
        import pyarrow.parquet as pq

        reader: Any = con.sql(sql).to_arrow_reader()
        with pq.ParquetWriter(self._parent_made(relative), reader.schema, filesystem=self.fs) as writer:
            for batch in reader:
                writer.write_batch(batch)

    def listing(self, relative_dir: str) -> list[str]:
        from pyarrow import fs

        selector = fs.FileSelector(self._path(relative_dir), recursive=True, allow_not_found=True)
        prefix = self.base.rstrip("/") + "/"
        return sorted(
            info.path.removeprefix(prefix)
            for info in self.fs.get_file_info(selector)
            if info.type == fs.FileType.File
        )

    def delete(self, relative: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.fs.delete_file(self._path(relative))

    def delete_tree(self, relative_dir: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.fs.delete_dir(self._path(relative_dir))

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


def lake_files(location: str) -> LakeFiles:
    """The file layer of a lake: local for a path (or file://), remote for any other URI."""
    if "://" in location and not location.startswith("file://"):
        return RemoteFiles(location)
    return LocalFiles(location)
