"""The dashboard's whole picture as an XLSX workbook: metrics, unique citizens, districts, budget.

Written by the shared export writer (ops.core.export), which keeps every text cell inert."""
from __future__ import annotations

from flask_babel import gettext as _

from ..core.export import Sheet, workbook as write_workbook


def _budget_sheet(budget: dict) -> Sheet:
    return Sheet(_("Budget"), [_("Budget line"), _("Budget (thousand KRW)"), _("Committed"), _("Committed share"),
                               _("Spent"), _("Spent share"), _("As of")],
                 [[b["name"], b["budget"], b["committed"], b["committed_share"], b["spent"], b["spent_share"],
                   b["as_of"]] for b in budget["lines"]])


def _about(rows: list[list]) -> Sheet:
    return Sheet(_("About"), [], rows, freeze=False)


def workbook(data: dict, status_labels: dict[str, str]) -> bytes:
    metrics = []
    for programme in data["programmes"]:
        for m in programme["metrics"]:
            metrics.append([programme["name"], m["key"], m["name"], m["unit"], m["target"], m["value"],
                            m["progress"], m["expected"], status_labels.get(m["status"], m["status"]),
                            m["period_start"], m["period_end"], m["source"], m["last_year"],
                            (m.get("previous") or {}).get("value")])
    people = data["unique_citizens"]
    columns = data["districts"]["columns"]
    return write_workbook([
        _about([[_("Year"), data["year"]], [_("Figures as of"), data["as_of"]],
                [_("Programme"), data["programme"] or _("All")]]),
        Sheet(_("Metrics"), [_("Programme"), _("Metric key"), _("Metric"), _("Unit"), _("Target"), _("Value"),
                             _("Progress"), _("Expected by now"), _("Status"), _("Period start"), _("Period end"),
                             _("Source"), _("Last year"), _("Same date last year")], metrics),
        Sheet(_("Trends"), [_("Metric key"), _("Day"), _("Value")],
              [[m["key"], point["day"], point["value"]]
               for programme in data["programmes"] for m in programme["metrics"] for point in m["trend"]]),
        Sheet(_("Unique citizens"), [_("Programme"), _("Number of people")],
              [[_("All programmes (counted once)"), people["total"]]]
              + [[key, n] for key, n in people["by_programme"].items()]),
        Sheet(_("Districts"), [_("District")] + [c["label"] for c in columns],
              [[r["name"]] + [r["values"][c["key"]] for c in columns] for r in data["districts"]["rows"]]),
        _budget_sheet(data["budget"]),
    ])


def budget_template(year: int, lines: list, header: list[str], month: int) -> bytes:
    """The upload template: the accepted columns with a row per project (month and amounts to fill),
    and the projects with their budgets on a second sheet for reference."""
    return write_workbook([
        Sheet(_("Execution"), header, [[line.key, month, None, None] for line in lines]),
        Sheet(_("Projects"), [_("Project code"), _("Project"), _("Budget (thousand KRW)")],
              [[line.key, line.name_ko, line.budget] for line in lines]),
    ])


def monthly_workbook(data: dict, labels: dict) -> bytes:
    """The monthly report as a workbook: every metric beside the month before, target and last year;
    budget execution."""
    rows = []
    for programme in data["programmes"]:
        for m in programme["metrics"]:
            previous = (m.get("previous") or {}).get("value")
            rows.append([programme["code"], programme["name"], m["key"], m["name"], labels["unit"].get(m["unit"], m["unit"]),
                         m["value"], m["month_before"], m["month_change"], m["target"], m["progress"],
                         labels["status"].get(m["status"], m["status"]), m["last_year"], previous, m["source"]])
    budget = data["budget"]
    return write_workbook([
        _about([[_("Year"), data["year"]], [_("Month"), data["month"]], [_("Figures as of"), data["as_of"]],
                [_("Same date last year"), data["previous_as_of"]],
                [_("Share of the year elapsed"), budget["year_elapsed"]]]),
        Sheet(_("Metrics"), [_("Code"), _("Programme"), _("Metric key"), _("Metric"), _("Unit"), _("This month"),
                             _("Month before"), _("Change"), _("Target"), _("Progress"), _("Status"),
                             _("Last year"), _("Same date last year"), _("Source")], rows),
        _budget_sheet(budget),
    ])
