"""Evidence submissions: attachments checked by content and size, the unit head's decision
with a reason, who may decide, the audit log, and that only approved evidence scores."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from lms_core.extensions import db
from lms_core.identity import roles as R
from plugins.emulation import audit, campaign, scoring
from plugins.emulation import submissions as S
from plugins.emulation.models import AuditEntry, DirtySubject, Score, Submission, SubmissionFile

PDF = b"%PDF-1.4\n% test evidence\n" + b"0" * 100 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
DAY = date(2026, 3, 10)
TODAY = date(2026, 11, 22)


@pytest.fixture
def world(app, make_unit, make_user, tmp_path):
    """A campaign with its demo rules; a branch with two teams, their officers and heads."""
    from plugins.emulation import demo_rules

    app.config["LMS_MEDIA_DIR"] = str(tmp_path / "media")
    demo_rules.load()
    db.session.commit()
    branch = make_unit("CN", kind="branch")
    team_a = make_unit("DOI-A", parent=branch)
    team_b = make_unit("DOI-B", parent=branch)
    people = {
        "officer": make_user("canbo", unit=team_a),
        "officer_b": make_user("canbo-b", unit=team_b),
        "head_a": make_user("truong-a", unit=team_a, heads=team_a,
                            roles=(R.OFFICER, R.UNIT_HEAD)),
        "head_b": make_user("truong-b", unit=team_b, heads=team_b,
                            roles=(R.OFFICER, R.UNIT_HEAD)),
        "head_branch": make_user("truong-cn", unit=branch, heads=branch,
                                 roles=(R.OFFICER, R.UNIT_HEAD)),
        "hr": make_user("quantri", unit=branch, roles=(R.OFFICER, R.HR_ADMIN)),
    }
    return {"branch": branch, "team_a": team_a, "team_b": team_b, **people}


def _submit(user, kind="initiative", **overrides):
    values = {"title": "Sáng kiến tra cứu mã HS", "description": "Tra cứu nhanh mã HS.",
              "occurred_on": DAY, "details": {"scope": "unit"},
              "files": [S.Upload("quyet-dinh.pdf", PDF)], "today": TODAY}
    values.update(overrides)
    s = S.submit(user, kind=kind, **values)
    db.session.commit()
    return s


def _post_new(client, kind="initiative", files=None, **fields):
    data = {"title": "Sáng kiến tra cứu mã HS", "description": "Tra cứu nhanh mã HS.",
            "occurred_on": "10/03/2026", "scope": "unit"}
    data.update(fields)
    data["files"] = files if files is not None else [(io.BytesIO(PDF), "quyet-dinh.pdf")]
    return client.post(f"/emulation/submissions/new?kind={kind}", data=data,
                       content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _submission_entries() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.object_type == "submission"))


# -- submitting ----------------------------------------------------------------------------
def test_officer_submits_an_initiative_with_a_pdf(world, client, auth, app):
    """The form stores the submission pending, its file under the media folder, audited."""
    auth.login("canbo")
    response = _post_new(client)
    assert response.status_code == 302
    s = db.session.scalar(sa.select(Submission))
    assert (s.status, s.kind, s.unit_id) == ("pending", "initiative", world["team_a"].id)
    assert s.details == {"scope": "unit"}
    [f] = s.files
    assert f.content_type == "application/pdf" and f.size == len(PDF)
    assert (S.media_dir() / f.storage_key).read_bytes() == PDF
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_type == "submission"))
    assert entry.action == "submission.submit" and entry.actor_id == world["officer"].id
    assert entry.before is None and entry.after["status"] == "pending"
    page = client.get("/emulation/submissions").get_data(as_text=True)
    assert "Sáng kiến tra cứu mã HS" in page


@pytest.mark.parametrize("name,data,accepted", [
    ("scan.png", PNG, True),
    ("anh.jpg", JPEG, True),
    ("renamed.pdf", PNG, True),  # a PNG named .pdf: accepted as what it is
    ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64, False),  # an executable named .pdf
    ("document.docx", b"PK\x03\x04" + b"\x00" * 64, False),
    ("notes.txt", b"%PDF is mentioned here but not first", False),
])
def test_attachment_types_are_checked_by_content(world, client, auth, name, data, accepted):
    """PDF, JPEG and PNG only, whatever the file is called."""
    auth.login("canbo")
    client.post("/lang/en", data={"next": "/"})
    response = _post_new(client, files=[(io.BytesIO(data), name)])
    if accepted:
        assert response.status_code == 302
        f = db.session.scalar(sa.select(SubmissionFile))
        assert f.content_type == S.detect_type(data)
        assert f.filename.lower().endswith(S.FILE_TYPES[f.content_type][1]) or \
            f.filename.lower().endswith(".jpeg")
    else:
        assert response.status_code == 400
        assert f"{name} is not a PDF, JPEG or PNG file" in response.get_data(as_text=True)
        assert _count(Submission) == 0 and _count(SubmissionFile) == 0


def test_attachment_size_limit_is_configurable(world, client, auth, app):
    """A file over the limit is refused with the limit in the message; nothing stored."""
    app.config["EMULATION_EVIDENCE_MAX_MB"] = 0.001  # about 1 KB
    auth.login("canbo")
    big = PDF + b"1" * 2000
    response = _post_new(client, files=[(io.BytesIO(big), "lon.pdf")])
    assert response.status_code == 400
    assert "lon.pdf" in response.get_data(as_text=True)
    assert _count(Submission) == 0
    assert not (S.media_dir() / "emulation").exists()
    app.config["EMULATION_EVIDENCE_MAX_MB"] = 10
    assert _post_new(client, files=[(io.BytesIO(big), "lon.pdf")]).status_code == 302


def test_default_limit_is_ten_megabytes(world):
    """Without a setting, 10 MB."""
    assert S.max_bytes() == 10 * 1024 * 1024


@pytest.mark.parametrize("fields,field_text", [
    ({"title": ""}, "title"),
    ({"occurred_on": "31/02/2026"}, "dd/mm/yyyy"),
    ({"occurred_on": "01/12/2023"}, "outside the campaign"),
    ({"occurred_on": "01/01/2027"}, "future"),
    ({"scope": ""}, "level"),
    ({"description": ""}, "Describe"),
])
def test_bad_submissions_change_nothing(world, client, auth, fields, field_text):
    """A missing title, a bad or out-of-campaign date, no scope: 400, nothing stored."""
    auth.login("canbo")
    client.post("/lang/en", data={"next": "/"})
    response = _post_new(client, **fields)
    assert response.status_code == 400
    assert field_text in response.get_data(as_text=True)
    assert _count(Submission) == 0 and _submission_entries() == 0


def test_no_file_is_refused(world):
    """Evidence needs at least one attachment."""
    with pytest.raises(S.UserError):
        _submit(world["officer"], files=[])
    assert _count(Submission) == 0


def test_evidence_of_a_closed_year_is_refused(world):
    """A frozen year's evidence changes its score only through a correction."""
    period = campaign.period_by_label("2025")
    period.frozen_at = datetime(2026, 1, 15, 1, 15)
    db.session.commit()
    with pytest.raises(S.UserError, match="2025"):
        _submit(world["officer"], occurred_on=date(2025, 6, 1))
    assert _count(Submission) == 0


