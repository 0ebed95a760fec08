from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, FieldList, FormField, IntegerField, RadioField, SelectField
from wtforms import StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ...events.countries import country_choices
from ...people.forms import ConsentField, KoreanMobile
from .models import DOMESTIC, FOREIGN, LANGUAGES

LANGUAGE_LABELS = {"ko": _l("Korean"), "en": _l("English"), "zh": _l("Chinese"), "ja": _l("Japanese"),
                   "es": _l("Spanish"), "fr": _l("French"), "de": _l("German"), "vi": _l("Vietnamese"),
                   "other": _l("Another language")}


def _countries(blank):
    return [("", blank)] + list(country_choices(str(get_locale() or "ko")))


class VisitRequestForm(FlaskForm):
    group_name = StringField(_l("Group or institution"), validators=[DataRequired(_l("Please enter the group's name.")),
                                                                      Length(max=120)])
    origin = RadioField(_l("Where the group comes from"), choices=[(DOMESTIC, _l("Korea")), (FOREIGN, _l("Abroad"))],
                        validators=[InputRequired(_l("Please say whether the group comes from Korea or abroad."))])
    day = DateField(_l("Date of the visit"), validators=[InputRequired(_l("Please choose a date."))])
    group_size = IntegerField(_l("Number of people"), validators=[
        InputRequired(_l("Please enter the number of people.")),
        NumberRange(min=1, max=200, message=_l("The group must be from 1 to %(n)s people.", n=200))],
        render_kw={"inputmode": "numeric"})
    language = SelectField(_l("Language of the visit"), choices=[(k, v) for k, v in LANGUAGE_LABELS.items()])
    country_1 = SelectField(_l("Country (for a group from abroad)"), validators=[Optional()])
    country_2 = SelectField(_l("Second country (optional)"), validators=[Optional()])
    country_3 = SelectField(_l("Third country (optional)"), validators=[Optional()])
    contact_name = StringField(_l("Contact person's name"), validators=[DataRequired(_l("Please enter the name.")),
                                                                         Length(max=100)],
                               render_kw={"autocomplete": "name"})
    contact_phone = TelField(_l("Contact person's phone (Korean mobile or +country code)"),
                             validators=[Optional(), KoreanMobile(allow_foreign=True)],
                             render_kw={"inputmode": "tel", "autocomplete": "tel"})
    contact_email = EmailField(_l("Contact person's e-mail"),
                               validators=[Optional(), Email(_l("Please check the e-mail address.")), Length(max=254)],
                               render_kw={"autocomplete": "email"})
    note = TextAreaField(_l("Anything we should know (optional)"), validators=[Optional(), Length(max=1000)])
    consent_collection = ConsentField(_l("I agree to the collection and use of my personal information (required)"),
                                      validators=[DataRequired(_l("We need your consent to take the request."))])

    def fill_choices(self) -> None:
        for f in (self.country_1, self.country_2, self.country_3):
            f.choices = _countries(_l("Choose…"))

    @property
    def countries(self) -> list[str]:
        return [c for c in (self.country_1.data, self.country_2.data, self.country_3.data) if c]


class CountryCountForm(FlaskForm):
    class Meta:
        csrf = False

    country = SelectField(_l("Country"), validators=[Optional()])
    count = IntegerField(_l("People"), validators=[Optional(), NumberRange(min=0, message=_l("0 or more."))],
                         render_kw={"inputmode": "numeric"})


class VisitorsForm(FlaskForm):
    rows = FieldList(FormField(CountryCountForm), min_entries=6)

    def fill_choices(self) -> None:
        for row in self.rows:
            row.country.choices = _countries("–")
