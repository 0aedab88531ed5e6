"""Threaded public conversations (a brand's social-media support): each customer-started thread a ticket.

A dump of posts links each one to the post it answers. A thread is found by walking those links from
its first post down, with a recursive query in DuckDB; its posts become messages of one ticket, so the
usual first-reply and reply-time KPIs apply to public social support, per brand.

Dumps written by other tools are often slightly broken: pandas-written CSVs of the Kaggle TWCS data
keep a bare carriage return inside an unquoted text field, which splits the row for every CSV reader,
and heads of large files end in the middle of a row. Both are repaired on a copy with the same line
numbers before reading, and every repaired or dropped row is listed in rejected_rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from kpidesk.ingest._binding import Binding
from kpidesk.ingest._convert import BOOLEAN_FALSE, BOOLEAN_TRUE, type_reason, typed
from kpidesk.ingest._encoding import CHUNK_BYTES
from kpidesk.ingest._sql import ident, literal
from kpidesk.ingest.exports._file_rows import emit_by_file, reject_problems
from kpidesk.ingest.exports._format import ExportContext, ExportFormat, Role, SourceTable, blank
from kpidesk.warehouse import Column

__all__ = ["FORMAT"]

#: The TWCS layout of `created_at`: "Tue Oct 31 22:10:47 +0000 2017".
TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"

ROLES = (
    Role("post", "tweet_id", description="post id", aliases=("post_id", "id")),
    Role(
        "author",
        "author_id",
        description="author: the brand's handle, or the customer's id",
        aliases=("author",),
    ),
    Role("inbound", "inbound", description="true for a customer's post, false for the brand's"),
    Role("created", "created_at", description="when it was posted"),
    Role(
        "reply_to",
        "in_response_to_tweet_id",
        description="the post it answers (empty: none)",
        aliases=("in_reply_to", "parent_id"),
    ),
    Role("text", "text", required=False, description="the post's text (a thread's first is its subject)"),
)

SETTINGS = {
    "channel": "the tickets' channel (default twitter)",
    "timestamp_format": f"strptime format of created_at (default {TWITTER_TIME}; ISO 8601 is always read)",
}

_CR = re.compile(rb"\r")


@dataclass
class _Scan:
    """What reading the raw bytes found: bare carriage returns outside quotes and a cut-off last row."""

    header: list[str] = field(default_factory=list)
    #: Byte offsets of carriage returns that end no line and sit outside quotes.
    bare: list[int] = field(default_factory=list)
    #: Line of each row holding such a carriage return → index of the field holding it.
    bare_rows: dict[int, int] = field(default_factory=dict)
    #: The last row when the file ends inside it: (byte offset, line, fields found, its text).
    cut: tuple[int, int, int, str] | None = None


def _fields(data: bytes, encoding: str, delimiter: str) -> list[str]:
    text = data.decode(encoding, errors="replace").replace("\r", " ")
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])


def _scan(path: Path, encoding: str, delimiter: str) -> _Scan:
    """Find bare carriage returns outside quotes and whether the last row is complete, line by line.

    A quoted field may span lines, so a line starts a row only when the quotes before it are balanced.
    """
    found = _Scan()
    offset, line, in_quotes = 0, 0, False
    record: list[bytes] = []
    record_line, record_offset = 1, 0
    with path.open("rb") as fh:
        for raw in fh:
            line += 1
            if not in_quotes and raw.strip():
                if line == 2:
                    found.header = _fields(b"".join(record), encoding, delimiter)
                record, record_line, record_offset = [], line, offset
            if b"\r" in raw:
                for match in _CR.finditer(raw):
                    p = match.start()
                    inside = in_quotes ^ (raw.count(b'"', 0, p) % 2 == 1)
                    if raw[p + 1 : p + 2] != b"\n" and not inside:
                        found.bare.append(offset + p)
                        prefix = b"".join(record) + raw[:p]
                        found.bare_rows.setdefault(record_line, len(_fields(prefix, encoding, delimiter)) - 1)
            record.append(raw)
            if raw.count(b'"') % 2:
                in_quotes = not in_quotes
            offset += len(raw)
    if line == 1:
        found.header = _fields(b"".join(record), encoding, delimiter)
    elif record_line > 1 and record:
        last = b"".join(record)
        got = _fields(last, encoding, delimiter)
        if in_quotes or len(got) < len(found.header):
            shown = last.decode(encoding, errors="replace").strip()
            found.cut = (record_offset, record_line, len(got), shown)
    return found


def _repaired_copy(source: Path, target: Path, scan: _Scan) -> None:
    """`source` with each bare carriage return made a space and a cut-off last row left out."""
    end = scan.cut[0] if scan.cut is not None else source.stat().st_size
    bare = iter(scan.bare)
    pending = next(bare, None)
    offset = 0
    with source.open("rb") as fh, target.open("wb") as out:
        while offset < end and (chunk := fh.read(min(CHUNK_BYTES, end - offset))):
            data = bytearray(chunk)
            while pending is not None and pending < offset + len(data):
                data[pending - offset] = ord(" ")
                pending = next(bare, None)
            out.write(data)
            offset += len(data)


def _read(ctx: ExportContext, path: Path, number: int) -> tuple[SourceTable, _Scan]:
    encoding = ctx.options.encoding or "utf-8-sig"
    scan = _scan(path, encoding, ctx.options.delimiter or ",")
    if not scan.bare and scan.cut is None:
        return ctx.read(path, ROLES), scan
    copy = ctx.workdir / f"repaired-{number}{path.suffix}"
    _repaired_copy(path, copy, scan)
    return ctx.read(copy, ROLES, display=str(path)), scan


def _report_repairs(ctx: ExportContext, src: SourceTable, scan: _Scan) -> None:
    header = scan.header
    for line, index in sorted(scan.bare_rows.items()):
        name = header[index] if 0 <= index < len(header) else f"field {index + 1}"
        value = None
        if name in src.staged.columns:
            query = f"SELECT {ident(name)} FROM {src.table} WHERE {src.line} = {line}"
            row = ctx.con.execute(query).fetchall()
            value = row[0][0] if row else None
        ctx.repair(
            "events", src.display, line, name, value,
            "repaired, not dropped: a carriage return (\\r) inside this unquoted field split the row in "
            "two; it was read with each such \\r as a space and imported",
        )  # fmt: skip
    if scan.bare_rows:
        lines = ", ".join(str(n) for n in sorted(scan.bare_rows))
        ctx.warn(
            f"{src.display}: {len(scan.bare_rows)} row(s) had a bare carriage return (\\r) in an unquoted "
            f"field (line {lines}); read with a space instead and imported; they are also listed in "
            "rejected_rows as repaired"
        )
    if scan.cut is not None:
        _, line, got, shown = scan.cut
        # The cut falls in the last field the row still has.
        where = header[min(max(got, 1), len(header)) - 1] if header else "?"
        ctx.reject(
            "events", src.display, line, where, shown[:200],
            f"the file ends in the middle of this row ({got} of {len(header)} fields, or a quote never "
            "closed): the row is cut off, so it is left out",
        )  # fmt: skip


def _id(sql: str) -> str:
    """A post id as text; pandas writes integer ids of a column with gaps as floats ("3.0")."""
    return f"nullif(regexp_replace(trim({sql}), '^([0-9]+)\\.0*$', '\\1'), '')"


def _stage(ctx: ExportContext, src: SourceTable, number: int, posts: str) -> None:
    created = blank(src.col("created"))
    role = src.roles
    strptime = Binding(Column("at", "TIMESTAMP"), "column", (role["created"],), formats=(_format(ctx),))
    iso = Binding(Column("at", "TIMESTAMP"), "column", (role["created"],))
    zone = ctx.options.timezone
    inbound = f"lower(trim({src.col('inbound')}))"
    true, false = (", ".join(map(literal, values)) for values in (BOOLEAN_TRUE, BOOLEAN_FALSE))
    ctx.con.execute(
        f"INSERT INTO {posts} SELECT {number}, {src.line}, {_id(src.col('post'))}, "
        f"{blank(src.col('author'))}, {blank(src.col('inbound'))}, "
        f"CASE WHEN {inbound} IN ({true}) THEN true WHEN {inbound} IN ({false}) THEN false END, "
        f"{created}, coalesce({typed(strptime, created, zone)}, {typed(iso, created, zone)}), "
        f"{blank(src.col('reply_to'))}, {_id(src.col('reply_to'))}, {src.col('text')} "
        f"FROM {src.table}"
    )


def _check(ctx: ExportContext, sources: list[SourceTable], posts: str) -> str:
    """The posts with the first problem of each (NULL when it has none), as a new table.

    A post id seen again is a problem only among otherwise good rows, so that a broken first copy does
    not push out a good second one.
    """
    role = sources[0].roles
    strptime = Binding(Column("at", "TIMESTAMP"), "column", (role["created"],), formats=(_format(ctx),))
    files = " ".join(f"WHEN {n} THEN {literal(s.display)}" for n, s in enumerate(sources))
    own = (
        "CASE WHEN post_id IS NULL THEN 'no post id' WHEN author IS NULL THEN 'no author' "
        "WHEN inbound_text IS NULL THEN 'no inbound flag: it is unknown whether the customer or the "
        "brand wrote it' "
        "WHEN inbound IS NULL THEN 'expected true or false (whether a customer wrote it), got ' "
        "|| '''' || inbound_text || '''' "
        "WHEN at_text IS NULL THEN 'no time: the post cannot be placed in its thread' "
        f"WHEN posted_at IS NULL THEN {type_reason(strptime, 'at_text')} END"
    )
    column = (
        f"CASE WHEN post_id IS NULL THEN {literal(role['post'])} WHEN author IS NULL THEN "
        f"{literal(role['author'])} WHEN inbound IS NULL THEN {literal(role['inbound'])} "
        f"WHEN posted_at IS NULL THEN {literal(role['created'])} ELSE {literal(role['post'])} END"
    )
    value = (
        "CASE WHEN post_id IS NULL OR author IS NULL THEN NULL WHEN inbound IS NULL THEN inbound_text "
        "WHEN posted_at IS NULL THEN at_text ELSE post_id END"
    )
    before = "PARTITION BY post_id ORDER BY file_no, line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    duplicate = (
        f"'post ' || post_id || ' appears again; the row at ' || CASE first_file {files} END || ' line ' "
        "|| first_line || ' is kept'"
    )
    checked = ctx.temp_name("checked_posts")
    ctx.con.execute(
        f"CREATE TEMP TABLE {checked} AS WITH base AS (SELECT *, {own} AS own_problem, "
        f"{column} AS problem_column, {value} AS problem_value FROM {posts}), "
        f"good AS (SELECT *, first_value(file_no) OVER ({before}) AS first_file, "
        f"first_value(line) OVER ({before}) AS first_line FROM base WHERE own_problem IS NULL) "
        "SELECT * EXCLUDE (own_problem, first_file, first_line), "
        f"CASE WHEN first_line IS NOT NULL THEN {duplicate} END AS problem FROM good "
        "UNION ALL BY NAME SELECT * EXCLUDE (own_problem), own_problem AS problem FROM base "
        "WHERE own_problem IS NOT NULL"
    )
    return checked


def _format(ctx: ExportContext) -> str:
    return str(ctx.options.settings.get("timestamp_format") or TWITTER_TIME)


def _convert(ctx: ExportContext, files: list[Path]) -> None:
    posts = ctx.temp_name("posts")
    ctx.con.execute(
        f"CREATE TEMP TABLE {posts} (file_no INTEGER, line BIGINT, post_id VARCHAR, author VARCHAR, "
        "inbound_text VARCHAR, inbound BOOLEAN, at_text VARCHAR, posted_at TIMESTAMP, parent_text VARCHAR, "
        "parent_id VARCHAR, text VARCHAR)"
    )
    sources: list[SourceTable] = []
    for number, path in enumerate(files):
        src, scan = _read(ctx, path, number)
        _report_repairs(ctx, src, scan)
        _stage(ctx, src, number, posts)
        sources.append(src)
    checked = _check(ctx, sources, posts)
    reject_problems(ctx, "events", sources, checked, "problem")

    threads = ctx.temp_name("threads")
    ctx.con.execute(
        f"CREATE TEMP TABLE {threads} AS WITH RECURSIVE valid AS ("
        f"  SELECT * EXCLUDE (problem, problem_column, problem_value) FROM {checked} WHERE problem IS NULL"
        "), walk(post_id, root_id) AS ("
        "  SELECT post_id, post_id FROM valid WHERE parent_id IS NULL "
        "  OR parent_id NOT IN (SELECT post_id FROM valid) "
        "  UNION ALL "
        "  SELECT c.post_id, w.root_id FROM valid AS c JOIN walk AS w ON c.parent_id = w.post_id"
        ") SELECT v.*, w.root_id, r.inbound AS root_inbound, r.author AS root_author, "
        "r.parent_id AS root_parent FROM valid AS v LEFT JOIN walk AS w USING (post_id) "
        "LEFT JOIN valid AS r ON r.post_id = w.root_id"
    )
    loop_reason = (
        "'its chain of replies (' || post_id || ' answers ' || parent_id || ') loops back on itself "
        "and never reaches a first post'"
    )
    brand_reason = (
        "CASE WHEN root_parent IS NULL THEN 'in a thread the brand ' || root_author || ' started (post ' "
        "|| root_id || ' answers nothing): not a customer''s contact, so no ticket' "
        "ELSE 'in a thread whose first post in the file is the brand ' || root_author || '''s reply (post ' "
        "|| root_id || ') to post ' || root_parent || ', which is not in the file: no customer post starts "
        "it, so no ticket' END"
    )
    for file_no, line, value, reason in ctx.con.execute(
        f"SELECT file_no, line, parent_text, CASE WHEN root_id IS NULL THEN {loop_reason} "
        f"ELSE {brand_reason} END FROM {threads} WHERE root_id IS NULL OR NOT root_inbound "
        "ORDER BY file_no, line"
    ).fetchall():
        src = sources[file_no]
        ctx.reject("events", src.display, int(line), src.roles["reply_to"], value, str(reason))

    _emit(ctx, sources, threads)


def _emit(ctx: ExportContext, sources: list[SourceTable], threads: str) -> None:
    channel = str(ctx.options.settings.get("channel") or "twitter")
    kept = f"(SELECT * FROM {threads} WHERE root_inbound)"
    thread = "PARTITION BY root_id ORDER BY posted_at, file_no, line"
    answers = ctx.temp_name("answers")
    ctx.con.execute(
        f"CREATE TEMP TABLE {answers} AS SELECT *, lag(author) OVER ({thread}) AS previous_brand, "
        f"row_number() OVER ({thread}) AS answer FROM {kept} WHERE NOT inbound"
    )
    brands = (
        f"(SELECT lower(author) AS handle, min(author) AS brand FROM {threads} WHERE NOT inbound GROUP BY 1)"
    )
    mentioned = (
        "SELECT root_id, brand FROM (SELECT post_id AS root_id, unnest(m) AS mention, "
        "generate_subscripts(m, 1) AS i FROM (SELECT post_id, "
        f"regexp_extract_all(coalesce(text, ''), '@([A-Za-z0-9_]+)', 1) AS m FROM {kept} "
        f"WHERE post_id = root_id)) JOIN {brands} AS b ON lower(mention) = b.handle "
        "QUALIFY row_number() OVER (PARTITION BY root_id ORDER BY i) = 1"
    )
    tickets = (
        f"SELECT r.post_id AS ticket_id, r.posted_at AS created_at, {literal(channel)} AS channel, "
        "r.author AS customer_id, a.author AS agent_id, coalesce(a.author, m.brand) AS team_id, "
        f"r.text AS subject, r.file_no, r.line FROM {kept} AS r "
        f"LEFT JOIN (SELECT root_id, author FROM {answers} WHERE answer = 1) AS a ON a.root_id = r.post_id "
        f"LEFT JOIN ({mentioned}) AS m ON m.root_id = r.post_id WHERE r.post_id = r.root_id"
    )
    events = (
        "SELECT post_id AS event_id, root_id AS ticket_id, posted_at AS \"at\", 'message' AS kind, "
        "CASE WHEN inbound THEN 'customer' ELSE 'agent' END AS actor_type, author AS actor_id, "
        "true AS public, NULL::VARCHAR AS agent_id, NULL::VARCHAR AS team_id, file_no, line "
        f"FROM {kept} UNION ALL "
        "SELECT post_id || '.assign', root_id, posted_at, 'assign', 'agent', author, NULL, author, author, "
        f"file_no, line FROM {answers} WHERE previous_brand IS DISTINCT FROM author"
    )
    ticket_table, event_table = ctx.temp_name("thread_tickets"), ctx.temp_name("thread_events")
    ctx.con.execute(f"CREATE TEMP TABLE {ticket_table} AS {tickets}")
    ctx.con.execute(f"CREATE TEMP TABLE {event_table} AS {events}")
    emit_by_file(ctx, sources, (("tickets", ticket_table, "line"), ("events", event_table, "line")))


FORMAT = ExportFormat(
    name="social-threads",
    title="Social-media threads",
    description=(
        "Public conversations between customers and brands, one row per post with the post it answers; "
        'the defaults read the Kaggle "Customer Support on Twitter" (TWCS) CSV.'
    ),
    kinds=("tickets", "events"),
    convert=_convert,
    roles=ROLES,
    settings=SETTINGS,
    documentation="""\
