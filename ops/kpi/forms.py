from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class ManualEntryForm(FlaskForm):
    metric = SelectField(_l("Metric"), validators=[DataRequired(_l("Please choose a metric."))])
    value = DecimalField(_l("Value"), validators=[DataRequired(_l("Please enter the value.")),
                                                  NumberRange(min=0, message=_l("The value cannot be negative."))])
    as_of = DateField(_l("As of"), validators=[DataRequired(_l("Please enter the date the value is as of."))])
    note = TextAreaField(_l("Note (source, how it was counted)"), validators=[Optional(), Length(max=1000)])


class BudgetExecutionForm(FlaskForm):
    code = SelectField(_l("Project"), validators=[DataRequired(_l("Please choose a project."))])
    month = SelectField(_l("Month (figures to the end of it)"), coerce=int)
    committed = IntegerField(_l("Committed to date (thousand KRW)"),
                             validators=[InputRequired(_l("Please enter the amount committed.")),
                                         NumberRange(min=0, message=_l("The amount cannot be negative."))])
    spent = IntegerField(_l("Spent to date (thousand KRW)"),
                         validators=[InputRequired(_l("Please enter the amount spent.")),
                                     NumberRange(min=0, message=_l("The amount cannot be negative."))])


class BudgetUploadForm(FlaskForm):
    sheet = FileField(_l("XLSX file in the template's columns"), validators=[FileRequired(_l("Please choose a file."))])


class MonthlyReportForm(FlaskForm):
    month = SelectField(_l("Month"), coerce=int)
