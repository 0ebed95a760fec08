"""The 2025 plan loaded, and KPI registries holding only what each test registers (restored after)."""
from __future__ import annotations

import pytest

from ops.extensions import db
from ops.kpi import registry
from ops.plan.loader import load_plan


@pytest.fixture
def plan(app):
    load_plan()
    db.session.commit()


@pytest.fixture(autouse=True)
def clean_registries(app):
    """Depends on the app so that every area has registered its metrics before the snapshot."""
    saved = [(reg, dict(reg)) for reg in (registry.METRICS, registry.PEOPLE, registry.DISTRICT_FIGURES)]
    for reg, _ in saved:
        reg.clear()
    yield registry
    for reg, content in saved:
        reg.clear()
        reg.update(content)