def test_certificate_needs_field_name_and_level(world):
    """A certificate states its field, its name and the level reached."""
    with pytest.raises(S.UserError):
        _submit(world["officer"], kind="certificate", details={"field": "language"})
    s = _submit(world["officer"], kind="certificate", description="",
                details={"field": "language", "name": "IELTS", "level": "6.5",
                         "issuer": "British Council", "scope": "ignored"})
    assert s.details == {"field": "language", "name": "IELTS", "level": "6.5",
                         "issuer": "British Council"}


# -- deciding --------------------------------------------------------------------------------
def test_head_of_the_unit_approves(world, client, auth):
    """The head of the officer's team approves; audited before/after; the score is marked."""
    s = _submit(world["officer"])
    db.session.execute(sa.delete(DirtySubject))
    db.session.commit()
    auth.login("truong-a")
    review = client.get("/emulation/submissions/review").get_data(as_text=True)
    assert s.title in review
    response = client.post(f"/emulation/submissions/{s.id}/decide",
                           data={"decision": "approve", "reason": ""})
    assert response.status_code == 302
    db.session.refresh(s)
    assert (s.status, s.decided_by_id) == ("approved", world["head_a"].id)
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "submission.approve"))
    assert entry.actor_id == world["head_a"].id
    assert entry.before["status"] == "pending" and entry.after["status"] == "approved"
    period_ids = {p.id for p in campaign.periods_containing(DAY)}
    marked = set(db.session.scalars(sa.select(DirtySubject.period_id).where(
        DirtySubject.user_id == world["officer"].id)))
    assert marked == period_ids


