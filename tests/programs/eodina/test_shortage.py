"""Where to recruit: the shortage per district, its link to applicants and its XLSX export."""
import io
import re

from openpyxl import load_workbook

from ops.extensions import db
from ops.programs.eodina import services
from ops.programs.eodina.reports import shortage_by_district


def _scenario(center, instructor, learner):
    instructor(districts=("nowon",), slots=("mon-am",), max_learners=1, centers=[center("nowon")])
    for _ in range(3):
        learner(district="dobong", slots=("tue-am", "wed-am"), topics=("kiosk",))
    applicant = services.register_instructor(name="도봉지원자", phone="010-2222-3333", district="dobong")
    db.session.commit()
    return applicant


def test_shortage_counts_waiting_learners_against_free_places_next_door(center, instructor, learner):
    _scenario(center, instructor, learner)
    rows = {r.district: r for r in shortage_by_district()}
    dobong = rows["dobong"]
    assert (dobong.waiting, dobong.free_in_reach, dobong.gap, dobong.applicants) == (3, 1, 2, 1)
    assert dobong.top_slots[0][1] == 3 and dobong.top_topics == [("kiosk", 3)]
    assert shortage_by_district()[0].district == "dobong"  # largest gap first
    assert rows["mapo"].free_in_reach == 0 and rows["mapo"].gap == 0


def test_shortage_page_links_to_the_districts_applicants_and_exports(client, login_as, center, instructor, learner):
    applicant = _scenario(center, instructor, learner)
    login_as("staff")
    page = client.get("/eodina/shortage").get_data(as_text=True)
    assert "/eodina/instructors?status=ahead&amp;district=dobong" in page
    applicants = client.get("/eodina/instructors?status=ahead&district=dobong").get_data(as_text=True)
    assert re.findall(r'href="/eodina/instructors/(\d+)"', applicants) == [str(applicant.id)]
    export = client.get("/eodina/shortage.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    first = [c.value for c in sheet[2]]
    assert first[0] == "도봉구" and first[1:6] == [3, 1, 1, 2, 1]


def test_shortage_is_for_staff_only(client, login_as):
    login_as("citizen")
    assert client.get("/eodina/shortage").status_code == 403
    assert client.get("/eodina/shortage.xlsx").status_code == 403
