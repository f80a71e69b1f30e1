"""Accounts: registration, log-in, profile, staff management. Services flush; the request commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from app.accounts import sessions
from app.accounts.models import User
from app.accounts.passwords import burn_verify_time, hash_password, verify_password
from app.accounts.permissions import can_grant, can_manage
from app.accounts.phones import normalise_mobile, try_normalise
from app.accounts.privacy import consent
from app.accounts.roles import GRANTABLE, Role, scope_rule
from app.areas import service as areas
from app.areas.codes import LEVEL_DESA, within_area
from app.core.db import flush_unique, utcnow
from app.core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from app.core.events import emit
from app.core.pagination import keyset, page
from app.extensions import db

#: Event emitted when a user's home area changes (notifications re-subscribe the user's devices to area topics).
HOME_AREA_CHANGED = "accounts.home_area_changed"


def _normalise_email(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def _ensure_unique(*, phone: str | None, email: str | None, exclude_id: int | None = None) -> None:
    conds = []
    if phone:
        conds.append(User.phone == phone)
    if email:
        conds.append(User.email == email)
    if not conds:
        return
    stmt = select(User.phone, User.email).where(or_(*conds))
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    errors: dict[str, list[str]] = {}
    for row in db.session.execute(stmt):
        if phone and row.phone == phone:
            errors["phone"] = ["This phone number is already registered: log in instead."]
        if email and row.email == email:
            errors["email"] = ["This e-mail address is already registered."]
    if errors:
        raise Conflict("An account with these details already exists.", errors=errors)


def _flush_unique(*new: User, phone: str | None, email: str | None, exclude_id: int | None = None) -> None:
    """Flush, turning a lost race on the unique phone/e-mail into the same 409 as the check above."""

    def conflict() -> Conflict:
        try:
            _ensure_unique(phone=phone, email=email, exclude_id=exclude_id)
        except Conflict as exc:
            return exc
        return Conflict("An account with these details already exists.")

    flush_unique(db.session, *new, conflict=conflict)


def register_resident(
    *,
    name: str,
    phone: str,
    password: str,
    home_area_code: str,
    home_rw: int | None,
    email: str | None = None,
    user_agent: str | None = None,
    privacy_notice_version: str | None = None,
) -> sessions.IssuedTokens:
    """Create a resident account and sign it in (recording the privacy notice accepted, when given)."""
    e164 = normalise_mobile(phone)
    email = _normalise_email(email)
    areas.require_area(code=home_area_code, field="home_area_code", level=LEVEL_DESA)
    _ensure_unique(phone=e164, email=email)
    user = User(
        name=name,
        phone=e164,
        email=email,
        password_hash=hash_password(password),
        role=Role.RESIDENT.value,
        home_area_code=home_area_code,
        home_rw=home_rw,
    )
    _flush_unique(user, phone=e164, email=email)
    if privacy_notice_version is not None:
        consent.accept(user_id=user.id, version=privacy_notice_version)
    return sessions.start_session(user, user_agent=user_agent)


def find_by_login(identifier: str) -> User | None:
    ident = identifier.strip()
    if "@" in ident:
        return db.session.scalars(select(User).where(User.email == ident.lower())).one_or_none()
    e164 = try_normalise(ident)
    if e164 is None:
        return None
    return db.session.scalars(select(User).where(User.phone == e164)).one_or_none()


def login(*, identifier: str, password: str, user_agent: str | None = None) -> sessions.IssuedTokens:
    """Sign in with phone or e-mail. One message for every failure, so it does not reveal which accounts exist."""
    user = find_by_login(identifier)
    if user is None:
        burn_verify_time(password)
        raise Unauthorized("Wrong phone/e-mail or password.")
    ok, new_hash = verify_password(user.password_hash, password)
    if not ok:
        raise Unauthorized("Wrong phone/e-mail or password.")
    if not user.is_active:
        raise Unauthorized("This account has been deactivated.")
    if new_hash:
        user.password_hash = new_hash
    return sessions.start_session(user, user_agent=user_agent)


def change_password(*, user: User, session_id: str, current_password: str, new_password: str) -> int:
    """Set a new password and close every other session; returns how many were closed."""
    ok, _ = verify_password(user.password_hash, current_password)
    if not ok:
        raise ValidationFailed("The current password is wrong.", errors={"current_password": ["Wrong password."]})
    if current_password == new_password:
        raise ValidationFailed(
            "Choose a different password.", errors={"new_password": ["Must differ from the current one."]}
        )
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    closed = sessions.revoke_all(user.id, reason="password_changed", keep=session_id)
    db.session.flush()
    return closed


def update_profile(*, user: User, changes: dict[str, Any]) -> User:
    """Apply the fields a user may change about themselves (the schema lists exactly those)."""
    old_home = user.home
    if "email" in changes:
        email = _normalise_email(changes["email"])
        _ensure_unique(phone=None, email=email, exclude_id=user.id)
        user.email = email
        if user.email is None and user.phone is None:
            raise ValidationFailed("Keep a phone number or an e-mail address.", errors={"email": ["Required."]})
    if "name" in changes:
        user.name = changes["name"]
    if "home_area_code" in changes:
        if user.role != Role.RESIDENT and changes["home_area_code"] is None:
            user.home_area_code = None
        else:
            areas.require_area(code=changes["home_area_code"], field="home_area_code", level=LEVEL_DESA)
            user.home_area_code = changes["home_area_code"]
    if "home_rw" in changes:
        user.home_rw = changes["home_rw"]
    _flush_unique(phone=None, email=user.email, exclude_id=user.id)
    if user.home != old_home:
        emit(HOME_AREA_CHANGED, user_id=user.id, old=old_home, new=user.home)
    return user


def _check_scope_shape(*, role: str, area_code: str, rw: int | None) -> None:
    levels, needs_rw = scope_rule(Role(role))
    detail = areas.require_area(code=area_code, field="scope_area_code")
    if detail.level not in levels:
        raise ValidationFailed(
            "This role needs a desa/kelurahan as its area.",
            errors={"scope_area_code": ["Must be a desa/kelurahan for this role."]},
        )
    if needs_rw and rw is None:
        raise ValidationFailed("An RW official needs an RW.", errors={"scope_rw": ["Required for rw_official."]})
    if not needs_rw and rw is not None:
        raise ValidationFailed("Only RW officials have an RW.", errors={"scope_rw": ["Only for rw_official."]})


def create_staff(*, actor: User | None, data: dict[str, Any]) -> User:
    """Create a staff account; ``actor`` None means the command line (trusted operator)."""
    role, area_code, rw = data["role"], data["scope_area_code"], data.get("scope_rw")
    if role == Role.RESIDENT:
        raise ValidationFailed("Residents register themselves.", errors={"role": ["Must be a staff role."]})
    _check_scope_shape(role=role, area_code=area_code, rw=rw)
    if actor is not None and not can_grant(actor, role=role, area_code=area_code, rw=rw):
        raise Forbidden("You cannot grant this role in this area.")
    phone = normalise_mobile(data["phone"]) if data.get("phone") else None
    email = _normalise_email(data.get("email"))
    if phone is None and email is None:
        raise ValidationFailed("Give a phone number or an e-mail address.", errors={"phone": ["Required."]})
    _ensure_unique(phone=phone, email=email)
    user = User(
        name=data["name"],
        phone=phone,
        email=email,
        password_hash=hash_password(data["password"]),
        role=role,
        scope_area_code=area_code,
        scope_rw=rw,
        created_by_id=actor.id if actor is not None else None,
    )
    _flush_unique(user, phone=phone, email=email)
    return user


def get_managed(*, actor: User, user_id: int) -> User:
    """A staff account the actor may manage; 404 for anything else, so ids outside the scope reveal nothing."""
    user = db.session.get(User, user_id)
    if user is None or not can_manage(actor, user):
        raise NotFound("User not found.")
    return user


def update_staff(*, actor: User, target: User, changes: dict[str, Any]) -> User:
    """Change a staff account's name, role, scope or active flag, within what the actor may grant."""
    role = changes.get("role", target.role)
    area_code = changes.get("scope_area_code", target.scope_area_code)
    rw = changes.get("scope_rw", target.scope_rw)
    if {"role", "scope_area_code", "scope_rw"} & changes.keys():
        if role == Role.RESIDENT:
            raise ValidationFailed("Staff cannot be turned into residents.", errors={"role": ["Must be staff."]})
        _check_scope_shape(role=role, area_code=area_code, rw=rw)
        if not can_grant(actor, role=role, area_code=area_code, rw=rw):
            raise Forbidden("You cannot grant this role in this area.")
        target.role, target.scope_area_code, target.scope_rw = role, area_code, rw
        sessions.revoke_all(target.id, reason="role_changed")
    if "name" in changes:
        target.name = changes["name"]
    if "is_active" in changes and changes["is_active"] != target.is_active:
        target.is_active = changes["is_active"]
        if not target.is_active:
            sessions.revoke_all(target.id, reason="deactivated")
    db.session.flush()
    return target


