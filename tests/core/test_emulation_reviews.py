"""Commendation candidates and their checks (with the figures), quotas, the collective 70%
rule, the confirmed proposal list; annual ratings import; review reports in XLSX and PDF."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lms_core.extensions import db
from lms_core.identity import roles as R
from plugins.emulation import campaign, reviews, scoring
from plugins.emulation import commendation as C
from plugins.emulation import submissions as S
from plugins.emulation.models import AnnualRating, AuditEntry, Proposal

PDF = b"%PDF-1.4\n% evidence\n" + b"0" * 100 + b"\n%%EOF\n"
#: Team A: ten officers (the head among them) rated for 2025: three excellent, four good,
#: three completed; nobody disciplined. Team B: three officers, one of them disciplined.
RATINGS_A = ["excellent", "excellent", "excellent", "good", "good", "good", "good",
             "completed", "completed", "completed"]


def pdf_title(data: bytes) -> str:
    """The document title of a PDF written by fpdf2 (UTF-16 hex in the Info dictionary)."""
    match = re.search(rb"/Title <([0-9a-fA-F]+)>", data)
    if match:
        return bytes.fromhex(match.group(1).decode()).decode("utf-16")
    match = re.search(rb"/Title \((.*?)\)", data)
    return match.group(1).decode("latin-1") if match else ""


@pytest.fixture
def world(app, make_unit, make_user, tmp_path):
    """Branch CN with teams A (10 officers) and B (3 officers), rated for 2025, scored."""
    from plugins.emulation import demo_rules

    app.config["LMS_MEDIA_DIR"] = str(tmp_path / "media")
    demo_rules.load()
    db.session.commit()
    branch = make_unit("CN", kind="branch", name_vi="Chi cục Hải quan khu vực Thử nghiệm")
    team_a = make_unit("DOI-A", parent=branch, name_vi="Đội Kiểm soát Hải quan số 1")
    team_b = make_unit("DOI-B", parent=branch, name_vi="Đội Nghiệp vụ số 2")
    head_branch = make_user("truong-cn", unit=branch, heads=branch, full_name="Lê Văn Chi")
    a = [make_user(f"a{i}", unit=team_a, full_name=f"Cán bộ A{i:02d}",
                   heads=team_a if i == 0 else None) for i in range(10)]
    b = [make_user(f"b{i}", unit=team_b, full_name=f"Cán bộ B{i:02d}",
                   heads=team_b if i == 0 else None) for i in range(3)]
    hr = make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), unit=branch)
    for user, rating in zip(a, RATINGS_A, strict=True):
        db.session.add(AnnualRating(user_id=user.id, year=2025, rating=rating))
    for user, rating, disciplined in zip(b, ["good", "good", "completed"],
                                         [False, True, False], strict=True):
        db.session.add(AnnualRating(user_id=user.id, year=2025, rating=rating,
                                    disciplined=disciplined))
    db.session.add(AnnualRating(user_id=head_branch.id, year=2025, rating="excellent"))
    db.session.add(AnnualRating(user_id=hr.id, year=2025, rating="good"))
    period = campaign.period_by_label("2025")
    scoring.recompute_period(period)
    db.session.commit()
    return {"branch": branch, "team_a": team_a, "team_b": team_b, "a": a, "b": b,
            "head_a": a[0], "head_b": b[0], "head_branch": head_branch, "hr": hr,
            "period": period}


def _cand(ev, title, subject_id):
    return next(c for c in ev.candidates[title] if c.subject_id == subject_id)


def _check(cand, code):
    return next(c for c in cand.checks if c.code == code)


# -- individuals ------------------------------------------------------------------------------
def test_lao_dong_tien_tien_needs_a_good_rating_and_no_discipline(world):
    """Good or excellent and not disciplined: met; completed, disciplined: missed."""
    ev = C.evaluate(world["period"], world["team_a"])
    good = _cand(ev, C.LDTT, world["a"][3].id)
    assert good.eligible and good.proposed
    assert _check(good, "min_rating").as_dict() == {
        "code": "min_rating", "met": True, "required": "good", "actual": "good"}
    completed = _cand(ev, C.LDTT, world["a"][7].id)
    assert not completed.eligible and not completed.proposed
    assert [c.code for c in completed.missed] == ["min_rating"]
    assert _check(completed, "min_rating").actual == "completed"
    assert len(ev.proposed(C.LDTT)) == 7
    ev_b = C.evaluate(world["period"], world["team_b"])
    disciplined = _cand(ev_b, C.LDTT, world["b"][1].id)
    assert [c.code for c in disciplined.missed] == ["not_disciplined"]
    assert _check(disciplined, "not_disciplined").actual is True


def test_officer_without_a_rating_misses(world, make_user):
    """No annual rating imported: the rating criterion is missed, saying so."""
    newcomer = make_user("moi", unit=world["team_a"])
    scoring.recompute_period(world["period"])
    db.session.commit()
    ev = C.evaluate(world["period"], world["team_a"])
    cand = _cand(ev, C.LDTT, newcomer.id)
    assert _check(cand, "min_rating").as_dict()["actual"] is None
    label, required, actual = C.describe(_check(cand, "min_rating").as_dict())
    assert actual == "chưa có xếp loại"  # "no rating": the UI is Vietnamese first


def test_emulation_score_threshold_when_configured(world):
    """min_emulation_score: the score of the year against the threshold, with the figures."""
    rule_set = scoring.rules_for(world["period"])
    settings = dict(rule_set.settings)
    settings["commendation"] = {**settings.get("commendation", {}), "min_emulation_score": 5}
    rule_set.settings = settings
    officer = world["a"][3]
    s = S.submit(officer, kind="initiative", title="Sáng kiến số hoá hồ sơ",
                 description="Số hoá hồ sơ.", occurred_on=date(2025, 5, 5),
                 details={"scope": "unit"}, files=[S.Upload("qd.pdf", PDF)],
                 today=date(2025, 6, 1))
    S.decide(s, world["head_a"], approve=True)
    scoring.recompute_period(world["period"])
    db.session.commit()
    ev = C.evaluate(world["period"], world["team_a"])
    with_points = _check(_cand(ev, C.LDTT, officer.id), "min_emulation_score")
    assert with_points.met and with_points.required == 5.0
    assert with_points.actual == scoring.score_of("user", officer.id, world["period"]).total
    assert with_points.actual >= 5
    without = _check(_cand(ev, C.LDTT, world["a"][4].id), "min_emulation_score")
    assert not without.met and without.actual == 0.0


def test_chien_si_thi_dua_needs_excellent_or_an_initiative(world):
    """Excellent: met; good with an approved 2025 initiative: met (1 initiative); good
    without: missed."""
    officer = world["a"][4]
    s = S.submit(officer, kind="initiative", title="Sáng kiến phân luồng",
                 description="Phân luồng tờ khai.", occurred_on=date(2025, 9, 1),
                 details={"scope": "sector"}, files=[S.Upload("qd.pdf", PDF)],
                 today=date(2025, 10, 1))
    S.decide(s, world["head_a"], approve=True)
    db.session.commit()
    ev = C.evaluate(world["period"], world["team_a"])
    excellent = _check(_cand(ev, C.CSTDCS, world["a"][1].id), "excellent_or_initiative")
    assert excellent.met and excellent.actual == "excellent"
    with_initiative = _check(_cand(ev, C.CSTDCS, officer.id), "excellent_or_initiative")
    assert with_initiative.met and with_initiative.extra == {"initiatives": 1}
    without = _check(_cand(ev, C.CSTDCS, world["a"][5].id), "excellent_or_initiative")
    assert not without.met and without.extra == {"initiatives": 0}
    not_ldtt = _cand(ev, C.CSTDCS, world["a"][8].id)
    assert not _check(not_ldtt, "requires_ldtt").met


def test_only_approved_initiatives_count(world):
    """A pending or rejected initiative does not make a Chiến sĩ thi đua."""
    officer = world["a"][5]
    s = S.submit(officer, kind="initiative", title="Chờ duyệt", description="x",
                 occurred_on=date(2025, 9, 1), details={"scope": "unit"},
                 files=[S.Upload("qd.pdf", PDF)], today=date(2025, 10, 1))
    db.session.commit()
    ev = C.evaluate(world["period"], world["team_a"])
    assert not _check(_cand(ev, C.CSTDCS, officer.id), "excellent_or_initiative").met
    S.decide(s, world["head_a"], approve=False, reason="Chưa được công nhận.")
    db.session.commit()
    ev = C.evaluate(world["period"], world["team_a"])
    assert not _check(_cand(ev, C.CSTDCS, officer.id), "excellent_or_initiative").met


def test_quota_of_chien_si_thi_dua(world):
    """7 LĐTT × 15% = 1.05: one CSTĐCS; the two other excellent officers are over the quota
    (numbers 2 and 3 of 1 allowed)."""
    ev = C.evaluate(world["period"], world["team_a"])
    assert ev.quota == 1
    proposed = ev.proposed(C.CSTDCS)
    assert len(proposed) == 1
    quota = {c.subject_id: _check(c, "quota") for c in ev.candidates[C.CSTDCS]
             if c.qualifies}
    assert sorted((q.actual, q.met) for q in quota.values()) == [(1, True), (2, False),
                                                                 (3, False)]
    assert all(q.required == 1 and q.extra == {"share": 0.15, "ldtt": 7}
               for q in quota.values())
    label, required, actual = C.describe(_check(proposed[0], "quota").as_dict())
    with force_locale("en"):
        label, required, actual = C.describe(_check(proposed[0], "quota").as_dict())
    assert required == "at most 1 (15% of 7 proposed LĐTT, rounded down)"


def test_head_may_choose_another_within_the_quota_but_not_more(world):
    """Swapping the CSTĐCS within the quota is accepted; two are refused, nothing changed."""
    ev = C.evaluate(world["period"], world["team_a"])
    default = ev.proposed(C.CSTDCS)[0]
    other = next(c for c in ev.candidates[C.CSTDCS] if c.qualifies and not c.proposed)
    ldtt = {c.key for c in ev.proposed(C.LDTT)}
    with force_locale("en"), pytest.raises(C.UserError, match="quota allows 1"):
        C.confirm(world["period"], world["team_a"], world["head_a"],
                  ldtt | {default.key, other.key})
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    rows = C.confirm(world["period"], world["team_a"], world["head_a"], ldtt | {other.key})
    db.session.commit()
    assert {(p.title, p.subject_id) for p in rows if p.title == C.CSTDCS} == {
        (C.CSTDCS, other.subject_id)}


# -- collectives ------------------------------------------------------------------------------
def test_collective_seventy_percent_rule(world):
    """Team A: 7 of 10 (70%) → Tập thể LĐTT; team B: 1 of 3 (33%) and one disciplined →
    missed, with the figures."""
    ev = C.evaluate(world["period"], world["branch"])
    a = _cand(ev, C.TT_LDTT, world["team_a"].id)
    share = _check(a, "share_ldtt")
    assert share.met and share.actual == 0.7 and share.extra == {"count": 7, "members": 10}
    assert a.eligible
    b = _cand(ev, C.TT_LDTT, world["team_b"].id)
    assert {c.code for c in b.missed} == {"share_ldtt", "none_disciplined"}
    assert _check(b, "share_ldtt").extra == {"count": 1, "members": 3}
    assert _check(b, "none_disciplined").actual == 1
    branch = _cand(ev, C.TT_LDTT, world["branch"].id)
    # 15 members: teams A (10) and B (3), the branch head and HR, assigned to the branch.
    assert _check(branch, "share_ldtt").extra == {"count": 10, "members": 15}


def test_collective_just_under_seventy_percent_misses(world):
    """6 of 10 (60%) is not enough."""
    db.session.get(AnnualRating, (world["a"][6].id, 2025)).rating = "completed"
    db.session.commit()
    ev = C.evaluate(world["period"], world["team_a"])
    share = _check(_cand(ev, C.TT_LDTT, world["team_a"].id), "share_ldtt")
    assert not share.met and share.actual == 0.6 and share.required == 0.7


def test_tap_the_xuat_sac(world):
    """Team A: all completed, 70%, one CSTĐCS → met; one member not completing → missed."""
    ev = C.evaluate(world["period"], world["team_a"])
    xs = _cand(ev, C.TT_LDXS, world["team_a"].id)
    assert xs.eligible
    assert _check(xs, "min_cstdcs").actual == 1
    db.session.get(AnnualRating, (world["a"][9].id, 2025)).rating = "not_completed"
    db.session.commit()
    ev = C.evaluate(world["period"], world["team_a"])
    xs = _cand(ev, C.TT_LDXS, world["team_a"].id)
    assert [c.code for c in xs.missed] == ["all_completed"]
    assert _check(xs, "all_completed").actual == 1


# -- confirming and exporting --------------------------------------------------------------------
def test_head_confirms_the_list_audited(world, client, auth):
    """The team head confirms the default list: Proposal rows confirmed with their checks,
    an audit entry before/after; another team's head gets 403 and nothing changes."""
    ev = C.evaluate(world["period"], world["team_a"])
    keys = [c.key for t in C.TITLES for c in ev.proposed(t)]
    auth.login("b0")
    response = client.post("/emulation/commendation/2025/confirm?unit=DOI-A",
                           data={"candidate": keys})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    auth.logout()
    auth.login("a0")
    page = client.get("/emulation/commendation/2025?unit=DOI-A")
    assert page.status_code == 200 and "Cán bộ A03" in page.get_data(as_text=True)
    response = client.post("/emulation/commendation/2025/confirm?unit=DOI-A",
                           data={"candidate": keys})
    assert response.status_code == 302
    rows = list(db.session.scalars(sa.select(Proposal)))
    assert len(rows) == 7 + 1 + 2  # LĐTT, CSTĐCS, the two collective titles of team A
    assert {p.status for p in rows} == {"confirmed"}
    ldtt = next(p for p in rows if p.title == C.LDTT and p.subject_id == world["a"][3].id)
    assert {c["code"]: c["met"] for c in ldtt.checks} == {"min_rating": True,
                                                          "not_disciplined": True}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action ==
                                                          "proposal.confirm"))
    assert entry.object_id == "2025:DOI-A" and entry.before == {"confirmed": []}
    assert sorted(entry.after["confirmed"]) == sorted(keys)


