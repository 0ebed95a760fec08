"""Managers' forms for a year's plan. Numbers come as text ("1,200" is fine); the service reads them
(ops/plan/services.py parse_number) and says what is wrong with them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

NUMBER = {"inputmode": "decimal", "autocomplete": "off"}
WHOLE = {"inputmode": "numeric", "autocomplete": "off"}


def _reason():
    too_long = _l("Please keep the reason under 300 characters.")
    return TextAreaField(_l("Why is it changed? (needed once the year is open)"),
                         validators=[Optional(), Length(max=300, message=too_long)], render_kw={"rows": 2})


class TargetForm(FlaskForm):
    target_value = StringField(_l("Target value (empty: watched only, no target)"),
                               validators=[Optional(), Length(max=30, message=_l("This number is too long."))],
                               render_kw=NUMBER)
    last_year = StringField(_l("Last year's figure (empty: not known)"),
                            validators=[Optional(), Length(max=30, message=_l("This number is too long."))],
                            render_kw=NUMBER)
    reason = _reason()


class BudgetLineForm(FlaskForm):
    programme = SelectField(_l("Programme"), coerce=int, validators=[Optional()])
    name_ko = StringField(_l("Name (Korean)"),
                          validators=[InputRequired(_l("Please enter the name.")), Length(max=200)])
    name_en = StringField(_l("Name (English; empty: the Korean name)"), validators=[Optional(), Length(max=200)])
    budget = StringField(_l("Budget (thousand KRW)"),
                         validators=[InputRequired(_l("Please enter a number, such as 1200 or 1,200.")),
                                     Length(max=30, message=_l("This number is too long."))],
                         render_kw=WHOLE)
    reason = _reason()


class RemoveLineForm(FlaskForm):
    reason = _reason()


class OpenYearForm(FlaskForm):
    """Only the CSRF token: opening a year is one button."""
