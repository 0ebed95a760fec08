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
    from .stop import stop_code
    app.add_template_global(lambda person_id: f"/stop/{stop_code(person_id)}", "stop_path")
    register_tile(Tile("people.index", _l("People"), _l("Citizens served, with their consent records"),
                       STAFF, order=80))
