"""Where each area declares how its metrics are computed.

    from ops.kpi.registry import metric, served_people

    @metric("eodina.learners_taught")
    def learners_taught(year: int, as_of: date) -> float: ...

    @served_people("eodina")
    def eodina_people(year: int):  # a select() of Person.id served that year
        ...

The metric keys are those of ops/plan/plan_<year>.json. The KPI roll-up calls
every registered function; unique citizens are the union of all served_people.
"""
from __future__ import annotations

from datetime import date
from typing import Callable

MetricFn = Callable[[int, date], float | None]

METRICS: dict[str, MetricFn] = {}
PEOPLE: dict[str, Callable] = {}


def metric(key: str):
    def decorator(fn: MetricFn) -> MetricFn:
        METRICS[key] = fn
        return fn

    return decorator


# A metric two areas count together (Smart City Center users: course attendees and visiting groups):
# each registers its part and the metric is their sum.
METRIC_PARTS: dict[str, dict[str, MetricFn]] = {}


def metric_part(key: str, part: str):
    def decorator(fn: MetricFn) -> MetricFn:
        parts = METRIC_PARTS.setdefault(key, {})
        parts[part] = fn

        def total(year: int, as_of: date) -> float:
            return sum(float(f(year, as_of) or 0) for f in parts.values())

        METRICS[key] = total
        return fn

    return decorator


def served_people(programme_key: str):
    def decorator(fn):
        PEOPLE[programme_key] = fn
        return fn

    return decorator


# Districts at a glance on the dashboard: each area may give one figure per district,
# e.g. smart clinic centers or learners, as {district_code: number}.
DISTRICT_FIGURES: dict[str, tuple[object, Callable[[int], dict[str, float]]]] = {}


def district_figure(key: str, label):
    """``label`` is a lazy gettext string shown as the column heading."""

    def decorator(fn):
        DISTRICT_FIGURES[key] = (label, fn)
        return fn

    return decorator
