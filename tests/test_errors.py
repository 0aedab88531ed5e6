"""One error root: every error kpidesk raises for a user to fix is a `KpideskError`, and the command line
turns exactly those into a message, so that a bug still shows as a bug."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kpidesk
from kpidesk import InvalidRequest, KpideskError
from kpidesk.cli import main


def _error_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in a kpidesk module, by qualified name."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(kpidesk.__path__, "kpidesk."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_error_kpidesk_defines_is_a_kpidesk_error() -> None:
    classes = _error_classes()
    names = {c.__name__ for c in classes.values()}
    # The user-facing errors the command line prints, named so that losing one fails here too.
    assert {
        "KpideskError",
        "InvalidRequest",
        "WorkspaceError",
        "SettingsError",
        "ImportFailed",
        "MappingError",
        "ImportRunning",
        "WarehouseBusy",
        "UndoRefused",
        "TicketNotFound",
        "ForecastError",
    } <= names
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, KpideskError))
    assert outside == []


def test_errors_keep_the_builtin_bases_callers_catch() -> None:
    from kpidesk.metrics._explain import TicketNotFound
    from kpidesk.staffing import ForecastError
    from kpidesk.workspace import ImportRunning, SettingsError, WarehouseBusy, WorkspaceError

    assert issubclass(InvalidRequest, ValueError)
    assert issubclass(SettingsError, ValueError)
    assert issubclass(ForecastError, ValueError)
    assert issubclass(TicketNotFound, LookupError)
    assert issubclass(ImportRunning, RuntimeError)
    assert issubclass(WorkspaceError, RuntimeError)
    assert issubclass(WarehouseBusy, TimeoutError)


def test_user_input_errors_of_the_library_are_kpidesk_errors(tmp_path: Path) -> None:
    from kpidesk.metrics import get_metric, parse_stat
    from kpidesk.staffing import parse_interval, parse_target

    for bad_call in (
        lambda: get_metric("no_such_metric"),
        lambda: parse_stat("p200"),
        lambda: parse_target("80/x"),
        lambda: parse_interval("7q"),
        lambda: kpidesk.open_workspace(tmp_path / "nowhere"),
    ):
        with pytest.raises(KpideskError):
            bad_call()


@pytest.mark.parametrize(
    ("error", "exit_code"),
    [(InvalidRequest("the queue 'x' has no calls"), 2), (KeyError("metric"), 1), (ValueError("bug"), 1)],
)
def test_the_cli_prints_kpidesk_errors_and_lets_bugs_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, exit_code: int
) -> None:
    import kpidesk._api

    def failing(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(kpidesk._api, "imports", failing)
    result = CliRunner().invoke(main, ["imports", "-w", str(tmp_path)])
    assert result.exit_code == exit_code
    if isinstance(error, KpideskError):
        assert result.output.strip() == "error: the queue 'x' has no calls"
        assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    else:
        # Not caught: the runner holds the exception itself, as a traceback would show it.
        assert result.exception is error


def test_a_file_the_user_names_that_cannot_be_written_is_their_error(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "metrics.md"
    result = CliRunner().invoke(
        main, ["metrics", "--as", "markdown", "--output", str(target)], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 2
    # Compared without line breaks: a long temporary path (pytest-xdist adds a folder) would break at any
    # column fixed before the CLI was imported (COLUMNS in the environment).
    expected = f"error: {target}: No such file or directory"
    assert "".join(result.output.split()) == "".join(expected.split())