def list_staff(
    *, actor: User, role: str | None, area_code: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """Staff accounts the actor may manage, newest id first, optionally by role or inside an area."""
    roles = [r.value for r in GRANTABLE[Role(actor.role)]]
    if role is not None:
        roles = [r for r in roles if r == role]
    stmt = select(User).where(User.role.in_(roles), User.id != actor.id)
    stmt = stmt.where(within_area(User.scope_area_code, actor.scope_area_code or "-"))
    if area_code:
        stmt = stmt.where(within_area(User.scope_area_code, area_code))
    stmt = keyset(stmt, keys=[User.id], cursor=cursor, limit=limit, types=[int], descending=True)
    users = list(db.session.scalars(stmt))
    return page(users, limit=limit, key=lambda u: [u.id])


def find_account(ref: str) -> User | None:
    """An account by id, phone or e-mail (the operator's command line)."""
    return db.session.get(User, int(ref)) if ref.isdigit() else find_by_login(ref)


def reset_password(*, target: User, new_password: str) -> int:
    """An admin or the operator sets a new password (to hand over in person): every session of the account ends;
    returns how many."""
    target.password_hash = hash_password(new_password)
    target.password_changed_at = utcnow()
    closed = sessions.revoke_all(target.id, reason="password_reset")
    db.session.flush()
    return closed


def revoke_sessions(*, target: User) -> int:
    """Sign the account out everywhere (a lost phone); returns how many sessions ended."""
    return sessions.revoke_all(target.id, reason="revoked_by_admin")


def deactivate(*, target: User) -> None:
    if target.is_active:
        target.is_active = False
        sessions.revoke_all(target.id, reason="deactivated")
    db.session.flush()


def list_accounts(*, role: str | None, area_code: str | None, limit: int) -> list[User]:
    """Accounts for the operator: staff by default, newest first, optionally by role or inside an area."""
    stmt = select(User).order_by(User.id.desc()).limit(limit)
    stmt = stmt.where(User.role == role) if role else stmt.where(User.role != Role.RESIDENT.value)
    if area_code:
        stmt = stmt.where(
            or_(within_area(User.scope_area_code, area_code), within_area(User.home_area_code, area_code))
        )
    return list(db.session.scalars(stmt))
