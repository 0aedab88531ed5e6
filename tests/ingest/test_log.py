"""The import listing and the rejected rows, repaired ones told apart, as the warehouse records them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import kpidesk
from kpidesk.ingest import IMPORT_COLUMNS, REJECTED_COLUMNS
from kpidesk.workspace import Workspace

HEADER = ",tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"


def test_repaired_and_rejected_rows_are_listed_per_import(
    workspace: Workspace, write: Callable[..., Path]
) -> None:
    assert list(kpidesk.imports(workspace).columns) == list(IMPORT_COLUMNS)
    assert kpidesk.imports(workspace).empty
    # Line 2 holds bare carriage returns (repaired and imported); line 4's created_at is no date.
    threads = write(
        "twcs.csv",
        HEADER
        + "0,1,101,True,Tue Oct 31 10:00:00 +0000 2017,@BrandA hi\r\rthere,,\n"
        + "1,2,BrandA,False,Tue Oct 31 10:05:00 +0000 2017,@101 hello,,1.0\n"
        + "2,3,102,True,yesterday,@BrandA help,,\n",
    )
    tickets, events = kpidesk.import_export([threads], "social-threads", workspace=workspace)
    frame = kpidesk.imports(workspace)
    assert frame[["import_id", "kind", "repaired", "batch_id", "undone"]].values.tolist() == [
        [tickets.import_id, "tickets", 0, tickets.import_id, False],
        [events.import_id, "events", 1, tickets.import_id, False],
    ]
    rows = kpidesk.rejected(workspace)
    assert list(rows.columns) == list(REJECTED_COLUMNS)
    listed = [
        (r.import_id, Path(r.file).name, r.line, r.column, r.value, r.repaired) for r in rows.itertuples()
    ]
    assert listed == [
        (events.import_id, "twcs.csv", 2, "text", "@BrandA hi  there", True),
        (events.import_id, "twcs.csv", 4, "created_at", "yesterday", False),
    ]
    assert rows.reason[0].startswith("repaired, not dropped: a carriage return")
    assert rows.reason[1].endswith("got 'yesterday'")
    assert kpidesk.rejected(workspace, import_id=tickets.import_id).empty
    assert len(kpidesk.rejected(workspace, import_id=events.import_id)) == 2
