"""The authoring workflow: draft → in review → published → archived.

- Only a draft is edited. Editing a published course starts a new draft version, a copy of
  the published one; the published version stays frozen.
- A draft is submitted for review; a reviewer who is not its author publishes it or sends it
  back with a note.
- Publishing replaces the previously published version in the catalogue (that version is
  archived). Learners keep the version they enrolled in unless moved (:func:`move_learners`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms_core.courses.kinds import get_kind
from lms_core.courses.models import (
    Course,
    CourseCompetency,
    CourseModule,
    CoursePrerequisite,
    CourseTag,
    CourseTargetPosition,
    CourseVersion,
    Enrolment,
    Lesson,
)
from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.signals import courses as signals


def _require(version: CourseVersion, *statuses: str) -> None:
    if version.status not in statuses:
        raise UserError(_("Version %(n)d of %(code)s is %(status)s; this needs it to be "
                          "%(wanted)s.", n=version.number, code=version.code,
                          status=status_label(version.status),
                          wanted=" / ".join(status_label(s) for s in statuses)))


def status_label(status: str) -> str:
    return {"draft": _("draft"), "in_review": _("in review"), "published": _("published"),
            "archived": _("archived")}.get(status, status)


def check_publishable(version: CourseVersion) -> None:
    """A version can be reviewed only when it has lessons and every quiz has questions."""
    if not version.lessons:
        raise UserError(_("The course has no lessons yet."))
    for lesson in version.lessons:
        if lesson.kind == "quiz" and not lesson.questions:
            raise UserError(_("The quiz “%(title)s” has no questions.", title=lesson.title_vi))
        if lesson.kind in ("video", "pdf") and lesson.asset_id is None:
            raise UserError(_("The lesson “%(title)s” has no file.", title=lesson.title_vi))


def submit_for_review(version: CourseVersion, actor) -> None:
    _require(version, "draft")
    check_publishable(version)
    version.status = "in_review"
    version.submitted_at = utcnow()
    version.author_id = version.author_id or actor.id
    version.review_note = ""
    db.session.flush()


def review(version: CourseVersion, reviewer, *, approve: bool, note: str = "") -> None:
    """Publish (``approve``) or send back to draft with ``note``. The reviewer may not be the
    version's author."""
    _require(version, "in_review")
    if version.author_id is not None and reviewer.id == version.author_id:
        raise UserError(_("You wrote this version; another member of the training staff must "
                          "review it."))
    version.reviewer_id = reviewer.id
    version.reviewed_at = utcnow()
    version.review_note = note or ""
    if approve:
        publish(version)
    else:
        if not (note or "").strip():
            raise UserError(_("Say what must change before it can be published."), field="note")
        version.status = "draft"
        db.session.flush()


def publish(version: CourseVersion) -> None:
    """Make ``version`` the course's published version (after review, or when the shipped
    content is loaded by ``lms content import --publish``)."""
    _require(version, "in_review", "draft")
    check_publishable(version)
    course = version.course
    previous = course.published_version
    if previous is not None and previous.id != version.id:
        previous.status = "archived"
        previous.archived_at = utcnow()
    version.status = "published"
    version.published_at = utcnow()
    course.published_version = version
    db.session.flush()
    signals.course_published.send(version, previous=previous)


def archive(course: Course) -> None:
    """Withdraw the course from the catalogue; enrolled learners keep their version."""
    version = course.published_version
    if version is None:
        raise UserError(_("The course is not published."))
    version.status = "archived"
    version.archived_at = utcnow()
    course.published_version = None
    db.session.flush()


def start_new_version(course: Course, actor) -> CourseVersion:
    """The draft to edit: the one in progress, or a new copy of the latest version."""
    working = course.working_version
    if working is not None:
        if working.status == "in_review":
            raise UserError(_("Version %(n)d is in review; wait for the review before editing.",
                              n=working.number))
        return working
    source = course.published_version or course.latest_version
    draft = copy_version(source)
    draft.number = max(v.number for v in course.versions) + 1
    draft.author_id = actor.id
    draft.course = course
    db.session.add(draft)
    db.session.flush()
    return draft


def copy_version(source: CourseVersion) -> CourseVersion:
    """A new, unsaved draft with everything of ``source``; lessons keep their keys so progress
    and xAPI activity ids carry over."""
    draft = CourseVersion(
        status="draft", title_vi=source.title_vi, title_en=source.title_en,
        description_vi=source.description_vi, description_en=source.description_en,
        field_id=source.field_id, estimated_minutes=source.estimated_minutes,
        require_all_lessons=source.require_all_lessons,
        require_quiz_passed=source.require_quiz_passed, min_minutes=source.min_minutes,
        search_text=source.search_text)
    draft.tags = [CourseTag(tag=t.tag) for t in source.tags]
    draft.competencies = [CourseCompetency(competency_code=c.competency_code, level=c.level)
                          for c in source.competencies]
    draft.target_positions = [CourseTargetPosition(position_id=t.position_id)
                              for t in source.target_positions]
    draft.prerequisites = [CoursePrerequisite(required_course_id=p.required_course_id)
                           for p in source.prerequisites]
    for module in source.modules:
        new_module = CourseModule(position=module.position, title_vi=module.title_vi,
                                  title_en=module.title_en)
        for lesson in module.lessons:
            new_lesson = Lesson(key=lesson.key, position=lesson.position, kind=lesson.kind,
                                title_vi=lesson.title_vi, title_en=lesson.title_en,
                                minutes=lesson.minutes, settings={})
            get_kind(lesson.kind).copy(lesson, new_lesson)
            new_module.lessons.append(new_lesson)
        draft.modules.append(new_module)
    return draft


def move_learners(course: Course, target: CourseVersion, *, only_not_completed: bool = True) -> int:
    """Move the course's enrolled learners to ``target`` (a published version); progress on
    lessons with the same key carries over. Returns how many were moved."""
    _require(target, "published")
    key_to_lesson = {lesson.key: lesson.id for lesson in target.lessons}
    stmt = sa.select(Enrolment).where(Enrolment.course_id == course.id,
                                      Enrolment.version_id != target.id)
    if only_not_completed:
        stmt = stmt.where(Enrolment.completed_at.is_(None))
    moved = 0
    for enrolment in db.session.scalars(stmt):
        old_keys = {lesson.id: lesson.key for lesson in enrolment.version.lessons}
        for progress in list(enrolment.progress):
            new_id = key_to_lesson.get(old_keys.get(progress.lesson_id))
            if new_id is None:
                enrolment.progress.remove(progress)
            else:
                progress.lesson_id = new_id
        enrolment.version_id = target.id
        enrolment.last_lesson_id = None
        moved += 1
    db.session.flush()
    return moved
