"""Competency assessments: question banks, exam blueprints, sittings (timed, resumable,
graded once), evidence and xAPI statements, item analysis, and the pages around them."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from plugins.competency import assessments as A
from plugins.competency import item_analysis
from plugins.competency.models import (
    BankItem,
    Competency,
    Evidence,
    Exam,
    Framework,
    OfficerLevel,
    Sitting,
)

CODES = ("THUE.01", "XLVP.01", "GSQL.01")


def publish_framework(codes=CODES, levels=3) -> Framework:
    """A published framework with one field and the competencies ``codes``."""
    framework = Framework(code="KNL-TEST", version=1, name_vi="Khung năng lực thử",
                          scale_levels=levels, status="published", published_at=utcnow())
    db.session.add(framework)
    field = Competency(framework=framework, code="NGHIEP-VU", kind="field", name_vi="Nghiệp vụ")
    db.session.add(field)
    for n, code in enumerate(codes):
        db.session.add(Competency(framework=framework, parent=field, code=code,
                                  kind="competency", name_vi=f"Năng lực {code}",
                                  name_en=f"Competency {code}", sort_order=n))
    db.session.commit()
    return framework


def options(right="a", n=4, kind="single"):
    rights = set(right)
    return [{"text_vi": f"Phương án {x}", "text_en": f"Option {x}", "correct": x in rights}
            for x in "abcdef"[:n]]


def add_items(code, level, n, start=1):
    items = []
    for i in range(start, start + n):
        items.append(A.save_item(None, code=f"{code}-{level}-{i:03d}", competency_code=code,
                                 level=level, kind="single",
                                 stem_vi=f"Câu hỏi {code} mức {level} số {i}",
                                 options=options("a")))
    db.session.commit()
    return items


def make_exam(parts=(("THUE.01", 1, 4), ("THUE.01", 2, 4)), *, open_=True, minutes=45,
              code="DGNL-TEST", stock=6):
    for comp, level, _count in parts:
        if not A.bank_items(comp, level):
            add_items(comp, level, stock)
    exam = A.save_exam(None, code=code, title_vi="Thi đánh giá năng lực thử",
                       title_en="Test assessment", time_limit_minutes=minutes)
    for comp, level, count in parts:
        A.set_part(exam, comp, level, count)
    if open_:
        A.open_exam(exam)
    db.session.commit()
    return exam


def answer_all(sitting, right: dict[int, int] | None = None):
    """Answers for the sitting: per level, the first ``right[level]`` items right (all right
    when not given), the rest wrong."""
    done: dict[int, int] = {}
    answers = {}
    for item in A.sitting_items(sitting):
        want = (right or {}).get(item.level, 10**6)
        ok = done.get(item.level, 0) < want
        done[item.level] = done.get(item.level, 0) + int(ok)
        answers[str(item.id)] = ["a"] if ok else ["b"]
    return answers


@pytest.fixture
def framework(app):
    return publish_framework()


@pytest.fixture
def officer(make_user, make_unit):
    unit = make_unit("DOI-1")
    return make_user("canbo1", unit=unit)


@pytest.fixture
def staff(make_user):
    return make_user("giangvien1", roles=(R.OFFICER, R.AUTHOR))


# -- banks ------------------------------------------------------------------------------------

def test_save_item_checks_code_level_and_right_options(framework):
    """Unknown code, level outside the scale, no right option, two right options on a
    single-answer item, one option: refused, nothing saved."""
    cases = [
        (dict(competency_code="NOPE.01", level=1, kind="single", options=options()),
         "NOPE.01 không có trong khung năng lực"),
        (dict(competency_code="THUE.01", level=4, kind="single", options=options()),
         "nằm ngoài thang đo"),
        (dict(competency_code="THUE.01", level=1, kind="single", options=options("")),
         "Không có phương án nào được đánh dấu đúng"),
        (dict(competency_code="THUE.01", level=1, kind="single", options=options("ab")),
         "chỉ có đúng một phương án đúng"),
        (dict(competency_code="THUE.01", level=1, kind="multiple", options=options("a", 1)),
         "ít nhất 2 phương án"),
    ]
    for values, message in cases:
        with pytest.raises(UserError, match=message):
            A.save_item(None, stem_vi="Câu hỏi", **values)
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(BankItem.id))) == 0


def test_item_codes_are_made_per_bank(framework):
    """An item without a code gets <competency>-<level>-<nnn>."""
    first = A.save_item(None, competency_code="thue.01", level=2, kind="multiple",
                        stem_vi="Câu 1", options=options("ab"))
    second = A.save_item(None, competency_code="THUE.01", level=2, kind="single",
                         stem_vi="Câu 2", options=options("c"))
    assert (first.code, second.code) == ("THUE.01-2-001", "THUE.01-2-002")
    assert [o["id"] for o in second.options] == ["a", "b", "c", "d"]


def test_staff_create_edit_and_deactivate_items_through_the_pages(client, auth, framework,
                                                                  staff):
    """The bank list counts items; an item is created, edited and deactivated."""
    auth.login("giangvien1")
    form = {"code": "", "competency_code": "XLVP.01", "level": "1", "kind": "single",
            "stem_vi": "Thời hiệu xử phạt vi phạm hành chính về hải quan là bao lâu?",
            "stem_en": "", "options-0-text_vi": "01 năm", "options-0-correct": "y",
            "options-1-text_vi": "05 năm", "options-2-text_vi": "", "options-3-text_vi": ""}
    response = client.post("/competency/banks/items/new", data=form)
    assert response.status_code == 302
    item = A.item_by_code("XLVP.01-1-001")
    assert item.stem_vi.startswith("Thời hiệu") and len(item.options) == 2

    page = client.get("/competency/banks").get_data(as_text=True)
    assert "XLVP.01" in page and "Năng lực XLVP.01" in page

    form["stem_vi"] = "Thời hiệu xử phạt (đã sửa)?"
    assert client.post(f"/competency/banks/items/{item.id}", data=form).status_code == 302
    db.session.expire_all()
    assert A.item_by_code("XLVP.01-1-001").stem_vi == "Thời hiệu xử phạt (đã sửa)?"

    bad = dict(form, **{"options-0-correct": ""})
    response = client.post(f"/competency/banks/items/{item.id}", data=bad)
    assert response.status_code == 422
    assert "Không có phương án nào được đánh dấu đúng" in response.get_data(as_text=True)

    assert client.post(f"/competency/banks/items/{item.id}/active").status_code == 302
    db.session.expire_all()
    assert A.item_by_code("XLVP.01-1-001").active is False


def test_officers_cannot_open_the_banks(client, auth, framework, officer):
    """The banks are for training staff and HR: an officer gets 403."""
    auth.login("canbo1")
    assert client.get("/competency/banks").status_code == 403
    assert client.get("/competency/banks/export.csv").status_code == 403


BANK_HEADER = ("code,competency_code,level,kind,stem_vi,stem_en,correct,option_a_vi,"
               "option_a_en,option_b_vi,option_b_en,option_c_vi,option_c_en\n")


def test_bank_csv_import_reports_each_bad_line_and_saves_nothing(framework):
    """Unknown code, level outside the scale, no right option, a letter without text, a
    duplicate code: each line numbered, nothing written."""
    data = BANK_HEADER + "\n".join([
        'X-1,THUE.01,1,single,"Câu, có dấu phẩy",Q,a,Đúng,Right,Sai,Wrong,,',
        "X-2,NOPE.09,1,single,Câu,Q,a,Đúng,,Sai,,,",
        "X-3,THUE.01,5,single,Câu,Q,a,Đúng,,Sai,,,",
        "X-4,THUE.01,1,single,Câu,Q,,Đúng,,Sai,,,",
        "X-5,THUE.01,1,multiple,Câu,Q,\"a,c\",Đúng,,Sai,,,",
        "X-1,THUE.01,1,single,Câu,Q,a,Đúng,,Sai,,,",
    ]) + "\n"
    report = A.import_items_csv(data.encode(), dry_run=False)
    lines = dict(report.rejected)
    assert sorted(lines) == [3, 4, 5, 6, 7]
    assert "NOPE.09" in lines[3]
    assert "nằm ngoài thang đo" in lines[4]
    assert "Không có phương án nào" in lines[5]
    assert "Phương án c được đánh dấu đúng nhưng chưa có nội dung" in lines[6]
    assert "dòng 2" in lines[7]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(BankItem.id))) == 0


def test_bank_csv_round_trip_is_idempotent(framework):
    """Export then import: nothing changes; an edited stem updates one item."""
    add_items("THUE.01", 1, 3)
    A.save_item(None, code="THUE.01-2-001", competency_code="THUE.01", level=2,
                kind="multiple", stem_vi="Nhiều đáp án", stem_en="Several",
                options=options("ac", 5))
    db.session.commit()
    data = A.export_items_csv(A.all_items())
    report = A.import_items_csv(data, dry_run=False)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 4)

    text = data.decode("utf-8-sig").replace("Nhiều đáp án", "Nhiều đáp án đúng")
    report = A.import_items_csv(text.encode(), dry_run=True)
    assert (report.updated, report.unchanged) == (1, 3)
    db.session.rollback()
    assert A.item_by_code("THUE.01-2-001").stem_vi == "Nhiều đáp án"  # dry run
    A.import_items_csv(text.encode(), dry_run=False)
    db.session.commit()
    item = A.item_by_code("THUE.01-2-001")
    assert item.stem_vi == "Nhiều đáp án đúng"
    assert [o["id"] for o in item.options if o["correct"]] == ["a", "c"]


def test_bank_import_page_previews_then_imports(client, auth, framework, staff):
    """The dry run shows what would be created; the real import creates it."""
    auth.login("giangvien1")
    data = BANK_HEADER + "N-1,GSQL.01,1,single,Câu hỏi,Question,b,Sai,,Đúng,,,\n"

    def send(dry):
        form = {"file": (io.BytesIO(data.encode()), "bank.csv")}
        if dry:
            form["dry_run"] = "y"
        return client.post("/competency/banks/import", data=form,
                           content_type="multipart/form-data")

    response = send(True)
    assert response.status_code == 200
    assert "Chạy thử" in response.get_data(as_text=True)
    assert A.item_by_code("N-1") is None
    assert send(False).status_code == 200
    assert A.item_by_code("N-1").options[1]["correct"] is True


# -- exams ------------------------------------------------------------------------------------

def test_an_exam_opens_only_when_the_banks_hold_enough_items(framework):
    """Too few active items, or levels that skip one: the exam stays closed with the
    reasons; with enough items it opens."""
    add_items("THUE.01", 1, 3)
    exam = A.save_exam(None, code="dgnl-1", title_vi="Thi thử")
    A.set_part(exam, "THUE.01", 1, 4)
    A.set_part(exam, "THUE.01", 3, 2)
    problems = " ".join(str(p) for p in A.exam_problems(exam))
    assert "cần rút 4 câu hỏi nhưng ngân hàng chỉ có 3" in problems
    assert "THUE.01 mức 3" in problems and "phải bắt đầu từ mức 1" in problems
    with pytest.raises(UserError):
        A.open_exam(exam)
    A.set_part(exam, "THUE.01", 3, 0)
    add_items("THUE.01", 1, 1, start=10)
    A.open_exam(exam)
    assert exam.open and exam.code == "DGNL-1"


def test_exam_settings_are_checked(framework):
    """Pass ratio within (0, 1], time limit within 1-600 minutes, unique code."""
    A.save_exam(None, code="E1", title_vi="Một")
    with pytest.raises(UserError, match="đã được sử dụng"):
        A.save_exam(None, code="E1", title_vi="Hai")
    with pytest.raises(UserError, match="Tỷ lệ đạt"):
        A.save_exam(None, code="E2", title_vi="Hai", pass_ratio=1.5)
    with pytest.raises(UserError, match="Thời gian làm bài"):
        A.save_exam(None, code="E2", title_vi="Hai", time_limit_minutes=0)


def test_deactivating_an_item_an_open_exam_needs_is_refused(framework):
    """An open exam drawing 4 of 4 items keeps them active."""
    exam = make_exam(parts=(("THUE.01", 1, 4),), stock=4)
    item = A.bank_items("THUE.01", 1)[0]
    with pytest.raises(UserError, match="DGNL-TEST"):
        A.set_item_active(item, False)
    A.close_exam(exam)
    A.set_item_active(item, False)
    assert item.active is False


def test_staff_build_and_open_an_exam_through_the_pages(client, auth, framework, staff):
    """New exam, a part, open: the blueprint page says so."""
    add_items("XLVP.01", 1, 5)
    auth.login("giangvien1")
    response = client.post("/competency/exams/new", data={
        "code": "DGNL-XLVP", "title_vi": "Thi xử lý vi phạm", "title_en": "",
        "time_limit_minutes": "30", "pass_ratio": "0.7"})
    assert response.status_code == 302
    exam = A.exam_by_code("DGNL-XLVP")
    response = client.post(f"/competency/exams/{exam.id}/parts", data={
        "competency_code": "XLVP.01", "level": "1", "item_count": "6"})
    assert response.status_code == 302
    page = client.get(f"/competency/exams/{exam.id}/blueprint").get_data(as_text=True)
    assert "Chưa thể mở bài thi" in page
    client.post(f"/competency/exams/{exam.id}/open")
    db.session.expire_all()
    assert not db.session.get(Exam, exam.id).open
    client.post(f"/competency/exams/{exam.id}/parts", data={
        "competency_code": "XLVP.01", "level": "1", "item_count": "5"})
    client.post(f"/competency/exams/{exam.id}/open")
    db.session.expire_all()
    assert db.session.get(Exam, exam.id).open


# -- sittings ---------------------------------------------------------------------------------

def test_each_sitting_draws_its_own_items_reproducibly(framework, make_user):
    """Two officers get their own draws; the draw depends only on the registration."""
    exam = make_exam(parts=(("THUE.01", 1, 4), ("THUE.01", 2, 4)), stock=10)
    one, _ = A.start_sitting(exam, make_user("a1"))
    two, _ = A.start_sitting(exam, make_user("a2"))
    assert len(one.item_ids) == 8 and len(set(one.item_ids)) == 8
    levels = sorted(db.session.get(BankItem, i).level for i in one.item_ids)
    assert levels == [1] * 4 + [2] * 4
    assert one.item_ids != two.item_ids
    assert A.draw_items(exam, one.registration) == one.item_ids
    assert one.registration != two.registration


def test_a_second_start_resumes_the_same_sitting(client, auth, framework, officer):
    """Starting again keeps the items, the saved answers and the deadline."""
    exam = make_exam()
    auth.login("canbo1")
    response = client.post(f"/competency/exams/{exam.id}/start")
    sitting = db.session.scalar(sa.select(Sitting))
    assert response.headers["Location"].endswith(f"/competency/sittings/{sitting.id}")
    first_item = sitting.item_ids[0]
    client.post(f"/competency/sittings/{sitting.id}/save",
                data={"answers_form": "1", f"q{first_item}": "a"})
    # The connection drops; the officer opens the exam again and starts.
    response = client.post(f"/competency/exams/{exam.id}/start")
    assert response.headers["Location"].endswith(f"/competency/sittings/{sitting.id}")
    assert db.session.scalar(sa.select(sa.func.count(Sitting.id))) == 1
    page = client.get(f"/competency/sittings/{sitting.id}").get_data(as_text=True)
    assert re.search(rf'name="q{first_item}" value="a" checked', page)
    assert "Thời gian còn lại" in page and "data-remaining=" in page
    assert "1 trong 8 câu" in page


def test_answers_are_saved_as_the_officer_goes(client, auth, framework, officer):
    """The page's script posts the form and gets JSON back; answers accumulate."""
    exam = make_exam()
    sitting, _ = A.start_sitting(exam, officer)
    db.session.commit()
    auth.login("canbo1")
    first, second = sitting.item_ids[:2]
    response = client.post(f"/competency/sittings/{sitting.id}/save",
                           data={"answers_form": "1", f"q{first}": "b", f"q{second}": "a"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json["saved"] is True and response.json["answered"] == 2
    assert 0 < response.json["remaining"] <= 45 * 60
    db.session.expire_all()
    assert db.session.get(Sitting, sitting.id).answers == {str(first): ["b"],
                                                           str(second): ["a"]}
    # An option the item does not have: refused, nothing changed.
    response = client.post(f"/competency/sittings/{sitting.id}/save",
                           data={"answers_form": "1", f"q{first}": "z"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Sitting, sitting.id).answers[str(first)] == ["b"]


def test_another_officer_cannot_see_or_answer_a_sitting(client, auth, framework, officer,
                                                        make_user):
    """Someone else's sitting is not found."""
    exam = make_exam()
    sitting, _ = A.start_sitting(exam, officer)
    db.session.commit()
    make_user("other")
    auth.login("other")
    assert client.get(f"/competency/sittings/{sitting.id}").status_code == 404
    assert client.post(f"/competency/sittings/{sitting.id}/submit").status_code == 404
    assert client.get(f"/competency/sittings/{sitting.id}/result").status_code == 403


def test_submitting_grades_records_evidence_a_statement_and_the_signal(client, auth, framework,
                                                                       officer):
    """Submit: levels placed by the rule, one evidence per competency with the statement's
    id, a passed statement with the levels, assessment_scored sent; the result page shows
    them."""
    from lms_core.xapi.models import Statement
    from lms_core.xapi.vocabulary import EXT_COMPETENCY_LEVELS
    from plugins.competency.signals import assessment_scored

    exam = make_exam(parts=(("THUE.01", 1, 4), ("THUE.01", 2, 4), ("XLVP.01", 1, 4)))
    sitting, _ = A.start_sitting(exam, officer)
    db.session.commit()
    got = []

    def receiver(sender, **kwargs):
        got.append((sender.id, kwargs["levels"]))

    assessment_scored.connect(receiver)
    try:
        auth.login("canbo1")
        # THUE.01: 4/4 at level 1, 2/4 at level 2 -> 6/8 -> level 2; XLVP.01 all right -> 1.
        answers = answer_all(sitting, {1: 10**6, 2: 2})
        form = {"answers_form": "1"}
        form.update({f"q{k}": v[0] for k, v in answers.items()})
        response = client.post(f"/competency/sittings/{sitting.id}/submit", data=form)
    finally:
        assessment_scored.disconnect(receiver)
    assert response.headers["Location"].endswith(f"/competency/sittings/{sitting.id}/result")
    db.session.expire_all()
    sitting = db.session.get(Sitting, sitting.id)
    assert sitting.status == "submitted"
    levels = {c: d["level"] for c, d in sitting.result["competencies"].items()}
    assert levels["THUE.01"] == 2
    assert got == [(sitting.id, levels)]
    evidence = db.session.scalars(sa.select(Evidence).order_by(Evidence.competency_code)).all()
    assert [(e.competency_code, e.level, e.source, e.source_ref) for e in evidence] == [
        (c, levels[c], "assessment", f"sitting:{sitting.id}") for c in sorted(levels)]
    statement = db.session.scalar(sa.select(Statement).where(
        Statement.statement_id == evidence[0].statement_id))
    assert statement.verb_id.endswith("/passed") == (min(levels.values()) >= 1)
    assert statement.registration == sitting.registration
    assert statement.payload["object"]["definition"]["type"].endswith("/assessment")
    assert statement.payload["result"]["extensions"][EXT_COMPETENCY_LEVELS] == levels
    assert statement.score_scaled == pytest.approx(sitting.result["scaled"])
    assert db.session.get(OfficerLevel, (officer.id, "THUE.01")).level == 2

    page = client.get(f"/competency/sittings/{sitting.id}/result").get_data(as_text=True)
    assert "Năng lực THUE.01" in page and 'data-competency="THUE.01"' in page
    assert "mức 1: 4/4" in page and "mức 2: 2/4" in page


def test_a_second_submission_is_refused_and_counts_once(client, auth, framework, officer):
    """Submitting again: a clear message, the same result, no second evidence or
    statement."""
    from lms_core.xapi.models import Statement

    exam = make_exam()
    sitting, _ = A.start_sitting(exam, officer)
    A.submit_sitting(sitting, answer_all(sitting))
    db.session.commit()
    result = dict(sitting.result)
    with pytest.raises(A.AlreadySubmitted):
        A.submit_sitting(sitting, {})
    db.session.rollback()
    auth.login("canbo1")
    response = client.post(f"/competency/sittings/{sitting.id}/submit",
                           data={"answers_form": "1"}, follow_redirects=True)
    assert "đã được nộp" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Sitting, sitting.id).result == result
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Statement.id)).where(
        Statement.registration == sitting.registration)) == 1


