from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Please enter your e-mail."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password."))])


class TokenForm(FlaskForm):
    name = StringField(_l("Device or purpose"), validators=[DataRequired(), Length(max=100)])
