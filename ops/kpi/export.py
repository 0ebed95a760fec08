"""The dashboard's whole picture as an XLSX workbook: metrics, unique citizens, districts, budget."""
from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _sheet(book, title: str, header: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"


def _budget_sheet(book, budget: dict) -> None:
    _sheet(book, _("Budget"), [_("Budget line"), _("Budget (thousand KRW)"), _("Committed"), _("Committed share"),
                               _("Spent"), _("Spent share"), _("As of")],
           [[b["name"], b["budget"], b["committed"], b["committed_share"], b["spent"], b["spent_share"], b["as_of"]]
            for b in budget["lines"]])


def workbook(data: dict, status_labels: dict[str, str]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    metrics = []
    for programme in data["programmes"]:
        for m in programme["metrics"]:
            metrics.append([programme["name"], m["key"], m["name"], m["unit"], m["target"], m["value"],
                            m["progress"], m["expected"], status_labels.get(m["status"], m["status"]),
                            m["period_start"], m["period_end"], m["source"], m["last_year"],
                            (m.get("previous") or {}).get("value")])
    _sheet(book, _("Metrics"), [_("Programme"), _("Metric key"), _("Metric"), _("Unit"), _("Target"), _("Value"),
                                _("Progress"), _("Expected by now"), _("Status"), _("Period start"), _("Period end"),
                                _("Source"), _("Last year"), _("Same date last year")],
           metrics)
    _sheet(book, _("Trends"), [_("Metric key"), _("Day"), _("Value")],
           [[m["key"], point["day"], point["value"]]
            for programme in data["programmes"] for m in programme["metrics"] for point in m["trend"]])
    people = data["unique_citizens"]
    _sheet(book, _("Unique citizens"), [_("Programme"), _("Number of people")],
           [[_("All programmes (counted once)"), people["total"]]]
           + [[key, n] for key, n in people["by_programme"].items()])
    columns = data["districts"]["columns"]
    _sheet(book, _("Districts"), [_("District")] + [c["label"] for c in columns],
           [[r["name"]] + [r["values"][c["key"]] for c in columns] for r in data["districts"]["rows"]])
    budget = data["budget"]
    _budget_sheet(book, budget)
    info = book.create_sheet(_("About"), 0)
    info.append([_("Year"), data["year"]])
    info.append([_("Figures as of"), data["as_of"]])
    info.append([_("Programme"), data["programme"] or _("All")])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def budget_template(year: int, lines: list, header: list[str], month: int) -> bytes:
    """The upload template: the accepted columns with a row per project (month and amounts to fill),
    and the projects with their budgets on a second sheet for reference."""
    book = Workbook()
    book.remove(book.active)
    _sheet(book, _("Execution"), header, [[line.key, month, None, None] for line in lines])
    _sheet(book, _("Projects"), [_("Project code"), _("Project"), _("Budget (thousand KRW)")],
           [[line.key, line.name_ko, line.budget] for line in lines])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def monthly_workbook(data: dict, labels: dict) -> bytes:
    """The monthly report as a workbook: every metric beside the month before, target and last year;
    budget execution."""
    book = Workbook()
    book.remove(book.active)
    rows = []
    for programme in data["programmes"]:
        for m in programme["metrics"]:
            previous = (m.get("previous") or {}).get("value")
            rows.append([programme["code"], programme["name"], m["key"], m["name"], labels["unit"].get(m["unit"], m["unit"]),
                         m["value"], m["month_before"], m["month_change"], m["target"], m["progress"],
                         labels["status"].get(m["status"], m["status"]), m["last_year"], previous, m["source"]])
    _sheet(book, _("Metrics"), [_("Code"), _("Programme"), _("Metric key"), _("Metric"), _("Unit"), _("This month"),
                                _("Month before"), _("Change"), _("Target"), _("Progress"), _("Status"),
                                _("Last year"), _("Same date last year"), _("Source")], rows)
    budget = data["budget"]
    _budget_sheet(book, budget)
    info = book.create_sheet(_("About"), 0)
    for row in ([_("Year"), data["year"]], [_("Month"), data["month"]], [_("Figures as of"), data["as_of"]],
                [_("Same date last year"), data["previous_as_of"]],
                [_("Share of the year elapsed"), budget["year_elapsed"]]):
        info.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
