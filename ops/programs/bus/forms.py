from __future__ import annotations

from datetime import timedelta

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...core.timeutil import seoul_today
from ...extensions import db
from ...people.districts import district_choices
from ...people.forms import ConsentField, KoreanMobile
from .models import AGE_BANDS, INSTITUTION_KINDS, Bus, BusProgramme, BusSlot, HostInstitution
from .services import BAND_LABELS, KIND_LABELS, MAX_RUN_PARTICIPANTS, ROLE_LABELS


def _locale() -> str:
    return str(get_locale() or "ko")


def slot_choices() -> list[tuple[int, str]]:
    slots = db.session.scalars(select(BusSlot).join(Bus).where(Bus.active, BusSlot.active)
                               .order_by(Bus.name, BusSlot.starts)).all()
    several = len({s.bus_id for s in slots}) > 1
    return [(s.id, f"{s.bus.name} · {s.label(_locale())}" if several else s.label(_locale())) for s in slots]


def programme_choices() -> list[tuple[int, str]]:
    programmes = db.session.scalars(select(BusProgramme).where(BusProgramme.active).order_by(BusProgramme.id))
    return [(p.id, p.name(_locale())) for p in programmes]


class VisitFieldsMixin:
    day = DateField(_l("Date of the visit"), validators=[InputRequired(_l("Please choose a date."))])
    slot = SelectField(_l("Time"), coerce=int,
                       validators=[InputRequired(_l("Please choose one of the bus's time slots."))])
    programme = SelectField(_l("Activity"), coerce=int, validators=[InputRequired(_l("Please choose a programme."))])
    expected_participants = IntegerField(
        _l("Expected participants"),
        validators=[InputRequired(_l("Please enter the expected number of participants (at least 1).")),
                    NumberRange(min=1, message=_l("Please enter the expected number of participants (at least 1)."))],
        render_kw={"inputmode": "numeric"})
    note = TextAreaField(_l("Anything we should know (optional)"), validators=[Optional(), Length(max=1000)])

    def fill_visit_choices(self) -> None:
        self.slot.choices = slot_choices()
        self.programme.choices = programme_choices()
        self.day.render_kw = {"min": (seoul_today() + timedelta(days=1)).isoformat()}


class ContactFieldsMixin:
    contact_name = StringField(_l("Contact person's name"),
                               validators=[DataRequired(_l("Please enter the name.")), Length(max=100)],
                               render_kw={"autocomplete": "name"})
    contact_phone = TelField(_l("Contact person's mobile number"),
                             validators=[DataRequired(_l("Please enter the mobile number.")), KoreanMobile()],
                             render_kw={"inputmode": "tel", "autocomplete": "tel", "placeholder": "010-1234-5678"})
    consent_collection = ConsentField(_l("I agree to the collection and use of my personal information (required)"),
                                      validators=[DataRequired(_l("We need your consent to take the request."))])
    consent_sms = ConsentField(_l("I would like reminder text messages (optional)"))


class InstitutionFieldsMixin:
    institution_name = StringField(_l("Institution"),
                                   validators=[DataRequired(_l("Please enter the institution's name.")),
                                               Length(max=120)])
    institution_kind = SelectField(_l("Kind of institution"),
                                   validators=[DataRequired(_l("Please choose the kind of institution."))])
    district = SelectField(_l("District"), validators=[DataRequired(_l("Please choose the district."))])

    def fill_institution_choices(self) -> None:
        self.institution_kind.choices = [("", _l("Choose"))] + [(k, KIND_LABELS[k]) for k in INSTITUTION_KINDS]
        self.district.choices = [("", _l("Choose your district"))] + district_choices(_locale())


class PublicRequestForm(InstitutionFieldsMixin, ContactFieldsMixin, VisitFieldsMixin, FlaskForm):
    """An institution's contact asks for a visit, with no account."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_institution_choices()
        self.fill_visit_choices()


class LinkedRequestForm(VisitFieldsMixin, FlaskForm):
    """Another request from an institution we know (its signed link)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_visit_choices()


