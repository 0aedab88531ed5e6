"""The vendored JavaScript is what its manifest says: the pinned files, byte for byte, with their licences."""

from __future__ import annotations

import hashlib

from kpidesk.web._vendor import VENDOR_DIR, vendored


def test_every_vendored_file_matches_its_pinned_sum() -> None:
    entries = vendored()
    assert {e["package"] for e in entries} == {"vega", "vega-lite", "vega-embed", "htmx.org"}
    for entry in entries:
        data = (VENDOR_DIR / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert b"sourceMappingURL" not in data
        assert (VENDOR_DIR / entry["license"]).read_text(encoding="utf-8").strip()
