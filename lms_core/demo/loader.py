"""Build the demo organisation: the tree of 1 January 2024, officers, the restructuring of
1 March 2025 and the adjustment of 1 July 2025, rotations, and the documented demo accounts.

The tree and every change to it go through :mod:`lms_core.organisation.operations`, so the
history is recorded exactly as an HR administrator's changes would be. Generated officers,
their role grants and first assignments are bulk-inserted (one password hash for all), which
keeps a 20,000-officer load fast; they therefore send no ``user_created`` signal.

Everything is flushed, never committed: the caller commits once.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

import sqlalchemy as sa

from lms_core.db import utcnow
from lms_core.demo import names
from lms_core.demo import organisation_data as data
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as id_ops
from lms_core.identity import roles as R
from lms_core.identity.models import RoleGrant, User
from lms_core.organisation import operations as org_ops
from lms_core.organisation.models import Assignment, Unit
from lms_core.text import fold

#: The password of every demo account and every generated officer (documented in
#: docs/demo.md; it satisfies the default password policy).
DEMO_PASSWORD = "HaiQuan@2025"  # noqa: S105
DEFAULT_OFFICERS = 400
DEFAULT_SEED = 2025
#: Ages are counted on this day, so a seed gives the same people whatever today is.
AGE_REFERENCE = date(2026, 1, 1)
ROTATION_DATES = (date(2024, 7, 1), date(2025, 9, 1))
EMAIL_DOMAIN = "customs.gov.vn"
CHUNK = 2000


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    gender: str
    birth_date: date
    roles: tuple[str, ...]
    unit_code: str  #: where the account works from ``start_on`` (before the restructuring)
    position_code: str
    start_on: date
    heads: str | None = None  #: the unit led, for a unit head
    note: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("canbo", "Nguyễn Thị Thu Hà", "F", date(1990, 4, 12), (R.OFFICER,),
                "HQHCM-KT-D1", "KTSTQ-KT", date(2019, 8, 1),
                note="officer, post-clearance audit, Ho Chi Minh City"),
    DemoAccount("giangvien", "Trần Minh Tuấn", "M", date(1982, 11, 3), (R.OFFICER, R.AUTHOR),
                "THQVN-01", "TCCB-GV", date(2017, 9, 1),
                note="training staff (author), Vietnam Customs School"),
    DemoAccount("kiemduyet", "Lê Thị Hồng Nhung", "F", date(1986, 6, 25),
                (R.OFFICER, R.AUTHOR), "VTCCB-03", "TCCB-DT", date(2018, 3, 1),
                note="second author / reviewer, training division"),
    DemoAccount("truongdonvi", "Võ Quốc Hùng", "M", date(1970, 2, 14), (R.OFFICER,),
                "HQHCM", "LD-CT", date(2021, 6, 1), heads="KV02",
                note="unit head of Regional Customs Branch II (Ho Chi Minh City)"),
    DemoAccount("truongdonvi2", "Phạm Đức Thắng", "M", date(1972, 9, 30), (R.OFFICER,),
                "HQHN", "LD-CT", date(2020, 10, 1), heads="KV01",
                note="unit head of Regional Customs Branch I (Hanoi)"),
    DemoAccount("quantri", "Đỗ Thị Minh Phương", "F", date(1979, 1, 8),
                (R.OFFICER, R.HR_ADMIN), "VTCCB-02", "TCCB-TC", date(2016, 5, 1),
                note="HR administrator, personnel and organisation"),
]


def current_unit(username: str) -> Unit | None:
    """The unit a (demo) account belongs to today."""
    return db.session.scalar(
        sa.select(Unit).join(Assignment, Assignment.unit_id == Unit.id).join(User)
        .where(User.username == username, Assignment.end_on.is_(None))
    )


# --- the plan: units with their share of officers -----------------------------------------

@dataclass
class Node:
    """A unit to create, with how officers are spread over it and its children."""

    code: str
    name_vi: str
    name_en: str
    kind: str
    share: float = 1.0  #: weight among its siblings
    direct_share: float = 0.0  #: weight of its own direct members among its children
    leaders: str | None = None  #: key of organisation_data.LEADERS
    max_deputies: int = 2
    leaders_slot: bool = False  #: direct members are mostly its leaders
    profile: str = "GEN"
    female: float = 0.4
    south: bool = False
    children: list[Node] = field(default_factory=list)
    province: data.Province | None = None


def _apportion(n: int, weights: list[float]) -> list[int]:
    """Split ``n`` in proportion to ``weights`` (largest remainder; deterministic)."""
    total = sum(weights)
    if n <= 0 or total <= 0:
        return [0] * len(weights)
    quotas = [n * w / total for w in weights]
    counts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _team(code, vi, en, profile, south, share=1.0) -> Node:
    female = {"gs": 0.38, "th": 0.55, "ks": 0.12, "kt": 0.42}.get(profile, 0.4)
    return Node(code, vi, en, "team", share=share, direct_share=1.0, leaders=profile,
                profile=profile, female=female, south=south)


def _scale_children(node: Node) -> Node:
    """Rescale the children's shares so that direct members get ``direct_share`` percent."""
    total = sum(c.share for c in node.children)
    for child in node.children:
        child.share *= (100 - node.direct_share) / total
    return node


