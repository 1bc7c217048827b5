"""Fair unit rankings: per-capita scores, shrinkage toward the cluster's mean, ties, funnel
limits, clusters, and unit history through the 2025 restructuring (plugins/emulation/ranking.py).
"""

from __future__ import annotations

import math
import statistics
from datetime import date

import pytest
import sqlalchemy as sa

from lms_core.extensions import db

pytestmark = pytest.mark.usefixtures("emulation")


@pytest.fixture
def emulation(app):
    if "emulation" not in app.extensions["lms_plugins"]:
        pytest.skip("the emulation plugin is not loaded in this run")
    from plugins.emulation import campaign

    campaign.ensure_campaign()
    db.session.commit()


def _period(label="2024"):
    from plugins.emulation import campaign

    return campaign.period_by_label(label)


def _cluster(code, *units):
    from plugins.emulation import ranking

    cluster = ranking.create_cluster(code, f"Cụm {code}", f"Cluster {code}",
                                     [u.id for u in units], rerank=False)
    db.session.commit()
    return cluster


def _team(make_unit, make_user, code, totals, *, parent=None, start=date(2024, 1, 1)):
    """A unit whose officers (one per total) are assigned from ``start``; returns
    ``(unit, [(user, total)])``."""
    unit = make_unit(code, parent=parent, on=start)
    people = [(make_user(f"{code.lower()}-{i}", unit=unit, start_on=start), total)
              for i, total in enumerate(totals)]
    return unit, people


def _scores(period, *teams, units=None):
    """Store the officers' totals and a unit score for each team (as scoring would)."""
    from plugins.emulation.models import Score

    for unit, people in teams:
        for user, total in people:
            db.session.add(Score(period_id=period.id, subject="user", subject_id=user.id,
                                 unit_id=unit.id, total=total))
    for unit in units if units is not None else [u for u, _p in teams]:
        db.session.add(Score(period_id=period.id, subject="unit", subject_id=unit.id,
                             unit_id=unit.id, total=0.0))
    db.session.commit()


def _unit_score(period, unit):
    from plugins.emulation.models import Score

    db.session.expire_all()
    return db.session.scalar(sa.select(Score).where(
        Score.period_id == period.id, Score.subject == "unit", Score.subject_id == unit.id))


def _user_score(period, user):
    from plugins.emulation.models import Score

    db.session.expire_all()
    return db.session.scalar(sa.select(Score).where(
        Score.period_id == period.id, Score.subject == "user", Score.subject_id == user.id))


def _rank(period):
    from plugins.emulation import ranking

    result = ranking.rank_period(period)
    db.session.commit()
    return result


# -- pure functions -------------------------------------------------------------------------------
def test_shrinkage_formula_pulls_a_unit_of_the_prior_size_halfway():
    """adjusted = (m·C + n·x̄)/(m + n): n = m lands halfway between x̄ and C."""
    from plugins.emulation.ranking import shrink

    assert shrink(80.0, 30, 60.0, 30) == 70.0
    assert shrink(80.0, 0, 60.0, 30) == 60.0
    assert shrink(80.0, 1500, 60.0, 30) == pytest.approx(79.6078, abs=1e-4)
    assert shrink(80.0, 15, 60.0, 30) == pytest.approx(66.6667, abs=1e-4)


def test_ties_share_a_rank_and_the_next_rank_skips():
    """Competition ranking on scores rounded to 2 decimals: 1, 2, 2, 4."""
    from plugins.emulation.ranking import competition_ranks

    ranks = competition_ranks([("d", 90.0), ("a", 70.001), ("b", 70.004), ("c", 50.0),
                               ("none", None)])
    assert ranks == {"d": 1, "a": 2, "b": 2, "c": 4}
    assert competition_ranks([("x", 70.004), ("y", 70.006)]) == {"x": 2, "y": 1}


def test_funnel_limits_are_mean_plus_minus_z_sigma_over_root_n():
    """Control limits C ± zσ/√n and the flags they give."""
    from plugins.emulation.ranking import funnel_flag, funnel_limits

    assert funnel_limits(50.0, 10.0, 25, 2.0) == (46.0, 54.0)
    assert funnel_limits(50.0, 10.0, 25, 3.0) == (44.0, 56.0)
    assert funnel_flag(55.0, 50.0, 10.0, 25) == "high2"
    assert funnel_flag(57.0, 50.0, 10.0, 25) == "high3"
    assert funnel_flag(45.0, 50.0, 10.0, 25) == "low2"
    assert funnel_flag(43.0, 50.0, 10.0, 25) == "low3"
    assert funnel_flag(53.0, 50.0, 10.0, 25) == "within"
    # A unit of 1 officer at the same distance is within: the funnel is wide there.
    assert funnel_flag(57.0, 50.0, 10.0, 1) == "within"


