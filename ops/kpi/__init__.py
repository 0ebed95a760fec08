"""KPI: the year's metrics computed from the platform's data or entered by managers."""


def kpi_number(value) -> str:
    """1,234 for whole numbers, 54.5 or 4.27 otherwise; a dash when there is no figure."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..accounts.roles import MANAGERS, STAFF
    from ..core.demo import register_seeder
    from ..core.nav import Tile, register_tile
    from . import api, cli, demo, models, reports, tasks, views  # noqa: F401 (tables, Celery tasks, message texts)

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.kpi)
    app.add_template_filter(kpi_number, "kpi_number")
    register_tile(Tile("kpi.home", _l("KPI dashboard"), _l("Progress against the year's targets"), STAFF, order=70))
    register_tile(Tile("kpi.entries_current", _l("Enter KPI figures"),
                       _l("Figures the platform cannot count, entered by managers"), MANAGERS, order=75))
    register_tile(Tile("kpi.budget_current", _l("Budget execution"),
                       _l("Committed and spent per project, by form or XLSX upload"), MANAGERS, order=76))
    register_seeder(900, "kpi", demo.seed)  # after the areas' data, so snapshots include it