def build_plan(rng: random.Random) -> Node:
    """The tree as it stood on 1 January 2024, with (jittered) shares of officers."""
    root = Node(data.ROOT_CODE, *data.ROOT_2024, "department", direct_share=0.3,
                leaders="root", max_deputies=4, leaders_slot=True, profile="GEN")
    for dept in data.HQ_DEPARTMENTS:
        school = dept.kind == "school"
        node = Node(dept.code, dept.name_vi, dept.name_en, dept.kind, share=dept.weight,
                    direct_share=10 if school else 15, leaders="school" if school else "hq",
                    max_deputies=3, leaders_slot=True, profile=dept.profile,
                    female=0.5 if school else 0.45)
        for i, (vi, en) in enumerate(dept.divisions, start=1):
            faculty = vi.startswith("Khoa")
            team_profile = dept.profile if not vi.startswith("Phòng Tổ chức") else "TCCB"
            node.children.append(Node(
                f"{dept.code}-{i:02d}", vi, en, "team", share=rng.uniform(0.7, 1.3),
                direct_share=1.0, leaders="faculty" if faculty else "division",
                profile=team_profile, female=0.5 if school else 0.45))
        root.children.append(_scale_children(node))
    for p in data.PROVINCES:
        big = p.weight >= 25
        prov = Node(p.code, p.name_vi, p.name_en, "provincial", share=p.weight, direct_share=6,
                    leaders="prov", max_deputies=3, leaders_slot=True, profile="prov",
                    female=0.45, south=p.south, province=p)
        subs_total = 76.0
        sub_weights = [rng.uniform(0.75, 1.25) / (i + 1) ** 0.6 for i in range(len(p.subs))]
        scale = subs_total / sum(sub_weights)
        for i, ((vi, en), w) in enumerate(zip(p.subs, sub_weights, strict=True), start=1):
            code = f"{p.code}-{i:02d}"
            sub = Node(code, f"Chi cục Hải quan {vi}", f"{en} Customs Sub-department",
                       "sub_department", share=w * scale, direct_share=12, leaders="sub",
                       max_deputies=3, leaders_slot=True, profile="sub", female=0.3,
                       south=p.south)
            if big and i <= 4:
                teams = [("Đội Thủ tục hàng hóa xuất nhập khẩu", "Import-Export Clearance Team",
                          "gs"), ("Đội Giám sát", "Supervision Team", "gs"),
                         ("Đội Tổng hợp", "General Affairs Team", "th")]
            else:
                teams = [("Đội Nghiệp vụ", "Operations Team", "gs"),
                         ("Đội Tổng hợp", "General Affairs Team", "th")]
            for j, (tvi, ten, profile) in enumerate(teams, start=1):
                share = rng.uniform(0.8, 1.2) * (0.6 if profile == "th" else 1.0)
                sub.children.append(_team(f"{code}-D{j}", tvi, ten, profile, p.south, share))
            prov.children.append(_scale_children(sub))
        prov.children.append(_team(f"{p.code}-KS", "Đội Kiểm soát hải quan",
                                   "Customs Enforcement Team", "ks", p.south, share=8))
        kt = Node(f"{p.code}-KT", "Chi cục Kiểm tra sau thông quan",
                  "Post-Clearance Audit Sub-department", "sub_department", share=10,
                  direct_share=15, leaders="sub_kt", max_deputies=2, leaders_slot=True,
                  profile="kt", female=0.42, south=p.south)
        if big:
            kt.children += [
                _team(f"{p.code}-KT-D1", "Đội Kiểm tra sau thông quan số 1",
                      "Post-Clearance Audit Team 1", "kt", p.south),
                _team(f"{p.code}-KT-D2", "Đội Kiểm tra sau thông quan số 2",
                      "Post-Clearance Audit Team 2", "kt", p.south),
            ]
        else:
            kt.children.append(_team(f"{p.code}-KT-D1", "Đội Kiểm tra sau thông quan",
                                     "Post-Clearance Audit Team", "kt", p.south))
        prov.children.append(_scale_children(kt))
        root.children.append(prov)
    return root


