"""`ops seed demo`: each area registers a function that adds its demo data."""
from __future__ import annotations

from typing import Callable

SEEDERS: list[tuple[int, str, Callable]] = []


def register_seeder(order: int, name: str, fn: Callable) -> None:
    if all(existing != name for _, existing, _ in SEEDERS):
        SEEDERS.append((order, name, fn))


def run_seeders(context: dict) -> list[str]:
    """Run every area's seeder in order; each returns lines to print. Seeders are idempotent."""
    lines: list[str] = []
    for _, _name, fn in sorted(SEEDERS, key=lambda s: s[0]):
        lines.extend(fn(context) or [])
    return lines
