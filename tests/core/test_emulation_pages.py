"""The emulation score pages: an officer's own score and breakdown (not others' scores unless
public leaderboards are on), the unit head's unit page within their subtree, HR's rankings,
clusters and setting, and the anomaly decisions (plugins/emulation/score_views.py).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from lms_core.extensions import db


@pytest.fixture
def emulation(app):
    """The campaign with the demo rules of both phases, active."""
    if "emulation" not in app.extensions["lms_plugins"]:
        pytest.skip("the emulation plugin is not loaded in this run")
    from plugins.emulation import campaign, rules
    from plugins.emulation.demo_rules import RULES_FILE

    campaign.ensure_campaign()
    text = RULES_FILE.read_text(encoding="utf-8")
    for phase in (1, 2):
        report = rules.import_rules(text, phase=phase, activate=True)
        assert report.ok, report.problems
    db.session.commit()


def _study(user, day: date, hours: float):
    """An ``experienced`` statement of ``hours`` verified hours on ``day`` (10:00 local)."""
    from lms_core.xapi import statements as S
    from lms_core.xapi import vocabulary as V

    lesson = S.activity("course/LUAT-101/lesson/1", "lesson", "Bài học Luật Hải quan",
                        "Customs law lesson")
    statement = S.build(user, "experienced", lesson,
                        result_=S.result(duration_seconds=hours * 3600,
                                         extensions={V.EXT_VERIFIED_SECONDS: hours * 3600}),
                        timestamp=datetime(day.year, day.month, day.day, 3, tzinfo=UTC))
    return S.record(statement, user=user)


@pytest.fixture
def world(emulation, make_unit, make_user):
    """Root > units A and B; officers lan and minh in A (lan studied 36.5 verified hours in
    2026), binh in B; heads of A and B; an HR administrator; 2026 scored."""
    from lms_core.identity import roles as R
    from plugins.emulation import campaign, scoring

    root = make_unit("CUC-HQ", kind="department")
    a = make_unit("DOI-A", parent=root)
    b = make_unit("DOI-B", parent=root)
    lan = make_user("lan", unit=a, full_name="Nguyễn Thị Lan")
    minh = make_user("minh", unit=a, full_name="Trần Văn Minh")
    binh = make_user("binh", unit=b, full_name="Lê Văn Bình")
    head_a = make_user("truong-a", unit=a, heads=a, full_name="Phạm Trưởng A")
    head_b = make_user("truong-b", unit=b, heads=b, full_name="Hoàng Trưởng B")
    hr = make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), unit=root,
                   full_name="Vũ Quản Trị")
    statements = [_study(lan, date(2026, 3, d), 7.3) for d in range(2, 7)]
    _study(minh, date(2026, 4, 1), 2.0)
    db.session.commit()
    scoring.recompute_period(campaign.period_by_label("2026"))
    db.session.commit()
    return {"root": root, "a": a, "b": b, "lan": lan, "minh": minh, "binh": binh,
            "head_a": head_a, "head_b": head_b, "hr": hr, "statements": statements}


def _target(code: str) -> float:
    """The yearly target of an indicator of the rules of 2026, times its cap."""
    from plugins.emulation import campaign, scoring
    from plugins.emulation.models import Criterion

    rule_set = scoring.rules_for(campaign.period_by_label("2026"))
    c = db.session.scalar(sa.select(Criterion).where(Criterion.rule_set_id == rule_set.id,
                                                     Criterion.code == code))
    return c.target * (c.cap if c.cap is not None else 1.0)


def _page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


# -- the officer ----------------------------------------------------------------------------------
def test_officer_sees_own_breakdown_down_to_the_statements(client, auth, world):
    """My score: the total, the breakdown with the statements behind the hours (their
    sentence and id), and what is missing to reach the target."""
    auth.login("lan")
    html = _page(client, "/emulation/")
    assert "Điểm của tôi" in html
    assert "ND2.CN1" in html and "36,5" in html
    first = world["statements"][0]
    assert first.statement_id in html
    assert "Bạn đã học" in html and "Bài học Luật Hải quan" in html
    # What is missing to the target of verified hours of 2026's rules (48 in the demo's).
    missing = _target("ND2.CN1") - 36.5
    assert f"thêm {missing:g} giờ".replace(".", ",") in html
    assert "Cách nâng điểm" in html


def test_home_shows_the_campaigns_phases_from_the_database(client, auth, world):
    """The phases on the home page are the campaign's rows: an edit by HR shows there."""
    from plugins.emulation import campaign

    phase = campaign.phase_row(2)
    phase.name_vi = "Giai đoạn 2 (2026–2030), tổng kết sớm tháng 6/2030"
    phase.end = date(2030, 6, 30)
    db.session.commit()
    auth.login("lan")
    html = _page(client, "/emulation/")
    assert "Giai đoạn 2 (2026–2030), tổng kết sớm tháng 6/2030" in html
    assert "30/06/2030" in html and "31/12/2030" not in html
    assert "Giai đoạn 1 (2024–2025), sơ kết năm 2025" in html


