"""docs/importers.md, generated from the formats themselves so that it cannot fall behind them."""

from __future__ import annotations

from kpidesk.ingest.exports._format import ExportFormat
from kpidesk.ingest.exports._registry import EXPORT_FORMATS

__all__ = ["importers_markdown"]

_INTRO = """\
# Importers

Generated from the formats in `kpidesk/ingest/exports/formats/` by `make docs`
(`kpidesk formats --as markdown`); a test fails if this file falls behind.

`kpidesk import FILE… --format NAME` reads the export of one system — in as many files as it comes in —
into every canonical table it feeds (see [architecture.md](architecture.md)), with no mapping to write.
All files and tables are one transaction: a problem with any file leaves the warehouse as it was. Each
table gets its own import summary (read · inserted · updated · unchanged · rejected) and its own row in
`imports`. Rows a format cannot use, and rows it repairs, are in `rejected_rows` with the export's file,
line, column and the reason; nothing is dropped silently. Importing the same export again changes
nothing; a newer export of the same system updates what changed. `--source` names the system (default:
the format's name).

```sh
kpidesk import incident_event_log.csv --format servicenow -w ./acme
kpidesk import tickets.json audits.json satisfaction_ratings.json --format zendesk -w ./acme
kpidesk import august_calls_1999.csv --format call-log \\
  --mapping examples/mappings/anonymous-bank.yaml -w ./acme
```

Timestamps written without an offset are read in the zone given by `--timezone`, else by `timezone:` in a
mapping file, else in the format's own zone when its exports are documented in one (below: UTC for APIs
that write `Z` or Unix time), else in the workspace's zone. The import summary names the zone it used.

## Mapping files for a format

A format reads the columns its system writes. When an export names them otherwise, or a value needs
another meaning, a mapping file (`--mapping FILE.yaml`) says so. Its keys, all optional:

| key | meaning |
| --- | --- |
| `source` | the source name stored on every row (`--source` wins) |
| `timezone` | IANA zone of timestamps without an offset |
| `encoding` | text encoding of the files, e.g. `windows-1255` |
| `delimiter` | CSV field separator |
| `columns` | `{role: "File column"}`: where the file keeps what the format calls `role` (roles below) |
| `values` | `{canonical_column: {"emitted value": canonical value}}`, applied before validation |
| `settings` | the format's own settings (below) |

| format | reads | writes | time zone |
| --- | --- | --- | --- |
"""


#: How a format without a documented zone reads naive timestamps.
_WORKSPACE_ZONE = "the workspace's"


def importers_markdown() -> str:
    formats = [EXPORT_FORMATS[name] for name in sorted(EXPORT_FORMATS)]
    lines = [_INTRO.rstrip("\n")]
    for export in formats:
        lines.append(
            f"| [`{export.name}`](#{_anchor(export)}) | {' '.join(f'`{s}`' for s in export.suffixes)} | "
            f"{', '.join(export.kinds)} | {export.timezone or 'workspace'} |"
        )
    for export in formats:
        lines += ["", *_section(export)]
    return "\n".join(lines) + "\n"


def _anchor(export: ExportFormat) -> str:
    return f"{export.name}"


def _section(export: ExportFormat) -> list[str]:
    out = [
        f'<a id="{_anchor(export)}"></a>',
        "",
        f"## {export.title} (`--format {export.name}`)",
        "",
        _sentence(export.description),
        "",
        f"Reads {', '.join(f'`{s}`' for s in export.suffixes)} files; writes {', '.join(export.kinds)}. "
        f"Default time zone: {export.timezone or _WORKSPACE_ZONE}.",
    ]
    if export.roles:
        out += ["", "| role | column | required | what |", "| --- | --- | --- | --- |"]
        for role in export.roles:
            column = f"`{role.default}`" + "".join(f" or `{a}`" for a in role.aliases)
            out.append(
                f"| `{role.name}` | {column} | {'yes' if role.required else 'no'} | {role.description} |"
            )
    if export.settings:
        out += ["", "Settings (`settings:` in a mapping file):", ""]
        out += [f"- `{name}`: {text}" for name, text in export.settings.items()]
    if export.documentation.strip():
        out += ["", export.documentation.strip()]
    if export.figures:
        out += [
            "",
            "**The system's own figures**, kept in `source_figures` beside what kpidesk derives "
            "(`kpidesk reconcile` compares them; see [reconcile.md](reconcile.md)):",
            "",
            "| figure | per | from | what | precision |",
            "| --- | --- | --- | --- | --- |",
        ]
        for figure in export.figures:
            step = f"{figure.precision_s:g} s" if figure.precision_s else "exact"
            out.append(
                f"| `{figure.name}` | {figure.unit_kind} | `{figure.field}` | {figure.description} | {step} |"
            )
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
