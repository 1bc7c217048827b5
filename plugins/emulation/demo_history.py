"""Demo data: the learning history of the demo organisation from 1 January 2024 to today, so
that scores, rankings, trends, anomalies and reviews show something true on first start.

What it builds (deterministic for a seed; everything dated from 2024-01-01 to the end of
yesterday, local time, so that loads on the same day agree, and the history up to a given
day is the same whatever day it is loaded):

- **Study through the LRS**, as the course player records it, for the shipped courses
  (``content/*/course.yaml``, read for their lessons, titles, minutes and completion rule;
  ``lms demo load`` has imported them just before, so the scores find their tags): an
  ``experienced`` statement per study session on a lesson, with the verified seconds the player
  counts (visible, active time, never more than ``LMS_STUDY_CAP_FACTOR`` times the lesson's
  minutes), ``progressed`` on the course after each lesson done, ``passed`` (after a ``failed``
  attempt sometimes) on the final quiz, and ``completed`` on the course when its rule is met
  (every lesson, the quiz, the minimum minutes). Statements the scores do not read (launched,
  initialized, terminated, answered) are left out. Statements name the imported lessons (their
  keys), so each leads to its lesson page. Each officer has a diligence and a pace of their
  own; each unit a culture (added to its parent's) that drifts from year to year; the seasons
  weigh in (little during Tết and the summer, weekends quieter, a peak before the year-end
  review), and the campaign picks up after 2024. Courses of the officer's job position come
  first; those that require LHQ-101 wait for it. The restructuring of 1 March 2025 is left to
  the scoring: statements belong to officers, units come from their assignments.
- **Competency assessment results** (when the competency plugin is enabled): a ``passed`` or
  ``failed`` statement for each sitting of the 2024 and 2025 sessions whose results the
  competency demo imported (same day, the levels it placed), as
  :func:`lms_core.xapi.statements.assessment_result` builds it; the course completions the
  competency demo recorded as evidence happen on the same day here.
- **Evidence submissions**: initiatives, external certificates and learning models of a few
  per cent of the officers a year, each with a small PDF attachment (stored where
  :mod:`plugins.emulation.submissions` keeps files), mostly approved by the head of the
  officer's branch or central unit, some rejected with a reason, the recent ones pending;
  the audit log has the submission and the decision as the workflow writes them.
- **A few anomalies on purpose**, found by the scoring's own detection: days with more
  verified hours than allowed and bursts of course completions in minutes, in branches II
  and I; the older ones decided by the unit head (accepted or excluded), the recent ones
  open for branch II's head.
- The demo accounts: ``canbo`` has a readable history (courses completed in 2024 and 2025,
  one in progress, an approved certificate, a pending initiative).

Then every period is scored: the periods whose closing day has passed are rebuilt and frozen
(:func:`scoring.close_due_periods`), the open ones rebuilt (:func:`scoring.recompute_all`).
Statements are stored in bulk (:func:`lms_core.xapi.statements.record_many`, no signal per
statement), so 20,000 officers load in minutes.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
import yaml
from flask import current_app, has_app_context
from tincan.conversions.iso8601 import jsonify_timedelta

from lms_core.courses import catalogue
from lms_core.courses.package import SHIPPED_CONTENT
from lms_core.extensions import db
from lms_core.identity import operations as id_ops
from lms_core.organisation import queries as org
from lms_core.text import fold
from lms_core.xapi import statements as xs
from lms_core.xapi import vocabulary as V
from plugins.emulation import anomalies, audit, campaign, scoring, sources, submissions
from plugins.emulation import measures as MS
from plugins.emulation.models import Anomaly, AuditEntry, Score, Submission, SubmissionFile

#: Shipped courses the history leaves out (CMI5-101 is the sample of cmi5 content, whose
#: lessons report through the LRS themselves).
SKIPPED_COURSES = ("CMI5-101",)
#: First day of Tết (Lunar New Year) of the campaign's years.
TET = {2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
       2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
       2030: date(2030, 2, 3)}
#: Public holidays with little study.
HOLIDAYS = ((4, 30), (5, 1), (9, 2), (1, 1))
MONTH_WEIGHT = {1: 0.9, 2: 0.8, 3: 1.0, 4: 1.05, 5: 1.0, 6: 0.7, 7: 0.55, 8: 0.6, 9: 1.0,
                10: 1.25, 11: 1.4, 12: 1.3}
#: The campaign picks up after its first year.
YEAR_WEIGHT = {2024: 0.75, 2025: 1.0}
#: Mean courses begun per officer and year (before diligence, culture and season).
COURSES_PER_YEAR = 1.5
#: Competency assessment sessions: results imported by the competency demo on these days.
EXAM_TITLES = ("Thi đánh giá năng lực năm {year}", "Competency assessment {year}")
#: Statements per insert.
BATCH = 5000


# -- the shipped courses --------------------------------------------------------------------------
@dataclass
class Lesson:
    number: int  #: place in the course (1...)
    module: int  #: module position (1...)
    kind: str
    minutes: int
    obj: dict  #: the lesson as an xAPI activity
    activities: dict  #: contextActivities of a statement about the lesson


@dataclass
class Course:
    code: str
    title_vi: str
    title_en: str
    min_minutes: int
    prerequisites: tuple[str, ...]
    positions: frozenset[str]
    competencies: tuple[str, ...]
    lessons: list[Lesson]
    obj: dict  #: the course as an xAPI activity
    activities: dict  #: contextActivities of a course-level statement (the profile)


def _json(thing) -> dict:
    import json

    return json.loads(thing.to_json(xs.XAPI_VERSION))


def _imported_keys(code: str) -> dict[tuple[int, int], str]:
    """``(module position, lesson position) -> lesson key`` of the published version of
    ``code`` in the database ({} when it is not imported, or outside an app)."""
    if not has_app_context():
        return {}
    course = catalogue.published_course(code)
    if course is None:
        return {}
    return {(m.position, lesson.position): lesson.key
            for m in course.published_version.modules for lesson in m.lessons}


def read_courses(root: Path = SHIPPED_CONTENT) -> dict[str, Course]:
    """The shipped courses with lessons (by code), as the history refers to them; {} when the
    content folder is missing. Lessons keep the keys of the imported course (``lms demo
    load`` imports the courses first), else stable keys made from the course and the place."""
    out: dict[str, Course] = {}
    if not root.is_dir():
        return out
    profile = _json(xs.profile_activity())
    for path in sorted(root.glob("*/course.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        code = str(spec.get("code", "")).upper()
        if not code or code in SKIPPED_COURSES:
            continue
        title = spec.get("title") or {}
        imported = _imported_keys(code)
        course_obj = _json(xs.activity(f"course/{code}", "course", title.get("vi", code),
                                       title.get("en", "")))
        lessons = []
        for mpos, module in enumerate(spec.get("modules") or [], start=1):
            mtitle = module.get("title") or {}
            module_obj = _json(xs.activity(f"course/{code}/module/{mpos}", "module",
                                           mtitle.get("vi", ""), mtitle.get("en", "")))
            for lpos, lesson in enumerate(module.get("lessons") or [], start=1):
                kind = lesson.get("kind", "text")
                ltitle = lesson.get("title") or {}
                key = imported.get((mpos, lpos)) or uuid.uuid5(uuid.NAMESPACE_URL,
                                                                f"demo:{code}/{mpos}/{lpos}")
                obj = _json(xs.activity(f"course/{code}/lesson/{key}",
                                        "assessment" if kind == "quiz" else "lesson",
                                        ltitle.get("vi", ""), ltitle.get("en", "")))
                lessons.append(Lesson(len(lessons) + 1, mpos, kind, int(lesson.get("minutes")
                                                                        or 10), obj,
                                      {"parent": [module_obj], "grouping": [course_obj],
                                       "category": [profile]}))
        if not lessons:
            continue
        completion = spec.get("completion") or {}
        out[code] = Course(
            code, title.get("vi", code), title.get("en", ""),
            int(completion.get("min_minutes") or 0),
            tuple(str(p).upper() for p in spec.get("prerequisites") or ()),
            frozenset(str(p) for p in spec.get("target_positions") or ()),
            tuple(str(c.get("code")) for c in spec.get("competencies") or ()
                  if isinstance(c, dict)),
            lessons, course_obj, {"category": [profile]})
    return out


# -- the calendar ---------------------------------------------------------------------------------
def day_weight(day: date) -> float:
    """How much officers study on ``day``: weekends, holidays, Tết and the summer less, the
    end of the year (before the year-end review) more."""
    weight = MONTH_WEIGHT[day.month]
    weekday = day.weekday()
    if weekday == 5:
        weight *= 0.3
    elif weekday == 6:
        weight *= 0.2
    if (day.month, day.day) in HOLIDAYS or in_tet(day):
        weight *= 0.05
    return weight


def in_tet(day: date) -> bool:
    tet = TET.get(day.year + (1 if day.month == 12 else 0))
    return tet is not None and -6 <= (day - tet).days <= 6


class Calendar:
    """The days of each year with their cumulative weights, to draw study days from."""

    def __init__(self, first: date, last: date):
        self.first, self.last = first, last
        self.years: dict[int, tuple[list[date], list[float]]] = {}
        for year in range(first.year, last.year + 1):
            days, cum, total = [], [], 0.0
            day = date(year, 1, 1)
            while day.year == year:
                total += day_weight(day)
                days.append(day)
                cum.append(total)
                day += timedelta(days=1)
            self.years[year] = (days, cum)

    def draw(self, rng: random.Random, year: int, k: int) -> list[date]:
        days, cum = self.years[year]
        return sorted(rng.choices(days, cum_weights=cum, k=k))


def next_study_day(rng: random.Random, day: date, gap: int) -> date:
    """``gap`` days later, moved off weekends (mostly) and out of Tết."""
    day += timedelta(days=gap)
    while day.weekday() >= 5 and rng.random() < 0.75:
        day += timedelta(days=1)
    while in_tet(day):
        day += timedelta(days=1)
    return day


def clock_on(rng: random.Random, day: date) -> datetime:
    """A local time to begin studying on ``day``: office hours mostly, evenings often."""
    r = rng.random()
    if day.weekday() >= 5:
        minutes = rng.randint(9 * 60, 11 * 60) if r < 0.5 else rng.randint(20 * 60, 21 * 60 + 30)
    elif r < 0.62:
        minutes = rng.randint(8 * 60, 10 * 60 + 45) if rng.random() < 0.5 \
            else rng.randint(13 * 60 + 30, 16 * 60)
    elif r < 0.92:
        minutes = rng.randint(19 * 60 + 30, 21 * 60 + 45)
    else:
        minutes = rng.randint(11 * 60 + 30, 12 * 60 + 15)
    return datetime.combine(day, time()) + timedelta(minutes=minutes,
                                                     seconds=rng.randint(0, 59))


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth; ``lam`` is small here)."""
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


