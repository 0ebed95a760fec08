"""Reading an uploaded XLSX or CSV sheet into rows by header, for every area's imports.

    rows = read_sheet(filename, content, {"이름": "name", "name": "name", ...}, required=("name",))

Each row is {field: text} with its sheet row number under ``_row``; headers are matched in
Korean or English, ignoring case; unknown columns are ignored, blank rows skipped.
"""
from __future__ import annotations

import csv
import io
from typing import Iterator

from .errors import DomainError


class BadSheet(DomainError):
    """The file cannot be read as the sheet asked for: ``type``, ``xlsx``, ``encoding``, ``empty`` or
    ``columns`` (with ``missing``, the fields no header names)."""

    code = "bad_sheet"


def read_sheet(filename: str, content: bytes, columns: dict[str, str], required: tuple[str, ...],
               types: tuple[str, ...] = (".xlsx", ".csv")) -> list[dict]:
    """The sheet's data rows as {field: text}, each with its sheet row number under ``_row``."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") and ".xlsx" in types:
        rows = _xlsx_rows(content)
    elif name.endswith(".csv") and ".csv" in types:
        rows = _csv_rows(content)
    else:
        raise BadSheet("type")
    try:
        header = next(rows)
    except StopIteration:
        raise BadSheet("empty") from None
    fields = [columns.get(str(h or "").strip().lower()) or columns.get(str(h or "").strip()) for h in header]
    missing = [f for f in required if f not in fields]
    if missing:
        raise BadSheet("columns", missing=missing)
    out = []
    for number, values in enumerate(rows, start=2):
        record = {"_row": number}
        for f, value in zip(fields, values):
            if f:
                record[f] = "" if value is None else str(value).strip()
        if any(record.get(f) for f in fields if f):
            out.append(record)
    return out


def _csv_rows(content: bytes) -> Iterator[list]:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadSheet("encoding")
    return iter(list(csv.reader(io.StringIO(text))))


def _xlsx_rows(content: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise BadSheet("xlsx") from None
    sheet = book.worksheets[0]
    return iter([list(r) for r in sheet.iter_rows(values_only=True)])