def test_officer_sees_own_rank_but_not_others_scores(client, auth, world):
    """Without public leaderboards: own rank in the unit, no colleague's name or score, and
    another officer's page is refused."""
    auth.login("minh")
    html = _page(client, "/emulation/")
    assert "Thứ hạng trong đơn vị" in html
    assert "2/3" in html  # lan first, minh second of the three officers of unit A
    assert "Nguyễn Thị Lan" not in html
    _page(client, f"/emulation/officers/{world['lan'].code}", 403)
    _page(client, "/emulation/rankings", 403)
    _page(client, f"/emulation/units/{world['a'].id}", 403)


def test_public_leaderboards_show_the_units_officers(client, auth, world):
    """HR turns public leaderboards on (audited): officers then see their unit's
    leaderboard and the rankings of the units; off again, they do not."""
    from plugins.emulation import audit

    auth.login("quantri")
    response = client.post("/emulation/settings", data={"public_leaderboards": "y"})
    assert response.status_code == 302
    [entry] = audit.entries(object_type="setting")
    assert entry.before == {"value": False} and entry.after == {"value": True}
    auth.logout()
    auth.login("minh")
    html = _page(client, "/emulation/")
    assert "Bảng xếp hạng của đơn vị tôi" in html and "Nguyễn Thị Lan" in html
    assert "Lê Văn Bình" not in html  # another unit
    _page(client, "/emulation/rankings")
    _page(client, f"/emulation/officers/{world['lan'].code}", 403)  # totals, not breakdowns
    auth.logout()
    auth.login("quantri")
    client.post("/emulation/settings", data={})
    auth.logout()
    auth.login("minh")
    assert "Nguyễn Thị Lan" not in _page(client, "/emulation/")


# -- the unit head --------------------------------------------------------------------------------
def test_unit_head_sees_the_units_ranking_and_drills_into_an_officer(client, auth, world):
    """The head of A: the officers of A ranked, the unit in its group, trends; an officer's
    breakdown with the statements."""
    auth.login("truong-a")
    html = _page(client, f"/emulation/units/{world['a'].id}")
    assert "Nguyễn Thị Lan" in html and "Trần Văn Minh" in html
    assert html.index("Nguyễn Thị Lan") < html.index("Trần Văn Minh")
    assert "Lê Văn Bình" not in html
    assert "Xu hướng theo nội dung thi đua" in html
    assert 'data-chart="' in html and "vendor/chartjs/chart.umd.min.js" in html
    html = _page(client, f"/emulation/officers/{world['lan'].code}?period=2026")
    assert world["statements"][0].statement_id in html
    assert "Nguyễn Thị Lan đã học" in html