# -- rank_period ----------------------------------------------------------------------------------
def test_per_capita_and_shrinkage_toward_the_clusters_mean(make_unit, make_user):
    """Per-capita is the members' mean total; adjusted shrinks it toward the mean of the
    cluster's officers with the default prior of 30 officers."""
    period = _period()
    a = _team(make_unit, make_user, "DOI-A", [80, 60])
    b = _team(make_unit, make_user, "DOI-B", [40, 50, 60, 50])
    _cluster("CUM-1", a[0], b[0])
    _scores(period, a, b)
    result = _rank(period)
    assert result.prior == 30.0
    sa_, sb = _unit_score(period, a[0]), _unit_score(period, b[0])
    assert (sa_.members, sa_.per_capita) == (2, 70.0)
    assert (sb.members, sb.per_capita) == (4, 50.0)
    # C = 340 / 6; A: (30·C + 2·70) / 32 = 57.5; B: (30·C + 4·50) / 34 = 55.8824
    assert sa_.adjusted == 57.5
    assert sb.adjusted == 55.8824
    assert (sa_.rank, sb.rank) == (1, 2)
    assert sa_.cluster_id == sb.cluster_id is not None


def test_prior_strength_comes_from_the_rules_settings(make_unit, make_user):
    """shrinkage_prior: 10 in the active rules gives (10·C + n·x̄)/(10 + n)."""
    from plugins.emulation import campaign
    from plugins.emulation.models import RuleSet

    period = _period()
    db.session.add(RuleSet(phase_id=campaign.phase_of(period).id, version=1, status="active",
                           settings={"shrinkage_prior": 10}))
    db.session.commit()
    a = _team(make_unit, make_user, "DOI-A", [80, 60])
    b = _team(make_unit, make_user, "DOI-B", [40, 50, 60, 50])
    _cluster("CUM-1", a[0], b[0])
    _scores(period, a, b)
    assert _rank(period).prior == 10.0
    assert _unit_score(period, a[0]).adjusted == round((10 * 340 / 6 + 140) / 12, 4) == 58.8889
    assert _unit_score(period, b[0]).adjusted == round((10 * 340 / 6 + 200) / 14, 4) == 54.7619


def test_a_small_unit_does_not_top_the_league_on_one_good_officer(make_unit, make_user):
    """One officer at 95 ranks below 300 officers at 80 once shrunk (raw: above)."""
    period = _period()
    small = _team(make_unit, make_user, "DOI-NHO", [95])
    big_unit = make_unit("CC-LON")
    other = _team(make_unit, make_user, "DOI-TB", [60] * 10)
    from plugins.emulation.models import Score

    big = [(make_user(f"lon-{i}", unit=big_unit), 80.0) for i in range(40)]
    _cluster("CUM-1", small[0], big_unit, other[0])
    _scores(period, small, (big_unit, big), other)
    _rank(period)
    s_small, s_big = _unit_score(period, small[0]), _unit_score(period, big_unit)
    assert s_small.per_capita > s_big.per_capita
    assert s_big.rank == 1 and s_small.rank == 2
    assert isinstance(s_big, Score) and s_big.members == 40


def test_ties_share_a_rank_in_the_cluster_and_among_officers(make_unit, make_user):
    """Units equal to 2 decimals share a rank (1, 2, 2, 4); so do officers of a unit."""
    period = _period()
    d = _team(make_unit, make_user, "DOI-D", [90, 90])
    a = _team(make_unit, make_user, "DOI-A", [70.001, 70.001])
    b = _team(make_unit, make_user, "DOI-B", [70.004, 70.004])
    c = _team(make_unit, make_user, "DOI-C", [80, 80, 20])
    _cluster("CUM-1", d[0], a[0], b[0], c[0])
    _scores(period, d, a, b, c)
    _rank(period)
    ranks = [_unit_score(period, t[0]).rank for t in (d, a, b, c)]
    assert ranks == [1, 2, 2, 4]
    officers = [_user_score(period, user).rank for user, _t in c[1]]
    assert officers == [1, 1, 3]