class StaffVisitForm(VisitFieldsMixin, FlaskForm):
    """Staff enter a request taken by phone."""

    institution = SelectField(_l("Institution"), coerce=int,
                              validators=[InputRequired(_l("Please choose the institution."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_visit_choices()
        institutions = db.session.scalars(select(HostInstitution).order_by(HostInstitution.name))
        self.institution.choices = [(i.id, i.name) for i in institutions]


class InstitutionForm(InstitutionFieldsMixin, ContactFieldsMixin, FlaskForm):
    address = StringField(_l("Address (optional)"), validators=[Optional(), Length(max=200)])
    is_hub = BooleanField(_l("Hub institution of its region"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_institution_choices()


class ContactForm(ContactFieldsMixin, FlaskForm):
    """A new contact person for an institution (read them the consent notice)."""


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"),
                         validators=[DataRequired(_l("Please give the reason, so the institution knows why.")),
                                     Length(max=300)])


class ProposeForm(FlaskForm):
    day = DateField(_l("Proposed date"), validators=[InputRequired(_l("Please choose a date."))])
    slot = SelectField(_l("Proposed time"), coerce=int,
                       validators=[InputRequired(_l("Please choose one of the bus's time slots."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot.choices = slot_choices()


def _band_field(band: str) -> IntegerField:
    return IntegerField(BAND_LABELS[band], default=0, render_kw={"inputmode": "numeric", "min": 0},
                        validators=[Optional(), NumberRange(min=0, max=MAX_RUN_PARTICIPANTS,
                                                            message=_l("Please enter a number from 0 to %(most)d.",
                                                                       most=MAX_RUN_PARTICIPANTS))])


class CountsForm(FlaskForm):
    pass


for _band in AGE_BANDS:
    setattr(CountsForm, f"band_{_band}", _band_field(_band))


class ParticipantForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter the name.")), Length(max=100)])
    phone = TelField(_l("Mobile number (optional for children)"), validators=[Optional(), KoreanMobile()],
                     render_kw={"inputmode": "tel", "placeholder": "010-1234-5678"})
    birth_year = IntegerField(_l("Year of birth"), validators=[
        InputRequired(_l("Please enter the year of birth.")),
        NumberRange(min=1900, max=seoul_today().year, message=_l("Please check the year of birth."))],
        render_kw={"inputmode": "numeric", "placeholder": "1950"})
    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()))
    consent_collection = ConsentField(_l("The participant (or a child's guardian) agreed to the collection and use "
                                         "of personal information"),
                                      validators=[DataRequired(_l("We need consent (a guardian's for a child) to "
                                                                  "record a participant."))])


class CardsForm(FlaskForm):
    count = IntegerField(_l("Number of survey cards"), validators=[
        InputRequired(_l("Please enter a number from 1 to %(most)d.", most=MAX_RUN_PARTICIPANTS)),
        NumberRange(min=1, max=MAX_RUN_PARTICIPANTS,
                    message=_l("Please enter a number from 1 to %(most)d.", most=MAX_RUN_PARTICIPANTS))],
        render_kw={"inputmode": "numeric"})


class SurveyForm(FlaskForm):
    score = RadioField(_l("How satisfied were you with today's digital experience bus?"), coerce=int,
                       choices=[(5, _l("5 · Very satisfied")), (4, _l("4 · Satisfied")), (3, _l("3 · So-so")),
                                (2, _l("2 · Dissatisfied")), (1, _l("1 · Very dissatisfied"))],
                       validators=[InputRequired(_l("Please choose a score from 1 to 5."))])
    comment = TextAreaField(_l("Anything you would like to tell us (optional)"),
                            validators=[Optional(), Length(max=1000)])


class BlackoutForm(FlaskForm):
    day = DateField(_l("Day without runs"), validators=[InputRequired(_l("Please choose a date."))])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=120)])


class SeasonForm(FlaskForm):
    starts = DateField(_l("Season starts"), validators=[InputRequired(_l("Please choose a date."))])
    ends = DateField(_l("Season ends"), validators=[InputRequired(_l("Please choose a date."))])


class BusForm(FlaskForm):
    seats = IntegerField(_l("Seats"),
                         validators=[InputRequired(_l("A bus needs at least one seat.")),
                                     NumberRange(min=1, max=200, message=_l("A bus needs at least one seat."))],
                         render_kw={"inputmode": "numeric"})
    weekends = BooleanField(_l("Runs on Saturdays and Sundays too"))