def test_a_submission_after_the_deadline_grades_only_what_was_saved(client, auth, framework,
                                                                    officer):
    """Answers posted with a late submission are ignored; the saved ones are graded and the
    sitting is marked expired, with a clear message."""
    exam = make_exam(parts=(("THUE.01", 1, 4),))
    sitting, _ = A.start_sitting(exam, officer)
    answers = answer_all(sitting)
    saved = dict(list(answers.items())[:2])
    A.save_answers(sitting, saved)
    sitting.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    auth.login("canbo1")
    form = {"answers_form": "1", **{f"q{k}": v[0] for k, v in answers.items()}}
    response = client.post(f"/competency/sittings/{sitting.id}/submit", data=form,
                           follow_redirects=True)
    assert "Đã hết giờ lúc" in response.get_data(as_text=True)
    db.session.expire_all()
    sitting = db.session.get(Sitting, sitting.id)
    assert sitting.status == "expired" and sitting.answers == saved
    assert sitting.result["right"] == 2 and sitting.result["expired"] is True
    assert sitting.result["competencies"]["THUE.01"]["level"] == 0
    assert db.session.scalar(sa.select(Evidence.level)) == 0


def test_saving_after_the_deadline_is_refused(framework, officer):
    """Once the time is up the answers no longer change."""
    exam = make_exam(parts=(("THUE.01", 1, 4),))
    sitting, _ = A.start_sitting(exam, officer)
    sitting.deadline_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(UserError, match="Đã hết giờ"):
        A.save_answers(sitting, {sitting.item_ids[0]: ["a"]})
    assert sitting.answers == {}


