"""Emulation campaign as data and its scoring rules: periods and closing days, the YAML
format, validation with precise messages (nothing changed on error), versions and activation,
the command line and the HR rules pages."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
import yaml

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from plugins.emulation import campaign, demo_rules, rules
from plugins.emulation.models import AuditEntry, Criterion, Period, RuleSet

DEMO = demo_rules.RULES_FILE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _plugin_loaded(app):
    if "emulation" not in app.extensions.get("lms_plugins", {}):
        pytest.skip("the emulation plugin is not loaded")


@pytest.fixture
def english(app):
    """Messages in English, so that the tests can quote them."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def hr(make_user):
    return make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN))


@pytest.fixture
def officer(make_user):
    return make_user("canbo")


@pytest.fixture
def loaded(app):
    """The campaign with the demo rules of both phases, active."""
    demo_rules.load()
    db.session.commit()


SMALL = """\
format: 1
phase: 1
scale: 100
criteria:
  - code: A
    kind: group
    max_points: 60
    name: {vi: "Nội dung A", en: "Content A"}
    children:
      - {code: A.1, kind: quantitative, subject: user, measure: verified_hours, target: 40,
         points: 50, name: "Giờ học"}
      - {code: A.2, kind: pass_fail, subject: user, measure: assessments_taken, points: 10,
         name: "Thi đánh giá"}
  - code: B
    kind: group
    max_points: 40
    name: "Nội dung B"
    children:
      - {code: B.1, kind: occurrence, subject: user, measure: approved_submissions,
         params: {kind: initiative}, points: 10, cap: 40, name: "Sáng kiến"}
  - {code: P, kind: penalty, subject: user, measure: anomalies_excluded, points: 2, cap: 6,
     name: "Điểm trừ"}
"""


def _counts():
    return (db.session.scalar(sa.select(sa.func.count()).select_from(RuleSet)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)),
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)))


# -- the campaign ---------------------------------------------------------------------------------

def test_the_campaign_has_two_phases_and_years_and_quarters_with_closing_days(app):
    """Seven years and 28 quarters; a year closes on 15 January, a quarter 15 days after."""
    campaign.ensure_campaign()
    campaign.ensure_campaign()  # idempotent
    db.session.commit()
    assert [(p.number, p.start, p.end, p.review) for p in campaign.phase_rows()] == [
        (1, date(2024, 1, 1), date(2025, 12, 31), "preliminary"),
        (2, date(2026, 1, 1), date(2030, 12, 31), "final")]
    assert len(campaign.periods("year")) == 7 and len(campaign.periods("quarter")) == 28
    year = campaign.period_by_label("2025")
    assert (year.start, year.end, year.close_on) == (date(2025, 1, 1), date(2025, 12, 31),
                                                     date(2026, 1, 15))
    q1 = campaign.period_by_label("2025-Q1")
    assert (q1.end, q1.close_on) == (date(2025, 3, 31), date(2025, 4, 15))
    assert campaign.period_by_label("q4/2024").label == "2024-Q4"
    assert campaign.phase_of(campaign.period_by_label("2026-Q2")).number == 2
    assert campaign.current_period("quarter", today=date(2025, 8, 2)).label == "2025-Q3"
    assert campaign.current_period(today=date(2031, 1, 1)) is None
    assert campaign.current_phase(date(2027, 5, 1)).number == 2
    assert campaign.phases()[0].id is not None  # read from the database now


def test_closing_days_are_configurable_and_frozen_periods_keep_theirs(app):
    """ensure_campaign moves the closing days of open periods only."""
    campaign.ensure_campaign()
    frozen = campaign.period_by_label("2024")
    frozen.frozen_at = db.func.now()
    db.session.flush()
    campaign.ensure_campaign(year_close="31/01", quarter_close_days=30)
    assert campaign.period_by_label("2025").close_on == date(2026, 1, 31)
    assert campaign.period_by_label("2025-Q2").close_on == date(2025, 7, 30)
    assert campaign.period_by_label("2024").close_on == date(2025, 1, 15)
    with pytest.raises(UserError):
        campaign.ensure_campaign(year_close="31/02")