def test_units_in_no_cluster_are_ranked_together_against_the_organisation(make_unit, make_user):
    """The unclustered group shrinks toward the mean of every officer of the period."""
    period = _period()
    a = _team(make_unit, make_user, "DOI-A", [80, 60])
    b = _team(make_unit, make_user, "DOI-B", [40])
    c = _team(make_unit, make_user, "DOI-C", [100, 100])
    _cluster("CUM-1", c[0])  # a cluster of one unit: the organisation's mean too
    _scores(period, a, b, c)
    _rank(period)
    mean = (80 + 60 + 40 + 100 + 100) / 5
    sa_, sb, sc = (_unit_score(period, t[0]) for t in (a, b, c))
    assert sa_.cluster_id is None and sb.cluster_id is None
    assert sa_.adjusted == round((30 * mean + 2 * 70) / 32, 4)
    assert sb.adjusted == round((30 * mean + 40) / 31, 4)
    assert (sa_.rank, sb.rank, sc.rank) == (1, 2, 1)
    assert sc.adjusted == round((30 * mean + 200) / 32, 4)


def test_funnel_flags_units_outside_the_control_limits(make_unit, make_user):
    """σ is the SD of the cluster's officers; a unit of 9 at +1σ is above the 2σ/√9 limit."""
    from plugins.emulation import ranking

    period = _period()
    p = _team(make_unit, make_user, "DOI-P", [60] * 9)
    q = _team(make_unit, make_user, "DOI-Q", [40] * 9)
    r = _team(make_unit, make_user, "DOI-R", [50])
    _cluster("CUM-1", p[0], q[0], r[0])
    _scores(period, p, q, r)
    _rank(period)
    values = [60] * 9 + [40] * 9 + [50]
    assert statistics.mean(values) == 50 and statistics.stdev(values) == 10
    selection = ranking.selection_periods("2024")
    items = {s.unit_id: s for s in ranking.standings(selection)}
    assert items[p[0].id].flag == "high2"
    assert items[q[0].id].flag == "low2"
    assert items[r[0].id].flag == "within"
    lo3, lo2, hi2, hi3 = items[p[0].id].limits
    assert (lo3, hi3) == (40.0, 60.0)
    assert (lo2, hi2) == (round(50 - 20 / 3, 4), round(50 + 20 / 3, 4))
    stats = ranking.group_stats(selection)[ranking.group_key(items[p[0].id].cluster_id)]
    assert (stats.mean, stats.sd, stats.officers, stats.basis) == (50.0, 10.0, 19, "cluster")
    plot = ranking.funnel(list(items.values()), stats)
    assert {s.unit_id for s in plot.flagged} == {p[0].id, q[0].id}
    n, lo3, lo2, hi2, hi3 = plot.curve[0]
    assert n == 1 and hi3 == 80.0 and lo2 == 30.0


def test_members_count_the_subtree_of_a_unit(make_unit, make_user):
    """A sub-department's per-capita counts the officers of its teams."""
    period = _period()
    parent = make_unit("CHI-CUC", kind="sub_department")
    t1 = _team(make_unit, make_user, "DOI-1", [80, 60], parent=parent)
    t2 = _team(make_unit, make_user, "DOI-2", [40], parent=parent)
    _scores(period, t1, t2, units=[parent, t1[0], t2[0]])
    _rank(period)
    score = _unit_score(period, parent)
    assert (score.members, score.per_capita) == (3, 60.0)


def test_ranking_again_writes_nothing_when_nothing_changed(make_unit, make_user):
    """rank_period is idempotent: a second pass updates no row."""
    period = _period()
    a = _team(make_unit, make_user, "DOI-A", [80, 60])
    b = _team(make_unit, make_user, "DOI-B", [40])
    _scores(period, a, b)
    assert _rank(period).updated > 0
    assert _rank(period).updated == 0