def test_hr_sees_but_does_not_confirm(world, client, auth):
    """HR opens the candidates and exports, but confirming is the head's."""
    auth.login("quantri")
    assert client.get("/emulation/commendation/2025?unit=DOI-A").status_code == 200
    assert client.post("/emulation/commendation/2025/confirm?unit=DOI-A",
                       data={"candidate": []}).status_code == 403
    assert client.get("/emulation/commendation/2025/proposal.xlsx?unit=DOI-A").status_code \
        == 200


def test_the_page_lists_who_may_be_proposed_then_the_closest_of_the_others(
        world, client, auth, monkeypatch):
    """Every officer who may be proposed is listed; of those who miss a criterion, the page
    shows the fewest criteria missed first up to a limit and says how many more the Excel
    export holds (a branch has thousands of officers)."""
    import re

    ev = C.evaluate(world["period"], world["team_a"])
    shown, missing, left_out = ev.for_page(C.LDTT)
    assert missing and shown and left_out == 0
    others = [c for c in ev.candidates[C.LDTT] if c not in shown]
    assert {c.key for c in missing} == {c.key for c in others}
    assert all(c.eligible or c.proposed for c in shown) and not any(c.eligible for c in missing)
    monkeypatch.setattr(C, "MISSING_SHOWN", 1)
    shown, missing, left_out = ev.for_page(C.LDTT)
    assert len(missing) == 1 and left_out == len(others) - 1
    assert len(missing[0].missed) == min(len(c.missed) for c in others)
    auth.login("a0")
    html = client.get("/emulation/commendation/2025?unit=DOI-A").get_data(as_text=True)
    listed = re.findall(r'value="lao_dong_tien_tien:user:(\d+)"', html)
    assert sorted(map(int, listed)) == sorted(
        c.subject_id for c in [*shown, *missing])
    assert f"{len(others)} trường hợp chưa đạt tiêu chí" in html
    assert f"{left_out} trường hợp còn lại có trong tệp Excel" in html


