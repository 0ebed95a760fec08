from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, URL

from ..people.forms import ConsentField, PersonFieldsMixin
from .models import INSTITUTION_KINDS


def kind_choices():
    return [("prompt", _l("Prompt engineering for city staff")),
            ("data_admin", _l("Data administration, tailored to an institution")),
            ("collaboration", _l("Public–private data collaboration")),
            ("smart_city_center", _l("Smart City Center AI course or lecture"))]


def audience_choices():
    return [("citizens", _l("Citizens")), ("city_staff", _l("City and public-institution staff")),
            ("institution", _l("One institution's people"))]


def institution_kind_choices():
    labels = {"city_office": _l("Seoul city office"), "district_office": _l("District office"),
              "public_corporation": _l("Public corporation"), "public_agency": _l("Public agency"),
              "other": _l("Other")}
    return [(k, labels[k]) for k in INSTITUTION_KINDS]


class EnrolForm(PersonFieldsMixin, FlaskForm):
    """A citizen enrols in a course from their phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_district_choices()


class RosterForm(FlaskForm):
    course = SelectField(_l("Course"), coerce=int, validators=[DataRequired(_l("Please choose the course."))])
    rows = TextAreaField(_l("Names and mobile numbers, one person a line"),
                         render_kw={"rows": 10, "placeholder": "홍길동, 010-1234-5678"})
    upload = FileField(_l("Or a file (CSV or XLSX: name, mobile number)"))
    consent_confirmed = ConsentField(
        _l("Each person listed agreed to give their name and mobile number for this course (required)"),
        validators=[DataRequired(_l("Please confirm that each person agreed."))])
    skip_bad = BooleanField(_l("If some lines are wrong, enrol the others and show me the wrong ones"))


class EnrolmentRulesMixin:
    """How long a freed place is held for the first in line (empty: unchanged, 24 hours for a new course), and
    when enrolment closes (a date and a time in Seoul; both empty: when the first session starts)."""

    offer_hours = IntegerField(
        _l("Hours the first in line has to accept a freed place (0: the place is given at once)"), default=24,
        validators=[Optional(), NumberRange(min=0, max=336,
                                message=_l("Enter hours from 0 to 336 (two weeks); 0 gives a freed place at once."))],
        render_kw={"inputmode": "numeric"})
    enrol_closes_day = DateField(_l("Enrolment closes on (empty: when the first session starts)"),
                                 validators=[Optional()])
    enrol_closes_time = TimeField(_l("at (time)"), validators=[Optional()])

    def enrol_closes_at(self) -> datetime | None:
        if self.enrol_closes_day.data is None:
            return None
        return datetime.combine(self.enrol_closes_day.data, self.enrol_closes_time.data)

    def set_enrol_closes_at(self, value: datetime | None) -> None:
        """Fill the two fields from a Seoul wall-clock time (for a GET)."""
        self.enrol_closes_day.data = value.date() if value else None
        self.enrol_closes_time.data = value.time() if value else None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        day, time = self.enrol_closes_day, self.enrol_closes_time
        if not day.errors and not time.errors and (day.data is None) != (time.data is None):
            missing = time if day.data is not None else day
            missing.errors = [*missing.errors, str(_l("Please enter both the date and the time, or neither."))]
            valid = False
        return valid


class CourseForm(EnrolmentRulesMixin, FlaskForm):
    title_ko = StringField(_l("Title (Korean)"), validators=[DataRequired(_l("Please enter the title.")), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=kind_choices)
    audience = SelectField(_l("Open to"), choices=audience_choices)
    institution = SelectField(_l("Institution (for one institution's course)"), coerce=int, validators=[Optional()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2020, max=2100)])
    capacity = IntegerField(_l("Places (empty: unlimited)"), validators=[Optional(), NumberRange(min=1, max=10000)])
    completion_percent = IntegerField(_l("Completion: at least this % of sessions attended"), default=80,
                                      validators=[DataRequired(), NumberRange(min=1, max=100)])
    description_ko = TextAreaField(_l("Description (Korean)"), validators=[Optional(), Length(max=4000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=4000)])


class SessionForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired(_l("Please enter the date."))])
    starts = TimeField(_l("Starts"), validators=[DataRequired(_l("Please enter the time."))])
    ends = TimeField(_l("Ends"), validators=[DataRequired(_l("Please enter the time."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online_url = StringField(_l("Online link"), validators=[Optional(), URL(message=_l("Please enter a web address.")),
                                                            Length(max=500)])
    capacity = IntegerField(_l("Room capacity"), validators=[Optional(), NumberRange(min=1, max=10000)])
    teacher = StringField(_l("Teacher"), validators=[Optional(), Length(max=100)])
    teacher_email = EmailField(_l("Teacher's login e-mail (for the roll call)"), validators=[Optional(), Email()])


class InstitutionForm(FlaskForm):
    name = StringField(_l("Institution name"), validators=[DataRequired(_l("Please enter the name.")), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=institution_kind_choices)


class CoordinatorForm(FlaskForm):
    email = EmailField(_l("Coordinator's login e-mail"), validators=[DataRequired(), Email()])


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class CourseSettingsForm(EnrolmentRulesMixin, FlaskForm):
    capacity = IntegerField(_l("Places (empty: unlimited)"), validators=[Optional(), NumberRange(min=1, max=10000)])
    open = BooleanField(_l("Enrolment is open"))