def test_unit_head_is_refused_outside_the_subtree(client, auth, world):
    """The head of A gets 403 for unit B, its officers and the organisation's rankings."""
    auth.login("truong-a")
    _page(client, f"/emulation/units/{world['b'].id}", 403)
    _page(client, f"/emulation/units/{world['root'].id}", 403)
    _page(client, f"/emulation/officers/{world['binh'].code}", 403)
    _page(client, "/emulation/rankings", 403)
    _page(client, "/emulation/units/999999", 404)


def test_a_bad_period_is_a_message_not_an_error(client, auth, world):
    """An unknown period falls back to the current year with a message."""
    auth.login("lan")
    html = _page(client, "/emulation/?period=2040")
    assert "2040" in html and "flash-error" in html


# -- anomalies ------------------------------------------------------------------------------------
def _anomaly(user):
    from plugins.emulation.models import Anomaly

    anomaly = Anomaly(user_id=user.id, kind="hours_over_day", day=date(2026, 5, 4),
                      details={"hours": 14.5, "statements": 2, "threshold": 12})
    db.session.add(anomaly)
    db.session.commit()
    return anomaly


@pytest.mark.parametrize("decision", ["accepted", "excluded"])
def test_unit_head_accepts_or_excludes_an_anomaly(client, auth, world, decision):
    """The anomaly is listed on the unit page; the decision is stored, audited, and the
    officer's 2026 scores are marked for the next pass."""
    from plugins.emulation import audit
    from plugins.emulation.models import Anomaly, DirtySubject

    anomaly = _anomaly(world["minh"])
    auth.login("truong-a")
    html = _page(client, f"/emulation/units/{world['a'].id}")
    assert "04/05/2026" in html and "14,5" in html
    response = client.post(f"/emulation/anomalies/{anomaly.id}/decide",
                           data={"decision": decision, "note": "Đã xác minh"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/emulation/units/{world['a'].id}")
    db.session.expire_all()
    assert db.session.get(Anomaly, anomaly.id).status == decision
    [entry] = audit.entries(object_type="anomaly")
    assert entry.after["status"] == decision and entry.actor_id == world["head_a"].id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DirtySubject).where(
        DirtySubject.user_id == world["minh"].id)) >= 1


def test_the_unit_page_lists_the_anomalies_of_its_own_officers(client, auth, world):
    """An open anomaly of an officer of B is not on A's page; the unit above both lists
    both."""
    _anomaly(world["minh"])
    other = _anomaly(world["binh"])
    other.day = date(2026, 6, 9)
    db.session.commit()
    auth.login("truong-a")
    html = _page(client, f"/emulation/units/{world['a'].id}")
    assert "Trần Văn Minh" in html and "09/06/2026" not in html
    auth.logout()
    auth.login("quantri")
    html = _page(client, f"/emulation/units/{world['root'].id}")
    assert "04/05/2026" in html and "09/06/2026" in html


