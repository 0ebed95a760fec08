"""Every figure of the work report is a metric: the plan file lists each target and last-year figure
the source gives for programmes 1-1 to 2-6 (``source_figures``), and each must land on a metric that
shows it, is computed by a registered function or can be entered by a manager."""
from ops.kpi.registry import METRICS
from ops.plan.loader import read_plan

PLAN = read_plan(2025)
TARGETS = {t["metric"]: t for t in PLAN["targets"]}
PROGRAMME_CODES = {p["key"]: p["code"] for p in PLAN["programmes"]}


def test_every_source_figure_is_carried_by_a_metric_with_that_value():
    missing = []
    for fig in PLAN["source_figures"]:
        if fig["metric"] is None:
            assert fig.get("why"), f"{fig['says']}: a figure without a metric must say why"
            continue
        target = TARGETS.get(fig["metric"])
        if target is None:
            missing.append(f"{fig['says']}: no metric {fig['metric']}")
        elif target[fig["as"]] != fig["value"]:
            missing.append(f"{fig['says']}: {fig['metric']}.{fig['as']} is {target[fig['as']]}, not {fig['value']}")
        elif PROGRAMME_CODES[target["programme"]] != fig["code"]:
            missing.append(f"{fig['says']}: {fig['metric']} is not in programme {fig['code']}")
    assert missing == []


def test_every_programme_of_the_plan_has_figures_from_the_source():
    assert {f["code"] for f in PLAN["source_figures"]} == set(PROGRAMME_CODES.values())


def test_every_target_and_last_year_figure_of_the_plan_is_in_the_source_list():
    listed = {(f["metric"], f["as"]) for f in PLAN["source_figures"]}
    unlisted = [(key, field) for key, t in TARGETS.items() for field in ("target", "last_year")
                if t[field] is not None and (key, field) not in listed]
    assert unlisted == []


def test_every_metric_has_a_unit_a_figure_to_compare_with_and_a_definition():
    for key, t in TARGETS.items():
        # a figure the work report does not give (a new survey's mean, a new outcome) is marked so
        assert t["unit"] and (t["target"] is not None or t["last_year"] is not None
                              or (t.get("no_source_figure") and t["source"] == "computed")), key
        assert t["definition_ko"] and t["definition_en"], key
        assert t["source"] in ("computed", "manual"), key


def test_every_computed_metric_is_computed_by_a_registered_function(app):
    computed = {key for key, t in TARGETS.items() if t["source"] == "computed"}
    assert computed - set(METRICS) == set()
    # and nothing registered is left without a target to show it
    assert set(METRICS) - set(TARGETS) == set()