def walk(node: Node, parent: Node | None = None):
    """``(node, parent)`` depth-first, parents before children."""
    yield node, parent
    for child in node.children:
        yield from walk(child, node)


# --- people ---------------------------------------------------------------------------------

@dataclass
class Person:
    code: str
    username: str
    full_name: str
    gender: str
    birth_date: date
    unit_code: str
    position_code: str
    start_on: date
    slot: str  #: leaders key of the slot (for rotations)
    rank: str  #: "head", "deputy" or "staff"
    top: str  #: the first-level unit in 2024


def _birth(rng: random.Random, age_low: int, age_high: int) -> date:
    age_days = rng.randint(int(age_low * 365.25), int((age_high + 1) * 365.25) - 1)
    return AGE_REFERENCE - timedelta(days=age_days)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _start(rng: random.Random, birth: date, rank: str) -> date:
    earliest = max(data.ESTABLISHED_ON, _add_years(birth, 22))
    latest = date(2024, 12, 31)
    if rank == "head":
        low, high = max(earliest, date(2018, 1, 1)), date(2024, 6, 30)
    elif rng.random() < 0.88:
        low, high = earliest, date(2023, 12, 31)
    else:
        low, high = max(earliest, date(2024, 1, 1)), latest
    if low > high:
        low, high = min(earliest, latest), latest
    return date.fromordinal(rng.randint(low.toordinal(), high.toordinal()))


#: Ages of heads and deputies by the level of the unit they lead.
_LEVEL = {"root": "top", "hq": "top", "prov": "top", "school": "top", "division": "mid",
          "sub": "mid", "sub_kt": "mid", "faculty": "mid", "gs": "team", "th": "team",
          "ks": "team", "kt": "team"}
_AGES = {"top": {"head": (52, 59), "deputy": (44, 57)},
         "mid": {"head": (42, 58), "deputy": (34, 54)},
         "team": {"head": (36, 56), "deputy": (29, 50)}}


class _Picker:
    def __init__(self, table: list[tuple[str, int]]):
        self.items = [c for c, _w in table]
        self.cum = list(accumulate(w for _c, w in table))

    def __call__(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cum)[0]