def test_the_job_grades_sittings_whose_time_ran_out(framework, make_user):
    """grade_expired_sittings grades the overdue ones, leaves the others, and is idempotent."""
    exam = make_exam(parts=(("THUE.01", 1, 4),))
    late, _ = A.start_sitting(exam, make_user("late"))
    A.save_answers(late, answer_all(late))
    running, _ = A.start_sitting(exam, make_user("running"))
    late.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert A.grade_expired_sittings() == 1
    db.session.commit()
    assert late.status == "expired" and late.result["competencies"]["THUE.01"]["level"] == 1
    assert running.status == "in_progress"
    assert A.grade_expired_sittings() == 0
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 1


def test_a_closed_exam_cannot_be_started(client, auth, framework, officer):
    """Starting a closed exam: a message, no sitting."""
    exam = make_exam(open_=False)
    auth.login("canbo1")
    assert client.get(f"/competency/exams/{exam.id}").status_code == 404
    response = client.post(f"/competency/exams/{exam.id}/start", follow_redirects=True)
    assert "Bài thi này chưa mở" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Sitting.id))) == 0


def test_the_exams_page_lists_open_exams_and_my_sittings(client, auth, framework, officer):
    """Open exams to start, then the graded sitting with its levels."""
    exam = make_exam()
    auth.login("canbo1")
    page = client.get("/competency/exams").get_data(as_text=True)
    assert "Thi đánh giá năng lực thử" in page
    sitting, _ = A.start_sitting(exam, officer)
    A.submit_sitting(sitting, answer_all(sitting))
    db.session.commit()
    page = client.get("/competency/exams").get_data(as_text=True)
    assert "THUE.01: 2" in page


