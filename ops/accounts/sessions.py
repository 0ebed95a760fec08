"""Browser sessions: Flask's signed cookie, read only when the request brings one."""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with nothing to do for a request without one: no signer
    is built when it brings no session cookie (every API call with a token, a first visit),
    and nothing is written back for a session that stayed empty and untouched."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not session and not session.modified:  # nothing to write or to delete
            if session.accessed:
                response.vary.add("Cookie")  # as Flask: the answer depended on there being none
            return
        super().save_session(app, session, response)
