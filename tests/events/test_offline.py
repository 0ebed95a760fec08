"""The offline scanner on the server: the list it downloads and the batch of scans it uploads."""
import gzip
import json
import threading
import uuid
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from ops.core.timeutil import seoul_to_utc, seoul_today
from ops.events import services
from ops.extensions import db
from ops.passes.models import CheckIn, CheckInConflict, OfflineScan
from ops.passes.offline import code_hash
from tests.conftest import sqlite_app
from tests.events.conftest import make_event, register_one

BATCH = "/api/v1/checkin/batch"
LIST = "/api/v1/checkin/offline"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def app(request, tmp_path, monkeypatch):
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_app")
    else:
        with sqlite_app(tmp_path, monkeypatch) as app:
            yield app


@pytest.fixture
def day():
    """The event's first day, whatever day the suite runs on; scans happen on it in the morning."""
    return seoul_today()


@pytest.fixture
def at(day):
    def make(hour: int, minute: int = 0, second: int = 0) -> datetime:
        return seoul_to_utc(datetime.combine(day, time(hour, minute, second)))

    return make


@pytest.fixture
def doors(app, day, at, time_machine, token_for):
    """An event on ``day`` and the next, staff, and the clock at 09:00 that morning (before the scans)."""
    time_machine.move_to(at(9).replace(tzinfo=timezone.utc), tick=False)
    event = make_event(days=[day, day + timedelta(days=1)])
    return event, token_for("staff")


def scan(code, gate, when, scan_id=None):
    return {"id": scan_id or uuid.uuid4().hex, "code": code, "gate": gate, "at": when.isoformat() + "Z"}


