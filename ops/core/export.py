"""The one export writer (XLSX and CSV) of every area: staff download what the public typed in.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read by a
spreadsheet as a formula (``=HYPERLINK("http://evil", "x")`` from a registration form). Such text
is written as text: in XLSX as a string cell with Excel's quote prefix (so editing it does not
turn it into a formula either); in CSV behind a leading apostrophe, as OWASP advises. Numbers
and dates stay numbers and dates.

    body = workbook([Sheet(_("Runs"), header, rows, date_columns=(0,), width=16)])
    return download(body, "runs-2025.xlsx")
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def inert_csv(value):
    """A CSV cell that no spreadsheet will run."""
    return "'" + value if is_formula_like(value) else value


@dataclass
class Sheet:
    title: str
    header: list
    rows: Iterable[list]
    date_columns: tuple[int, ...] = ()  # 0-based columns written as yyyy-mm-dd
    width: int | None = None  # every column's width, or the first column's when ``first_width``
    first_width: int | None = None
    freeze: bool = True
    bold_header: bool = True


def workbook(sheets: list[Sheet]) -> bytes:
    """The sheets as one XLSX file, every text cell inert."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(str(spec.title)[:31])
        columns = len(spec.header)
        if spec.width:
            for i in range(columns):
                sheet.column_dimensions[get_column_letter(i + 1)].width = spec.width
        if spec.first_width:
            sheet.column_dimensions["A"].width = spec.first_width
        if spec.freeze and spec.header:
            sheet.freeze_panes = "A2"

        def cell(value, index: int, header: bool = False):
            c = WriteOnlyCell(sheet, value=str(value) if header and value is not None else value)
            if isinstance(c.value, str) and (c.data_type == "f" or is_formula_like(c.value)):
                c.data_type = "s"
                c.quotePrefix = True
            if header and spec.bold_header:
                c.font = bold
            elif index in spec.date_columns and value is not None:
                c.number_format = "yyyy-mm-dd"
            return c

        if spec.header:
            sheet.append([cell(v, i, header=True) for i, v in enumerate(spec.header)])
        for row in spec.rows:
            sheet.append([cell(v, i) for i, v in enumerate(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(header: list, rows: Iterable[list]) -> str:
    """The rows as CSV with a BOM (Excel then reads Korean correctly), every text cell inert."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([inert_csv(str(v)) for v in header])
    writer.writerows([inert_csv(v) for v in row] for row in rows)
    return "\ufeff" + out.getvalue()


def download(body: bytes | str, filename: str, *, inline: bool = False) -> Response:
    """An export as a download, never cached (it holds what staff may see, not the public)."""
    mimetype = CSV if filename.endswith(".csv") else XLSX
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
