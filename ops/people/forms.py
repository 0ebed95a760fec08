from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..core.timeutil import seoul_today
from .districts import district_choices
from .phone import InvalidPhone, normalise_phone


class KoreanMobile:
    """Field validator: the number must be a mobile number; the field keeps the normal form."""

    def __init__(self, allow_foreign: bool = False):
        self.allow_foreign = allow_foreign

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = normalise_phone(field.data, allow_foreign=self.allow_foreign)
        except InvalidPhone as exc:
            raise ValidationError(str(exc.message)) from None


class ConsentField(BooleanField):
    """A consent checkbox: only the box's own value ("y") is a yes. Any other value sent (``no``,
    ``0``, ``false``…) is refused with a message, never read as a yes and never quietly as a no."""

    def process_formdata(self, valuelist):
        self.refused_value = bool(valuelist) and valuelist[0] != "y"
        self.data = bool(valuelist) and valuelist[0] == "y"

    def _value(self):
        return "y"

    def pre_validate(self, form):
        if getattr(self, "refused_value", False):
            raise ValidationError(_l("Consent is given only by ticking the box."))


class PersonFieldsMixin:
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter the name.")), Length(max=100)])
    phone = TelField(_l("Mobile number"), validators=[DataRequired(_l("Please enter the mobile number.")),
                                                       KoreanMobile()],
                     render_kw={"inputmode": "tel", "autocomplete": "tel", "placeholder": "010-1234-5678"})
    birth_year = IntegerField(_l("Year of birth"), validators=[
        Optional(), NumberRange(min=1900, max=seoul_today().year, message=_l("Please check the year of birth."))],
        render_kw={"inputmode": "numeric", "placeholder": "1950"})
    district = SelectField(_l("District"), validators=[Optional()])
    consent_collection = ConsentField(_l("I agree to the collection and use of my personal information (required)"),
                                      validators=[DataRequired(_l("We need your consent to take the application."))])
    consent_sms = ConsentField(_l("I would like reminder text messages (optional)"))

    def fill_district_choices(self):
        self.district.choices = [("", _l("Choose your district"))] + district_choices(str(get_locale() or "ko"))


class PersonForm(PersonFieldsMixin, FlaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_district_choices()