def test_proposal_exports_open(world):
    """The XLSX opens with openpyxl and lists the proposed; the PDF is a PDF titled with
    the unit's Vietnamese name."""
    from openpyxl import load_workbook

    ev = C.evaluate(world["period"], world["team_a"])
    book = load_workbook(io.BytesIO(C.proposal_xlsx(ev)))
    cells = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value]
    assert "Lao động tiên tiến" in cells and "Cán bộ A03" in cells
    assert any("DỰ THẢO" in c for c in cells)  # a draft: not confirmed yet
    checks = [[c.value for c in row] for row in book.worksheets[1].iter_rows(min_row=2)]
    assert len(checks) > 20
    data = C.proposal_pdf(ev)
    assert data.startswith(b"%PDF")
    assert "Đội Kiểm soát Hải quan số 1" in pdf_title(data)


# -- annual ratings import -------------------------------------------------------------------------
def _codes(world):
    return world["a"][0].code, world["a"][1].code


def test_ratings_import_maps_points_from_2026(world):
    """From 2026 the 100-point score gives the rating (≥90, 70–89, 50–69, below)."""
    a, b = _codes(world)
    c, d = world["a"][2].code, world["a"][3].code
    text = (f"officer_code,year,rating,points,disciplined\n{a},2026,,92,no\n{b},2026,,75,\n"
            f"{c},2026,,55,no\n{d},2026,,49.5,yes\n")
    report = C.import_ratings(text.encode(), actor=world["hr"])
    db.session.commit()
    assert report.ok and report.created == 4
    got = {r.user_id: (r.rating, r.points, r.disciplined) for r in db.session.scalars(
        sa.select(AnnualRating).where(AnnualRating.year == 2026))}
    assert got[world["a"][0].id] == ("excellent", 92.0, False)
    assert got[world["a"][1].id] == ("good", 75.0, False)
    assert got[world["a"][2].id] == ("completed", 55.0, False)
    assert got[world["a"][3].id] == ("not_completed", 49.5, True)
    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "rating.import")).all()
    assert len(entries) == 4 and entries[0].actor_id == world["hr"].id


