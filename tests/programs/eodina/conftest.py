"""Fixtures of 어디나지원단, built through the services."""
from __future__ import annotations

import itertools

import pytest

from ops.extensions import db
from ops.programs.eodina import services

_phones = itertools.count(10000001)


def next_phone() -> str:
    n = next(_phones)
    return f"010-{str(n)[:4]}-{str(n)[4:]}"


@pytest.fixture
def center(app):
    def make(district="jongno", capacity=2, name=None):
        c = services.save_center(None, name=name or f"{district} 센터 {next(_phones)}", district=district,
                                 address="서울 어딘가 1", opening_hours="평일 10-17", capacity=capacity)
        db.session.commit()
        return c

    return make


@pytest.fixture
def instructor(app):
    """An active instructor serving the given districts, slots and topics."""

    def make(districts=("jongno",), slots=("mon-am",), topics=("smartphone",), max_learners=10, centers=(),
             name="김강사"):
        ins = services.register_instructor(name=name, phone=next_phone(), district=districts[0], sms_consent=True)
        for step in ("selected", "trained", "active"):
            services.move_instructor(ins, step)
        services.update_instructor(ins, districts=list(districts), center_ids=[c.id for c in centers],
                                   availability=list(slots), topics=list(topics), max_learners=max_learners)
        db.session.commit()
        return ins

    return make


@pytest.fixture
def learner(app):
    def make(district="jongno", slots=("mon-am",), topics=("smartphone",), sms=False, name=None, center_id=None):
        le, _created = services.register_learner(name=name or f"이학생{next(_phones) % 1000}", phone=next_phone(),
                                                 district=district, availability=list(slots), topics=list(topics),
                                                 consent=True, sms_consent=sms, preferred_center_id=center_id)
        db.session.commit()
        return le

    return make


@pytest.fixture
def matched(center, instructor, learner):
    """An instructor with one matched learner, ready to log lessons."""
    c = center()
    ins = instructor(centers=[c])
    le = learner()
    services.run_matching()
    db.session.commit()
    return ins, le, c