# -- an officer's courses -------------------------------------------------------------------------
@dataclass
class Session:
    lesson: Lesson
    start: datetime  #: local
    seconds: int  #: verified


@dataclass
class Run:
    """One enrolment: the sessions, the lessons done, the quiz attempts and the completion
    (local times)."""

    course: Course
    registration: str
    sessions: list[Session] = field(default_factory=list)
    done: list[tuple[Lesson, datetime]] = field(default_factory=list)
    attempts: list[tuple[Lesson, datetime, bool, float, int]] = field(default_factory=list)
    completed_at: datetime | None = None

    @property
    def first(self) -> date:
        return self.sessions[0].start.date()

    @property
    def last(self) -> date:
        return max([s.start for s in self.sessions]
                   + ([self.completed_at] if self.completed_at else [])).date()


class Planner:
    """Simulates study sessions as the player would count them."""

    def __init__(self, cap_factor: float, calendar: Calendar):
        self.cap_factor = cap_factor
        self.calendar = calendar

    def lesson_seconds(self, rng, course: Course, pace: float, complete: bool) -> list[int]:
        """Verified seconds per lesson: the officer's pace around the lesson's minutes, never
        above the cap; for a completed course at least its minimum minutes in all."""
        out = []
        for lesson in course.lessons:
            factor = max(0.55, min(self.cap_factor * 0.95, rng.gauss(pace, 0.25)))
            if lesson.kind == "quiz":
                factor = max(0.5, min(1.3, factor))
            out.append(int(lesson.minutes * 60 * factor))
        need = course.min_minutes * 60 + 120
        if complete and sum(out) < need:
            scale = need / max(1, sum(out))
            out = [min(int(s * scale) + 1, int(lesson.minutes * 60 * self.cap_factor))
                   for s, lesson in zip(out, course.lessons, strict=True)]
        return out

    def run(self, rng, course: Course, start: date, *, pace: float, complete: bool,
            registration: str, stop: int | None = None) -> Run:
        """Study ``course`` from ``start``: lesson by lesson, one or two sessions each, at most
        three sessions a day; abandoned after ``stop`` lessons when not ``complete``."""
        run = Run(course, registration)
        seconds = self.lesson_seconds(rng, course, pace, complete)
        lessons = course.lessons
        last = len(lessons) if complete else (stop or rng.randint(1, max(1, len(lessons) - 1)))
        day, clock, today_count = start, None, 0
        for i in range(last):
            lesson, total = lessons[i], seconds[i]
            parts = 2 if total > 1800 and rng.random() < 0.15 else 1
            for p in range(parts):
                length = total // parts + (total % parts if p == 0 else 0)
                if clock is not None and today_count < 3 and rng.random() < 0.45:
                    begin = clock + timedelta(minutes=rng.randint(5, 40))
                    if begin.date() != day or begin.hour >= 22:
                        begin = None
                else:
                    begin = None
                if begin is None:
                    if clock is not None:
                        day = next_study_day(rng, day, 1 + min(20, int(rng.expovariate(0.45))))
                    begin, today_count = clock_on(rng, day), 0
                run.sessions.append(Session(lesson, begin, length))
                wall = length + rng.randint(30, 300)
                clock = begin + timedelta(seconds=wall)
                today_count += 1
            finished = clock
            if lesson.kind == "quiz":
                if rng.random() < 0.15:
                    run.attempts.append((lesson, finished, False, rng.uniform(0.4, 0.65), 1))
                    finished += timedelta(minutes=rng.randint(8, 20))
                score = rng.uniform(0.72, 1.0)
                run.attempts.append((lesson, finished, True, score, len(run.attempts) + 1))
            run.done.append((lesson, finished))
            clock = finished
        if complete:
            run.completed_at = clock + timedelta(seconds=rng.randint(1, 4))
        return run

    def shift(self, run: Run, days: int) -> Run:
        """The same run ``days`` later (earlier when negative)."""
        delta = timedelta(days=days)
        for s in run.sessions:
            s.start += delta
        run.done = [(lesson, when + delta) for lesson, when in run.done]
        run.attempts = [(a[0], a[1] + delta, *a[2:]) for a in run.attempts]
        if run.completed_at is not None:
            run.completed_at += delta
        return run


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class Officer:
    user_id: int
    code: str
    position: str
    unit_id: int  #: the unit held last (today, or when the assignments ended)
    last_day: date  #: the last day assigned in the history
    segments: list[tuple[date, int]]  #: (last day, unit id) of each assignment, in order


