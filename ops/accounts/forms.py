from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Please enter your e-mail."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password."))])


class TokenForm(FlaskForm):
    name = StringField(_l("Device or purpose"), validators=[DataRequired(), Length(max=100)])


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Please enter your e-mail.")), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter the name.")), Length(max=100)])
    role = SelectField(_l("Role"), choices=[])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Please enter your password.")),
        Length(min=10, message=_l("The password needs at least 10 characters."))])


class UserEditForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[])
    active = BooleanField(_l("Account active"))