def test_head_of_a_unit_above_may_decide(world):
    """The branch head decides on a team's evidence (subtree)."""
    s = _submit(world["officer"])
    assert S.can_decide(world["head_branch"], s)
    S.decide(s, world["head_branch"], approve=False, reason="Thiếu quyết định công nhận.")
    db.session.commit()
    assert s.status == "rejected" and s.reason == "Thiếu quyết định công nhận."


@pytest.mark.parametrize("who", ["head_b", "hr", "officer_b", "officer"])
def test_others_may_not_decide(world, client, auth, who):
    """Another team's head, HR, another officer, the officer: 403, nothing changed."""
    s = _submit(world["officer"])
    before = _count(AuditEntry)
    auth.login(world[who].username)
    response = client.post(f"/emulation/submissions/{s.id}/decide",
                           data={"decision": "approve", "reason": "ok"})
    assert response.status_code == 403
    db.session.refresh(s)
    assert s.status == "pending" and s.decided_by_id is None
    assert _count(AuditEntry) == before


def test_a_head_does_not_decide_on_their_own_evidence(world):
    """A head's own evidence goes to the head above."""
    s = _submit(world["head_a"])
    assert not S.can_decide(world["head_a"], s)
    assert S.can_decide(world["head_branch"], s)
    with pytest.raises(S.UserError):
        S.decide(s, world["head_a"], approve=True)


def test_rejection_needs_a_reason(world, client, auth):
    """No reason: 400 with the message, still pending, no audit entry."""
    s = _submit(world["officer"])
    auth.login("truong-a")
    client.post("/lang/en", data={"next": "/"})
    response = client.post(f"/emulation/submissions/{s.id}/decide",
                           data={"decision": "reject", "reason": "   "})
    assert response.status_code == 400
    assert "reason for the rejection" in response.get_data(as_text=True)
    db.session.refresh(s)
    assert s.status == "pending"
    assert db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "submission.reject")) is None
    response = client.post(f"/emulation/submissions/{s.id}/decide",
                           data={"decision": "reject", "reason": "Không đúng lĩnh vực."})
    assert response.status_code == 302
    db.session.refresh(s)
    assert (s.status, s.reason) == ("rejected", "Không đúng lĩnh vực.")
    mine = client.get("/emulation/submissions")
    assert mine.status_code == 200


def test_a_decision_is_final(world):
    """Decided evidence cannot be decided again, edited or withdrawn."""
    s = _submit(world["officer"])
    S.decide(s, world["head_a"], approve=True)
    db.session.commit()
    with pytest.raises(S.UserError):
        S.decide(s, world["head_a"], approve=False, reason="x")
    with pytest.raises(S.UserError):
        S.withdraw(s, world["officer"])
    with pytest.raises(S.UserError):
        S.update(s, world["officer"], title="Khác", description="x", occurred_on=DAY,
                 details={"scope": "unit"}, today=TODAY)


# -- editing and withdrawing ------------------------------------------------------------------
def test_officer_edits_before_the_decision(world, client, auth):
    """Fields and files change; the audit entry holds only what changed, before and after."""
    s = _submit(world["officer"])
    old_file = s.files[0].id
    auth.login("canbo")
    response = client.post(f"/emulation/submissions/{s.id}/edit", data={
        "title": "Sáng kiến tra cứu mã HS (bản 2)", "description": "Tra cứu nhanh mã HS.",
        "occurred_on": "12/03/2026", "scope": "sector", "remove": str(old_file),
        "files": [(io.BytesIO(PNG), "anh.png")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(s)
    assert s.title.endswith("(bản 2)") and s.details == {"scope": "sector"}
    assert s.occurred_on == date(2026, 3, 12)
    assert [f.filename for f in s.files] == ["anh.png"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "submission.edit"))
    assert entry.before["title"] == "Sáng kiến tra cứu mã HS"
    assert entry.after["title"] == "Sáng kiến tra cứu mã HS (bản 2)"
    assert entry.before["details"] == {"scope": "unit"}
    assert entry.after["files"][0]["name"] == "anh.png"
    assert "description" not in entry.after


def test_only_the_officer_edits(world, client, auth):
    """The head may read the submission but not edit it."""
    s = _submit(world["officer"])
    auth.login("truong-a")
    assert client.get(f"/emulation/submissions/{s.id}").status_code == 200
    assert client.get(f"/emulation/submissions/{s.id}/edit").status_code == 403
    assert client.post(f"/emulation/submissions/{s.id}/withdraw").status_code == 403


def test_withdrawn_evidence_is_kept_and_audited(world, client, auth):
    """Withdrawing keeps the row (status withdrawn) and it no longer waits for the head."""
    s = _submit(world["officer"])
    auth.login("canbo")
    assert client.post(f"/emulation/submissions/{s.id}/withdraw").status_code == 302
    db.session.refresh(s)
    assert s.status == "withdrawn"
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "submission.withdraw"))
    assert (entry.before, entry.after) == ({"status": "pending"}, {"status": "withdrawn"})
    assert S.pending_for(world["head_a"]) == []
    assert not S.can_decide(world["head_a"], s)