def test_phase_figures_are_the_means_of_the_years(make_unit, make_user):
    """A phase's per-capita and adjusted scores are the means of its years', ranked again."""
    from plugins.emulation import ranking

    y24, y25 = _period("2024"), _period("2025")
    a = _team(make_unit, make_user, "DOI-A", [80, 60])
    b = _team(make_unit, make_user, "DOI-B", [40, 50])
    _cluster("CUM-1", a[0], b[0])
    _scores(y24, a, b)
    _scores(y25, (a[0], [(u, 100 - t) for u, t in a[1]]), (b[0], [(u, t + 60) for u, t in b[1]]))
    _rank(y24)
    _rank(y25)
    selection = ranking.selection_periods("phase-1")
    assert [p.label for p in selection.periods] == ["2024", "2025"]
    items = {s.unit_id: s for s in ranking.standings(selection)}
    a24, a25 = _unit_score(y24, a[0]), _unit_score(y25, a[0])
    assert items[a[0].id].per_capita == round((a24.per_capita + a25.per_capita) / 2, 4)
    assert items[a[0].id].adjusted == round((a24.adjusted + a25.adjusted) / 2, 4)
    assert items[a[0].id].years == 2
    # 2024: A 70 vs B 45; 2025: A 30 vs B 105 -> B leads the phase on the mean.
    assert items[b[0].id].rank == 1 and items[a[0].id].rank == 2
    officers = ranking.officer_scores(selection, user_ids=[a[1][0][0].id])
    assert officers[a[1][0][0].id].total == 50.0


def test_clusters_are_validated_and_audited(make_unit):
    """Bad cluster input is refused and changes nothing; a unit sits in one cluster only."""
    from lms_core.errors import UserError
    from plugins.emulation import audit, ranking
    from plugins.emulation.models import Cluster

    a, b = make_unit("DOI-A"), make_unit("DOI-B")
    cluster = ranking.create_cluster("cum-1", "Cụm 1", "", [a.id, b.id])
    db.session.commit()
    assert cluster.code == "CUM-1"
    for args in (("", "Cụm", "", []), ("CUM 2", "Cụm", "", []), ("CUM-1", "Cụm", "", []),
                 ("CUM-2", " ", "", []), ("CUM-2", "Cụm 2", "", [a.id]),
                 ("CUM-2", "Cụm 2", "", [999999])):
        with pytest.raises(UserError):
            ranking.create_cluster(*args)
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Cluster)) == 1
    ranking.update_cluster(cluster, "CUM-1", "Cụm số 1", "", [a.id])
    db.session.commit()
    assert ranking.cluster_units(cluster) == [a.id]
    actions = [e.action for e in audit.entries(object_type="cluster")]
    assert actions == ["cluster.update", "cluster.create"]
    ranking.delete_cluster(cluster)
    db.session.commit()
    assert ranking.clusters() == [] and ranking.cluster_map() == {}


# -- history through the restructuring ------------------------------------------------------------
def _restructure(make_unit, make_user):
    """Two provincial departments in 2024 merged into a regional branch on 1 March 2025."""
    from lms_core.organisation import operations as org_ops

    root = make_unit("HQVN", kind="department")
    pa = _team(make_unit, make_user, "HQHN", [80, 60], parent=root)
    pb = _team(make_unit, make_user, "HQBN", [40], parent=root)
    kv = make_unit("KV01", parent=root, on=date(2025, 3, 1),
                   name_vi="Chi cục Hải quan khu vực I")
    org_ops.merge_units([pa[0], pb[0]], kv, on=date(2025, 3, 1))
    db.session.commit()
    return root, pa, pb, kv


def test_a_branch_formed_in_2025_stands_in_2024_for_its_predecessors(make_unit, make_user):
    """The 2024 standing of a branch merged in 2025 is computed from the officers of its
    predecessor units; 2025 from its own."""
    from plugins.emulation import ranking

    root, pa, pb, kv = _restructure(make_unit, make_user)
    y24, y25 = _period("2024"), _period("2025")
    _scores(y24, pa, pb, units=[pa[0], pb[0], kv])
    _scores(y25, (kv, [(u, t + 10) for u, t in pa[1] + pb[1]]), units=[kv])
    _rank(y24)
    _rank(y25)
    s24 = _unit_score(y24, kv)
    assert (s24.members, s24.per_capita) == (3, 60.0)
    s25 = _unit_score(y25, kv)
    assert (s25.members, s25.per_capita) == (3, 70.0)
    rows = ranking.history(kv, [y24, y25])
    assert [u.code for u in rows[0].basis] == ["HQBN", "HQHN"]
    assert rows[1].basis == []
    assert rows[0].score.per_capita == 60.0 and rows[1].score.per_capita == 70.0
    assert ranking.scope_ids(kv, y24) == {pa[0].id, pb[0].id}
    # The officers ranked for the branch in 2024 are those of the two departments.
    selection = ranking.selection_periods("2024")
    found = ranking.officer_scores(selection, unit_ids=ranking.scope_ids(kv, y24))
    assert sorted(found) == sorted(u.id for u, _t in pa[1] + pb[1])


