from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, EmailField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TelField, TextAreaField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from markupsafe import Markup
from wtforms.widgets import CheckboxInput, ListWidget, html_params

from ..people.forms import ConsentField, KoreanMobile
from .models import DEFAULT_OFFER_HOURS, MAX_OFFER_HOURS
from .countries import country_choices, country_names, country_options


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CountrySelect:
    """A <select> whose options come ready-made from ``country_options`` (rendered once, kept)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if "required" not in kwargs and field.flags.required:
            kwargs["required"] = True
        selected = field.data if field.data in country_names(field.locale) else None
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>"
                      f"{country_options(field.locale, selected)}</select>")


class CountryField(SelectField):
    """The country of a visitor: common countries first, then all (see ops.events.countries)."""

    widget = CountrySelect()
    locale = "ko"  # the language the names are shown in; set by the form's setup()


class RegistrationForm(FlaskForm):
    """The public registration form; the JSON API validates its body with the same form."""

    name = StringField(_l("Name"), filters=[_strip],
                       validators=[DataRequired(_l("Please enter your name.")), Length(max=100)],
                       render_kw={"autocomplete": "name"})
    phone = TelField(_l("Mobile number"), filters=[_strip],
                     validators=[DataRequired(_l("Please enter your mobile number.")), KoreanMobile(allow_foreign=True)],
                     render_kw={"inputmode": "tel", "autocomplete": "tel", "placeholder": "010-1234-5678"})
    email = EmailField(_l("E-mail (optional)"), filters=[_strip],
                       validators=[Optional(), Email(_l("Please check the e-mail address.")), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    affiliation = StringField(_l("Organisation (optional)"), filters=[_strip], validators=[Optional(), Length(max=200)],
                              render_kw={"autocomplete": "organization"})
    # validate_choice=False: the country is checked by one dict lookup (validate_country), not by
    # walking some 250 choices on every registration.
    country = CountryField(_l("Country"), default="KR", validate_choice=False,
                          validators=[DataRequired(_l("Please choose your country."))])
    city = StringField(_l("City (optional)"), filters=[_strip], validators=[Optional(), Length(max=100)],
                       render_kw={"autocomplete": "address-level2"})
    ticket_type = SelectField(_l("Ticket type"), validators=[DataRequired(_l("Please choose a ticket type."))])
    sessions = MultiCheckboxField(_l("Conferences (optional)"), coerce=int, validators=[Optional()])
    consent = ConsentField(_l("I agree to the collection and use of my personal information (required)"),
                           validators=[DataRequired(_l("We need your consent to take the registration."))])
    consent_sms = ConsentField(_l("I would like reminder text messages (optional)"))

    def validate_country(self, field):
        if field.data not in country_names("en"):
            raise ValidationError(_l("Please choose your country."))

    def setup(self, event, locale: str, *, staff: bool = False, sessions: bool = True) -> "RegistrationForm":
        """Choices for this event; ``sessions=False`` skips loading them when the request names none."""
        self.country.choices, self.country.locale = country_choices(locale), locale
        self.ticket_type.choices = [(t.name, t.label(locale)) for t in event.ticket_types if t.public or staff]
        self.sessions.choices = [(s.id, f"{s.day:%m/%d} {s.starts_at} {s.title(locale)}".strip())
                                 for s in event.sessions] if sessions else []
        if not self.ticket_type.data and self.ticket_type.choices:
            self.ticket_type.data = self.ticket_type.choices[0][0]
        return self

    def service_fields(self) -> dict:
        return dict(name=self.name.data, phone=self.phone.data, email=self.email.data or None,
                    affiliation=self.affiliation.data or None, country=self.country.data, city=self.city.data or None,
                    ticket_type=self.ticket_type.data, consent=bool(self.consent.data),
                    sms_consent=bool(self.consent_sms.data), session_ids=self.sessions.data or [])


class WalkInForm(RegistrationForm):
    """At the door: staff fill it in with the visitor and read the consent notice aloud."""

    email = None
    city = None
    sessions = None

    def service_fields(self) -> dict:
        return dict(name=self.name.data, phone=self.phone.data, affiliation=self.affiliation.data or None,
                    country=self.country.data, ticket_type=self.ticket_type.data, consent=bool(self.consent.data),
                    sms_consent=bool(self.consent_sms.data))

    def setup(self, event, locale: str, *, staff: bool = True) -> "WalkInForm":
        self.country.choices, self.country.locale = country_choices(locale), locale
        self.ticket_type.choices = [(t.name, t.label(locale)) for t in event.ticket_types]
        if not self.ticket_type.data and self.ticket_type.choices:
            self.ticket_type.data = self.ticket_type.choices[0][0]
        return self


_OFFER_HOURS = _l("Give a number of hours from 0 to 336 (14 days); 0 gives a freed seat at once.")


class EventForm(FlaskForm):
    slug = StringField(_l("Web address (e.g. slw-2025)"), filters=[lambda v: (v or "").strip().lower()],
                       validators=[DataRequired(_l("Please enter the web address.")), Length(max=40),
                                   Regexp(r"^[a-z0-9][a-z0-9-]*$",
                                          message=_l("Use lower-case letters, digits and dashes only."))])
    title_ko = StringField(_l("Title in Korean"), filters=[_strip],
                           validators=[DataRequired(_l("Please enter the title.")), Length(max=200)])
    title_en = StringField(_l("Title in English"), filters=[_strip], validators=[Optional(), Length(max=200)])
    programme = SelectField(_l("Plan programme"), validators=[Optional()])
    venue_ko = StringField(_l("Venue in Korean"), filters=[_strip], validators=[Optional(), Length(max=200)])
    venue_en = StringField(_l("Venue in English"), filters=[_strip], validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), filters=[_strip], validators=[Optional(), Length(max=300)])
    directions_ko = TextAreaField(_l("How to get there (Korean)"), validators=[Optional(), Length(max=2000)])
    directions_en = TextAreaField(_l("How to get there (English)"), validators=[Optional(), Length(max=2000)])
    first_day = DateField(_l("First day"), validators=[DataRequired(_l("Please enter the first day."))])
    last_day = DateField(_l("Last day"), validators=[DataRequired(_l("Please enter the last day."))])
    registration_opens_at = DateTimeLocalField(_l("Registration opens (Seoul time, optional)"),
                                               format="%Y-%m-%dT%H:%M", validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Registration closes (Seoul time, optional)"),
                                                format="%Y-%m-%dT%H:%M", validators=[Optional()])
    offer_hours = IntegerField(
        _l("Hours to accept a freed seat (0: given at once)"), default=DEFAULT_OFFER_HOURS,
        validators=[InputRequired(_OFFER_HOURS), NumberRange(min=0, max=MAX_OFFER_HOURS, message=_OFFER_HOURS)],
        render_kw={"inputmode": "numeric"})

    def validate_last_day(self, field):
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
        if self.first_day.data and field.data and (field.data - self.first_day.data).days > 30:
            raise ValidationError(_l("An event lasts at most 31 days."))


class TicketTypeForm(FlaskForm):
    name = StringField(_l("Name (e.g. visitor)"), filters=[lambda v: (v or "").strip().lower()],
                       validators=[DataRequired(_l("Please enter a name.")), Length(max=60),
                                   Regexp(r"^[a-z0-9_-]+$", message=_l("Use lower-case letters, digits and dashes only."))])
    label_ko = StringField(_l("Label in Korean"), filters=[_strip], validators=[Optional(), Length(max=100)])
    label_en = StringField(_l("Label in English"), filters=[_strip], validators=[Optional(), Length(max=100)])
    capacity = IntegerField(_l("Capacity (empty: unlimited)"), validators=[
        Optional(), NumberRange(min=0, max=1_000_000, message=_l("Please enter a number of seats."))])
    waitlist = BooleanField(_l("Waiting list when full"), default=True)
    public = BooleanField(_l("Open to the public (otherwise staff register these)"), default=True)


class CapacityForm(FlaskForm):
    capacity = IntegerField(_l("Capacity (empty: unlimited)"), validators=[
        Optional(), NumberRange(min=0, max=1_000_000, message=_l("Please enter a number of seats."))])
    waitlist = BooleanField(_l("Waiting list when full"))
    label_ko = StringField(_l("Label in Korean"), filters=[_strip], validators=[Optional(), Length(max=100)])
    label_en = StringField(_l("Label in English"), filters=[_strip], validators=[Optional(), Length(max=100)])


class SessionForm(FlaskForm):
    title_ko = StringField(_l("Title in Korean"), filters=[_strip],
                           validators=[DataRequired(_l("Please enter the title.")), Length(max=200)])
    title_en = StringField(_l("Title in English"), filters=[_strip], validators=[Optional(), Length(max=200)])
    day = DateField(_l("Day"), validators=[DataRequired(_l("Please enter the day."))])
    starts_at = StringField(_l("Starts at (e.g. 14:00)"), filters=[_strip], validators=[
        Optional(), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Please write the time as 14:00."))])
    room = StringField(_l("Room"), filters=[_strip], validators=[Optional(), Length(max=100)])
    capacity = IntegerField(_l("Capacity (empty: unlimited)"), validators=[
        Optional(), NumberRange(min=0, max=1_000_000, message=_l("Please enter a number of seats."))])