def generate_people(plan: Node, n: int, rng: random.Random, first_number: int,
                    usernames: names.Usernames, taken_heads: set[str]) -> list[Person]:
    """``n`` officers spread over the plan's units (deterministic for a given ``rng``)."""
    counts: dict[str, int] = {}
    tops: dict[str, str] = {}

    def allocate(node: Node, k: int, top: str) -> None:
        parts = _apportion(k, [node.direct_share] + [c.share for c in node.children])
        counts[node.code] = parts[0]
        tops[node.code] = top
        for child, share in zip(node.children, parts[1:], strict=True):
            allocate(child, share, child.code if node is plan else top)

    allocate(plan, n, plan.code)
    pickers = {key: _Picker(table) for key, table in data.PROFILE_POSITIONS.items()}
    people: list[Person] = []
    number = first_number
    for node, _parent in walk(plan):
        k = counts[node.code]
        if not k:
            continue
        head_code, deputy_code = data.LEADERS[node.leaders]
        # a team's first officer leads it once it has a few members; a department's or a
        # sub-department's own members are its leadership first
        has_head = node.code not in taken_heads and (node.leaders_slot or k >= 3)
        if node.leaders_slot:
            deputies = min(node.max_deputies, k - (1 if has_head else 0))
        else:
            deputies = min(node.max_deputies, max(0, (k - 1) // 4))
        south = node.south
        for i in range(k):
            if has_head and i == 0:
                rank, position = "head", head_code
            elif i < deputies + (1 if has_head else 0):
                rank, position = "deputy", deputy_code
            else:
                rank, position = "staff", pickers[node.profile](rng)
            female = {"head": 0.12, "deputy": 0.25}.get(rank, node.female)
            gender = "F" if rng.random() < female else "M"
            low, high = _AGES[_LEVEL[node.leaders]].get(rank, (23, 60))
            birth = _birth(rng, low, high)
            full_name = names.full_name(rng, gender, south)
            people.append(Person(
                code=f"HQ{number:06d}", username=usernames.take(full_name), full_name=full_name,
                gender=gender, birth_date=birth, unit_code=node.code, position_code=position,
                start_on=_start(rng, birth, rank), slot=node.leaders, rank=rank,
                top=tops[node.code]))
            number += 1
    return people


# --- the load -------------------------------------------------------------------------------

Progress = Callable[[Iterable, str], object]


def _no_progress(iterable: Iterable, label: str):
    return nullcontext(iterable)


def database_counts() -> tuple[int, int]:
    """``(units, users)`` already in the database."""
    units = db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) or 0
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0
    return units, users


def reset_database() -> list[str]:
    """Delete every row of every table (core and plugins, loaded or not) except Alembic's
    version table; the schema stays. Returns the tables emptied."""
    meta = sa.MetaData()
    meta.reflect(bind=db.session.connection())
    ordered = sa.schema.sort_tables_and_constraints(meta.tables.values())
    # Tables whose keys form a cycle (courses <-> course_versions): their nullable keys into
    # one another are cleared first (whichever key the sort chose to break may be NOT NULL).
    cyclic = [fk for table, constraints in ordered if table is None for fk in constraints]
    in_cycle = {fk.parent.name for fk in cyclic} | {fk.referred_table.name for fk in cyclic}
    for name in sorted(in_cycle):
        table = meta.tables[name]
        nullable = {col.name: None for fk in table.foreign_key_constraints
                    if fk.referred_table.name in in_cycle for col in fk.columns if col.nullable}
        if nullable:
            db.session.execute(table.update().values(nullable))
    emptied = []
    for table, _constraints in reversed(ordered):
        if table is None or table.name == "alembic_version":
            continue
        db.session.execute(table.delete())
        emptied.append(table.name)
    db.session.flush()
    return emptied


@dataclass
class LoadResult:
    officers: int = 0
    units: int = 0
    positions: int = 0
    rotations: list[tuple[str, str, str, date]] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=list)


