"""Business logic for users: creation, roles, passwords, authentication with lock-out.

Operations flush but never commit: the caller (a request, a CLI command) commits once.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.models import RoleGrant, User
from lms_core.signals import identity as signals
from lms_core.text import fold

#: Hash checked when the user does not exist, so an unknown name costs as long as a wrong
#: password and response times do not reveal which accounts exist.
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    method = current_app.config.get("LMS_PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def check_password_policy(password: str, username: str = "") -> None:
    """Raise :class:`UserError` unless ``password`` is long enough, mixes letters and digits,
    and is not the username."""
    min_len = current_app.config["LMS_PASSWORD_MIN_LENGTH"]
    if len(password) < min_len:
        raise UserError(_("The password must have at least %(n)d characters.", n=min_len),
                        field="password")
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise UserError(_("The password must contain both letters and digits."),
                        field="password")
    if username and fold(username) in fold(password):
        raise UserError(_("The password must not contain the username."), field="password")


def set_password(user: User, password: str, *, check_policy: bool = True) -> None:
    if check_policy:
        check_password_policy(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = False


def refresh_search_text(user: User) -> None:
    user.search_text = fold(f"{user.full_name} {user.code} {user.username}")


def user_by_id(user_id: int) -> User | None:
    """The user with this database id, or None."""
    return db.session.get(User, user_id)


def users_by_ids(ids) -> dict[int, User]:
    """``id -> User`` for the given ids (unknown ids are left out); loads in chunks."""
    wanted = sorted(set(ids))
    found: dict[int, User] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        rows = db.session.scalars(sa.select(User).where(User.id.in_(chunk)))
        found.update((u.id, u) for u in rows)
    return found


def get_user(code_or_username: str) -> User | None:
    """The user with this personnel code or username (case-insensitive), or None."""
    key = (code_or_username or "").strip()
    if not key:
        return None
    # Usernames are stored lower-case and codes upper-case, so both lookups use their index.
    return db.session.scalar(
        sa.select(User).where(sa.or_(User.username == key.lower(), User.code == key.upper())))


def create_user(
    username: str,
    full_name: str,
    *,
    code: str | None = None,
    password: str | None = None,
    roles: tuple[str, ...] | list[str] = (R.OFFICER,),
    email: str | None = None,
    check_policy: bool = True,
) -> User:
    """Create a user; ``code`` defaults to the upper-cased username."""
    username = username.strip().lower()
    if not username:
        raise UserError(_("A username is required."), field="username")
    code = (code or username).strip().upper()
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise UserError(_("The username %(name)s is already taken.", name=username),
                        field="username")
    if db.session.scalar(sa.select(User.id).where(User.code == code)):
        raise UserError(_("The personnel code %(code)s is already used.", code=code), field="code")
    for role in roles:
        if role not in R.ALL_ROLES:
            raise UserError(_("Unknown role: %(role)s", role=role), field="roles")
    user = User(username=username, code=code, full_name=full_name.strip(), email=email)
    refresh_search_text(user)
    if password is not None:
        set_password(user, password, check_policy=check_policy)
    db.session.add(user)
    for role in dict.fromkeys(roles):
        user.grants.append(RoleGrant(role=role))
    db.session.flush()
    signals.user_created.send(user)
    return user


def grant_role(user: User, role: str, unit_id: int | None = None) -> None:
    if role not in R.ALL_ROLES:
        raise UserError(_("Unknown role: %(role)s", role=role), field="roles")
    if role == R.UNIT_HEAD and unit_id is None:
        raise UserError(_("A unit head must be given the unit they lead."), field="unit")
    if role != R.UNIT_HEAD:
        unit_id = None
    if any(g.role == role and g.unit_id == unit_id for g in user.grants):
        return
    user.grants.append(RoleGrant(role=role, unit_id=unit_id))
    db.session.flush()
    signals.roles_changed.send(user, added={(role, unit_id)}, removed=set())


def revoke_role(user: User, role: str, unit_id: int | None = None) -> None:
    removed = {(g.role, g.unit_id) for g in user.grants
               if g.role == role and (unit_id is None or g.unit_id == unit_id)}
    if not removed:
        return
    user.grants = [g for g in user.grants if (g.role, g.unit_id) not in removed]
    db.session.flush()
    signals.roles_changed.send(user, added=set(), removed=removed)


def set_roles(user: User, roles: set[str], *, keep_heads: set[int], add_head: int | None = None,
              actor: User) -> None:
    """Give ``user`` exactly the plain ``roles``, keep the unit-head grants for the units in
    ``keep_heads`` and add one for ``add_head``. An HR administrator cannot remove their own
    HR administrator role (another one must)."""
    if actor.id == user.id and R.HR_ADMIN in user.roles and R.HR_ADMIN not in roles:
        raise UserError(_("You cannot remove your own HR administrator role; ask another HR "
                          "administrator."), field="roles")
    current = user.roles - {R.UNIT_HEAD}
    for role in sorted(roles - current):
        grant_role(user, role)
    for role in sorted(current - roles):
        revoke_role(user, role)
    for unit_id in sorted(user.headed_unit_ids - keep_heads):
        revoke_role(user, R.UNIT_HEAD, unit_id)
    if add_head:
        grant_role(user, R.UNIT_HEAD, add_head)


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (cannot log in; history kept) or reactivate an account; not one's own."""
    if actor.id == user.id and not active:
        raise UserError(_("You cannot deactivate your own account."))
    user.active = active
    db.session.flush()


class LoginResult:
    """The outcome of :func:`authenticate`: ``user`` on success, else ``error``."""

    def __init__(self, user: User | None = None, error: str | None = None):
        self.user = user
        self.error = error

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(username: str, password: str) -> LoginResult:
    """Check a login. Counts failures per account; after ``LMS_LOGIN_MAX_FAILURES`` in a row
    the account is locked for ``LMS_LOGIN_LOCKOUT_MINUTES`` (kept in the database, so every
    app server sees it). The message never says whether the username exists."""
    bad = _("Wrong username or password.")
    user = get_user(username)
    now = utcnow()
    if user is None or not user.password_hash:
        method = current_app.config.get("LMS_PASSWORD_HASH_METHOD", "scrypt")
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash("x-dummy-password-1", method=method)
        check_password_hash(_DUMMY_HASH[method], password or "")
        return LoginResult(error=bad)
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        return LoginResult(error=_(
            "This account is locked after too many failed logins. Try again in %(n)d minutes "
            "or ask an HR administrator to unlock it.", n=minutes))
    if not check_password_hash(user.password_hash, password or ""):
        user.failed_logins = (user.failed_logins or 0) + 1
        locked = user.failed_logins >= current_app.config["LMS_LOGIN_MAX_FAILURES"]
        if locked:
            user.locked_until = now + timedelta(
                minutes=current_app.config["LMS_LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
        db.session.flush()
        signals.login_failed.send(user, locked=locked)
        if locked:
            return LoginResult(error=_(
                "Too many failed logins: this account is locked for %(n)d minutes.",
                n=current_app.config["LMS_LOGIN_LOCKOUT_MINUTES"]))
        return LoginResult(error=bad)
    if not user.active:
        return LoginResult(error=_("This account is disabled."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return LoginResult(user=user)


def unlock(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """The user's own password change: the current password must be right."""
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        raise UserError(_("The current password is wrong."), field="current_password")
    if new != confirm:
        raise UserError(_("The two new passwords differ."), field="confirm")
    if check_password_hash(user.password_hash, new):
        raise UserError(_("The new password must differ from the current one."), field="password")
    set_password(user, new)
    db.session.flush()
