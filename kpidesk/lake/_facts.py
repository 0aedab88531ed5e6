"""Facts derived from the lake (by the Spark engine) and recorded in its manifest, so that the next
process reuses them while they are still what they were derived for."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace

from kpidesk.lake._errors import LakeError
from kpidesk.lake._files import lake_files
from kpidesk.lake._manifest import LakeFacts, LakeManifest, load_manifest, save_manifest

__all__ = ["FACTS_FOLDER", "facts_location", "record_facts"]

FACTS_FOLDER = "facts"


def facts_location(manifest: LakeManifest, key: str) -> tuple[str, str]:
    """(absolute folder, folder relative to the lake's root) for a new derivation for `key`: a folder of
    its own, so that a derivation never writes over facts a reader may be using."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    relative = f"{FACTS_FOLDER}/{digest}-{uuid.uuid4().hex[:8]}"
    return lake_files(manifest.location).absolute(relative), relative


def _root(folder: str) -> str:
    """`facts/<id>` of a fact table's folder `facts/<id>/<table>`."""
    return "/".join(folder.split("/")[:2])


def record_facts(location: str, facts: LakeFacts) -> LakeManifest:
    """Record `facts` in the manifest in one step (read again under the lake's lock, so that an export in
    between is kept) and delete the folders of the facts they replace."""
    files = lake_files(location)
    with files.lock():
        current = load_manifest(files)
        if current is None:
            raise LakeError(f"there is no lake at {location}; run `kpidesk lake export` to write it")
        updated = replace(current, facts=facts)
        save_manifest(files, updated)
        if current.facts is not None:
            keep = {_root(f) for f in facts.tables.values()}
            for old in sorted({_root(f) for f in current.facts.tables.values()} - keep):
                if old.startswith(f"{FACTS_FOLDER}/"):
                    files.delete_tree(old)
    return updated
