"""Bad survey rows: a score off its declared scale, a scale upside down, a CSAT score without a scale, an
NPS row not on 0–10, a survey for a ticket its source does not have — each rejected with its reason,
never clipped or dropped; the rows around them are imported."""

from __future__ import annotations

import duckdb
import pytest

from kpidesk.ingest import import_files

HEADER = "response_id,kind,score,scale_min,scale_max,responded_at,ticket_id\n"


def scores(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    return dict(con.execute("SELECT response_id, score FROM surveys ORDER BY response_id").fetchall())


def test_score_outside_its_scale_is_rejected_not_clipped(con, write, rejected_rows):
    path = write(
        "surveys.csv",
        HEADER
        + "R1,csat,5,1,5,2026-03-01 10:00:00,\n"
        + "R2,csat,7,1,5,2026-03-01 10:00:00,\n"
        + "R3,csat,1,1,5,2026-03-01 10:00:00,\n"
        + "R4,ces,0,1,7,2026-03-01 10:00:00,\n"
        + "R5,csat,0.5,0,1,2026-03-01 10:00:00,\n",
    )
    summary = import_files(con, [path], "surveys")
    assert (summary.read, summary.inserted, summary.rejected) == (5, 3, 2)
    # The bounds themselves are on the scale; R2 and R4 are off it and are not imported at all.
    assert scores(con) == {"R1": 5.0, "R3": 1.0, "R5": 0.5}
    reason = "; scores are never clipped, fix the score or the scale"
    assert rejected_rows(con) == [
        ("surveys.csv", 3, "score", "7", "score 7 is outside the survey's scale 1–5" + reason),
        ("surveys.csv", 5, "score", "0", "score 0 is outside the survey's scale 1–7" + reason),
    ]


def test_scale_upside_down_or_one_bound(con, write, rejected_rows):
    path = write(
        "surveys.csv",
        HEADER
        + "R1,csat,3,5,1,2026-03-01 10:00:00,\n"
        + "R2,ces,3,4,4,2026-03-01 10:00:00,\n"
        + "R3,ces,0,1,,2026-03-01 10:00:00,\n"
        + "R4,ces,9,,7,2026-03-01 10:00:00,\n"
        + "R5,ces,3,1,,2026-03-01 10:00:00,\n",
    )
    summary = import_files(con, [path], "surveys")
    assert (summary.inserted, summary.rejected) == (1, 4)
    assert scores(con) == {"R5": 3.0}
    upside_down = "; a scale runs from its lowest point to its highest"
    assert rejected_rows(con) == [
        ("surveys.csv", 2, "scale_min", "5", "scale_min 5 is not below scale_max 1" + upside_down),
        ("surveys.csv", 3, "scale_min", "4", "scale_min 4 is not below scale_max 4" + upside_down),
        ("surveys.csv", 4, "score", "0", "score 0 is below the survey's scale_min 1"),
        ("surveys.csv", 5, "score", "9", "score 9 is above the survey's scale_max 7"),
    ]


def test_csat_needs_a_scale_and_nps_is_zero_to_ten(con, write, rejected_rows):
    path = write(
        "surveys.csv",
        HEADER
        + "R1,csat,4,,,2026-03-01 10:00:00,\n"
        + "R2,csat,,,,2026-03-01 10:00:00,\n"
        + "R3,nps,10,,,2026-03-01 10:00:00,\n"
        + "R4,nps,11,,,2026-03-01 10:00:00,\n"
        + "R5,enps,3,1,5,2026-03-01 10:00:00,\n"
        + "R6,nps,0,0,10,2026-03-01 10:00:00,\n"
        + "R7,pulse,4,1,5,2026-03-01 10:00:00,\n",
    )
    summary = import_files(con, [path], "surveys")
    assert (summary.inserted, summary.rejected) == (4, 3)
    # An unanswered CSAT (R2) needs no scale; NPS without a declared scale is on 0–10; a pulse on any scale.
    assert scores(con) == {"R2": None, "R3": 10.0, "R6": 0.0, "R7": 4.0}
    assert rejected_rows(con) == [
        (
            "surveys.csv",
            2,
            "score",
            "4",
            "a csat score needs the survey's scale (scale_min and scale_max) to count its top two points; "
            "add both columns, or constants such as {scale_min: 1, scale_max: 5} in the mapping",
        ),
        ("surveys.csv", 5, "score", "11", "score 11 is outside the 0–10 scale of nps surveys"),
        (
            "surveys.csv",
            6,
            "scale_min",
            "1",
            "an enps survey is scored on 0–10, this row declares the scale 1–5",
        ),
    ]


def test_mapped_columns_and_typed_parquet_name_the_scale(con, write, rejected_rows, tmp_path):
    path = write(
        "ratings.csv",
        "id,type,rating,responded_at\nQ1,csat,4,2026-03-01 10:00:00\nQ2,csat,6,2026-03-01 11:00:00\n",
    )
    mapping = {
        "columns": {"response_id": "id", "kind": "type", "score": "rating"},
        "constants": {"scale_min": "1", "scale_max": "5"},
    }
    summary = import_files(con, [path], "surveys", mapping=mapping)
    assert (summary.inserted, summary.rejected) == (1, 1)
    assert rejected_rows(con)[0][2:] == (
        "rating",
        "6",
        "score: score 6 is outside the survey's scale 1–5; scores are never clipped, fix the "
        "score or the scale",
    )
    parquet = tmp_path / "surveys.parquet"
    duckdb.execute(
        f"COPY (SELECT 'P1' AS response_id, 'csat' AS kind, 7.0::DOUBLE AS score, 1.0::DOUBLE AS scale_min, "
        f"5.0::DOUBLE AS scale_max) TO '{parquet}' (FORMAT parquet)"
    )
    typed = import_files(con, [parquet], "surveys")
    assert (typed.inserted, typed.rejected) == (0, 1)
    assert rejected_rows(con, typed.import_id)[0][4].startswith("score 7 is outside the survey's scale 1–5")


def test_survey_for_a_ticket_its_source_does_not_have(con, write, rejected_rows):
    tickets = write("tickets.csv", "ticket_id,created_at,status\nT1,2026-03-01 09:00:00,open\n")
    import_files(con, [tickets], "tickets", source="desk")
    path = write(
        "surveys.csv",
        HEADER
        + "R1,csat,5,1,5,2026-03-01 10:00:00,T1\n"
        + "R2,csat,4,1,5,2026-03-01 10:00:00,T9\n"
        + "R3,csat,4,1,5,2026-03-01 10:00:00,\n",
    )
    summary = import_files(con, [path], "surveys", source="desk")
    assert (summary.inserted, summary.rejected) == (2, 1)
    assert scores(con) == {"R1": 5.0, "R3": 4.0}
    assert rejected_rows(con, summary.import_id) == [
        (
            "surveys.csv",
            3,
            "ticket_id",
            "T9",
            "ticket T9 is not in the tickets of source 'desk'; import the ticket first, or import the survey "
            "under the source of its tickets (--source)",
        )
    ]
    # A source without any tickets (surveys imported on their own, or before their tickets) has nothing to
    # check against: its surveys are imported.
    other = import_files(con, [path], "surveys", source="survey-tool")
    assert (other.inserted, other.rejected) == (3, 0)


def test_unknown_ticket_and_bad_score_on_one_row_give_both_reasons(con, write, rejected_rows):
    tickets = write("tickets.csv", "ticket_id,created_at,status\nT1,2026-03-01 09:00:00,open\n")
    import_files(con, [tickets], "tickets")
    path = write("surveys.csv", HEADER + "R1,csat,9,1,5,2026-03-01 10:00:00,T2\n")
    summary = import_files(con, [path], "surveys")
    assert summary.rejected == 1
    assert [r[2] for r in rejected_rows(con, summary.import_id)] == ["score", "ticket_id"]


@pytest.mark.parametrize("score", ["1", "5"])
def test_scores_on_the_bounds_are_kept(con, write, score):
    path = write("surveys.csv", HEADER + f"R1,csat,{score},1,5,2026-03-01 10:00:00,\n")
    assert import_files(con, [path], "surveys").inserted == 1
