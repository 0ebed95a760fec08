"""KPI: the year's metrics computed from the platform's data or entered by managers."""


def init_app(app) -> None:
    pass