def test_a_period_outside_the_campaign_is_a_clear_error(app, english):
    """2031 is outside the campaign; nonsense is not a period."""
    campaign.ensure_campaign()
    with pytest.raises(UserError, match="outside the campaign"):
        campaign.period_by_label("2031")
    with pytest.raises(UserError, match="is not a period"):
        campaign.period_by_label("next year")
    with pytest.raises(UserError, match="outside the campaign"):
        campaign.check_in_campaign(date(2023, 12, 31))


def test_without_a_campaign_the_dashboard_phases_are_the_defaults(app):
    """PHASES answers until the tables hold a campaign."""
    assert campaign.phases() == campaign.PHASES
    assert campaign.current_phase(date(2025, 6, 1)).number == 1
    with pytest.raises(UserError):
        campaign.period_by_label("2025")


# -- the demo rules ------------------------------------------------------------------------------

def test_the_demo_rules_import_for_both_phases_on_a_100_point_scale(loaded):
    """Five contents, officers' and units' indicators, every kind; both phases active."""
    for number in (1, 2):
        rule_set = rules.active_rule_set(campaign.phase_row(number))
        assert rule_set.version == 1
        tops = [c for c, depth in rules.tree_rows(rule_set) if depth == 0 and c.kind == "group"]
        assert [c.code for c in tops] == ["ND1", "ND2", "ND3", "ND4", "ND5"]
        assert sum(c.max_points for c in tops) == 100
        kinds = {c.kind for c in rule_set.criteria}
        assert kinds == {"group", "quantitative", "pass_fail", "occurrence", "bonus", "penalty"}
        assert {c.subject for c in rule_set.criteria if c.kind != "group"} == {"user", "unit"}
        hours = next(c for c in rule_set.criteria if c.code == "ND2.CN1")
        assert hours.measure == "verified_hours" and rules.target_for(hours, "quarter") < \
            rules.target_for(hours, "year")


def test_an_exported_version_imports_back_to_the_same_rules(loaded):
    """Export, then import: nothing new (the latest version holds exactly these rules)."""
    rule_set = rules.active_rule_set(campaign.phase_row(1))
    text = rules.export_yaml(rule_set)
    report = rules.import_rules(text, phase=1)
    assert report.ok and report.action == "unchanged" and report.version == 1
    assert yaml.safe_load(text)["criteria"][0]["code"] == "ND1"


def test_the_demo_loader_is_idempotent_and_makes_clusters_of_existing_units(app, make_unit):
    """Clusters need at least two of their units; a second load changes nothing."""
    for code in ("KV01", "KV04", "KV07"):
        make_unit(code, kind="branch")
    summary = demo_rules.load()
    assert "rules of phases 1 and 2" in summary
    again = demo_rules.load()
    db.session.commit()
    assert "0 emulation clusters" in again
    from plugins.emulation.models import Cluster, ClusterUnit

    clusters = db.session.scalars(sa.select(Cluster)).all()
    assert [c.code for c in clusters] == ["CUM-KV1"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ClusterUnit)) == 3
    assert len(rules.rule_sets(campaign.phase_row(1))) == 1


# -- versions -------------------------------------------------------------------------------------

def test_each_import_is_a_new_version_and_activating_retires_the_previous(loaded, hr):
    """Version 2 is a draft until activated; then version 1 is retired; all audited."""
    changed = DEMO.replace("target: 40\n        target_quarter: 10\n        points: 18",
                           "target: 50\n        target_quarter: 12\n        points: 18", 1)
    report = rules.import_rules(changed, phase=1, actor=hr)
    assert report.ok and report.action == "create" and report.version == 2
    assert report.changes["changed"] == ["ND2.CN1"]
    phase = campaign.phase_row(1)
    assert rules.active_rule_set(phase).version == 1
    assert rules.rule_set_by_version(phase, 2).status == "draft"
    rules.activate_rule_set(report.rule_set, hr)
    db.session.commit()
    assert rules.active_rule_set(phase).version == 2
    assert rules.rule_set_by_version(phase, 1).status == "retired"
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["rules.import", "rules.activate"]
    new = next(c for c in rules.active_rule_set(phase).criteria if c.code == "ND2.CN1")
    assert (new.target, rules.target_for(new, "quarter")) == (50, 12)