def test_ratings_import_is_all_or_nothing_with_line_numbers(world):
    """Each bad line is reported with its number; nothing is written."""
    a, b = _codes(world)
    text = ("officer_code;year;rating;points;disciplined\n"
            f"{a};2025;Hoàn thành tốt nhiệm vụ;;không\n"  # 2: fine (Vietnamese wording)
            f"{b};2025;;88;no\n"  # 3: points before 2026
            "NOBODY;2025;good;;no\n"  # 4: unknown officer
            f"{a};2026;excellent;75;no\n"  # 5: rating does not match the points
            f"{b};2031;good;;no\n"  # 6: outside the campaign
            f"{a};2025;good;;no\n"  # 7: twice
            f"{b};2027;;;maybe\n")  # 8: no rating, bad flag
    report = C.import_ratings(text.encode(), actor=world["hr"])
    assert not report.ok
    assert [line for line, _r in report.rejected] == [3, 4, 5, 6, 7, 8]
    assert "2026" in dict(report.rejected)[3]
    db.session.rollback()
    assert db.session.get(AnnualRating, (world["a"][0].id, 2025)).rating == "excellent"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AnnualRating).where(
        AnnualRating.year > 2025)) == 0


def test_ratings_import_rejects_a_line_with_an_unquoted_comma(world):
    """``92,5`` without quotes in a comma file: the line is rejected, asking for quotes."""
    a, b = _codes(world)
    text = (f"officer_code,year,rating,points,disciplined\n{a},2026,,92,5,no\n"
            f'{b},2026,,"92,5",no\n')
    report = C.import_ratings(text.encode("utf-16"), actor=world["hr"])
    assert [line for line, _r in report.rejected] == [2]
    assert "dấu ngoặc kép" in report.rejected[0][1]
    db.session.rollback()


