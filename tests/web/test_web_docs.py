"""docs/web.md lists every API endpoint and every download the app serves, so the page cannot drift from
the routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from kpidesk.web import create_app

DOC = Path(__file__).resolve().parents[2] / "docs" / "web.md"


def test_every_api_endpoint_and_download_is_documented(site: Any) -> None:
    text = DOC.read_text(encoding="utf-8")
    routes = [r for r in create_app(site[0]).routes if isinstance(r, APIRoute)]
    api = [(m, r.path) for r in routes if r.path.startswith("/api/") for m in sorted(r.methods)]
    assert len(api) >= 12
    missing = [f"{m} {p}" for m, p in api if f"`{m} {p}`" not in text]
    assert not missing, f"docs/web.md does not list {missing}"
    downloads = [r.path.replace("{kind}", "csv") for r in routes if r.path.endswith(".{kind}")]
    assert len(downloads) >= 6
    assert not [d for d in downloads if d not in text], "a download missing from docs/web.md"