def _fixed_runs(planner: Planner, rng, courses, pace: float, completions: dict[str, date],
                script) -> list[Run]:
    """Runs whose dates are given: a demo account's story (``(code, start, complete)``) and
    the courses completed on a known day (the competency demo's evidence), which end that
    day, after the courses they require (completed a few weeks before when not yet)."""
    runs: list[Run] = []
    due = dict(completions)
    begun = {code: start for code, start, _complete in script}
    for code, _ in sorted(completions.items(), key=lambda kv: kv[1]):
        for need in courses[code].prerequisites if code in courses else ():
            if need in begun and begun[need] < due[code] - timedelta(days=60):
                continue
            if need in courses and (need not in due or due[need] >= due[code]):
                due[need] = due[code] - timedelta(days=rng.randint(20, 60))

    def ending(code: str, day: date) -> Run:
        run = planner.run(rng, courses[code], day, pace=pace, complete=True,
                          registration=_uuid(rng))
        return planner.shift(run, (day - run.completed_at.date()).days)

    for code, start, complete in script:
        if code not in courses:
            continue
        if code in due:
            runs.append(ending(code, due.pop(code)))
        else:
            runs.append(planner.run(rng, courses[code], start, pace=pace, complete=complete,
                                    registration=_uuid(rng), stop=None if complete else 3))
    for code, day in sorted(due.items(), key=lambda kv: kv[1]):
        if code in courses:
            runs.append(ending(code, day))
    return runs


def add_reviews(rng, runs: list[Run], calendar: Calendar, cap_factor: float, *,
                culture: dict[int, float], first: date, last: date, diligence: float) -> None:
    """Review sessions on lessons of courses already completed (before an assessment, for
    the job), each year, while the lesson's cap leaves room: the player counts them too."""
    done = sorted((r for r in runs if r.completed_at is not None),
                  key=lambda r: r.completed_at)
    if not done:
        return
    used: dict[tuple[int, int], int] = defaultdict(int)
    for i, r in enumerate(done):
        for s in r.sessions:
            used[(i, s.lesson.number)] += s.seconds
    for year in range(first.year, last.year + 1):
        lam = 2.5 * diligence * culture.get(year, 1.0) * YEAR_WEIGHT.get(year, 1.1) * \
            (1 + 0.5 * (year - first.year))
        for day in calendar.draw(rng, year, poisson(rng, lam)):
            if day > last:
                break
            ready = [i for i, r in enumerate(done) if r.completed_at.date() < day]
            if not ready:
                continue
            i = rng.choice(ready)
            lesson = rng.choice([x for x in done[i].course.lessons if x.kind != "quiz"])
            room = int(lesson.minutes * 60 * cap_factor) - used[(i, lesson.number)]
            seconds = min(room, int(lesson.minutes * 60 * rng.uniform(0.35, 0.9)))
            if seconds < 300:
                continue
            used[(i, lesson.number)] += seconds
            done[i].sessions.append(Session(lesson, clock_on(rng, day), seconds))


def _overlaps(run: Run, fixed: list[Run]) -> bool:
    return any(run.first <= f.last + timedelta(days=1) and f.first <= run.last +
               timedelta(days=1) for f in fixed)


def plan(planner: Planner, rng: random.Random, courses: dict[str, Course], officer: Officer,
         *, culture: dict[int, float], first: date, last: date, fixed: list[Run],
         diligence: float, pace: float) -> list[Run]:
    """The officer's enrolments from ``first`` to ``last`` (inclusive): ``fixed`` runs, and
    each year a Poisson number of courses begun on days drawn by the calendar, one after the
    other, preferring the courses of the officer's position; abandoned sometimes."""
    runs = list(fixed)
    taken = {r.course.code for r in runs}
    completed = {r.course.code: r.completed_at.date() for r in runs if r.completed_at}
    cursor = first
    for year in range(first.year, last.year + 1):
        lam = COURSES_PER_YEAR * diligence * culture.get(year, 1.0) * YEAR_WEIGHT.get(year, 1.1)
        starts = planner.calendar.draw(rng, year, poisson(rng, lam))
        for start in starts:
            start = max(start, cursor)
            if start > last:
                break
            ready = [c for c in courses.values() if c.code not in taken and all(
                p in completed and completed[p] < start for p in c.prerequisites)]
            if not ready:
                break
            weights = [(3.0 if officer.position in c.positions else 0.6)
                       + (2.0 if c.code == "LHQ-101" else 0.0)
                       + (1.2 if "CHUNG.02" in c.competencies else 0.0) for c in ready]
            course = rng.choices(ready, weights=weights)[0]
            complete = rng.random() < min(0.93, 0.62 + 0.15 * diligence)
            run = planner.run(rng, course, start, pace=pace, complete=complete,
                              registration=_uuid(rng))
            while _overlaps(run, runs):
                blocker = max(f.last for f in runs if run.first <= f.last + timedelta(days=1)
                              and f.first <= run.last + timedelta(days=1))
                run = planner.shift(run, (blocker - run.first).days + rng.randint(2, 9))
            if run.first > last:
                break
            runs.append(run)
            taken.add(course.code)
            if run.completed_at is not None:
                completed[course.code] = run.completed_at.date()
            cursor = run.last + timedelta(days=rng.randint(1, 12))
    return runs