def test_ratings_dry_run_and_update(world, client, auth):
    """The HR page: a dry run writes nothing; the import updates and says so; others 403."""
    a, _b = _codes(world)
    body = f"officer_code,year,rating\n{a},2025,good\n".encode()
    auth.login("a0")
    assert client.get("/emulation/ratings/import").status_code == 403
    auth.logout()
    auth.login("quantri")
    response = client.post("/emulation/ratings/import", data={
        "file": (io.BytesIO(body), "r.csv"), "dry_run": "y"}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert db.session.get(AnnualRating, (world["a"][0].id, 2025)).rating == "excellent"
    response = client.post("/emulation/ratings/import", data={
        "file": (io.BytesIO(body), "r.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(AnnualRating, (world["a"][0].id, 2025)).rating == "good"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "rating.import"))
    assert (entry.before, entry.after) == ({"rating": "excellent"}, {"rating": "good"})
    bad = b"officer_code,year,rating\nNOBODY,2025,good\n"
    response = client.post("/emulation/ratings/import", data={
        "file": (io.BytesIO(bad), "r.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422


# -- review reports --------------------------------------------------------------------------------
def test_unit_report_figures_and_exports(world):
    """The 2025 report of the branch: every officer counted, approved evidence counted, the
    XLSX opens with its sheets, the PDF is titled with the unit."""
    from openpyxl import load_workbook

    s = S.submit(world["a"][2], kind="certificate", title="IELTS 7.0", description="",
                 occurred_on=date(2025, 4, 4),
                 details={"field": "language", "name": "IELTS", "level": "7.0"},
                 files=[S.Upload("ielts.pdf", PDF)], today=date(2025, 5, 1))
    S.decide(s, world["head_a"], approve=True)
    S.submit(world["b"][2], kind="learning_model", title="Nhóm tự học", description="Nhóm.",
             occurred_on=date(2025, 4, 4), details={}, files=[S.Upload("m.pdf", PDF)],
             today=date(2025, 5, 1))
    scoring.recompute_period(world["period"])
    db.session.commit()
    report = reviews.build(reviews.scope_for("2025"), world["branch"])
    assert len(report.officers) == 15
    assert report.evidence["certificate"]["approved"] == 1
    assert report.evidence["learning_model"]["pending"] == 1
    top = report.officers[0]
    assert top.user_id == world["a"][2].id and top.rank == 1 and top.evidence == 1
    assert {u.code for u in report.units} == {"DOI-A", "DOI-B"}
    assert [p.label for p in report.trend.periods] == ["2025-Q1", "2025-Q2", "2025-Q3",
                                                       "2025-Q4"]
    book = load_workbook(io.BytesIO(reviews.report_xlsx(report)))
    assert len(book.sheetnames) == 8
    officers = book.worksheets[1]
    assert officers.cell(2, 2).value == top.name
    data = reviews.report_pdf(report)
    assert data.startswith(b"%PDF") and len(data) > 5000
    assert pdf_title(data) == f"{report.title} — {report.unit_label}"


def test_preliminary_review_covers_phase_one(world):
    """The preliminary review reports the years 2024 and 2025 and averages them."""
    scope = reviews.scope_for("so-ket")
    assert scope.review == "preliminary"
    assert [p.label for p in scope.periods] == ["2024", "2025"]
    assert [p.label for p in scope.trend_periods] == ["2024", "2025"]
    with pytest.raises(C.UserError):
        reviews.scope_for("2031")


@pytest.mark.parametrize("who,unit,status", [
    ("a0", "DOI-A", 200), ("a0", "DOI-B", 403), ("truong-cn", "DOI-B", 200),
    ("a1", "DOI-A", 403), ("quantri", "DOI-A", 200), ("quantri", "", 200),
    ("truong-cn", "", 200), ("a0", "NOPE", 404)])
def test_who_opens_review_reports(world, client, auth, who, unit, status):
    """Heads their subtree, HR everything (and the organisation); officers 403."""
    auth.login(who)
    query = f"?unit={unit}" if unit else ""
    response = client.get(f"/emulation/reviews/2025{query}")
    assert response.status_code == status


def test_review_downloads(world, client, auth):
    """The head downloads the XLSX and the PDF of the preliminary review."""
    from openpyxl import load_workbook

    auth.login("truong-cn")
    response = client.get("/emulation/reviews/preliminary/report.xlsx?unit=CN")
    assert response.status_code == 200
    assert "bao-cao-thi-dua-preliminary-CN.xlsx" in response.headers["Content-Disposition"]
    load_workbook(io.BytesIO(response.data))
    response = client.get("/emulation/reviews/preliminary/report.pdf?unit=CN")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get("/emulation/reviews/2099/report.pdf?unit=CN").status_code == 404


def test_report_cli(world, runner, tmp_path):
    """lms emulation report writes the file; a bad period is refused with status 2."""
    out = tmp_path / "r.pdf"
    result = runner.invoke(args=["emulation", "report", "--period", "2025", "--unit", "DOI-A",
                                 "--format", "pdf", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    out = tmp_path / "org.xlsx"
    result = runner.invoke(args=["emulation", "report", "--period", "preliminary",
                                 "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["emulation", "report", "--period", "2040", "--format", "pdf",
                                 "--output", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and not (tmp_path / "x.pdf").exists()
    out = tmp_path / "p.xlsx"
    result = runner.invoke(args=["emulation", "proposal", "--year", "2025", "--unit", "DOI-A",
                                 "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