def test_unit_heads_see_their_officers_results_only(client, auth, framework, make_unit,
                                                    make_user):
    """The head of the officer's unit sees the result; the head of another unit does not."""
    unit_a, unit_b = make_unit("A"), make_unit("B")
    officer = make_user("o-a", unit=unit_a)
    make_user("head-a", unit=unit_a, roles=(R.OFFICER, R.UNIT_HEAD), heads=unit_a)
    make_user("head-b", unit=unit_b, roles=(R.OFFICER, R.UNIT_HEAD), heads=unit_b)
    exam = make_exam()
    sitting, _ = A.start_sitting(exam, officer)
    A.submit_sitting(sitting, answer_all(sitting))
    db.session.commit()
    auth.login("head-a")
    assert client.get(f"/competency/sittings/{sitting.id}/result").status_code == 200
    assert "o-a" in client.get(f"/competency/exams/{exam.id}/results").get_data(as_text=True)
    auth.logout()
    auth.login("head-b")
    assert client.get(f"/competency/sittings/{sitting.id}/result").status_code == 403
    assert "o-a" not in client.get(f"/competency/exams/{exam.id}/results").get_data(
        as_text=True)


# -- item analysis ----------------------------------------------------------------------------

def test_point_biserial_of_a_small_known_case():
    """r = (M1 - M0) / s * sqrt(pq) on four sittings, worked by hand."""
    marks = [1, 1, 0, 0]
    rest = [1.0, 0.5, 0.5, 0.0]
    # M1 = 0.75, M0 = 0.25, s = sqrt(((.5)^2 + 0 + 0 + (.5)^2) / 4) = 0.3536, pq = 0.25
    assert item_analysis.point_biserial(marks, rest) == pytest.approx(0.7071, abs=1e-4)
    assert item_analysis.point_biserial([1, 1], [0.5, 0.2]) is None
    assert item_analysis.point_biserial([1, 0], [0.5, 0.5]) is None