# -- the statements -------------------------------------------------------------------------------
class Emitter:
    """xAPI statements as the player builds them (same shape as ``xs.build``: tincan's JSON),
    with the times of the history: ``timestamp`` when it happened, ``stored`` a moment
    later."""

    def __init__(self, offset_minutes: int, now_local: datetime):
        self.offset = timedelta(minutes=offset_minutes)
        self.now = now_local
        self.verbs = {key: {"id": V.VERBS[key][0],
                            "display": {"vi-VN": V.VERBS[key][1], "en-US": V.VERBS[key][2]}}
                      for key in ("experienced", "progressed", "completed", "passed", "failed")}
        self.platform = current_app.config["LMS_XAPI_PLATFORM"]
        self.language = xs.language()

    def _when(self, local: datetime, lag: int) -> tuple[str, str]:
        utc = local - self.offset
        stored = utc + timedelta(seconds=lag)
        return (utc.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00"),
                stored.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"))

    def context(self, registration: str, activities: dict, **extensions) -> dict:
        out = {"registration": registration, "contextActivities": activities,
               "revision": "1", "platform": self.platform, "language": self.language,
               "extensions": {V.EXT_COURSE_VERSION: 1}}
        if extensions:
            out["extensions"] = {**out["extensions"], **extensions}
        return out

    def statement(self, rng, actor: dict, verb: str, obj: dict, local: datetime,
                  result: dict | None, context: dict, lag: int = 2) -> dict:
        """A statement of ``local`` time, stored ``lag`` seconds later."""
        timestamp, stored = self._when(local, lag)
        out = {"id": _uuid(rng), "actor": actor, "verb": self.verbs[verb], "object": obj,
               "timestamp": timestamp, "stored": stored, "context": context,
               "version": xs.XAPI_VERSION}
        if result is not None:
            out["result"] = result
        return out

    def run(self, rng, actor: dict, run: Run):
        """The statements of one enrolment up to now, in time order."""
        course = run.course
        contexts = {}
        items = []
        for s in run.sessions:
            ctx = contexts.get(s.lesson.number)
            if ctx is None:
                ctx = contexts[s.lesson.number] = self.context(run.registration,
                                                              s.lesson.activities)
            # Recorded when the session closes: its timestamp is when it began.
            items.append((s.start, 0, "experienced", s.lesson.obj,
                          {"duration": jsonify_timedelta(timedelta(seconds=s.seconds)),
                           "extensions": {V.EXT_VERIFIED_SECONDS: s.seconds}}, ctx,
                          s.seconds + 25))
        course_ctx = self.context(run.registration, course.activities)
        for lesson, when, passed, scaled, number in run.attempts:
            raw = round(scaled * 10)
            items.append((when, 1, "passed" if passed else "failed", lesson.obj,
                          {"success": passed, "completion": True,
                           "score": {"scaled": round(raw / 10, 4), "raw": float(raw),
                                     "min": 0, "max": 10.0},
                           "duration": jsonify_timedelta(timedelta(
                               seconds=lesson.minutes * 30 + number * 37))},
                          self.context(run.registration, lesson.activities,
                                       **{V.EXT_ATTEMPT: number}), 2))
        total = len(course.lessons)
        for count, (_lesson, when) in enumerate(run.done, start=1):
            if count == total and run.completed_at is not None:
                continue
            items.append((when + timedelta(seconds=1), 2, "progressed", course.obj,
                          {"extensions": {V.EXT_PROGRESS: round(100 * count / total)}},
                          course_ctx, 2))
        if run.completed_at is not None:
            # The enrolment's verified time when it completed (reviews come later).
            verified = sum(s.seconds for s in run.sessions if s.start < run.completed_at)
            items.append((run.completed_at, 3, "completed", course.obj,
                          {"completion": True,
                           "duration": jsonify_timedelta(timedelta(seconds=verified))},
                          course_ctx, 2))
        items.sort(key=lambda i: (i[0], i[1]))
        for when, _order, verb, obj, result, ctx, lag in items:
            if when > self.now:
                break
            if when + timedelta(seconds=lag) > self.now:
                continue  # a session still open
            yield self.statement(rng, actor, verb, obj, when, result, ctx, lag)


# -- the history ----------------------------------------------------------------------------------
@dataclass
class Built:
    """What :func:`build` inserted (for the summary line) and the anomalies it planted."""

    statements: int = 0
    assessments: int = 0
    completions: int = 0
    submissions: int = 0
    pending: int = 0
    anomalies: list = field(default_factory=list)


def officers_in(first: date, today: date) -> dict[int, Officer]:
    """Everyone assigned on some day from ``first`` to ``today``, with their position and
    units (by the user id)."""
    positions = {p.id: p.code for p in org.positions(active_only=False)}
    segments: dict[int, list[tuple[date, int, int | None]]] = defaultdict(list)
    for uid, unit_id, position_id, last in sources.assignments_overlapping(first, today):
        segments[uid].append((last, unit_id, position_id))
    users = id_ops.users_by_ids(segments)
    out = {}
    for uid in sorted(segments):
        user = users.get(uid)
        if user is None:
            continue
        items = sorted(segments[uid], key=lambda s: s[0])
        last_day, unit_id, position_id = items[-1]
        out[uid] = Officer(uid, user.code, positions.get(position_id, ""), unit_id, last_day,
                           [(d, u) for d, u, _p in items])
    return out


def unit_cultures(seed: int, officers: dict[int, Officer], years: list[int]) -> dict[int, dict]:
    """``unit id -> {year: multiplier}``: each unit's own tendency, added to its parent's
    (teams of one branch differ, branches differ), drifting a little every year."""
    parents = org.parent_map()
    memo: dict[int, tuple[float, float]] = {}

    def own(unit_id):
        if unit_id not in memo:
            memo[unit_id] = (0.0, 0.0)  # guards against a cycle in bad data
            rng = random.Random(f"emulation-culture-{seed}-{unit_id}")
            level, drift = rng.gauss(0, 0.28), rng.gauss(0, 0.12)
            parent = parents.get(unit_id)
            if parent is not None and parent != unit_id:
                p_level, p_drift = own(parent)
                level, drift = level + 0.6 * p_level, drift + 0.5 * p_drift
            memo[unit_id] = (level, drift)
        return memo[unit_id]

    out = {}
    for o in officers.values():
        if o.unit_id not in out:
            level, drift = own(o.unit_id)
            out[o.unit_id] = {y: math.exp(max(-1.5, min(1.2, level + drift * (y - 2024))))
                              for y in years}
    return out


def _course_evidence(courses: dict[str, Course]) -> tuple[dict, dict]:
    """From the competency demo's evidence (when the plugin is enabled): ``user -> {course:
    day}`` of the courses completed, and ``user -> {day: {competency: level}}`` of the
    assessment sittings whose results were imported."""
    completions: dict[int, dict[str, date]] = defaultdict(dict)
    sittings: dict[int, dict[date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    if not MS.competency_enabled():
        return {}, {}
    by_competency = {}
    for course in courses.values():
        for code in course.competencies:
            by_competency.setdefault(code, course.code)
    pieces = sources.evidence_pieces(None, campaign.CAMPAIGN_END)
    for uid, per_code in pieces.items():
        for code, items in per_code.items():
            for piece in items:
                if piece.source == "course" and code in by_competency:
                    course = by_competency[code]
                    day = completions[uid].get(course)
                    completions[uid][course] = min(day, piece.observed_on) if day \
                        else piece.observed_on
                elif piece.source == "import":
                    sittings[uid][piece.observed_on][code] = piece.level
    return completions, sittings


def _assessment_statements(rng_seed: int, officers, actors, sittings, emitter: Emitter,
                           first: date):
    """``passed``/``failed`` of each imported sitting, as the competency plugin records a
    graded sitting (xs.assessment_result)."""
    from plugins.competency import frameworks

    framework = frameworks.published_framework()
    extensions = ({V.EXT_COMPETENCY_FRAMEWORK: f"{framework.code} v{framework.version}"}
                  if framework else None)
    objects = {}
    profile = _json(xs.profile_activity())
    for uid in sorted(sittings):
        if uid not in officers:
            continue
        rng = random.Random(f"emulation-exams-{rng_seed}-{officers[uid].code}")
        for day in sorted(sittings[uid]):
            if day < first:
                continue
            levels = sittings[uid][day]
            if day.year not in objects:
                objects[day.year] = _json(xs.assessment_activity(
                    f"DGNL-{day.year}", EXAM_TITLES[0].format(year=day.year),
                    EXAM_TITLES[1].format(year=day.year)))
            started = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 20))
            submitted = started + timedelta(minutes=rng.randint(38, 60),
                                            seconds=rng.randint(0, 59))
            total = 10 * max(1, len(levels))
            mean = sum(levels.values()) / max(1, len(levels))
            right = max(0, min(total, round(total * (0.3 + 0.22 * mean + rng.gauss(0, 0.05)))))
            passed = bool(levels) and all(level >= 1 for level in levels.values())
            result = {"success": passed, "completion": True,
                      "score": {"scaled": round(right / total, 4), "raw": float(right),
                                "min": 0, "max": float(total)},
                      "duration": jsonify_timedelta(submitted - started),
                      "extensions": {V.EXT_COMPETENCY_LEVELS: {
                          str(code): int(level) for code, level in sorted(levels.items())}}}
            context = {"registration": _uuid(rng),
                       "contextActivities": {"category": [profile]},
                       "platform": emitter.platform, "language": emitter.language}
            if extensions:
                context["extensions"] = extensions
            if submitted > emitter.now:
                continue
            yield (emitter.statement(rng, actors[uid], "passed" if passed else "failed",
                                     objects[day.year], submitted, result, context), uid)


def actors_of(officers: dict[int, Officer]) -> dict[int, dict]:
    """Each officer as the ``actor`` of their statements (xs.actor's JSON)."""
    users = id_ops.users_by_ids(officers)
    return {uid: _json(xs.actor(users[uid])) for uid in officers if uid in users}


def _canbo_script(today: date) -> list[tuple[str, date, bool]]:
    """``canbo``'s courses: the Customs Law and digital culture in 2024, valuation and
    English in 2025, her audit course early this year (the day the competency demo
    records), data analysis in progress."""
    return [("LHQ-101", date(2024, 3, 11), True),
            ("SO-102", date(2024, 10, 7), True),
            ("THUE-201", date(2025, 4, 14), True),
            ("NN-101", date(2025, 9, 29), True),
            ("KTSTQ-101", date(2026, 2, 23), True),
            ("SO-101", max(date(2026, 1, 5), today - timedelta(days=12)), False)]


# -- anomalies on purpose -------------------------------------------------------------------------
@dataclass
class Planted:
    """An anomaly the history plants: ``kind`` on ``day`` for ``user_id``; decided by
    ``decider`` (``accepted``/``excluded``) or left open."""

    user_id: int
    kind: str
    day: date
    decision: str | None = None
    decider: str | None = None


def _binge(planner: Planner, rng, courses: list[Course], day: date, pace: float) -> list[Run]:
    """Every lesson of two courses on one day, each near its cap, some pages left open side by
    side: more verified hours than the day allows."""
    runs = []
    clock = datetime.combine(day, time(6, 40))
    for course in courses:
        run = Run(course, _uuid(rng))
        for lesson in course.lessons:
            seconds = int(lesson.minutes * 60 * planner.cap_factor * rng.uniform(0.9, 0.98))
            run.sessions.append(Session(lesson, clock, seconds))
            finished = clock + timedelta(seconds=seconds + 20)
            if lesson.kind == "quiz":
                run.attempts.append((lesson, finished, True, rng.uniform(0.7, 0.9), 1))
            run.done.append((lesson, finished))
            clock += timedelta(minutes=rng.randint(48, 56))
        run.completed_at = run.done[-1][1] + timedelta(seconds=2)
        runs.append(run)
    return runs


def _burst(planner: Planner, rng, courses: list[Course], day: date, pace: float) -> list[Run]:
    """Three courses studied over the weeks before ``day`` whose quizzes are all done within
    minutes that evening: a burst of completions."""
    runs = []
    evening = datetime.combine(day, time(21, 5))
    for i, course in enumerate(courses):
        start = day - timedelta(days=50 - 15 * i)
        run = planner.run(rng, course, start, pace=pace, complete=False,
                          registration=_uuid(rng), stop=len(course.lessons) - 1)
        if run.sessions and run.sessions[-1].start.date() >= day:
            planner.shift(run, (day - run.sessions[-1].start.date()).days - 2)
        quiz = course.lessons[-1]
        begin = evening + timedelta(minutes=4 * i)
        run.sessions.append(Session(quiz, begin, 150 + rng.randint(0, 60)))
        finished = begin + timedelta(minutes=3)
        run.attempts.append((quiz, finished, True, rng.uniform(0.8, 1.0), 1))
        run.done.append((quiz, finished))
        run.completed_at = finished + timedelta(seconds=2)
        runs.append(run)
    return runs


def _members_today(unit_code: str, officers: dict[int, Officer]) -> list[int]:
    unit = org.unit_by_code(unit_code)
    if unit is None:
        return []
    ids = org.subtree_ids(unit.id)
    return sorted(uid for uid, o in officers.items() if o.unit_id in ids)


def _plant(seed: int, officers: dict[int, Officer], today: date, first: date,
           excluded: set[int]) -> list[Planted]:
    """Which officers get an anomaly, when (two or three in branch II, one in branch I, one
    more per 2,500 officers elsewhere, left open)."""
    rng = random.Random(f"emulation-anomalies-{seed}")
    out: list[Planted] = []
    recent = max(first, date(today.year, 1, 2), today - timedelta(days=rng.randint(6, 20)))
    if recent >= today:
        recent = max(first, today - timedelta(days=1))
    previous = date(today.year - 1, 6, 14) if today.year - 1 >= first.year else None
    used = set(excluded)

    def pick(pool):
        pool = [u for u in pool if u not in used]
        if not pool:
            return None
        uid = rng.choice(pool)
        used.add(uid)
        return uid

    kv02 = _members_today("KV02", officers)
    kv01 = _members_today("KV01", officers)
    for kind, day, decision, decider, pool in (
            ("hours_over_day", recent, None, None, kv02),
            ("completion_burst", max(first, recent - timedelta(days=3)), None, None, kv02),
            ("hours_over_day", previous, "excluded", "truongdonvi", kv02),
            ("hours_over_day", date(first.year, 10, 19), "accepted", "truongdonvi2", kv01)):
        if day is None or day > today:
            continue
        uid = pick(pool)
        if uid is not None and officers[uid].last_day >= day:
            out.append(Planted(uid, kind, day, decision, decider))
    others = sorted(set(officers) - set(kv01) - set(kv02))
    for _ in range(len(officers) // 2500):
        uid = pick(others)
        if uid is not None and officers[uid].last_day >= recent:
            out.append(Planted(uid, "hours_over_day",
                               max(first, recent - timedelta(days=rng.randint(0, 30))),
                               None, None))
    return out


# -- evidence submissions -------------------------------------------------------------------------
INITIATIVES = [
    ("Ứng dụng bảng tính tự động đối chiếu trị giá khai báo với cơ sở dữ liệu giá",
     "Bảng tính tự động so sánh đơn giá khai báo với cơ sở dữ liệu giá tham chiếu, đánh dấu "
     "các dòng hàng có dấu hiệu khai thấp để công chức kiểm tra trị giá."),
    ("Quy trình tiếp nhận hồ sơ điện tử đối với hàng chuyển phát nhanh",
     "Sắp xếp lại các bước tiếp nhận, kiểm tra hồ sơ điện tử hàng chuyển phát nhanh, rút ngắn "
     "thời gian thông quan trung bình."),
    ("Bộ tiêu chí nhận diện rủi ro khai sai mã số nhóm hàng máy móc, thiết bị",
     "Bộ tiêu chí và danh mục hàng hoá thường bị khai sai mã số, dùng khi phân luồng và kiểm "
     "tra hồ sơ."),
    ("Sổ tay kiểm tra sau thông quan tại trụ sở doanh nghiệp",
     "Sổ tay hướng dẫn từng bước, biểu mẫu và các lỗi thường gặp khi kiểm tra sau thông quan "
     "tại trụ sở người khai hải quan."),
    ("Mã QR tra cứu quy trình giám sát hàng hoá tại cửa khẩu",
     "Mỗi khu vực giám sát có mã QR dẫn tới quy trình và văn bản áp dụng, giúp công chức mới "
     "tra cứu ngay tại hiện trường."),
    ("Giải pháp phân luồng hành khách xuất nhập cảnh giờ cao điểm",
     "Bố trí lại luồng kiểm tra và lịch trực theo số liệu chuyến bay, giảm thời gian chờ của "
     "hành khách."),
    ("Mẫu biên bản điện tử trong xử lý vi phạm hành chính",
     "Biểu mẫu điện tử có kiểm tra dữ liệu bắt buộc, hạn chế sai sót khi lập biên bản vi phạm."),
    ("Công cụ thống kê kim ngạch theo doanh nghiệp trọng điểm",
     "Tổng hợp tự động kim ngạch, số thu theo doanh nghiệp trọng điểm hằng tuần phục vụ lãnh "
     "đạo điều hành."),
    ("Bộ câu hỏi ôn tập nghiệp vụ hải quan cho công chức mới",
     "Ngân hàng câu hỏi trắc nghiệm có giải thích, dùng để tự ôn tập trước kỳ đánh giá năng "
     "lực."),
]
CERTIFICATES = [
    ("language", "IELTS", "6.5", "British Council"),
    ("language", "TOEIC", "750", "IIG Việt Nam"),
    ("language", "VSTEP", "B2", "Trường Đại học Ngoại ngữ, Đại học Quốc gia Hà Nội"),
    ("language", "JLPT", "N3", "Quỹ Giao lưu quốc tế Nhật Bản"),
    ("language", "HSK", "4", "Viện Khổng Tử"),
    ("it", "IC3", "GS6 Level 2", "IIG Việt Nam"),
    ("it", "MOS", "Excel 2019", "IIG Việt Nam"),
    ("it", "Chuẩn kỹ năng sử dụng CNTT nâng cao", "Đạt", "Trường Đại học Công nghệ thông tin"),
]
MODELS = [
    ("Mô hình “Mỗi tuần một văn bản pháp luật” của đội",
     "Mỗi tuần một công chức giới thiệu một văn bản mới trong 15 phút đầu buổi giao ban."),
    ("Câu lạc bộ tiếng Anh chuyên ngành hải quan",
     "Sinh hoạt hai tuần một lần, luyện hội thoại tại cửa khẩu và đọc chứng từ bằng tiếng Anh."),
    ("Mô hình “Học trực tuyến 15 phút mỗi ngày”",
     "Công chức đăng ký lịch học trực tuyến ngắn mỗi ngày trên nền tảng, đội trưởng theo dõi "
     "hằng tháng."),
    ("Nhóm chia sẻ kinh nghiệm kiểm tra sau thông quan",
     "Nhóm trao đổi tình huống, hồ sơ điển hình sau mỗi cuộc kiểm tra."),
    ("Tủ sách pháp luật điện tử của đơn vị",
     "Thư mục văn bản hợp nhất, cập nhật hằng tháng, dùng chung cho toàn đơn vị."),
]
REJECTIONS = {
    "initiative": ["Tệp đính kèm chưa phải quyết định công nhận sáng kiến; đề nghị bổ sung "
                   "quyết định của Hội đồng sáng kiến.",
                   "Nội dung trùng với sáng kiến đã được công nhận năm trước."],
    "certificate": ["Chứng chỉ đã quá thời hạn sử dụng (02 năm).",
                    "Bản chụp chứng chỉ không rõ số hiệu, đề nghị nộp lại bản rõ nét."],
    "learning_model": ["Chưa có xác nhận của lãnh đạo đơn vị áp dụng mô hình."],
}
SCOPE_WEIGHTS = (("unit", 0.72), ("sector", 0.22), ("national", 0.06))
FILENAMES = {"initiative": "quyet-dinh-cong-nhan-sang-kien.pdf",
             "certificate": "chung-chi.pdf", "learning_model": "bao-cao-mo-hinh-hoc-tap.pdf"}


def tiny_pdf(*lines: str) -> bytes:
    """A one-page PDF with a few lines of text (unaccented: the standard font's alphabet)."""
    text = []
    for i, line in enumerate(lines):
        safe = fold(line).encode("ascii", "replace").decode("ascii")
        safe = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text.append(f"BT /F1 11 Tf 56 {790 - 18 * i} Td ({safe[:90]}) Tj ET")
    stream = "\n".join(text).encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _deciders(officers: dict[int, Officer]) -> dict[int, int]:
    """``top-level unit id -> the user who decides its evidence``: the unit head (a
    ``unit_head`` grant), else the unit's director (a direct member in a leadership position
    that is not a deputy's)."""
    parents = org.parent_map()
    tops = {}
    for o in officers.values():
        unit = o.unit_id
        while parents.get(unit) is not None and parents.get(parents[unit]) is not None:
            unit = parents[unit]
        tops[o.unit_id] = unit
    heads: dict[int, int] = {}
    for user in id_ops.users_by_ids(officers).values():
        for unit_id in user.headed_unit_ids:
            heads.setdefault(unit_id, user.id)
    out = {}
    for top in sorted(set(tops.values())):
        if top in heads:
            out[top] = heads[top]
            continue
        leaders = sorted(a.user_id for a in org.members(top, recursive=False)
                         if a.position is not None and a.position.is_leadership
                         and not a.position.name_vi.startswith("Phó"))
        if leaders:
            out[top] = leaders[0]
    return {unit: out[top] for unit, top in tops.items() if top in out}


def _unit_on(officer: Officer, day: date) -> int:
    for last, unit_id in officer.segments:
        if day <= last:
            return unit_id
    return officer.unit_id


def _submission_rows(seed: int, officers: dict[int, Officer], cultures, deciders,
                     calendar: Calendar, first: date, today: date, offset: timedelta,
                     canbo: int | None):
    """``(submission row, decision)`` of the demo's evidence, oldest first."""
    out = []
    years = range(first.year, today.year + 1)
    closes = {p.label: p.close_on for p in campaign.periods("year")}
    pending_since = today - timedelta(days=60)

    def at(day: date, hour: int, rng) -> datetime:
        return datetime.combine(day, time(hour, rng.randint(0, 59))) - offset

    for uid in sorted(officers):
        o = officers[uid]
        decider = deciders.get(o.unit_id)
        if decider is None or decider == uid or uid == canbo:
            continue
        rng = random.Random(f"emulation-evidence-{seed}-{o.code}")
        keen = rng.lognormvariate(0, 0.7)
        for year in years:
            culture = cultures[o.unit_id].get(year, 1.0)
            for kind, p in (("initiative", 0.028), ("certificate", 0.045),
                            ("learning_model", 0.016)):
                if rng.random() >= min(0.35, p * keen * culture * YEAR_WEIGHT.get(year, 1.1)):
                    continue
                day = calendar.draw(rng, year, 1)[0]
                created_day = day + timedelta(days=rng.randint(1, 25))
                if created_day >= today or day > o.last_day:
                    continue
                close = closes.get(str(year))
                frozen = close is not None and close <= today
                decide_day = created_day + timedelta(days=rng.randint(2, 18))
                if frozen:
                    decide_day = min(decide_day, close - timedelta(days=1))
                    created_day = min(created_day, decide_day)
                pending = not frozen and (created_day >= pending_since or decide_day >= today
                                          or rng.random() < 0.2)
                out.append(_one(rng, uid, _unit_on(o, created_day), kind, day,
                                at(created_day, rng.randint(8, 16), rng),
                                None if pending else at(decide_day, rng.randint(8, 17), rng),
                                decider, len(out)))
    return out


def _one(rng, uid, unit_id, kind, day, created, decided, decider, number):
    if kind == "initiative":
        title, description = rng.choice(INITIATIVES)
        scope = rng.choices([s for s, _w in SCOPE_WEIGHTS],
                            weights=[w for _s, w in SCOPE_WEIGHTS])[0]
        details = {"scope": scope,
                   "decision": f"Quyết định số {rng.randint(12, 980)}/QĐ-HQ ngày "
                               f"{day.strftime('%d/%m/%Y')}"}
    elif kind == "certificate":
        field_, name, level, issuer = rng.choice(CERTIFICATES)
        title = f"Chứng chỉ {name} {level}"
        description = f"Chứng chỉ {name} do {issuer} cấp."
        details = {"field": field_, "name": name, "level": level, "issuer": issuer}
    else:
        title, description = rng.choice(MODELS)
        details = {"participants": rng.randint(6, 40)}
    status = "pending"
    reason = ""
    if decided is not None:
        status = "rejected" if rng.random() < 0.12 else "approved"
        reason = rng.choice(REJECTIONS[kind]) if status == "rejected" else ""
    row = {"user_id": uid, "unit_id": unit_id, "kind": kind, "title": title,
           "description": description, "details": details, "occurred_on": day,
           "status": status, "reason": reason,
           "decided_by_id": decider if decided is not None else None,
           "decided_at": decided, "created_at": created}
    pdf = tiny_pdf("HAI QUAN VIET NAM", title, description[:80],
                   f"Ngay {day.strftime('%d/%m/%Y')} - ho so so {number + 1}")
    return row, pdf


def _recent_pending(seed: int, officers: dict[int, Officer], deciders, today: date,
                    offset: timedelta, skip: set[int]):
    """Two officers of branches II and I each submitted evidence these last days, which
    waits for the head."""
    rng = random.Random(f"emulation-pending-{seed}")
    out = []
    for code in ("KV02", "KV01"):
        pool = [u for u in _members_today(code, officers) if u not in skip
                and deciders.get(officers[u].unit_id) not in (None, u)]
        for uid in rng.sample(pool, min(2, len(pool))):
            kind = rng.choice(("initiative", "learning_model", "certificate"))
            day = max(date(today.year, 1, 2), today - timedelta(days=rng.randint(10, 40)))
            created = datetime.combine(today - timedelta(days=rng.randint(1, 8)),
                                       time(rng.randint(8, 16), rng.randint(0, 59))) - offset
            if day >= today or created.date() < day:
                continue
            out.append(_one(rng, uid, officers[uid].unit_id, kind, day, created, None,
                            deciders[officers[uid].unit_id], 9000 + len(out)))
    return out


def _canbo_submissions(canbo: Officer, deciders, today: date, offset: timedelta, rng):
    """``canbo``: an approved certificate (2025) and an initiative waiting for the head."""
    decider = deciders.get(canbo.unit_id)
    out = []
    cert_day = date(2025, 9, 20)
    if decider is not None and cert_day < today:
        row, pdf = _one(rng, canbo.user_id, _unit_on(canbo, cert_day), "certificate",
                        cert_day, datetime(2025, 9, 24, 2, 15), datetime(2025, 9, 29, 3, 40),
                        decider, 0)
        row.update(status="approved", reason="", title="Chứng chỉ TOEIC 750",
                   description="Chứng chỉ TOEIC do IIG Việt Nam cấp.",
                   details={"field": "language", "name": "TOEIC", "level": "750",
                            "issuer": "IIG Việt Nam"})
        out.append((row, pdf))
    day = max(date(today.year, 1, 2), today - timedelta(days=16))
    if day < today:
        created = datetime.combine(today - timedelta(days=3), time(9, 20)) - offset
        row, pdf = _one(rng, canbo.user_id, canbo.unit_id, "initiative", day, created, None,
                        decider, 1)
        row.update(title="Sổ tay kiểm tra sau thông quan hàng gia công, sản xuất xuất khẩu",
                   description="Tập hợp quy trình, bảng kiểm và các sai phạm thường gặp khi "
                               "kiểm tra sau thông quan loại hình gia công, sản xuất xuất "
                               "khẩu; đã áp dụng tại Đội Kiểm tra sau thông quan số 1.",
                   details={"scope": "unit", "decision": "Quyết định số 215/QĐ-KV02"})
        out.append((row, pdf))
    return [(row, tiny_pdf("HAI QUAN VIET NAM", row["title"], row["description"][:80],
                           f"Ngay {row['occurred_on'].strftime('%d/%m/%Y')}"))
            for row, _pdf in out]


def _store_submissions(items) -> tuple[int, int]:
    """Insert the submissions, their files and the audit entries the workflow writes (the
    submission, then the decision). Returns ``(submissions, pending)``."""
    if not items:
        return 0, 0
    rows = [row for row, _pdf in items]
    table = Submission.__table__
    ids = db.session.execute(sa.insert(table).returning(table.c.id,
                                                        sort_by_parameter_order=True),
                             rows).scalars().all()
    files, entries = [], []
    for sid, (row, pdf) in zip(ids, items, strict=True):
        digest, key = submissions._store(pdf)
        name = FILENAMES[row["kind"]]
        files.append({"submission_id": sid, "filename": name, "content_type": "application/pdf",
                      "size": len(pdf), "sha256": digest, "storage_key": key})
        snap = {"kind": row["kind"], "status": "pending", "title": row["title"],
                "description": row["description"], "occurred_on": row["occurred_on"],
                "details": row["details"], "unit_id": row["unit_id"],
                "files": [{"name": name, "sha256": digest, "size": len(pdf)}],
                "reason": "", "decided_by_id": None}
        entries.append({"at": row["created_at"], "actor_id": row["user_id"],
                        "action": "submission.submit", "object_type": "submission",
                        "object_id": str(sid), "before": None, "after": audit._jsonable(snap)})
        if row["decided_at"] is not None:
            entries.append({
                "at": row["decided_at"], "actor_id": row["decided_by_id"],
                "action": "submission.approve" if row["status"] == "approved"
                else "submission.reject",
                "object_type": "submission", "object_id": str(sid),
                "before": {"status": "pending", "reason": "", "decided_by_id": None},
                "after": audit._jsonable({"status": row["status"], "reason": row["reason"],
                                          "decided_by_id": row["decided_by_id"],
                                          "decided_at": row["decided_at"]})})
    db.session.execute(sa.insert(SubmissionFile.__table__), files)
    entries.sort(key=lambda e: e["at"])
    db.session.execute(sa.insert(AuditEntry.__table__), entries)
    return len(rows), sum(1 for r in rows if r["status"] == "pending")


# -- loading --------------------------------------------------------------------------------------
def build(seed: int, *, today: date | None = None, now: datetime | None = None) -> Built:
    """Insert the history (statements, submissions) up to ``now`` (local; default: the
    start of ``today``); scoring is left to :func:`load`."""
    today = today or campaign._today()
    first = campaign.CAMPAIGN_START
    built = Built()
    if today < first:
        return built
    courses = read_courses()
    offset_minutes = sources.offset_minutes(today)
    offset = timedelta(minutes=offset_minutes)
    # Up to the end of yesterday: loads on the same day give the same history, whatever
    # the hour.
    now_local = now or datetime.combine(today, time())
    officers = officers_in(first, today)
    if not officers:
        return built
    years = list(range(first.year, today.year + 1))
    cultures = unit_cultures(seed, officers, years)
    calendar = Calendar(first, date(today.year, 12, 31))
    planner = Planner(float(current_app.config.get("LMS_STUDY_CAP_FACTOR", 3)), calendar)
    emitter = Emitter(offset_minutes, now_local)
    forced, sittings = _course_evidence(courses)
    canbo_user = id_ops.get_user("canbo")
    canbo = canbo_user.id if canbo_user is not None and canbo_user.id in officers else None
    deciders = _deciders(officers)
    planted = _plant(seed, officers, today, first, {canbo} | set(deciders.values()))
    by_officer: dict[int, list[Planted]] = defaultdict(list)
    for p in planted:
        by_officer[p.user_id].append(p)
    actors = actors_of(officers)
    counts = {"statements": 0, "completions": 0}

    def study():
        completed = V.VERBS["completed"][0]
        for uid in sorted(officers):
            o = officers[uid]
            rng = random.Random(f"emulation-history-{seed}-{o.code}")
            ids = random.Random(f"emulation-ids-{seed}-{o.code}")
            diligence = rng.lognormvariate(-0.1, 0.55)
            pace = rng.uniform(0.95, 1.6)
            script = _canbo_script(today) if uid == canbo else []
            fixed = _fixed_runs(planner, rng, courses, pace, forced.get(uid, {}), script)
            for p in by_officer.get(uid, ()):
                free = [c for code, c in sorted(courses.items())
                        if code not in {r.course.code for r in fixed}
                        and not c.prerequisites]
                if p.kind == "hours_over_day" and len(free) >= 2:
                    fixed += _binge(planner, rng, rng.sample(free, 2), p.day, pace)
                elif p.kind == "completion_burst" and len(free) >= 3:
                    fixed += _burst(planner, rng, rng.sample(free, 3), p.day, pace)
            runs = fixed if uid == canbo else plan(
                planner, rng, courses, o, culture=cultures[o.unit_id], first=first,
                last=min(today, o.last_day), fixed=fixed, diligence=diligence, pace=pace)
            add_reviews(rng, runs, calendar, planner.cap_factor, culture=cultures[o.unit_id],
                        first=first, last=min(today, o.last_day), diligence=diligence)
            for run in sorted(runs, key=lambda r: r.sessions[0].start):
                for statement in emitter.run(ids, actors[uid], run):
                    counts["statements"] += 1
                    if statement["verb"]["id"] == completed:
                        counts["completions"] += 1
                    yield statement, uid

    built.statements = xs.record_many(study(), batch=BATCH)
    built.completions = counts["completions"]
    built.assessments = xs.record_many(
        _assessment_statements(seed, officers, actors, sittings, emitter, first), batch=BATCH)
    built.statements += built.assessments
    items = _submission_rows(seed, officers, cultures, deciders, calendar, first, today,
                             offset, canbo)
    items += _recent_pending(seed, officers, deciders, today, offset,
                             {canbo} | set(deciders.values()))
    if canbo is not None:
        items = _canbo_submissions(officers[canbo], deciders, today, offset,
                                   random.Random(f"emulation-canbo-{seed}")) + items
    items.sort(key=lambda item: (item[0]["created_at"], item[0]["user_id"]))
    decided = [row for row, _pdf in items if row["decided_at"] is not None
               and row["user_id"] != canbo]
    if decided and not any(row["status"] == "rejected" for row in decided):
        row = decided[len(decided) // 2]  # a small demo has one rejection too
        row.update(status="rejected", reason=REJECTIONS[row["kind"]][0])
    built.submissions, built.pending = _store_submissions(items)
    built.anomalies = planted
    db.session.flush()
    return built


def _decide_planted(planted: list[Planted], offset: timedelta) -> int:
    """Score the officers of the planted anomalies that a head decided (so that the scoring
    flags them), then decide them as the head would, a few days later. Returns how many."""
    decided = [p for p in planted if p.decision]
    periods = {}
    for p in decided:
        for period in campaign.periods_containing(p.day, open_only=True):
            if period.kind == "year":
                periods.setdefault(period.id, (period, set()))[1].add(p.user_id)
    for period, users in periods.values():
        scoring.recompute_period(period, users=sorted(users), rank=False)
    done = 0
    for p in decided:
        anomaly = db.session.scalar(sa.select(Anomaly).where(
            Anomaly.user_id == p.user_id, Anomaly.kind == p.kind, Anomaly.day == p.day))
        head = id_ops.get_user(p.decider) if p.decider else None
        if anomaly is None or head is None:
            continue
        note = ("Đã xác minh: công chức để nhiều trang bài học mở cùng lúc; không tính số giờ "
                "của ngày này." if p.decision == "excluded" else
                "Đã xác minh: công chức học tập trung cả ngày nghỉ để chuẩn bị kỳ đánh giá.")
        anomalies.decide(anomaly, p.decision, head, note)
        when = datetime.combine(p.day + timedelta(days=4), time(9, 30)) - offset
        anomaly.reviewed_at = when
        db.session.execute(sa.update(AuditEntry).where(
            AuditEntry.action == "anomaly.decide", AuditEntry.object_id == str(anomaly.id))
            .values(at=when))
        done += 1
    db.session.flush()
    return done


def load(seed: int | None = None) -> str:
    """Build the history and score every period (see the module). Flushes, never commits.
    Returns a one-line summary, or "" when there are no officers or scores exist already."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Score)) or \
            db.session.scalar(sa.select(sa.func.count()).select_from(Submission)):
        return ""
    if campaign.campaign() is None:
        return ""
    seed = 2025 if seed is None else seed
    today = campaign._today()
    built = build(seed, today=today)
    if not built.statements and not built.submissions:
        return ""
    offset = timedelta(minutes=sources.offset_minutes(today))
    decided = _decide_planted(built.anomalies, offset)
    frozen = scoring.close_due_periods(today=today)
    results = scoring.recompute_all(today=today)
    flagged = db.session.scalar(sa.select(sa.func.count()).select_from(Anomaly)) or 0
    db.session.flush()
    return (f"{built.statements} statements ({built.completions} course completions, "
            f"{built.assessments} assessment results), {built.submissions} evidence "
            f"submissions ({built.pending} pending), {flagged} anomalies flagged "
            f"({decided} decided), scores for {len(frozen) + len(results)} periods "
            f"({len(frozen)} closed)")

