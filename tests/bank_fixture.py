"""What the shared `bank_import` fixture of tests/conftest.py gives: the real Anonymous Bank log, imported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpidesk.workspace import Workspace

__all__ = ["BankImport"]


@dataclass(frozen=True)
class BankImport:
    """The real Anonymous Bank log of August 1999, imported once with its example mapping."""

    workspace: Workspace
    summary: Any
    log: Path
