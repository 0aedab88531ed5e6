"""Realistic, seeded helpdesk and contact-center data for the demo workspace, examples, tests and
benchmarks."""

from kpidesk.demo._contact_center import generate_demo
from kpidesk.demo._examples import DemoExamples, demo_examples
from kpidesk.demo._generator import (
    DemoData,
    demo_settings,
    generate_tickets,
    iter_ticket_batches,
    write_demo_files,
)

__all__ = [
    "DemoData",
    "DemoExamples",
    "demo_examples",
    "demo_settings",
    "generate_demo",
    "generate_tickets",
    "iter_ticket_batches",
    "write_demo_files",
]
