"""Item 5 of issue 12: what the public typed in never runs as a formula in a staff export."""
import csv
import io
import pathlib
import re

import pytest
from openpyxl import load_workbook

from ops.core.export import Sheet, csv_text, workbook
from tests.conftest import login
from tests.events.conftest import make_event, register_one

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_xlsx_cells_starting_like_a_formula_are_text(value):
    sheet = load_workbook(io.BytesIO(workbook([Sheet("t", ["name"], [[value], [42]])]))).active
    cell = sheet["A2"]
    assert cell.value == value.replace("\r", "\n")  # XML keeps a lone CR as a line feed
    assert cell.data_type == "s" and cell.quotePrefix
    assert sheet["A3"].value == 42 and sheet["A3"].data_type == "n"


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_csv_cells_starting_like_a_formula_are_escaped(value):
    rows = list(csv.reader(io.StringIO(csv_text(["name"], [[value], [42]]).lstrip("\ufeff"))))
    assert rows[1] == ["'" + value] and rows[2] == ["42"]


@pytest.mark.pg
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_event_export_of_a_hostile_registrant_is_inert(pg_app, fmt):
    from ops.accounts.services import create_user
    from ops.extensions import db

    event = make_event()
    user = create_user("export-staff@example.org", "staff", "correct-horse-battery")
    db.session.commit()
    register_one(event, 1, name='=HYPERLINK("http://evil","x")')
    client = pg_app.test_client()
    login(client, user)
    body = client.get(f"/events/manage/{event.slug}/export.{fmt}").data
    if fmt == "csv":
        assert "'=HYPERLINK" in body.decode("utf-8-sig")
    else:
        cells = [c for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row]
        hostile = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
        assert hostile and all(c.data_type == "s" for c in hostile)


def test_every_workbook_is_written_by_the_shared_writer():
    """One export writer: no area builds a Workbook or a csv.writer of its own."""
    root = pathlib.Path(__file__).resolve().parents[2] / "ops"
    builders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                if p.name != "export.py" and re.search(r"\bWorkbook\(|csv\.writer\(", p.read_text())]
    assert builders == []