def test_item_analysis_flags_easy_hard_and_poorly_discriminating_items(framework, make_user):
    """Ten officers of rising ability sit a 6-item exam: an item everyone gets right is too
    easy, one nobody gets right too hard, items the abler officers get right discriminate
    well, and one answered right at random discriminates poorly."""
    exam = make_exam(parts=(("THUE.01", 1, 6),), stock=6)
    easy, hard, g1, g2, g3, bad = (i.id for i in A.bank_items("THUE.01", 1))
    for n in range(10):
        sitting, _ = A.start_sitting(exam, make_user(f"officer{n}"))
        right = {easy: True, hard: False, g1: n >= 3, g2: n >= 5, g3: n >= 7,
                 bad: n in (0, 3, 4, 9)}
        A.submit_sitting(sitting, {str(k): ["a"] if ok else ["b"] for k, ok in right.items()})
    db.session.commit()
    stats = {s.item.id: s for s in item_analysis.analyse(exam_id=exam.id)}
    assert stats[easy].sittings == 10 and stats[easy].difficulty == 1.0
    assert stats[easy].flags == ["too_easy", "poor_discrimination"]
    assert stats[hard].flags == ["too_hard", "poor_discrimination"]
    assert stats[g1].difficulty == pytest.approx(0.7)
    # Worked by hand: rest scores of the right (n >= 3) and wrong sittings.
    assert stats[g1].discrimination == pytest.approx(0.6508, abs=1e-4)
    assert stats[g1].flags == [] and stats[g3].flags == []
    assert stats[bad].discrimination == pytest.approx(-0.1695, abs=1e-4)
    assert stats[bad].flags == ["poor_discrimination"]
    bank = {s.item.id: s for s in item_analysis.analyse(competency_code="THUE.01", level=1)}
    assert bank[easy].sittings == 10