def load_demo(officers: int = DEFAULT_OFFICERS, seed: int = DEFAULT_SEED,
              progress: Progress = _no_progress) -> LoadResult:
    """Load the demo organisation into an empty database (flushes, does not commit).

    ``officers`` generated officers come on top of the documented demo accounts; the same
    ``seed`` gives the same organisation and the same people."""
    for account in DEMO_ACCOUNTS:
        id_ops.check_password_policy(DEMO_PASSWORD, account.username)
    units, users = database_counts()
    if units or users:
        raise UserError(f"the database already holds {units} units and {users} users")
    rng = random.Random(seed)
    result = LoadResult(accounts=list(DEMO_ACCOUNTS))
    password_hash = id_ops.hash_password(DEMO_PASSWORD)  # once: hashing is slow on purpose

    # 1. fields and positions
    fields = {code: org_ops.save_field(code, vi, en) for code, vi, en in data.FIELDS}
    positions = {
        spec.code: org_ops.save_position(spec.code, spec.name_vi, spec.name_en,
                                         field=fields.get(spec.field) if spec.field else None,
                                         is_leadership=spec.leadership)
        for spec in data.POSITIONS
    }
    result.positions = len(positions)

    # 2. the tree of 1 January 2024
    plan = build_plan(rng)
    nodes = list(walk(plan))
    by_code: dict[str, Unit] = {}
    with progress(nodes, "Units of 2024") as bar:
        for node, parent in bar:
            on = data.FOUNDED_ON if parent is None else data.ESTABLISHED_ON
            by_code[node.code] = org_ops.create_unit(
                node.code, node.name_vi, node.name_en, node.kind,
                parent=by_code[parent.code] if parent else None, on=on)

    # 3. the demo accounts, then the generated officers (bulk)
    usernames = names.Usernames(a.username for a in DEMO_ACCOUNTS)
    now = utcnow()
    demo_users = {}
    for number, account in enumerate(DEMO_ACCOUNTS, start=1):
        user = id_ops.create_user(account.username, account.full_name, code=f"HQ{number:06d}",
                                  roles=account.roles, email=f"{account.username}@{EMAIL_DOMAIN}")
        user.gender, user.birth_date = account.gender, account.birth_date
        user.password_hash, user.password_changed_at = password_hash, now
        org_ops.assign(user, by_code[account.unit_code], positions[account.position_code],
                       start_on=account.start_on)
        demo_users[account.username] = user
    taken_heads = {a.unit_code for a in DEMO_ACCOUNTS if a.position_code.startswith("LD-")
                   and not a.position_code.startswith("LD-P")}
    people = generate_people(plan, officers, rng, len(DEMO_ACCOUNTS) + 1, usernames,
                             taken_heads)
    _insert_people(people, by_code, positions, password_hash, now, progress)
    result.officers = len(people)

    # 4. rotations of 2024, the restructuring, the adjustment, rotations of 2025
    pipeline = _pipeline(people, rng)
    n_rotations = max(3, min(20, officers // 40)) if officers else 0
    first_wave = (n_rotations + 1) // 2
    result.rotations += _rotate(pipeline, first_wave, ROTATION_DATES[0], plan, by_code,
                                positions, rng, phase=2024)
    _restructure(plan, by_code, progress)
    _adjust(by_code)
    result.rotations += _rotate(pipeline, n_rotations - first_wave, ROTATION_DATES[1], plan,
                                by_code, positions, rng, phase=2025)

    # 5. unit heads lead the branches created in 2025
    for account in DEMO_ACCOUNTS:
        if account.heads:
            id_ops.grant_role(demo_users[account.username], R.UNIT_HEAD,
                              by_code[account.heads].id)
    db.session.flush()
    result.units = len(by_code)
    return result


def _insert_people(people: list[Person], by_code, positions, password_hash, now,
                   progress: Progress) -> None:
    chunks = [people[i:i + CHUNK] for i in range(0, len(people), CHUNK)]
    with progress(chunks, "Officers") as bar:
        for chunk in bar:
            db.session.execute(sa.insert(User), [{
                "code": p.code, "username": p.username, "full_name": p.full_name,
                "search_text": fold(f"{p.full_name} {p.code} {p.username}"),
                "email": f"{p.username}@{EMAIL_DOMAIN}", "gender": p.gender,
                "birth_date": p.birth_date, "password_hash": password_hash, "active": True,
                "failed_logins": 0, "must_change_password": False,
                "password_changed_at": now, "created_at": now,
            } for p in chunk])
            ids = dict(db.session.execute(
                sa.select(User.code, User.id).where(User.code.in_([p.code for p in chunk]))
            ).all())
            db.session.execute(sa.insert(RoleGrant), [
                {"user_id": ids[p.code], "role": R.OFFICER, "unit_id": None, "granted_at": now}
                for p in chunk
            ])
            db.session.execute(sa.insert(Assignment), [{
                "user_id": ids[p.code], "unit_id": by_code[p.unit_code].id,
                "position_id": positions[p.position_code].id, "start_on": p.start_on,
                "end_on": None, "kind": "appointment", "planned_end_on": None, "note": "",
                "created_at": now,
            } for p in chunk])


#: Slots whose deputies may rotate, grouped by level: a deputy head of an HQ division or a
#: sub-department, and a deputy team leader, go to a post of the same level elsewhere.
_ROTATION_LEVELS = {"division": "A", "sub": "A", "sub_kt": "A",
                    "gs": "B", "th": "B", "ks": "B", "kt": "B"}
#: Kept out of rotations so the Ho Chi Minh City branch's membership only changes by the merge.
_NO_ROTATION = {"HQHCM"}


def _pipeline(people: list[Person], rng: random.Random) -> list[Person]:
    """Officers in the leadership pipeline (men ≤45, women ≤40 in 2024), to be popped from
    the end: deputies first, then (in a small demo with few deputies) officers planned for a
    deputy post; each group in a random order fixed by the seed."""
    deputies, planned = [], []
    for p in people:
        age = (date(2024, 7, 1) - p.birth_date).days // 365
        if p.slot in _ROTATION_LEVELS and p.top not in _NO_ROTATION and p.rank != "head" \
                and 28 <= age <= (45 if p.gender == "M" else 40) \
                and p.start_on < date(2024, 7, 1):
            (deputies if p.rank == "deputy" else planned).append(p)
    rng.shuffle(deputies)
    rng.shuffle(planned)
    return planned + deputies


def _top_2025(plan: Node) -> dict[str, str]:
    """``unit code -> first-level unit code`` after the restructuring (branch or central)."""
    central_of = {old: code for code, _vi, _en, olds in data.CENTRAL_UNITS for old in olds}
    branch_of = {p: data.branch_code(i) for i, ps in enumerate(data.BRANCHES) for p in ps}
    moved = {code: branch for code, branch, _note in data.ADJUSTMENTS}
    out = {}
    for top in plan.children:
        first = branch_of.get(top.code) or central_of.get(top.code) or top.code
        for node, _parent in walk(top):
            out[node.code] = first
        for node, _parent in walk(top):
            for code, branch in moved.items():
                if node.code == code or node.code.startswith(code + "-"):
                    out[node.code] = branch
    return out


def _rotate(pipeline: list[Person], count: int, on: date, plan: Node, by_code, positions,
            rng: random.Random, phase: int) -> list[tuple[str, str, str, date]]:
    """Rotate ``count`` pipeline officers on ``on`` to a post of the same level in another
    first-level unit (3-year term); returns ``(username, from, to, on)``."""
    if count <= 0:
        return []
    top_of = {c.code: c.code for c in plan.children}
    for top in plan.children:
        for node, _parent in walk(top):
            top_of[node.code] = top.code
    if phase == 2025:
        top_of = _top_2025(plan)
    targets: dict[str, list[Node]] = {}
    for node, _parent in walk(plan):
        level = _ROTATION_LEVELS.get(node.leaders or "")
        if level and node.kind != "school" and not node.code.startswith("THQVN") \
                and not any(node.code.startswith(t) for t in _NO_ROTATION):
            targets.setdefault(level, []).append(node)
    done = []
    while pipeline and len(done) < count:
        p = pipeline.pop()
        user = db.session.scalar(sa.select(User).where(User.code == p.code))
        current = db.session.scalar(sa.select(Assignment).where(
            Assignment.user_id == user.id, Assignment.end_on.is_(None)))
        if current is None or current.start_on >= on:
            continue
        source = current.unit
        choices = [n for n in targets[_ROTATION_LEVELS[p.slot]]
                   if top_of.get(n.code) != top_of.get(source.code)
                   and by_code[n.code].dissolved_on is None]
        target = rng.choice(choices)
        deputy = data.LEADERS[target.leaders][1]
        org_ops.assign(user, by_code[target.code], positions[deputy], start_on=on,
                       kind="rotation", note="Luân chuyển cán bộ trong diện quy hoạch")
        done.append((p.username, source.code, target.code, on))
    return done


def _restructure(plan: Node, by_code: dict[str, Unit], progress: Progress) -> None:
    """The restructuring of 1 March 2025, through the organisation operations."""
    on = data.RESTRUCTURED_ON
    note = "Sắp xếp tổ chức bộ máy Hải quan Việt Nam từ ngày 01/03/2025."
    root = by_code[data.ROOT_CODE]
    provinces = {p.code: p for p in data.PROVINCES}
    steps: list[tuple[str, object]] = [("root", None)]
    steps += [("central", c) for c in data.CENTRAL_UNITS]
    steps += [("branch", (i, ps)) for i, ps in enumerate(data.BRANCHES)]
    with progress(steps, "Restructuring of 2025") as bar:
        for kind, item in bar:
            if kind == "root":
                org_ops.rename_unit(root, *data.ROOT_2025, on=on, note=note)
            elif kind == "central":
                code, vi, en, olds = item
                unit = org_ops.create_unit(code, vi, en, "central", parent=root, on=on,
                                           note=note)
                by_code[code] = unit
                org_ops.merge_units([by_code[c] for c in olds], unit, on=on, note=note)
            else:
                i, codes = item
                vi, en = data.branch_names(i)
                area = ", ".join(a for c in codes for a in provinces[c].area)
                branch = org_ops.create_unit(data.branch_code(i), vi, en, "branch", parent=root,
                                             on=on, note=f"Địa bàn quản lý: {area}.")
                by_code[branch.code] = branch
                org_ops.merge_units([by_code[c] for c in codes], branch, on=on, note=note)
                for c in codes:
                    _rename_former_units(provinces[c], by_code, several=len(codes) > 1, on=on,
                                         note=note)


def _rename_former_units(p: data.Province, by_code, *, several: bool, on: date,
                         note: str) -> None:
    """Former sub-departments become "Hải quan …" units of the branch."""
    for i, (vi, en) in enumerate(p.subs, start=1):
        org_ops.rename_unit(by_code[f"{p.code}-{i:02d}"], f"Hải quan {vi}", f"{en} Customs",
                            on=on, note=note)
    place_vi = f" {p.place_vi}" if several else ""
    place_en = f" ({p.place_en})" if several else ""
    org_ops.rename_unit(by_code[f"{p.code}-KT"], f"Phòng Kiểm tra sau thông quan{place_vi}",
                        f"Post-Clearance Audit Division{place_en}", on=on, note=note)
    if several:
        org_ops.rename_unit(by_code[f"{p.code}-KS"], f"Đội Kiểm soát hải quan{place_vi}",
                            f"Customs Enforcement Team{place_en}", on=on, note=note)


def _adjust(by_code: dict[str, Unit]) -> None:
    """The adjustment of the branches' areas, effective 1 July 2025."""
    for code, branch, note in data.ADJUSTMENTS:
        org_ops.move_unit(by_code[code], by_code[branch], on=data.ADJUSTED_ON, note=note)