def test_a_dry_run_reports_the_version_it_would_create_and_writes_nothing(loaded):
    """Nothing is written on a dry run."""
    before = _counts()
    report = rules.import_rules(SMALL, phase=1, dry_run=True)
    assert report.ok and report.action == "create" and report.version == 2
    assert "ND1" in report.changes["removed"] and "A.1" in report.changes["added"]
    assert _counts() == before


def test_revising_targets_points_and_caps_creates_a_version(loaded, hr):
    """An edit is a new version, checked like an import."""
    rule_set = rules.active_rule_set(campaign.phase_row(1))
    report = rules.revise(rule_set, {"ND2.CN1": {"target": 45, "target_quarter": 11,
                                                 "points": 18, "cap": 1.0}}, actor=hr,
                          activate=True)
    assert report.ok and report.version == 2 and report.activated
    hours = next(c for c in report.rule_set.criteria if c.code == "ND2.CN1")
    assert (hours.target, rules.target_for(hours, "quarter"), hours.cap) == (45, 11, 1.0)


def test_a_revision_that_breaks_a_sum_is_refused(loaded, english):
    """Raising one indicator's points without its group: a precise message, nothing saved."""
    before = _counts()
    rule_set = rules.active_rule_set(campaign.phase_row(1))
    report = rules.revise(rule_set, {"ND2.CN1": {"target": 40, "target_quarter": 10,
                                                 "points": 20}})
    assert not report.ok
    assert any("ND2: the group declares 30 points, but its criteria for officers give 32" in p
               for p in report.problems)
    assert _counts() == before


# -- bad files ------------------------------------------------------------------------------------

def _bad(old: str, new: str) -> str:
    assert old in SMALL
    return SMALL.replace(old, new, 1)


BAD_FILES = [
    ("unknown measure", _bad("measure: verified_hours", "measure: verfied_hours"),
     "A.1: unknown measure “verfied_hours”"),
    ("unknown kind", _bad("kind: pass_fail", "kind: yes_no"), "A.2: unknown kind “yes_no”"),
    ("group sum", _bad("points: 50", "points: 45"),
     "A: the group declares 60 points, but its criteria for officers give 55"),
    ("scale", _bad("max_points: 40", "max_points: 35").replace(
        "points: 10, cap: 40", "points: 10, cap: 35"),
     "The top groups sum to 95 points, not 100"),
    ("missing target", _bad(" target: 40,", ""), "A.1: a quantitative indicator needs a target"),
    ("duplicate code", _bad("code: A.2", "code: A.1"), "A.1: the code is used twice"),
    ("unknown parameter", _bad("params: {kind: initiative}", "params: {kind: initiative, "
                                                            "scope: x}"),
     "has no parameter “scope”"),
    ("bad choice", _bad("params: {kind: initiative}", "params: {kind: idea}"),
     "params.kind must be one of initiative, certificate, learning_model"),
    ("wrong subject", _bad("subject: user, measure: assessments_taken",
                           "subject: unit, measure: assessments_taken"),
     "the measure assessments_taken scores officers, but the indicator scores units"),
    ("occurrence without cap", _bad("points: 10, cap: 40", "points: 10"),
     "B.1: give the cap"),
    ("indicator at the top", SMALL.replace("kind: penalty", "kind: occurrence"),
     "P: only groups, bonuses and penalties may be at the top"),
    ("hours in a day", SMALL.replace("criteria:", "settings: {anomalies: "
                                     "{max_hours_per_day: 30}}\ncriteria:"),
     "max_hours_per_day: must be more than 0 and at most 24"),
    ("unknown setting", SMALL.replace("criteria:", "settings: {shrinkage: 3}\ncriteria:"),
     "settings: unknown setting “shrinkage”"),
    ("not yaml", "criteria: [\n  - code: A\n", "The file is not valid YAML"),
    ("no criteria", "format: 1\nphase: 1\n", "The file has no criteria"),
]


