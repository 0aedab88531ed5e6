"""The JavaScript the pages load, vendored from npm at pinned versions (`static/vendor/vendor.json`), so
the app works on a closed network and needs no Node at run time.

`python -m kpidesk.web._vendor` (`make vendor`) installs the pinned packages with npm into a temporary
folder, copies each file, drops its source-map comment (the maps are not shipped) and records its
SHA-256; the tests check the shipped files against those sums.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["VENDOR_DIR", "refresh", "vendored"]

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
_MANIFEST = VENDOR_DIR / "vendor.json"


def vendored() -> list[dict[str, str]]:
    """Each vendored file: package, version, from (its path in the package), file, license, sha256."""
    entries: list[dict[str, str]] = json.loads(_MANIFEST.read_text(encoding="utf-8"))
    return entries


def _without_source_map(text: str) -> str:
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith("//# sourceMappingURL=")
    )


def refresh() -> None:
    """Install the pinned versions with npm and copy their files here, with new sums."""
    entries = vendored()
    with tempfile.TemporaryDirectory() as work:
        specs = sorted({f"{e['package']}@{e['version']}" for e in entries})
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", *specs], cwd=work, check=True
        )
        modules = Path(work) / "node_modules"
        for entry in entries:
            package = modules / entry["package"]
            text = (package / entry["from"]).read_text(encoding="utf-8")
            target = VENDOR_DIR / entry["file"]
            target.write_text(_without_source_map(text), encoding="utf-8")
            shutil.copyfile(package / "LICENSE", VENDOR_DIR / entry["license"])
            entry["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    _MANIFEST.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    refresh()
    sys.exit(0)