def test_scoring_ranks_the_period_it_computes(make_unit, make_user):
    """recompute_period fills the units' ranking figures, the merged branch's 2024 too."""
    from plugins.emulation import rules, scoring
    from plugins.emulation.demo_rules import RULES_FILE

    report = rules.import_rules(RULES_FILE.read_text(encoding="utf-8"), phase=1, activate=True)
    assert report.ok, report.problems
    db.session.commit()
    _root, pa, _pb, kv = _restructure(make_unit, make_user)
    y24 = _period("2024")
    scoring.recompute_period(y24)
    db.session.commit()
    branch = _unit_score(y24, kv)
    assert branch is not None and branch.members == 3
    assert branch.per_capita is not None and branch.adjusted is not None
    assert branch.rank is not None
    officer = _user_score(y24, pa[1][0][0])
    assert officer.rank == 1  # every officer at 0 points: all share rank 1
    assert math.isclose(branch.per_capita, 0.0)


# -- cluster changes off the request path ---------------------------------------------------------
def _figures(period):
    """Every stored ranking figure of the period, by subject."""
    from plugins.emulation.models import Score

    db.session.expire_all()
    return {(s.subject, s.subject_id): (s.members, s.per_capita, s.adjusted, s.cluster_id, s.rank)
            for s in db.session.scalars(sa.select(Score).where(Score.period_id == period.id))}


def test_a_cluster_change_ranks_nothing_until_the_job_runs(make_unit, make_user):
    """Creating a cluster records it and marks the scored open periods stale, ranking
    nothing; the job ranks them within the cluster and clears the mark; a rename of the
    cluster leaves the rankings as they are."""
    from plugins.emulation import ranking

    y24, y25 = _period("2024"), _period("2025")
    a = _team(make_unit, make_user, "DOI-A", [80, 60])
    b = _team(make_unit, make_user, "DOI-B", [40, 50, 60, 50])
    for period in (y24, y25):
        _scores(period, a, b)
        _rank(period)
    assert ranking.stale_periods() == []
    before = {p.label: _figures(p) for p in (y24, y25)}
    cluster = ranking.create_cluster("CUM-1", "Cụm 1", "", [a[0].id, b[0].id])
    db.session.commit()
    assert {p.label: _figures(p) for p in (y24, y25)} == before
    assert [p.label for p in ranking.stale_periods()] == ["2024", "2025"]
    notice = ranking.stale_notice([y25])
    assert notice is not None and [p.label for p in notice.periods] == ["2025"]

    ranking.rerank_job()
    assert ranking.stale_periods() == [] and ranking.stale_notice([y24, y25]) is None
    for period in (y24, y25):
        sa_, sb = _unit_score(period, a[0]), _unit_score(period, b[0])
        assert sa_.cluster_id == sb.cluster_id == cluster.id
        assert (sa_.adjusted, sb.adjusted, sa_.rank, sb.rank) == (57.5, 55.8824, 1, 2)

    ranking.update_cluster(cluster, "CUM-MOT", "Cụm một", "", [a[0].id, b[0].id])
    db.session.commit()
    assert ranking.stale_periods() == []


def test_a_closed_periods_ranking_does_not_follow_the_clusters(make_unit, make_user):
    """A frozen period is never stale and keeps the clusters it was ranked with, even when
    ranked again (as a correction does); the open period follows; a cluster that ranked a
    closed period cannot be deleted."""
    from lms_core.db import utcnow
    from lms_core.errors import UserError
    from plugins.emulation import audit, ranking

    y24, y25 = _period("2024"), _period("2025")
    a = _team(make_unit, make_user, "DOI-A", [80, 60])
    b = _team(make_unit, make_user, "DOI-B", [40, 50, 60, 50])
    cluster = _cluster("CUM-1", a[0], b[0])
    for period in (y24, y25):
        _scores(period, a, b)
        _rank(period)
    y24.frozen_at = utcnow()
    db.session.commit()
    frozen = _figures(y24)

    ranking.update_cluster(cluster, "CUM-1", "Cụm 1", "", [a[0].id])
    db.session.commit()
    assert [p.label for p in ranking.stale_periods()] == ["2025"]
    ranking.rerank_job()
    _rank(y24)
    assert _figures(y24) == frozen
    assert _unit_score(y24, b[0]).cluster_id == cluster.id
    assert _unit_score(y25, b[0]).cluster_id is None
    assert (_unit_score(y25, a[0]).cluster_id, _unit_score(y25, a[0]).rank) == (cluster.id, 1)

    with pytest.raises(UserError, match="2024"):
        ranking.delete_cluster(cluster)
    db.session.rollback()
    assert [c.code for c in ranking.clusters()] == ["CUM-1"]
    assert "cluster.delete" not in [e.action for e in audit.entries(object_type="cluster")]
    assert _figures(y24) == frozen


