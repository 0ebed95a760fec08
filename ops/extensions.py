"""Extensions created once here and bound to the app in create_app."""
from flask_babel import Babel
import flask_login
from flask import session
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


class LoginManager(flask_login.LoginManager):
    """Flask-Login's, with its "strong" session protection checking sessions that hold a login.

    Flask-Login took any session without its client identifier for a stolen one: the session of a
    visitor who is not logged in (only the CSRF token in it) was emptied of nothing, signed again
    and sent back, with a cookie deletion, on every page after the form. Issue 19: in a py-spy
    profile of the web registration path under gunicorn, writing the session and that deletion took
    about 5 % of the server's Python CPU; in-process (300 citizens, alternating twice, load average
    8-10, noisy), the form's post and the ticket page took 14.6 and 17.2 ms before, 14.8 and 14.8 ms
    after. A session with a login is checked exactly as before.
    """

    def _session_protection_failed(self):
        return "_user_id" in session and super()._session_protection_failed()


login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
