"""People and consent: one Person per citizen, shared by every programme."""


def init_app(app) -> None:
    from ..core.nav import Tile, register_tile
    from ..accounts.roles import STAFF
    from flask_babel import lazy_gettext as _l
    from . import views
    from .phone import mask_name, mask_phone

    app.register_blueprint(views.bp)
    app.add_template_filter(mask_name, "mask_name")
    app.add_template_filter(mask_phone, "mask_phone")
    app.add_template_filter(district_name, "district_name")
    from .stop import stop_code
    app.add_template_global(lambda person_id: f"/stop/{stop_code(person_id)}", "stop_path")
    register_tile(Tile("people.index", _l("People"), _l("Citizens served, with their consent records"),
                       STAFF, order=80))


def district_name(code) -> str:
    """A district code as its name in the page's language ("-" when unknown)."""
    from flask_babel import get_locale

    from .districts import BY_CODE

    district = BY_CODE.get(code or "")
    return "-" if district is None else district.name(str(get_locale() or "ko"))
