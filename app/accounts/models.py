from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, SmallInteger, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.principal import AreaScoped
from app.accounts.roles import ROLES, Role
from app.areas.models import Area
from app.core.db import Base, BigIntPK, code_string, utcnow


class User(AreaScoped, Base):
    """A resident or a staff member. Staff carry a scope area (and an RW for RW heads)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="login_identifier"),
        CheckConstraint("home_rw IS NULL OR home_rw BETWEEN 1 AND 999", name="home_rw"),
        CheckConstraint("scope_rw IS NULL OR scope_rw BETWEEN 1 AND 999", name="scope_rw"),
        CheckConstraint("role = 'resident' OR scope_area_code IS NOT NULL", name="staff_scope"),
        # Retention (``app.accounts.privacy.retention``): residents not yet anonymised, by warning and last activity.
        Index("ix_users_retention", "role", "deleted_at", "retention_warned_at", "last_active_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: E.164 (+62…), unique.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    #: Lower-cased, unique.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.RESIDENT.value, index=True)
    home_area_code: Mapped[str | None] = mapped_column(code_string(13), ForeignKey(Area.code), index=True)
    home_rw: Mapped[int | None] = mapped_column(SmallInteger)
    scope_area_code: Mapped[str | None] = mapped_column(code_string(13), ForeignKey(Area.code), index=True)
    scope_rw: Mapped[int | None] = mapped_column(SmallInteger)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    #: Last log-in or token refresh (retention counts inactivity from here).
    last_active_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)
    #: When retention warned the resident that the account will be anonymised (cleared by any activity).
    retention_warned_at: Mapped[dt.datetime | None]
    #: When the account was deleted (anonymised): name, phone, e-mail and home are gone, it cannot log in.
    deleted_at: Mapped[dt.datetime | None]

    home_area: Mapped[Area | None] = relationship(foreign_keys=[home_area_code], lazy="raise")
    scope_area: Mapped[Area | None] = relationship(foreign_keys=[scope_area_code], lazy="raise")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class AuthSession(Base):
    """One signed-in app instance. Its refresh token rotates; the previous one must never come back."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"), index=True)
    refresh_jti: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    user_agent: Mapped[str | None] = mapped_column(String(200))
