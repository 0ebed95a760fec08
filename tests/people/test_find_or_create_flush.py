"""find_or_create_person(flush=False): the new row waits for the caller's flush, and is still found meanwhile."""
from sqlalchemy import func, select

from ops.extensions import db
from ops.people.models import Person
from ops.people.services import find_or_create_person


def _rows():
    with db.session.no_autoflush:
        return db.session.scalar(select(func.count()).select_from(Person))


def test_without_flush_the_new_person_waits_for_the_callers_flush(app):
    person = find_or_create_person("박민수", "010-3333-4444", flush=False)
    assert person.id is None and _rows() == 0
    db.session.flush()
    assert person.id is not None and _rows() == 1


def test_an_unflushed_new_person_is_found_again_not_added_twice(app):
    first = find_or_create_person("박민수", "010-3333-4444", flush=False)
    again = find_or_create_person("박민수", "010-3333-4444", flush=False)
    db.session.commit()
    assert again is first and _rows() == 1