# -- seeing and downloading ------------------------------------------------------------------------
@pytest.mark.parametrize("who,status", [
    ("officer", 200), ("head_a", 200), ("head_branch", 200), ("hr", 200),
    ("head_b", 403), ("officer_b", 403)])
def test_who_sees_and_downloads_the_evidence(world, client, auth, who, status):
    """The officer, the heads of their subtree and HR; not another team."""
    s = _submit(world["officer"])
    auth.login(world[who].username)
    assert client.get(f"/emulation/submissions/{s.id}").status_code == status
    response = client.get(f"/emulation/submissions/{s.id}/files/{s.files[0].id}")
    body = response.get_data()
    response.close()
    assert response.status_code == status
    if status == 200:
        assert body == PDF
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment")


def test_review_list_is_the_subtree(world):
    """Each head sees the pending evidence of their own subtree only."""
    a = _submit(world["officer"])
    b = _submit(world["officer_b"], title="Mô hình học tập nhóm")
    assert S.pending_for(world["head_a"]) == [a]
    assert S.pending_for(world["head_b"]) == [b]
    assert S.pending_for(world["head_branch"]) == [a, b]
    assert S.pending_count(world["head_branch"]) == 2
    assert S.pending_count(world["officer"]) == 0


# -- scoring ---------------------------------------------------------------------------------------
def _total(user) -> float:
    period = campaign.period_by_label("2026")
    score = scoring.score_of("user", user.id, period)
    return score.total if score is not None else 0.0


def test_only_approved_evidence_scores(world):
    """Pending, rejected and withdrawn evidence gives nothing; approval adds the points."""
    period = campaign.period_by_label("2026")
    scoring.recompute_period(period)
    db.session.commit()
    base = _total(world["officer"])
    pending = _submit(world["officer"])
    rejected = _submit(world["officer"], title="Bị từ chối")
    withdrawn = _submit(world["officer"], title="Rút lại")
    S.decide(rejected, world["head_a"], approve=False, reason="Trùng lặp.")
    S.withdraw(withdrawn, world["officer"])
    db.session.commit()
    scoring.incremental_pass(today=TODAY)
    db.session.commit()
    assert _total(world["officer"]) == base
    S.decide(pending, world["head_a"], approve=True)
    db.session.commit()
    scoring.incremental_pass(today=TODAY)
    db.session.commit()
    assert _total(world["officer"]) > base
    rows = {c.code: line for c, line in scoring.officer_breakdown(world["officer"], period)}
    assert rows["ND5.CN1"].value == 1.0
    assert rows["ND5.CN1"].evidence["submissions"] == [pending.id]
    # Rebuilding from scratch gives the same as the incremental pass.
    after = _total(world["officer"])
    scoring.recompute_period(period)
    db.session.commit()
    assert _total(world["officer"]) == after
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Score)) > 0


# -- the audit page --------------------------------------------------------------------------------
def test_audit_page_is_for_hr_and_filters(world, client, auth):
    """HR filters by action and by who; others get 403."""
    s = _submit(world["officer"])
    S.decide(s, world["head_a"], approve=False, reason="Thiếu minh chứng.")
    audit.record(world["hr"], "rules.import", "rule_set", 99, None, {"version": 9})
    db.session.commit()
    auth.login("truong-a")
    assert client.get("/emulation/audit").status_code == 403
    auth.logout()
    auth.login("quantri")
    page = client.get("/emulation/audit?action=submission.").get_data(as_text=True)
    assert "submission.submit" in page and "submission.reject" in page
    assert "rules.import" not in page
    page = client.get("/emulation/audit?actor=truong-a").get_data(as_text=True)
    assert "submission.reject" in page and "submission.submit" not in page
    assert "Thiếu minh chứng." in page
    page = client.get("/emulation/audit?start=01/01/2099").get_data(as_text=True)
    assert "submission.submit" not in page
