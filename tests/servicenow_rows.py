"""ServiceNow-shaped incident logs written by hand: one row per update, every other field as the UCI log."""

from __future__ import annotations

import csv
import io

__all__ = ["HEADER", "csv_text", "update"]

HEADER = [
    "number",
    "incident_state",
    "active",
    "reassignment_count",
    "reopen_count",
    "sys_mod_count",
    "made_sla",
    "caller_id",
    "opened_by",
    "opened_at",
    "sys_created_by",
    "sys_created_at",
    "sys_updated_by",
    "sys_updated_at",
    "contact_type",
    "location",
    "category",
    "subcategory",
    "u_symptom",
    "cmdb_ci",
    "impact",
    "urgency",
    "priority",
    "assignment_group",
    "assigned_to",
    "knowledge",
    "u_priority_confirmation",
    "notify",
    "problem_id",
    "rfc",
    "vendor",
    "caused_by",
    "closed_code",
    "resolved_by",
    "resolved_at",
    "closed_at",
]


def update(number: str, state: str, mod: int, updated: str, **fields: str) -> dict[str, str]:
    """One update with the fields the tests vary; every other field as the UCI log writes it."""
    row = dict.fromkeys(HEADER, "?")
    row.update(
        number=number,
        incident_state=state,
        active="true",
        reassignment_count="0",
        reopen_count="0",
        sys_mod_count=str(mod),
        made_sla="true",
        caller_id="Caller 7",
        opened_by="Opened by  3",
        opened_at="1/3/2016 09:00",
        sys_updated_by="Updated by 21",
        sys_updated_at=updated,
        contact_type="Phone",
        location="Location 143",
        category="Category 55",
        subcategory="Subcategory 170",
        impact="2 - Medium",
        urgency="2 - Medium",
        priority="3 - Moderate",
        knowledge="false",
        u_priority_confirmation="false",
        notify="Do Not Notify",
        closed_code="code 5",
    )
    row.update(fields)
    return row


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header or HEADER)
    writer.writerows([list(r.values()) for r in rows])
    return out.getvalue()
