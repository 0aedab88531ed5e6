"""Realistic, seeded helpdesk and contact-center data for the demo workspace, examples, tests and
benchmarks, and the demo service's targets (`DEMO_TARGETS`, a target file)."""

from importlib.resources import files

from kpidesk.demo._contact_center import generate_demo
from kpidesk.demo._examples import DemoExamples, demo_examples
from kpidesk.demo._generator import (
    DemoData,
    demo_settings,
    generate_tickets,
    iter_ticket_batches,
    write_demo_files,
)

#: The demo workspace's `targets.yaml`: org, team and per-agent targets with guardrails.
DEMO_TARGETS = files(__name__) / "targets.yaml"
#: The demo service's reports (a `reports.yaml`).
DEMO_REPORTS = files(__name__) / "reports.yaml"

__all__ = [
    "DEMO_REPORTS",
    "DEMO_TARGETS",
    "DemoData",
    "DemoExamples",
    "demo_examples",
    "demo_settings",
    "generate_demo",
    "generate_tickets",
    "iter_ticket_batches",
    "write_demo_files",
]
