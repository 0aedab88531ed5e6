"""`kpidesk users`: the users of the web app (`add`, `passwd`, `remove`, `list`) and their API tokens
(`token`, `tokens`, `revoke`), kept in the workspace's accounts.sqlite."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _user_errors, console, err_console, main
from kpidesk.cli._options import NameChoice, as_option, workspace_option
from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    from kpidesk.accounts import User

__all__ = ["users"]


@main.group()
def users() -> None:
    """Users of the web app (`kpidesk serve`) and their API tokens.

    \b
    Roles:
      admin    everything
      manager  everything in their teams (--team, repeat for more)
      agent    their own numbers and their team's average (--agent: their id in the data)
    """


def _read_password(from_stdin: bool) -> str:
    """The password from the first line of standard input, else asked for twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    return password


_STDIN_HELP = "Read the password from the first line of standard input instead of asking for it."


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=NameChoice(("kpidesk.accounts", "ROLES"), "role"),
    help="admin, manager or agent.",
)
@click.option("--team", "teams", multiple=True, help="A team a manager manages (repeat), or an agent's team.")
@click.option("--agent", "agent_id", default=None, help="An agent's id in the data (`kpidesk list agents`).")
@click.option("--password-stdin", is_flag=True, help=_STDIN_HELP)
@workspace_option
@_user_errors
def add(
    name: str,
    role: str,
    teams: tuple[str, ...],
    agent_id: str | None,
    password_stdin: bool,
    workspace: Path | None,
) -> None:
    """Add a user. The password needs at least 10 characters, not the user name and not one of the most
    common passwords; only its argon2id hash is kept.

    Example: kpidesk users add dana --role manager --team billing
    """
    added = _api.add_user(
        workspace, name, _read_password(password_stdin), role, teams=teams, agent_id=agent_id
    )
    console.print(f"added {escape(_describe(added.user))}", highlight=False)
    for warning in added.warnings:
        console.print(f"[yellow]warning[/]: {escape(warning)}", highlight=False)


def _describe(user: User) -> str:
    parts = [f"{user.name} ({user.role}"]
    if user.teams:
        parts.append(f", team{'s' if len(user.teams) > 1 else ''} {', '.join(user.teams)}")
    if user.agent_id:
        parts.append(f", agent {user.agent_id}")
    return "".join(parts) + ")"


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=_STDIN_HELP)
@workspace_option
@_user_errors
def passwd(name: str, password_stdin: bool, workspace: Path | None) -> None:
    """Change a user's password; every session of theirs ends (their API tokens stay)."""
    _api.set_password(workspace, name, _read_password(password_stdin))
    console.print(f"changed the password of {escape(name)}; their sessions have ended", highlight=False)


@users.command("remove")
@click.argument("name")
@workspace_option
@_user_errors
def remove(name: str, workspace: Path | None) -> None:
    """Remove a user, ending their sessions and revoking their API tokens."""
    _api.remove_user(workspace, name)
    console.print(f"removed {escape(name)}", highlight=False)


@users.command("list")
@as_option("table", "json")
@workspace_option
@_user_errors
def list_(style: str, workspace: Path | None) -> None:
    """The users: name, role, teams and agent id."""
    found = _api.users(workspace)
    if style == "json":
        rows = [
            {
                "name": u.name,
                "role": u.role,
                "teams": list(u.teams),
                "agent_id": u.agent_id,
                "created_at": u.created_at.isoformat(timespec="seconds"),
            }
            for u in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not found:
        console.print("no users yet: kpidesk users add NAME --role admin", highlight=False)
        return
    table = compact_table()
    table.add_column("name", overflow="fold", ratio=1)
    table.add_column("role", no_wrap=True)
    table.add_column("teams", overflow="fold", ratio=2)
    table.add_column("agent", overflow="fold", ratio=1)
    for user in found:
        table.add_row(
            escape(user.name), user.role, escape(", ".join(user.teams)) or "—", escape(user.agent_id or "—")
        )
    console.print(table)


@users.command("token")
@click.argument("name")
@click.option("--label", required=True, help="What the token is for, e.g. nightly-export (unique per user).")
@workspace_option
@_user_errors
def token(name: str, label: str, workspace: Path | None) -> None:
    """Create an API token acting as NAME, for scripts: `Authorization: Bearer TOKEN`. It is printed this
    once; only its digest is kept."""
    secret = _api.create_api_token(workspace, name, label)
    click.echo(secret)
    err_console.print(
        f"API token {escape(label)} of {escape(name)}: copy it now, it cannot be shown again "
        f"(`kpidesk users revoke {escape(name)} --label {escape(label)}` ends it)",
        highlight=False,
    )


@users.command("tokens")
@click.argument("name")
@workspace_option
@_user_errors
def tokens(name: str, workspace: Path | None) -> None:
    """A user's API tokens: label, created and last used (UTC); never the tokens themselves."""
    found = _api.api_tokens(workspace, name)
    if not found:
        console.print(f"{escape(name)} has no API tokens", highlight=False)
        return
    table = compact_table()
    table.add_column("label", overflow="fold", ratio=1)
    table.add_column("created", no_wrap=True)
    table.add_column("last used", no_wrap=True)
    for item in found:
        table.add_row(escape(item.label), _when(item.created_at), _when(item.last_used))
    console.print(table)


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


@users.command("revoke")
@click.argument("name")
@click.option("--label", required=True, help="The token's label (`kpidesk users tokens NAME`).")
@workspace_option
@_user_errors
def revoke(name: str, label: str, workspace: Path | None) -> None:
    """Revoke one of a user's API tokens: it stops working at once."""
    _api.revoke_api_token(workspace, name, label)
    console.print(f"revoked the token {escape(label)} of {escape(name)}", highlight=False)
