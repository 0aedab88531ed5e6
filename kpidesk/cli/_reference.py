"""docs/cli.md: every command's help, generated from the command line itself (`make docs`), so that the
reference cannot drift from the options."""

from __future__ import annotations

from collections.abc import Iterator

import click

__all__ = ["cli_reference_markdown"]

_WIDTH = 100


def _commands(
    command: click.Command, parent: click.Context | None, name: str
) -> Iterator[tuple[str, click.Context]]:
    settings = {**command.context_settings, "terminal_width": _WIDTH, "max_content_width": _WIDTH}
    ctx = click.Context(command, info_name=name, parent=parent, **settings)
    yield ctx.command_path, ctx
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None:
                yield from _commands(sub, ctx, sub_name)


def cli_reference_markdown() -> str:
    """The help of `kpidesk` and of each of its commands, in command order."""
    from kpidesk.cli import main

    parts = [
        "# Command-line reference",
        "",
        "Generated from the commands' own help by `make docs` (`python -m kpidesk.cli._reference`); a test "
        "fails if this file falls behind.",
        "",
    ]
    for path, ctx in _commands(main, None, "kpidesk"):
        parts += [f"## `{path}`", "", "```text", ctx.command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(cli_reference_markdown(), end="")
