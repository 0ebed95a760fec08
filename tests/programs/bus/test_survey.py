"""The 1–5 survey behind each card's QR: no login, one answer per card (so per person per run)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.passes.codes import sign_code
from ops.programs.bus import services
from ops.programs.bus.models import BusSurveyAnswer

DAY = date(2025, 4, 15)


def card_of(world, day=DAY, seat=1):
    visit = world.run(day)
    cards = services.issue_survey_cards(visit, seat)
    db.session.commit()
    return cards[seat - 1]


def test_a_card_answers_once(world):
    code = services.card_code(card_of(world))
    services.answer_survey(code, score=5, today=DAY)
    with pytest.raises(services.AlreadyAnswered):
        services.answer_survey(code, score=1, today=DAY)
    assert db.session.scalar(select(func.avg(BusSurveyAnswer.score))) == 5


def test_issuing_cards_again_keeps_the_printed_ones(world):
    visit = world.run(DAY)
    first = [c.serial for c in services.issue_survey_cards(visit, 3)]
    again = [c.serial for c in services.issue_survey_cards(visit, 5)]
    assert again[:3] == first and len(again) == 5


def test_a_forged_card_is_unknown(world):
    code = services.card_code(card_of(world))
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(services.UnknownCard):
        services.answer_survey(forged, score=5, today=DAY)


def test_a_validly_signed_code_of_another_run_is_unknown(world):
    card = card_of(world)
    moved = sign_code("B", f"V{card.visit_id + 1}", card.serial).text
    with pytest.raises(services.UnknownCard):
        services.answer_survey(moved, score=5, today=DAY)


def test_the_survey_is_closed_before_the_visit_day_and_a_week_after(world):
    code = services.card_code(card_of(world))
    for day in (DAY - timedelta(days=1), DAY + timedelta(days=services.SURVEY_DAYS_OPEN + 1)):
        with pytest.raises(services.SurveyClosed):
            services.answer_survey(code, score=4, today=day)


def test_the_survey_page_needs_no_login_and_records_the_answer(world, bus_today, client):
    card = card_of(world, day=bus_today)
    url = f"/bus/s/{services.card_code(card)}"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"score": "4", "comment": "재밌었어요"})
    assert response.status_code == 200
    answer = db.session.scalar(select(BusSurveyAnswer))
    assert (answer.score, answer.comment) == (4, "재밌었어요")


def test_opening_a_used_card_says_it_was_used_and_records_nothing(world, bus_today, client):
    card = card_of(world, day=bus_today)
    url = f"/bus/s/{services.card_code(card)}"
    client.post(url, data={"score": "5"})
    response = client.post(url, data={"score": "1"})
    assert "already been used".encode() in response.data or "이미".encode() in response.data
    assert db.session.scalar(select(func.count(BusSurveyAnswer.id))) == 1


def test_a_survey_without_a_score_asks_for_one(world, bus_today, client):
    card = card_of(world, day=bus_today)
    response = client.post(f"/bus/s/{services.card_code(card)}", data={"comment": "x"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(BusSurveyAnswer.id))) == 0


def test_a_garbled_survey_link_is_not_found(client, world):
    assert client.get("/bus/s/B.V1.AAAAAAAA.AAAAAAAAAAAAAAAA").status_code == 404


def test_a_runs_mean_score_and_comments_are_shown_to_staff(world, bus_today, client, login_as):
    visit = world.run(bus_today)
    cards = services.issue_survey_cards(visit, 2)
    services.answer_survey(services.card_code(cards[0]), score=5, comment="로봇이 신기했어요")
    services.answer_survey(services.card_code(cards[1]), score=4)
    db.session.commit()
    login_as("staff")
    page = client.get(f"/bus/visits/{visit.id}").get_data(as_text=True)
    assert "4.50" in page and "로봇이 신기했어요" in page
