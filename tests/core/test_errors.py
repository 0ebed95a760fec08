"""Bad input by field: one error in the core, named by each area, that tells why but never the value."""
import logging

import pytest

from ops.core.errors import AlreadyCancelled, InvalidInput
from ops.education.services import AlreadyCancelled as EducationCancelled
from ops.education.services import InvalidCourse, create_institution
from ops.events.services import AlreadyCancelled as EventsCancelled
from ops.events.services import InvalidEvent, InvalidRegistration
from ops.kpi.services import InvalidEntry
from ops.programs.bus.services import InvalidVisit
from ops.programs.eodina.services import InvalidChoice


@pytest.mark.parametrize("error", [InvalidVisit, InvalidEntry, InvalidEvent, InvalidRegistration, InvalidCourse,
                                   InvalidChoice])
def test_every_area_names_the_one_field_error(error):
    assert issubclass(error, InvalidInput)


def test_already_cancelled_is_one_error():
    assert EducationCancelled is EventsCancelled is AlreadyCancelled


def test_the_log_line_gives_the_field_and_its_message_not_the_value(caplog):
    phone = "010-1234-5678"
    with caplog.at_level(logging.INFO):
        try:
            raise InvalidVisit({"contact_phone": "Please check the mobile number."})
        except InvalidVisit:
            logging.getLogger("ops.test").exception("refused")
    text = caplog.text
    assert "contact_phone: Please check the mobile number." in text
    assert phone not in text


def test_a_service_refusal_says_which_field_and_why(app):
    create_institution("서울시청")
    with pytest.raises(InvalidCourse) as refused:
        create_institution("서울시청")
    assert str(refused.value) == "invalid_course: name: 같은 이름의 기관이 이미 있습니다."  # Korean first
    assert "서울시청" not in str(refused.value)