def test_anomaly_decisions_are_refused_outside_the_subtree(client, auth, world):
    """The head of B, the officer themself and a missing decision change nothing."""
    from plugins.emulation import audit
    from plugins.emulation.models import Anomaly

    anomaly = _anomaly(world["minh"])
    auth.login("truong-b")
    assert client.post(f"/emulation/anomalies/{anomaly.id}/decide",
                       data={"decision": "excluded"}).status_code == 403
    auth.logout()
    auth.login("minh")
    assert client.post(f"/emulation/anomalies/{anomaly.id}/decide",
                       data={"decision": "accepted"}).status_code == 403
    auth.logout()
    auth.login("truong-a")
    response = client.post(f"/emulation/anomalies/{anomaly.id}/decide", data={})
    assert response.status_code == 302
    assert client.post("/emulation/anomalies/999999/decide",
                       data={"decision": "accepted"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Anomaly, anomaly.id).status == "open"
    assert audit.entries(object_type="anomaly") == []


# -- HR -------------------------------------------------------------------------------------------
def _ranking_rows(label="2026"):
    """The stored ranking figures of the period's units and officers."""
    from plugins.emulation import campaign
    from plugins.emulation.models import Score

    db.session.expire_all()
    period = campaign.period_by_label(label)
    return {(s.subject, s.subject_id): (s.cluster_id, s.rank, s.per_capita, s.adjusted)
            for s in db.session.scalars(sa.select(Score).where(Score.period_id == period.id))}


UPDATING = re.compile(r"Bảng xếp hạng đang được cập nhật sau khi thay đổi cụm thi đua "
                      r"\(thay đổi lúc \d{2}:\d{2}\)")


def test_hr_creates_a_cluster_and_sees_the_rankings(client, auth, world):
    """A cluster of A and B: audited and answered at once without ranking (the 2026 rows are
    unchanged, the pages show the last ranking and say it is being updated); the scheduled
    job ranks the units in it, then the rankings show the cluster, its funnel plot and the
    comparison of years and phases, without the notice."""
    from plugins.emulation import audit, ranking
    from plugins.emulation.models import Cluster, Score

    before = _ranking_rows()
    auth.login("quantri")
    _page(client, "/emulation/clusters")
    response = client.post("/emulation/clusters", data={
        "code": "cum-doi", "name_vi": "Cụm các Đội", "name_en": "Teams",
        "units": [str(world["a"].id), str(world["b"].id)]})
    assert response.status_code == 302
    cluster = db.session.scalar(sa.select(Cluster).where(Cluster.code == "CUM-DOI"))
    assert cluster is not None
    assert [e.action for e in audit.entries(object_type="cluster")] == ["cluster.create"]
    assert _ranking_rows() == before
    assert [p.label for p in ranking.stale_periods()] == ["2026"]
    html = _page(client, "/emulation/rankings")
    assert UPDATING.search(html) and "DOI-A" in html and "DOI-B" in html
    assert UPDATING.search(_page(client, f"/emulation/units/{world['a'].id}"))
    assert UPDATING.search(_page(client, "/emulation/clusters"))
    # The year's review report and commendation proposals read the same rankings.
    review = "/emulation/reviews/2026"
    proposal = f"/emulation/commendation/2026?unit={world['a'].code}"
    assert UPDATING.search(_page(client, review))
    assert UPDATING.search(_page(client, proposal))

    ranking.rerank_job()
    assert ranking.stale_periods() == []
    db.session.expire_all()
    ranked = db.session.scalars(sa.select(Score).where(
        Score.subject == "unit", Score.cluster_id == cluster.id)).all()
    assert {s.subject_id for s in ranked} == {world["a"].id, world["b"].id}
    assert sorted(s.rank for s in ranked) == [1, 2]
    html = _page(client, "/emulation/rankings")
    assert not UPDATING.search(html)
    assert "CUM-DOI" in html and "Biểu đồ phễu" in html
    assert "DOI-A" in html and "DOI-B" in html
    assert "So sánh các năm và các giai đoạn" in html
    html = _page(client, "/emulation/rankings?period=phase-2")
    assert "CUM-DOI" in html
    html = _page(client, f"/emulation/units/{world['a'].id}")
    assert "CUM-DOI" in html and not UPDATING.search(html)
    assert not UPDATING.search(_page(client, review))
    assert not UPDATING.search(_page(client, proposal))


def test_a_cluster_that_ranked_a_closed_period_is_not_deleted(client, auth, world):
    """Deleting a cluster whose units a closed period ranked is refused with the reason;
    the cluster, its units and the closed ranking stay as they were."""
    from lms_core.db import utcnow
    from plugins.emulation import audit, campaign, ranking

    cluster = ranking.create_cluster("CUM-1", "Cụm 1", "", [world["a"].id, world["b"].id])
    db.session.commit()
    ranking.rerank_job()
    campaign.period_by_label("2026").frozen_at = utcnow()
    db.session.commit()
    frozen = _ranking_rows()
    auth.login("quantri")
    response = client.post(f"/emulation/clusters/{cluster.id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/emulation/clusters/{cluster.id}")
    html = _page(client, f"/emulation/clusters/{cluster.id}")
    assert "flash-error" in html and "2026" in html
    assert [c.code for c in ranking.clusters()] == ["CUM-1"]
    assert sorted(ranking.cluster_units(cluster)) == sorted([world["a"].id, world["b"].id])
    assert "cluster.delete" not in [e.action for e in audit.entries(object_type="cluster")]
    assert _ranking_rows() == frozen


def test_bad_cluster_input_changes_nothing(client, auth, world):
    """No code, a unit already in a cluster: 400 with the message, nothing saved."""
    from plugins.emulation import ranking
    from plugins.emulation.models import Cluster

    ranking.create_cluster("CUM-1", "Cụm 1", "", [world["a"].id])
    db.session.commit()
    auth.login("quantri")
    html = _page_post(client, "/emulation/clusters", {"code": "", "name_vi": "X"}, 400)
    html = _page_post(client, "/emulation/clusters",
                      {"code": "CUM-2", "name_vi": "Cụm 2", "units": [str(world["a"].id)]}, 400)
    assert "CUM-1" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Cluster)) == 1


