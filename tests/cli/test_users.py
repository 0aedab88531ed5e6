"""`kpidesk users` end to end at 80 columns: adding users (password from standard input or asked twice),
checking teams and agent ids against the warehouse, listing, changing passwords, removing, and API tokens;
and the `kpidesk` functions they call."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

import kpidesk
from kpidesk.accounts import AccountStore
from kpidesk.cli import main
from kpidesk.workspace import Workspace

PASSWORD = "correct horse battery"


def _run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, env={"COLUMNS": "80"})


@pytest.fixture
def staffed(workspace: Workspace) -> Workspace:
    """An empty workspace whose warehouse knows agents A7 (team billing) and A9 (no team)."""
    with workspace.connect() as con:
        con.execute(
            "INSERT INTO agents (agent_id, name, team_id) "
            "VALUES ('A7', 'Noa', 'billing'), ('A9', 'Tal', NULL)"
        )
    return workspace


def _add(ws: Workspace, name: str, *options: str) -> Result:
    return _run("users", "add", name, *options, "--password-stdin", "-w", str(ws.path), stdin=PASSWORD + "\n")


def test_users_are_added_and_checked_against_the_warehouse(staffed: Workspace) -> None:
    added = _add(staffed, "noa", "--role", "agent", "--agent", "A7")
    assert (added.exit_code, added.stdout) == (0, "added noa (agent, team billing, agent A7)\n")
    added = _add(staffed, "dana", "--role", "manager", "--team", "billing", "--team", "salse")
    assert (added.exit_code, added.stdout) == (
        0,
        "added dana (manager, teams billing, salse)\n"
        "warning: the warehouse holds no team salse yet (`kpidesk list teams`)\n",
    )
    added = _add(staffed, "gil", "--role", "agent", "--agent", "A8", "--team", "billing")
    assert added.stdout == (
        "added gil (agent, team billing, agent A8)\n"
        "warning: the warehouse holds no agent A8 yet (`kpidesk list agents`)\n"
    )
    added = _add(staffed, "tal", "--role", "agent", "--agent", "A7", "--team", "sales")
    assert added.stdout == (
        "added tal (agent, team sales, agent A7)\n"
        "warning: the warehouse holds no team sales yet (`kpidesk list teams`)\n"
        "warning: agent A7 is in team billing in the warehouse, not sales\n"
    )
    assert [(u.name, u.role, u.teams, u.agent_id) for u in kpidesk.users(staffed)] == [
        ("dana", "manager", ("billing", "salse"), None),
        ("gil", "agent", ("billing",), "A8"),
        ("noa", "agent", ("billing",), "A7"),
        ("tal", "agent", ("sales",), "A7"),
    ]
    store = AccountStore.of_workspace(staffed.path)
    assert store.verify_password("noa", PASSWORD, "127.0.0.1") == store.user("noa")


def test_the_password_is_asked_twice_without_echo(workspace: Workspace) -> None:
    asked = _run(
        "users", "add", "root", "--role", "admin", "-w", str(workspace.path), stdin="a long passphrase\n" * 2
    )
    assert asked.exit_code == 0, asked.output
    assert asked.stdout == "Password: \nRepeat the password: \nadded root (admin)\n"
    assert "a long passphrase" not in asked.output
    store = AccountStore.of_workspace(workspace.path)
    assert store.verify_password("root", "a long passphrase", "127.0.0.1") is not None


@pytest.mark.parametrize(
    ("options", "password", "message"),
    [
        (("--role", "admin"), "short", "error: the password must be at least 10 characters long"),
        (
            ("--role", "admin"),
            "qwertyuiop",
            "error: the password is one of the most common ones; choose another",
        ),
        (("--role", "manager"), PASSWORD, "error: manager dana needs at least one team to manage"),
        (
            ("--role", "agent", "--team", "billing"),
            PASSWORD,
            "error: agent dana needs the agent id the warehouse",
        ),
        (
            ("--role", "boss"),
            PASSWORD,
            "Invalid value for '--role': unknown role boss; choose one of admin, manager,",
        ),
    ],
)
def test_refusals_say_why_and_add_no_one(
    workspace: Workspace, options: tuple[str, ...], password: str, message: str
) -> None:
    refused = _run(
        "users", "add", "dana", *options, "--password-stdin", "-w", str(workspace.path), stdin=password
    )
    assert refused.exit_code == 2
    assert message in " ".join(refused.output.split())
    assert "Traceback" not in refused.output
    assert kpidesk.users(workspace) == []


def test_users_are_listed_within_80_columns(workspace: Workspace) -> None:
    assert _run("users", "list", "-w", str(workspace.path)).stdout == (
        "no users yet: kpidesk users add NAME --role admin\n"
    )
    _add(workspace, "root", "--role", "admin")
    _add(workspace, "dana", "--role", "manager", "--team", "billing", "--team", "sales")
    _add(workspace, "noa", "--role", "agent", "--agent", "A7", "--team", "billing")
    listed = _run("users", "list", "-w", str(workspace.path))
    assert listed.exit_code == 0
    assert [line.rstrip() for line in listed.stdout.splitlines()] == [
        "name  role     teams           agent",
        "─" * 36,
        "dana  manager  billing, sales  —",
        "noa   agent    billing         A7",
        "root  admin    —               —",
    ]
    as_json = json.loads(_run("users", "list", "--as", "json", "-w", str(workspace.path)).stdout)
    created = {u.name: u.created_at.isoformat(timespec="seconds") for u in kpidesk.users(workspace)}
    assert as_json == [
        {
            "name": "dana",
            "role": "manager",
            "teams": ["billing", "sales"],
            "agent_id": None,
            "created_at": created["dana"],
        },
        {
            "name": "noa",
            "role": "agent",
            "teams": ["billing"],
            "agent_id": "A7",
            "created_at": created["noa"],
        },
        {"name": "root", "role": "admin", "teams": [], "agent_id": None, "created_at": created["root"]},
    ]


def test_long_values_fold_within_80_columns(workspace: Workspace) -> None:
    teams = [f"team-{'x' * 20}-{i}" for i in range(4)]
    options = [arg for team in teams for arg in ("--team", team)]
    _add(workspace, "m" * 60, "--role", "manager", *options)
    listed = _run("users", "list", "-w", str(workspace.path))
    assert max(len(line) for line in listed.stdout.splitlines()) <= 80
    body = listed.stdout.splitlines()[2:]
    # The name folds in its column, the teams in theirs; nothing is cut off.
    assert "".join(line.split()[0] for line in body if line.startswith("m")) == "m" * 60
    words = [word for line in body for word in line.split()]
    assert [word.rstrip(",") for word in words if word.startswith("team-")] == teams


def test_a_password_change_ends_the_sessions(workspace: Workspace) -> None:
    _add(workspace, "dana", "--role", "admin")
    store = AccountStore.of_workspace(workspace.path)
    session = store.start_session(store.user("dana"), "127.0.0.1")  # type: ignore[arg-type]
    changed = _run(
        "users", "passwd", "dana", "--password-stdin", "-w", str(workspace.path), stdin="a new passphrase\n"
    )
    assert (changed.exit_code, changed.stdout) == (
        0,
        "changed the password of dana; their sessions have ended\n",
    )
    assert store.session_user(session) is None
    assert store.verify_password("dana", PASSWORD, "127.0.0.1") is None
    assert store.verify_password("dana", "a new passphrase", "127.0.0.1") is not None
    unknown = _run("users", "passwd", "lee", "--password-stdin", "-w", str(workspace.path), stdin=PASSWORD)
    assert (unknown.exit_code, unknown.output) == (2, "error: unknown user lee\n")


def test_removing_a_user_ends_their_sessions_and_tokens(workspace: Workspace) -> None:
    _add(workspace, "dana", "--role", "admin")
    store = AccountStore.of_workspace(workspace.path)
    session = store.start_session(store.user("dana"), "127.0.0.1")  # type: ignore[arg-type]
    token = _run("users", "token", "dana", "--label", "ci", "-w", str(workspace.path)).stdout.strip()
    removed = _run("users", "remove", "dana", "-w", str(workspace.path))
    assert (removed.exit_code, removed.stdout) == (0, "removed dana\n")
    assert (store.session_user(session), store.api_token_user(token)) == (None, None)
    again = _run("users", "remove", "dana", "-w", str(workspace.path))
    assert (again.exit_code, again.output) == (2, "error: unknown user dana\n")


def test_api_tokens_are_shown_once_listed_and_revoked(workspace: Workspace) -> None:
    _add(workspace, "dana", "--role", "admin")
    created = _run("users", "token", "dana", "--label", "nightly", "-w", str(workspace.path))
    assert created.exit_code == 0
    token = created.stdout.strip()
    assert created.stdout == token + "\n" and token.startswith("kpd_") and len(token) == 47
    assert " ".join(created.stderr.split()) == (
        "API token nightly of dana: copy it now, it cannot be shown again "
        "(`kpidesk users revoke dana --label nightly` ends it)"
    )
    store = AccountStore.of_workspace(workspace.path)
    assert store.api_token_user(token) == store.user("dana")
    listed = _run("users", "tokens", "dana", "-w", str(workspace.path))
    (item,) = kpidesk.api_tokens(workspace, "dana")
    assert item.last_used is not None
    assert [line.rstrip() for line in listed.stdout.splitlines()] == [
        "label    created           last used",
        "─" * 43,
        f"nightly  {item.created_at:%Y-%m-%d %H:%M}  {item.last_used:%Y-%m-%d %H:%M}",
    ]
    assert token not in listed.stdout and token[4:] not in listed.stdout
    again = _run("users", "token", "dana", "--label", "nightly", "-w", str(workspace.path))
    assert (again.exit_code, again.output) == (
        2,
        "error: dana already has a token labelled nightly; revoke it first\n",
    )
    revoked = _run("users", "revoke", "dana", "--label", "nightly", "-w", str(workspace.path))
    assert (revoked.exit_code, revoked.stdout) == (0, "revoked the token nightly of dana\n")
    assert store.api_token_user(token) is None
    assert _run("users", "tokens", "dana", "-w", str(workspace.path)).stdout == "dana has no API tokens\n"


def test_a_folder_that_is_not_a_workspace_is_refused(tmp_path: object) -> None:
    refused = _run("users", "list", "-w", str(tmp_path))
    assert refused.exit_code == 2
    assert refused.output.startswith("error: ")
    assert not (tmp_path / "accounts.sqlite").exists()  # type: ignore[operator]


def test_the_functions_return_what_the_commands_print(workspace: Workspace) -> None:
    added = kpidesk.add_user(workspace, "dana", PASSWORD, "manager", teams="billing")
    assert (added.user.teams, added.warnings) == (
        ("billing",),
        ["the warehouse holds no team billing yet (`kpidesk list teams`)"],
    )
    token = kpidesk.create_api_token(workspace.path, "dana", "ci")
    assert [t.label for t in kpidesk.api_tokens(str(workspace.path), "dana")] == ["ci"]
    kpidesk.revoke_api_token(workspace, "dana", "ci")
    assert AccountStore.of_workspace(workspace.path).api_token_user(token) is None
    kpidesk.set_password(workspace, "dana", "another passphrase")
    kpidesk.remove_user(workspace, "dana")
    assert kpidesk.users(workspace) == []
