from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ManualEntryForm(FlaskForm):
    metric = SelectField(_l("Metric"), validators=[DataRequired(_l("Please choose a metric."))])
    value = DecimalField(_l("Value"), validators=[DataRequired(_l("Please enter the value.")),
                                                  NumberRange(min=0, message=_l("The value cannot be negative."))])
    as_of = DateField(_l("As of"), validators=[DataRequired(_l("Please enter the date the value is as of."))])
    note = TextAreaField(_l("Note (source, how it was counted)"), validators=[Optional(), Length(max=1000)])