@pytest.mark.parametrize("name,text,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_rules_file_is_refused_with_a_precise_message(loaded, english, name, text,
                                                             message):
    """Each problem is named with the criterion concerned, and nothing changes."""
    before = _counts()
    report = rules.import_rules(text, phase=1, activate=True)
    assert not report.ok
    assert any(message in p for p in report.problems), report.problems
    assert _counts() == before
    assert rules.active_rule_set(campaign.phase_row(1)).version == 1


FLAT = """\
phase: 1
criteria:
  - {code: A, kind: group, max_points: 100, name: "A", parent: C}
  - {code: C, kind: group, max_points: 100, name: "C", parent: A}
  - {code: A.1, kind: quantitative, subject: user, measure: verified_hours, target: 1,
     points: 100, name: "Giờ", parent: A}
  - {code: X.1, kind: quantitative, subject: user, measure: verified_hours, target: 1,
     points: 100, name: "Giờ", parent: NOPE}
"""


def test_a_cycle_and_an_unknown_parent_are_named(loaded, english):
    """The flat form with parents: a cycle and an unknown parent are refused."""
    report = rules.import_rules(FLAT, phase=1)
    assert not report.ok
    assert "The criteria form a cycle: A → C → A." in report.problems or \
        "The criteria form a cycle: C → A → C." in report.problems
    assert "X.1: unknown parent “NOPE”." in report.problems


def test_a_file_of_several_phases_needs_the_phase(loaded, english):
    """The demo file has one document per phase; the phase picks one."""
    report = rules.import_rules(DEMO)
    assert not report.ok and "several phases (1, 2)" in report.problems[0]
    assert rules.phases_in(DEMO) == [1, 2]
    report = rules.import_rules(DEMO, phase=3)
    assert not report.ok


def test_without_a_campaign_an_import_says_so(app, english):
    """The phase must exist."""
    report = rules.import_rules(SMALL)
    assert not report.ok and "There is no campaign yet" in report.problems[0]


# -- the command line -----------------------------------------------------------------------------

def test_rules_import_export_list_and_activate_on_the_command_line(app, runner, tmp_path, hr):
    """import --activate, list, export, a bad file (exit 2, nothing changed), activate."""
    path = tmp_path / "rules.yaml"
    path.write_text(DEMO, encoding="utf-8")
    result = runner.invoke(args=["emulation", "rules", "import", str(path), "--activate",
                                 "--by", hr.username])
    assert result.exit_code == 0, result.output
    assert rules.active_rule_set(campaign.phase_row(2)).version == 1
    result = runner.invoke(args=["emulation", "rules", "export", "--phase", "1"])
    assert result.exit_code == 0 and "code: ND1" in result.output
    small = tmp_path / "small.yaml"
    small.write_text(SMALL, encoding="utf-8")
    assert runner.invoke(args=["emulation", "rules", "import", str(small), "--phase", "1",
                               "--dry-run"]).exit_code == 0
    assert len(rules.rule_sets(campaign.phase_row(1))) == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("measure: verified_hours", "measure: nope"), encoding="utf-8")
    before = _counts()
    result = runner.invoke(args=["emulation", "rules", "import", str(bad), "--phase", "1"])
    assert result.exit_code == 2 and "nope" in result.output
    assert _counts() == before
    assert runner.invoke(args=["emulation", "rules", "import", str(small), "--phase",
                               "1"]).exit_code == 0
    result = runner.invoke(args=["emulation", "rules", "activate", "--phase", "1",
                                 "--version", "2"])
    assert result.exit_code == 0
    assert rules.active_rule_set(campaign.phase_row(1)).version == 2
    result = runner.invoke(args=["emulation", "rules", "list"])
    assert result.exit_code == 0 and result.output.count("phiên bản") >= 3
    result = runner.invoke(args=["emulation", "campaign", "periods"])
    assert "2030-Q4" in result.output


