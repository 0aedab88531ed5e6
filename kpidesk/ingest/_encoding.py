"""Text encodings. DuckDB reads UTF-8 only (its `encodings` extension cannot be downloaded here), so a
declared legacy encoding such as windows-1255 is transcoded to a temporary UTF-8 file first, in chunks,
with Python's codecs; and a file that is not UTF-8 is reported at its first bad byte.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

from kpidesk.ingest._errors import ImportFailed

__all__ = [
    "CHUNK_BYTES",
    "check_encoding",
    "first_undecodable",
    "is_utf8",
    "not_utf8_error",
    "transcode_to_utf8",
]

CHUNK_BYTES = 1 << 20


def check_encoding(encoding: str) -> str:
    """The codec's canonical name; an unknown name is an ImportFailed."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ImportFailed(
            f"unknown encoding {encoding!r}; expected e.g. utf-8, windows-1255 (Hebrew) or "
            "windows-1256 (Arabic)"
        ) from None


def is_utf8(encoding: str | None) -> bool:
    return encoding is None or check_encoding(encoding) in ("utf-8", "utf-8-sig")


def transcode_to_utf8(
    path: Path, encoding: str, dest: Path, display: str, advance: Callable[[int], None]
) -> None:
    """Write `path`, decoded from `encoding`, to `dest` as UTF-8 without ever holding the whole file."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with path.open("rb") as src, dest.open("w", encoding="utf-8", newline="") as out:
        while chunk := src.read(CHUNK_BYTES):
            try:
                out.write(decoder.decode(chunk))
            except UnicodeDecodeError:
                raise _undecodable_error(path, encoding, display) from None
            advance(len(chunk))
        try:
            out.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            raise _undecodable_error(path, encoding, display) from None


def first_undecodable(path: Path, encoding: str) -> tuple[int, int, int] | None:
    """(line, column, byte) of the first byte `encoding` cannot decode, 1-based; None if all decode."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    fed = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(CHUNK_BYTES)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return _position(path, fed - pending + exc.start, encoding)
            if not chunk:
                return None
            fed += len(chunk)


def not_utf8_error(path: Path, display: str) -> ImportFailed:
    """The message for an undeclared non-UTF-8 file, pointing at the byte and at `--encoding`."""
    where = first_undecodable(path, "utf-8")
    at = f"line {where[0]}, column {where[1]} has the byte 0x{where[2]:02X}" if where else "it has bytes"
    return ImportFailed(
        f"{display} is not valid UTF-8: {at}. If it was saved by Excel in Hebrew or Arabic, declare the "
        "encoding: --encoding windows-1255 (Hebrew) or --encoding windows-1256 (Arabic), or `encoding:` in "
        "the mapping"
    )


def _undecodable_error(path: Path, encoding: str, display: str) -> ImportFailed:
    where = first_undecodable(path, encoding)
    at = f"line {where[0]}, column {where[1]} has the byte 0x{where[2]:02X}" if where else "it ends early"
    return ImportFailed(
        f"{display} is not valid {encoding}: {at}, which {encoding} does not define; "
        "check the declared encoding"
    )


def _position(path: Path, offset: int, encoding: str) -> tuple[int, int, int]:
    """Line and column (in characters) of a byte offset, counting only what precedes it."""
    line, line_start, done = 1, 0, 0
    with path.open("rb") as fh:
        while done < offset:
            chunk = fh.read(min(CHUNK_BYTES, offset - done))
            if not chunk:
                break
            line += chunk.count(b"\n")
            last = chunk.rfind(b"\n")
            if last >= 0:
                line_start = done + last + 1
            done += len(chunk)
        fh.seek(line_start)
        before = fh.read(offset - line_start)
        bad = fh.read(1)
    column = len(before.decode(encoding, errors="replace")) + 1
    return line, column, bad[0] if bad else 0