def test_item_analysis_page_for_staff(client, auth, framework, staff, officer):
    """The exam's analysis page lists the items with p and the flags' meaning."""
    exam = make_exam(parts=(("THUE.01", 1, 4),), stock=4)
    sitting, _ = A.start_sitting(exam, officer)
    A.submit_sitting(sitting, answer_all(sitting))
    db.session.commit()
    auth.login("giangvien1")
    page = client.get(f"/competency/exams/{exam.id}/analysis").get_data(as_text=True)
    assert "THUE.01-1-001" in page and "1.00" in page
    assert client.get("/competency/banks/THUE.01/1/analysis").status_code == 200
    auth.logout()
    auth.login("canbo1")
    assert client.get(f"/competency/exams/{exam.id}/analysis").status_code == 403


def test_the_script_is_served_from_the_plugin(client):
    """The sitting page's script comes from our own origin (the CSP allows no inline
    script)."""
    with client.get("/competency/assets/sitting.js") as response:
        assert response.status_code == 200 and b"data-sitting" in response.data
    with client.get("/competency/assets/../models.py") as response:
        assert response.status_code == 404


def test_grade_expired_job_is_exported():
    """The scheduled job the plugin registers."""
    assert [j.id for j in A.JOBS] == ["competency.grade_expired_sittings"]