def upload(client, headers, *scans):
    response = client.post(BATCH, json={"scans": list(scans)}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def live(registration_id):
    return db.session.execute(select(CheckIn.at, CheckIn.gate, CheckIn.method).where(
        CheckIn.subject_id == registration_id, CheckIn.undone_at.is_(None))).all()


def test_uploaded_scan_is_admitted_at_its_scan_time_not_its_arrival(client, doors, at, time_machine):
    event, staff = doors
    ticket = register_one(event, 1)
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    body = upload(client, staff, scan(ticket.code, "Hall A", at(10, 2)))
    assert body["results"][0]["result"] == "admitted" and body["results"][0]["checkin_id"]
    assert live(ticket.id) == [(at(10, 2), "Hall A", "offline")]


def test_the_same_batch_sent_twice_changes_nothing_and_is_answered_the_same(client, doors, at, time_machine):
    event, staff = doors
    tickets = [register_one(event, n) for n in (1, 2)]
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    scans = [scan(t.code, "Hall A", at(10, n)) for n, t in enumerate(tickets)]
    first = upload(client, staff, *scans)
    second = upload(client, staff, *scans)
    assert [a["result"] for a in first["results"]] == ["admitted", "admitted"]
    assert [(a["result"], a["checkin_id"], a["repeat"]) for a in second["results"]] == [
        (a["result"], a["checkin_id"], True) for a in first["results"]]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 2
    assert db.session.scalar(select(func.count(OfflineScan.id))) == 2
    assert db.session.scalar(select(func.count(CheckInConflict.id))) == 0


def test_two_offline_gates_first_scan_in_time_wins_whatever_uploads_first(client, doors, at, time_machine):
    event, staff = doors
    ticket = register_one(event, 1)
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    later = upload(client, staff, scan(ticket.code, "Hall B", at(10, 5)))  # gate B's network came back first
    earlier = upload(client, staff, scan(ticket.code, "Hall A", at(10, 0)))
    assert later["results"][0]["result"] == "admitted" and earlier["results"][0]["result"] == "admitted"
    assert live(ticket.id) == [(at(10, 0), "Hall A", "offline")]
    conflicts = db.session.execute(select(CheckInConflict.at, CheckInConflict.gate)).all()
    assert conflicts == [(at(10, 5), "Hall B")]
    # Gate B asking again (a repeat) now hears that its scan lost, with the winner's time and gate.
    again = client.post(BATCH, json={"scans": [scan(ticket.code, "Hall B", at(10, 5),
                                                     db.session.scalar(select(OfflineScan.scan_id)
                                                                       .where(OfflineScan.gate == "Hall B")))]},
                        headers=staff).get_json()["results"][0]
    assert again["result"] == "conflict" and again["first_gate"] == "Hall A"


def test_a_later_offline_scan_of_a_ticket_admitted_online_is_a_conflict_with_both_gates(
        client, doors, at, time_machine):
    event, staff = doors
    ticket = register_one(event, 1)
    time_machine.move_to(at(10, 1).replace(tzinfo=timezone.utc), tick=False)
    assert client.post("/api/v1/checkin", json={"code": ticket.code, "gate": "Online"},
                       headers=staff).status_code == 200
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    answer = upload(client, staff, scan(ticket.code, "Hall C", at(10, 30)))["results"][0]
    assert answer["result"] == "conflict" and answer["first_gate"] == "Online"
    assert answer["first_at"] == at(10, 1).isoformat() + "Z"
    assert live(ticket.id) == [(at(10, 1), "Online", "scan")]
    assert db.session.execute(select(CheckInConflict.at, CheckInConflict.gate)).all() == [(at(10, 30), "Hall C")]


def test_a_repeat_inside_one_batch_and_across_gates_is_one_admission(client, doors, at, time_machine):
    event, staff = doors
    ticket = register_one(event, 1)
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    twice = scan(ticket.code, "Hall A", at(10, 0))
    body = upload(client, staff, twice, twice, scan(ticket.code, "Hall D", at(10, 9)))
    assert [a["result"] for a in body["results"]] == ["admitted", "admitted", "conflict"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_scans_are_judged_by_the_ticket_as_it_was_at_scan_time(client, doors, at, time_machine):
    event, staff = doors
    kept, cancelled_before, cancelled_after = (register_one(event, n) for n in (1, 2, 3))
    time_machine.move_to(at(10, 0).replace(tzinfo=timezone.utc), tick=False)
    services.cancel_registration(cancelled_before)
    db.session.commit()
    time_machine.move_to(at(10, 30).replace(tzinfo=timezone.utc), tick=False)
    services.cancel_registration(cancelled_after)
    db.session.commit()
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    body = upload(client, staff, scan(kept.code, "A", at(10, 20)), scan(cancelled_before.code, "A", at(10, 20)),
                  scan(cancelled_after.code, "A", at(10, 20)))
    assert [a["result"] for a in body["results"]] == ["admitted", "cancelled", "admitted"]


def test_forged_unknown_and_wrong_day_scans_admit_nobody(client, doors, day, at, time_machine):
    event, staff = doors
    ticket = register_one(event, 1)
    forged = ticket.code[:-1] + ("A" if ticket.code[-1] != "A" else "B")
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    before = seoul_to_utc(datetime.combine(day - timedelta(days=1), time(23, 0)))  # the eve: not an event day
    body = upload(client, staff, scan(forged, "A", at(10)), scan(ticket.code, "A", before),
                  scan("T.OTHER-EVENT.ABCDEFGH.ABCDEFGHABCDEFGH", "A", at(10)))
    assert [a["result"] for a in body["results"]] == ["invalid", "not_confirmed", "invalid"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_a_scan_time_in_the_future_is_refused(client, doors, at):
    event, staff = doors
    ticket = register_one(event, 1)
    body = upload(client, staff, scan(ticket.code, "A", at(12)))
    assert body["results"][0]["result"] == "invalid" and not live(ticket.id)


def test_a_malformed_batch_is_422_by_field_and_applies_nothing(client, doors, at, time_machine):
    event, staff = doors
    ticket = register_one(event, 1)
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    good = scan(ticket.code, "A", at(10))
    response = client.post(BATCH, json={"scans": [good, {"id": "x", "code": ticket.code, "gate": "A",
                                                          "at": "10:00"}]}, headers=staff)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"scans.1.id", "scans.1.at"}
    assert db.session.scalar(select(func.count(OfflineScan.id))) == 0


def test_the_batch_needs_a_staff_token(client, doors, token_for, at):
    event, _staff = doors
    assert client.post(BATCH, json={"scans": []}).status_code == 401
    assert client.post(BATCH, json={"scans": []}, headers=token_for("citizen")).status_code == 403


def _download(client, headers, cursor=None):
    query = {"context": "events:slw-2025"} | ({"cursor": cursor} if cursor else {})
    response = client.get(LIST, query_string=query, headers={**headers, "Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    return json.loads(gzip.decompress(response.data))


def test_the_list_carries_hashes_and_masked_names_never_codes_or_full_names(client, doors):
    event, staff = doors
    confirmed = register_one(event, 1)
    listed = _download(client, staff)
    raw = json.dumps(listed, ensure_ascii=False)
    assert listed["full"] and listed["scope"] == "SLW-2025" and listed["day"] == seoul_today().isoformat()
    assert confirmed.code not in raw and confirmed.name not in raw
    assert listed["tickets"] == [[code_hash(confirmed.code), "김***1", confirmed.ticket_type_id, "c", None, None]]


def test_the_next_download_brings_only_changes_cancellations_and_undos(client, doors, at, time_machine):
    event, staff = doors
    kept, cancelled, undone = (register_one(event, n) for n in (1, 2, 3))
    checkin = client.post("/api/v1/checkin", json={"code": undone.code, "gate": "A"}, headers=staff).get_json()
    time_machine.move_to(at(9, 10).replace(tzinfo=timezone.utc), tick=False)  # past the cursor's overlap
    first = _download(client, staff)
    assert {row[0]: row[4] is not None for row in first["tickets"]} == {
        code_hash(kept.code): False, code_hash(cancelled.code): False, code_hash(undone.code): True}
    time_machine.move_to(at(9, 30).replace(tzinfo=timezone.utc), tick=False)
    services.cancel_registration(cancelled)
    db.session.commit()
    assert client.post(f"/api/v1/checkin/{checkin['checkin_id']}/undo", json={}, headers=staff).status_code == 200
    time_machine.move_to(at(9, 31).replace(tzinfo=timezone.utc), tick=False)
    second = _download(client, staff, first["cursor"])
    assert not second["full"]
    assert sorted(second["tickets"]) == sorted([[code_hash(cancelled.code), "김***2", cancelled.ticket_type_id, "x",
                                                 None, None],
                                                [code_hash(undone.code), "김***3", undone.ticket_type_id, "c", None,
                                                 None]])


def test_an_uploaded_scan_reaches_other_scanners_at_their_next_download(client, doors, at, time_machine):
    event, staff = doors
    ticket = register_one(event, 1)
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    first = _download(client, staff)
    time_machine.move_to(at(11, 10).replace(tzinfo=timezone.utc), tick=False)
    upload(client, staff, scan(ticket.code, "Hall A", at(10, 0)))  # scanned an hour ago, arrives now
    second = _download(client, staff, first["cursor"])
    assert second["tickets"] == [[code_hash(ticket.code), "김***1", ticket.ticket_type_id, "c",
                                  at(10, 0).isoformat() + "Z", "Hall A"]]


def test_a_cursor_of_another_day_gets_the_full_list(client, doors):
    event, staff = doors
    register_one(event, 1)
    stale = "2000-01-01|2000-01-01T00:00:00"
    assert _download(client, staff, stale)["full"]


@pytest.mark.pg
def test_gates_uploading_at_once_admit_each_ticket_once_and_report_every_conflict(pg_app, at, day, time_machine,
                                                                                   token_for):
    time_machine.move_to(at(9).replace(tzinfo=timezone.utc), tick=False)
    event = make_event(days=[day], capacity=None)
    tickets = [register_one(event, n) for n in range(40)]
    headers = token_for("staff")
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    # Ticket n is scanned at gates n % 4 and the one before; gate g's scan is at 10:00 + (n + g) seconds.
    batches = {g: [scan(t.code, f"G{g}", at(10, 0, n + g)) for n, t in enumerate(tickets) if n % 4 in (g, (g + 1) % 4)]
               for g in range(4)}
    barrier = threading.Barrier(4)
    answers = {}

    def gate(g):
        client = pg_app.test_client()
        barrier.wait()
        answers[g] = client.post(BATCH, json={"scans": batches[g]}, headers=headers).status_code

    threads = [threading.Thread(target=gate, args=(g,)) for g in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert answers == {0: 200, 1: 200, 2: 200, 3: 200}
    rows = db.session.execute(select(CheckIn.subject_id, CheckIn.gate).where(CheckIn.undone_at.is_(None))).all()
    assert len(rows) == 40
    # the earlier of the two gates that scanned it: the smaller number
    assert dict(rows) == {t.id: f"G{min(n % 4, (n - 1) % 4)}" for n, t in enumerate(tickets)}
    assert db.session.scalar(select(func.count(CheckInConflict.id))) == 40


def test_an_online_scan_whose_answer_was_lost_and_then_kept_offline_is_one_admission(
        client, doors, at, time_machine):
    event, staff = doors
    ticket = register_one(event, 1)
    time_machine.move_to(at(10, 0).replace(tzinfo=timezone.utc), tick=False)
    client.post("/api/v1/checkin", json={"code": ticket.code, "gate": "Hall A"}, headers=staff)
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    answer = upload(client, staff, scan(ticket.code, "Hall A", at(10, 0, 4)))["results"][0]
    assert answer["result"] == "admitted"
    assert db.session.scalar(select(func.count(CheckInConflict.id))) == 0


def test_staff_see_conflicts_on_the_live_page_with_both_times_and_gates(client, doors, at, time_machine, make_user):
    from tests.conftest import login

    event, staff = doors
    ticket = register_one(event, 1)
    time_machine.move_to(at(11).replace(tzinfo=timezone.utc), tick=False)
    upload(client, staff, scan(ticket.code, "Hall B", at(10, 5)), scan(ticket.code, "Hall A", at(10, 0)))
    login(client, make_user("staff"))
    page = client.get(f"/events/manage/{event.slug}").get_data(as_text=True)
    section = page[page.index('id="conflicts"'):]
    assert "김***1" in section and "10:00:00 · Hall A" in section and "10:05:00 · Hall B" in section


def test_the_scanner_is_an_installable_app_with_a_service_worker_allowed_on_scan(client, doors, make_user):
    from tests.conftest import login

    event, _staff = doors
    sw = client.get("/scan/sw.js")
    assert sw.status_code == 200 and sw.headers["Service-Worker-Allowed"] == "/scan"
    assert sw.mimetype == "text/javascript" and b"caches" in sw.data
    manifest = client.get("/scan/manifest.webmanifest").get_json()
    assert manifest["start_url"] == "/scan" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    login(client, make_user("staff"))
    page = client.get(f"/scan?gate=A&context=events:{event.slug}").get_data(as_text=True)
    assert 'rel="manifest"' in page and "scan-offline.js" in page and 'id="scan-network"' in page
    assert "<script>" not in page and "style=" not in page  # no inline scripts or styles (CSP)