def test_rerank_command_ranks_the_stale_periods_now(runner, make_unit, make_user):
    """``lms emulation rerank`` ranks the stale periods at once; a closed period is refused."""
    from lms_core.db import utcnow
    from plugins.emulation import ranking

    y24 = _period("2024")
    a = _team(make_unit, make_user, "DOI-A", [80, 60])
    b = _team(make_unit, make_user, "DOI-B", [40])
    _scores(y24, a, b)
    _rank(y24)
    cluster = ranking.create_cluster("CUM-1", "Cụm 1", "", [a[0].id, b[0].id])
    db.session.commit()
    result = runner.invoke(args=["emulation", "rerank"])
    assert result.exit_code == 0, result.output
    assert "2024" in result.output
    assert _unit_score(y24, b[0]).cluster_id == cluster.id
    assert ranking.stale_periods() == []
    assert runner.invoke(args=["emulation", "rerank"]).exit_code == 0
    y24 = _period("2024")
    y24.frozen_at = utcnow()
    db.session.commit()
    result = runner.invoke(args=["emulation", "rerank", "--period", "2024"])
    assert result.exit_code == 2


def test_the_plugin_schedules_the_reranking_every_minute(app):
    """The plugin's jobs include the re-ranking of stale periods, every minute."""
    plugin = app.extensions["lms_plugins"]["emulation"]
    [job] = [j for j in plugin.jobs() if j.id == "emulation.rerank_stale"]
    assert (job.trigger, job.trigger_args) == ("interval", {"minutes": 1})
    assert {"emulation.incremental_pass", "emulation.close_periods"} <= {
        j.id for j in plugin.jobs()}


def test_content_trends_come_from_the_figures_kept_at_ranking_time(make_unit, make_user):
    """The mean points per content of a unit's officers, from the sums ranking kept (and
    the same from the lines for a period ranked before they were kept)."""
    from plugins.emulation import ranking, rules
    from plugins.emulation.demo_rules import RULES_FILE
    from plugins.emulation.models import Criterion, ScoreLine, Setting

    report = rules.import_rules(RULES_FILE.read_text(encoding="utf-8"), phase=1, activate=True)
    assert report.ok, report.problems
    db.session.commit()
    period = _period("2024")
    parent = make_unit("CHI-CUC", kind="sub_department")
    t1 = _team(make_unit, make_user, "DOI-1", [30, 10], parent=parent)
    t2 = _team(make_unit, make_user, "DOI-2", [20], parent=parent)
    _scores(period, t1, t2, units=[parent, t1[0], t2[0]])
    tops = {c.code: c for c in db.session.scalars(sa.select(Criterion).where(
        Criterion.rule_set_id == report.rule_set.id, Criterion.parent_id.is_(None),
        Criterion.kind == "group"))}
    first, second = sorted(tops, key=lambda c: (tops[c].sort_order, c))[:2]
    points = {t1[1][0][0]: {first: 12.0, second: 3.0}, t1[1][1][0]: {first: 6.0},
              t2[1][0][0]: {second: 9.0}}
    for user, by_code in points.items():
        for code, pts in by_code.items():
            db.session.add(ScoreLine(period_id=period.id, subject="user", subject_id=user.id,
                                     criterion_id=tops[code].id, value=pts, points=pts))
    db.session.commit()
    _rank(period)
    trend = ranking.content_trends(parent, [period])
    assert trend.officers == [3]
    assert trend.values[first] == [6.0] and trend.values[second] == [4.0]
    assert ranking.content_trends(t1[0], [period]).values[first] == [9.0]
    db.session.delete(db.session.get(Setting, f"trends:{period.id}"))
    db.session.commit()
    again = ranking.content_trends(parent, [period])
    assert again.officers == [3] and again.values == trend.values