Posts are linked into threads by `in_response_to_tweet_id` (pandas' `3.0` is read as `3`), walked down
from each thread's first post with a recursive query. A thread's first post is one that answers nothing,
or answers a post that is not in the import (the head of a larger dump cuts threads off). A thread whose
first post is a customer's (inbound) is a ticket; a thread the brand started — a marketing post and the
replies to it, or a brand reply whose question is not in the file — is not a customer's contact: its
posts are listed in `rejected_rows` with that reason, and no ticket is made. `response_tweet_id` is the
same links seen from the other end and is not read.

**tickets**

| ticket column | from |
| --- | --- |
| `ticket_id` | the first post's id |
| `created_at` | the first post's `created_at` |
| `customer_id` | the first post's author |
| `subject` | the first post's text |
| `agent_id` | the brand that answered first (its handle) |
| `team_id` | the same brand; if unanswered, the first brand @-mentioned in the first post (below) |
| `channel` | `twitter` (setting `channel`) |

So that KPIs by team are per brand, an unanswered thread goes to the first handle its first post
@-mentions that is a brand, i.e. writes outbound posts somewhere in the import.

**events**: each post is a public `message` (event id = post id) by its author, actor `customer` when
`inbound` is true, `agent` when false. Each time another brand answers in the same thread (two brands
answering one customer), an `assign` event (`<post>.assign`) carries that brand as `agent_id` and
`team_id`: the first is the initial assignment, later ones count as reassignments. The first reply time
is from the first post to the first brand reply; reply time covers every later exchange.

Lost: statuses (a public thread is never solved or closed, so resolution KPIs stay empty), the brand's
private messages that threads often move to, and the text of every post but the first.

Rows repaired or left out, all in `rejected_rows` (kind events) with file, line, column and reason:
a carriage return (`\\r`) inside an unquoted field — it splits the row for every CSV reader — is read as
a space on a copy with the same line numbers and the row **is imported**; it is listed in
`rejected_rows` as *repaired* so that the change is on record, and the summary counts it as repaired,
not rejected (besides a warning). A last row the file cuts off (fewer fields than the header, or a
quote never closed) is left out. Posts without an id, an
author, an `inbound` flag (`True`/`False`) or a readable time, a post id seen before (the first row
is kept) and replies that loop back on themselves are left out; replies to a post left out start their
own thread.

`created_at` is read as `Tue Oct 31 22:10:47 +0000 2017` (its offset applies) or ISO 8601; timestamps
without an offset are read in the workspace's zone unless `--timezone` (or `timezone:` in a mapping file)
says otherwise;
another layout takes `settings: {timestamp_format: "..."}`.
""",
)