# -- the pages ------------------------------------------------------------------------------------

def test_anyone_logged_in_reads_the_rules_of_each_phase(client, auth, loaded, officer):
    """The officer sees the tree and the formulas, without HR's buttons."""
    auth.login("canbo")
    page = client.get("/emulation/rules").get_data(as_text=True)
    assert "Giai đoạn 1 (2024–2025)" in page and "2030-Q4" in page
    page = client.get("/emulation/rules/1/v1").get_data(as_text=True)
    assert "ND2.CN1" in page and "verified_hours" in page and "Tải về YAML" not in page
    assert client.get("/emulation/rules/1/v9").status_code == 404
    assert client.get("/emulation/rules/1/v1/export.yaml").status_code == 403
    assert client.post("/emulation/rules/1/v1/activate").status_code == 403


def test_hr_previews_imports_downloads_and_activates_rules(client, auth, loaded, hr):
    """Dry run shows the tree and saves nothing; the import creates version 2."""
    auth.login("quantri")
    data = {"file": (io.BytesIO(SMALL.encode()), "rules.yaml"), "phase": "1", "dry_run": "y"}
    response = client.post("/emulation/rules/import", data=data,
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "A.1" in page and "phiên bản 2" in page
    assert len(rules.rule_sets(campaign.phase_row(1))) == 1
    data = {"file": (io.BytesIO(SMALL.encode()), "rules.yaml"), "phase": "1"}
    response = client.post("/emulation/rules/import", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/emulation/rules/1/v2")
    export = client.get("/emulation/rules/1/v2/export.yaml")
    assert export.status_code == 200 and "code: A.1" in export.get_data(as_text=True)
    assert client.post("/emulation/rules/1/v2/activate").status_code == 302
    phase = campaign.phase_row(1)
    assert [v.status for v in rules.rule_sets(phase)] == ["active", "retired"]


def test_a_bad_upload_shows_the_problems_and_changes_nothing(client, auth, loaded, hr):
    """Status 400, the message, no new version."""
    auth.login("quantri")
    before = _counts()
    bad = SMALL.replace("points: 50", "points: 45")
    response = client.post("/emulation/rules/import", data={
        "file": (io.BytesIO(bad.encode()), "rules.yaml"), "phase": "1"},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "A:" in response.get_data(as_text=True)
    assert _counts() == before


def test_hr_edits_a_target_in_the_browser_creating_a_version(client, auth, loaded, hr):
    """The edit page sends every field back; one change makes version 2."""
    auth.login("quantri")
    assert client.get("/emulation/rules/1/v1/edit").status_code == 200
    rule_set = rules.active_rule_set(campaign.phase_row(1))
    form = {}
    for c, _depth in rules.tree_rows(rule_set):
        if c.kind == "group":
            form[f"{c.code}:max_points"] = f"{c.max_points:g}"
            continue
        for key in rules.EDITABLE:
            value = (c.params or {}).get(rules.TARGET_QUARTER) if key == "target_quarter" \
                else getattr(c, key)
            form[f"{c.code}:{key}"] = "" if value is None else f"{value:g}"
    form["ND2.CN1:target"] = "42,5"
    form["activate"] = "y"
    response = client.post("/emulation/rules/1/v1/edit", data=form)
    assert response.status_code == 302
    active = rules.active_rule_set(campaign.phase_row(1))
    assert active.version == 2
    assert next(c for c in active.criteria if c.code == "ND2.CN1").target == 42.5
    form["ND2.CN1:points"] = "25"
    before = _counts()
    response = client.post("/emulation/rules/1/v2/edit", data=form)
    assert response.status_code == 400 and "ND2" in response.get_data(as_text=True)
    assert _counts() == before


def test_hr_creates_the_campaign_from_the_rules_page(client, auth, hr):
    """Without a campaign the page offers to create it."""
    auth.login("quantri")
    assert "Tạo phong trào" in client.get("/emulation/rules").get_data(as_text=True) or \
        client.get("/emulation/rules").status_code == 200
    response = client.post("/emulation/rules/campaign")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Period)) == 35
