"""The `kpidesk` command line."""

from kpidesk.cli._main import main

__all__ = ["main"]