def test_hr_edits_and_deletes_a_cluster(client, auth, world):
    """Editing moves units in and out; deleting leaves the units unclustered; both audited."""
    from plugins.emulation import audit, ranking

    cluster = ranking.create_cluster("CUM-1", "Cụm 1", "", [world["a"].id])
    db.session.commit()
    auth.login("quantri")
    _page(client, f"/emulation/clusters/{cluster.id}")
    response = client.post(f"/emulation/clusters/{cluster.id}", data={
        "code": "CUM-1", "name_vi": "Cụm số 1", "units": [str(world["b"].id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert ranking.cluster_units(cluster) == [world["b"].id]
    assert client.post(f"/emulation/clusters/{cluster.id}/delete").status_code == 302
    assert ranking.clusters() == []
    actions = [e.action for e in audit.entries(object_type="cluster")]
    assert actions == ["cluster.delete", "cluster.update", "cluster.create"]


def test_hr_only_pages(client, auth, world):
    """Clusters and the setting are HR's: 403 for officers and unit heads."""
    for username in ("lan", "truong-a"):
        auth.login(username)
        for path in ("/emulation/clusters", "/emulation/settings"):
            _page(client, path, 403)
        auth.logout()


def _page_post(client, path, data, status):
    response = client.post(path, data=data)
    assert response.status_code == status
    return response.get_data(as_text=True)


# -- history through the restructuring ------------------------------------------------------------
def test_the_branch_page_says_its_2024_figures_are_its_predecessors(client, auth, emulation,
                                                                  make_unit, make_user):
    """A branch formed by a merge in 2025 shows 2024 figures from the predecessor units and
    says so."""
    from lms_core.identity import roles as R
    from lms_core.organisation import operations as org_ops
    from plugins.emulation import campaign, scoring

    root = make_unit("HQVN", kind="department")
    hn = make_unit("HQHN", parent=root, kind="provincial")
    bn = make_unit("HQBN", parent=root, kind="provincial")
    make_user("can-hn", unit=hn)
    make_user("can-bn", unit=bn)
    make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), unit=root)
    kv = make_unit("KV01", parent=root, kind="branch", on=date(2025, 3, 1))
    org_ops.merge_units([hn, bn], kv, on=date(2025, 3, 1))
    db.session.commit()
    scoring.recompute_period(campaign.period_by_label("2024"))
    db.session.commit()
    auth.login("quantri")
    html = _page(client, f"/emulation/units/{kv.id}?period=2024")
    assert "Số liệu năm 2024 là của các đơn vị tiền thân HQBN, HQHN" in html
