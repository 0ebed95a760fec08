"""Managers' figures: every manual metric of the plan can be entered, each entry keeps who, when and the
value before, and a correction replaces an entry while the history keeps both."""
from datetime import date

import pytest

from ops.extensions import db
from ops.kpi import services
from ops.plan.loader import read_plan

MANUAL = [t for t in read_plan(2025)["targets"] if t["source"] == "manual"]


def _value(metric, day=date(2025, 12, 31)):
    m = next(m for p in services.figures(2025, today=day)["programmes"] for m in p["metrics"] if m["key"] == metric)
    return m["value"]


def test_every_manual_metric_of_the_plan_accepts_a_figure_and_shows_it(app, plan, make_user):
    manager = make_user("manager")
    for n, t in enumerate(MANUAL, start=1):
        services.add_entry(year=2025, metric=t["metric"], value=n, as_of=date(2025, 6, 30), note=None, user=manager)
    db.session.commit()
    assert [_value(t["metric"]) for t in MANUAL] == list(range(1, len(MANUAL) + 1))


def test_an_entry_remembers_the_value_it_replaced(app, plan, make_user):
    manager = make_user("manager")
    first = services.add_entry(year=2025, metric="slw.booths", value=120, as_of=date(2025, 10, 1), note=None,
                               user=manager)
    second = services.add_entry(year=2025, metric="slw.booths", value=150, as_of=date(2025, 10, 2), note=None,
                                user=manager)
    assert (first.previous_value, second.previous_value) == (None, 120)


def test_a_correction_replaces_the_wrong_entry_even_at_another_date(app, plan, make_user):
    manager = make_user("manager")
    wrong = services.add_entry(year=2025, metric="slw.speakers", value=1440, as_of=date(2025, 10, 2), note=None,
                               user=manager)
    services.add_entry(year=2025, metric="slw.speakers", value=144, as_of=date(2025, 10, 1), note="오타: 0 하나 더",
                       user=manager, corrects=wrong)
    db.session.commit()
    assert _value("slw.speakers") == 144
    [correction, original] = services.entry_history(2025)
    assert (correction.corrects_id, correction.previous_value) == (wrong.id, None)
    assert services.corrected_ids(2025) == {original.id}


def test_a_correction_needs_a_reason(app, plan, make_user):
    manager = make_user("manager")
    wrong = services.add_entry(year=2025, metric="slw.cities", value=19, as_of=date(2025, 10, 2), note=None,
                               user=manager)
    with pytest.raises(services.InvalidEntry) as caught:
        services.add_entry(year=2025, metric="slw.cities", value=109, as_of=date(2025, 10, 2), note=" ",
                           user=manager, corrects=wrong)
    assert caught.value.errors == {"note": "reason_needed"}


def test_an_entry_is_corrected_once_and_the_next_correction_corrects_the_correction(app, plan, make_user):
    manager = make_user("manager")
    wrong = services.add_entry(year=2025, metric="slw.cities", value=19, as_of=date(2025, 10, 2), note=None,
                               user=manager)
    fixed = services.add_entry(year=2025, metric="slw.cities", value=108, as_of=date(2025, 10, 2), note="정정",
                               user=manager, corrects=wrong)
    with pytest.raises(services.InvalidEntry) as caught:
        services.add_entry(year=2025, metric="slw.cities", value=107, as_of=date(2025, 10, 2), note="다시",
                           user=manager, corrects=wrong)
    assert caught.value.errors == {"metric": "already_corrected"}
    services.add_entry(year=2025, metric="slw.cities", value=109, as_of=date(2025, 10, 2), note="최종",
                       user=manager, corrects=fixed)
    db.session.commit()
    assert _value("slw.cities") == 109


def test_a_manager_corrects_an_entry_from_the_history_page(app, client, login_as, plan):
    manager = login_as("manager")
    wrong = services.add_entry(year=2025, metric="scewc.visitors", value=2577, as_of=date(2025, 11, 6),
                               note=None, user=manager)
    db.session.commit()
    page = client.get("/kpi/2025/entries").get_data(as_text=True)
    assert f"/kpi/2025/entries?correct={wrong.id}" in page
    form = client.get(f"/kpi/2025/entries?correct={wrong.id}").get_data(as_text=True)
    assert "2025-11-06" in form  # the date of the entry it corrects, ready to keep
    refused = client.post(f"/kpi/2025/entries?correct={wrong.id}",
                          data={"metric": "scewc.visitors", "value": "25771", "as_of": "2025-11-06"})
    assert refused.status_code == 422 and "정정하는 이유" in refused.get_data(as_text=True)
    done = client.post(f"/kpi/2025/entries?correct={wrong.id}",
                       data={"metric": "scewc.visitors", "value": "25771", "as_of": "2025-11-06", "note": "자릿수"})
    assert done.status_code == 302 and _value("scewc.visitors") == 25771
    history = client.get("/kpi/2025/entries").get_data(as_text=True)
    assert 'class="corrected"' in history and "2,577" in history  # the wrong figure stays, crossed out


def test_correcting_an_entry_of_another_year_is_not_found(app, client, login_as, plan):
    login_as("manager")
    assert client.get("/kpi/2025/entries?correct=999999").status_code == 404