def test_the_demo_bank_and_exam_load_and_are_valid(app):
    """demo_questions.load(): at least 4 valid items per competency and level 1-3 for every
    competency the courses use, and the open 45-minute exam; loading again adds nothing."""
    from plugins.competency import demo_framework, demo_questions

    demo_framework.load()
    summary = demo_questions.load()
    db.session.commit()
    assert "DGNL-2026-NVC (open)" in summary
    index = A.competency_index()
    codes = ("CHUNG.01", "CHUNG.02", "CHUNG.03", "CHUNG.04", "GSQL.01", "GSQL.02", "THUE.01",
             "THUE.02", "THUE.03", "KTSTQ.01", "KTSTQ.02", "QLRR.01", "QLRR.02", "DTCBL.01",
             "XLVP.01")
    counts = A.active_counts()
    for code in codes:
        for level in (1, 2, 3):
            assert counts.get((code, level), 0) >= 4, (code, level)
    for item in A.all_items():
        A.check_item(competency_code=item.competency_code, level=item.level, kind=item.kind,
                     stem_vi=item.stem_vi, options=item.options, index=index)
        assert item.stem_en and all(o["text_en"] for o in item.options)
    exam = A.exam_by_code("DGNL-2026-NVC")
    assert exam.open and exam.time_limit_minutes == 45
    assert exam.title_vi == "Thi đánh giá năng lực 2026 – nghiệp vụ chung"
    assert A.exam_problems(exam) == []
    before = len(A.all_items())
    assert demo_questions.load().startswith("0 question bank items")
    assert len(A.all_items()) == before


def test_the_demo_bank_loads_without_a_framework(app):
    """With no published framework the items are stored by code and the exam stays closed."""
    from plugins.competency import demo_questions

    summary = demo_questions.load()
    db.session.commit()
    assert "closed" in summary
    assert len(A.all_items()) >= 15 * 3 * 4
    assert not A.exam_by_code("DGNL-2026-NVC").open
