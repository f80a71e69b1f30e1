"""Read queries of office handling: the offices I work for, and an office's work queue (its active stages, served as
``GET /offices/{id}/inbox``; not to be confused with a resident's notification inbox, ``notifications.inbox``).

The queue is the hot one. A request answers from two entries of ``inbox_state.INBOX`` (kept per process, dropped in
every process when the office's work changes): the office and the caller's membership (one row), then the page.
Each missing one is one statement: the page is the office's active stages joined to their complaints, earliest
open deadline first (stages with nothing due last), keyset-paginated. Like ``complaints.intake.queries``, each
statement is built once per shape (which filters are present) with bound parameters, runs on the worker's
autocommit connection on a GET, and its rows are read as mappings into the answer's dicts (no ORM objects).

Order and index: ``ix_handling_stages_office_active_due (office_id, is_active, due_at, id)``. PostgreSQL keeps
NULLs last in an ascending b-tree, so ``ORDER BY due_at NULLS LAST, id`` (SQLite understands ``NULLS LAST`` too) is
the index order and a first page reads just ``limit + 1`` index entries. A row comparison cannot step from the
dated stages to the undated ones, so a page after a cursor (and the ``overdue=false`` filter) is the union of two
index ranges, each ordered and limited: the dated stages after the cursor, then the undated ones by id.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import and_, bindparam, func, literal_column, select, true, tuple_, union_all

from app.accounts.models import User
from app.accounts.roles import Role
from app.core import responses
from app.core.db import utcnow
from app.core.errors import Forbidden, NotFound, ValidationFailed
from app.core.fields import MAX_ID
from app.core.pagination import decode_cursor, encode_cursor
from app.extensions import db
from complaints.categories.models import Category
from complaints.handling import presenters
from complaints.handling.inbox_state import INBOX
from complaints.intake.models import Complaint, HandlingStage
from complaints.intake.presenters import EXCERPT_CHARS
from complaints.offices.models import Office, OfficeMember
from complaints.offices.permissions import can_join, can_manage_office

A = HandlingStage.__table__.c
C = Complaint.__table__.c
U = User.__table__.c
O = Office.__table__.c  # noqa: E741
M = OfficeMember.__table__.c
_DUE_TYPE = HandlingStage.__table__.c.due_at.type

COLUMNS = (
    A.id.label("stage_id"),
    A.role,
    A.assignee_id,
    U.name.label("assignee_name"),
    A.started_at,
    A.response_due_at,
    A.resolution_due_at,
    A.due_at,
    A.due_provisional,
    A.responded_at,
    A.reason,
    C.id,
    C.tracking_number,
    C.status,
    C.category_id,
    C.title,
    func.substr(C.description, 1, EXCERPT_CHARS + 1).label("excerpt"),
    C.address,
    C.desa_code,
    C.rw,
    C.created_at,
    C.photo_count,
    C.cover_photo_id,
)


# --- who may read an inbox -------------------------------------------------------------------------------------


@functools.cache
def _access_statement() -> Any:
    """The office and the caller's membership row, if any (one row, or none if the office does not exist)."""
    membership = and_(M.office_id == O.id, M.user_id == bindparam("user_id"))
    return (
        select(O.area_code, O.is_active, M.is_head)
        .select_from(Office.__table__.outerjoin(OfficeMember.__table__, membership))
        .where(O.id == bindparam("office_id"))
    )


def _require_access(user: Any, *, area_code: str, is_active: bool, is_head: bool | None) -> None:
    """403 unless ``user`` is an admin who manages the office (of ``area_code``) or an effective member of an
    active office (``is_head`` is None when they are not a member at all)."""
    office = _Area(area_code)
    if user.role == Role.ADMIN and can_manage_office(user, office):
        return
    if is_active and is_head is not None and can_join(user, office):
        return
    raise Forbidden("Only the office's members and the admins who manage it see its inbox.")


def _access_of(office_id: int, user_id: int) -> dict[str, Any] | None:
    row = db.connection().execute(_access_statement(), {"office_id": office_id, "user_id": user_id}).first()
    return None if row is None else {"area_code": row.area_code, "is_active": row.is_active, "is_head": row.is_head}


# --- my offices ------------------------------------------------------------------------------------------------


@functools.cache
def _my_offices_statement() -> Any:
    return (
        select(O.id, O.code, O.name, O.area_code, O.parent_id, O.is_active, M.is_head)
        .join(OfficeMember.__table__, M.office_id == O.id)
        .where(M.user_id == bindparam("user_id"))
        .order_by(O.id)
    )


def my_offices(*, user: Any) -> list[dict[str, Any]]:
    """The offices ``user`` effectively works for, with whether they head it (office handlers only; [] otherwise).

    The SQL twin of ``complaints.offices.members.my_offices`` plus ``is_head``, in one statement."""
    if user.role != Role.OFFICE_HANDLER or not user.is_active:
        return []
    rows = db.connection().execute(_my_offices_statement(), {"user_id": user.id}).mappings().all()
    return [presenters.my_office(r) for r in rows if can_join(user, _Area(r["area_code"]))]


class _Area:
    __slots__ = ("area_code",)

    def __init__(self, area_code: str) -> None:
        self.area_code = area_code


# --- the inbox -------------------------------------------------------------------------------------------------


def _filters(*, status: bool, category: bool, assignee: str | None, role: bool) -> list[Any]:
    # ``= true``, not ``IS TRUE``: PostgreSQL estimates ``IS TRUE`` badly on this column and then sorts thousands of
    # stages instead of walking the index in deadline order (60 ms instead of 0.4 ms for a busy office).
    conds: list[Any] = [A.office_id == bindparam("office_id"), A.is_active == true()]
    if status:
        conds.append(C.status == bindparam("status"))
    if category:
        tree = select(Category.id).where(Category.id == bindparam("category")).cte("inbox_categories", recursive=True)
        tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
        conds.append(C.category_id.in_(select(tree.c.id)))
    if assignee == "none":
        conds.append(A.assignee_id.is_(None))
    elif assignee == "user":
        conds.append(A.assignee_id == bindparam("assignee_id"))
    if role:
        conds.append(A.role == bindparam("role"))
    return conds


def _base(conds: list[Any]) -> Any:
    joined = HandlingStage.__table__.join(Complaint.__table__, C.id == A.complaint_id).outerjoin(
        User.__table__, U.id == A.assignee_id
    )
    return select(*COLUMNS).select_from(joined).where(*conds)


def _limit() -> Any:
    return bindparam("limit_plus_one")


def _dated(conds: list[Any], *, overdue: bool | None, after: bool) -> Any:
    """Stages with an open deadline, earliest first (after the cursor's (due_at, id) when ``after``)."""
    if overdue is True:  # implies a deadline; an extra IS NOT NULL would again spoil the estimate
        conds = [*conds, A.due_at < bindparam("now", type_=_DUE_TYPE)]
    elif overdue is False:
        conds = [*conds, A.due_at >= bindparam("now", type_=_DUE_TYPE)]
    else:
        conds = [*conds, A.due_at.is_not(None)]
    if after:
        conds.append(tuple_(A.due_at, A.id) > tuple_(bindparam("after_due", type_=_DUE_TYPE), bindparam("after_id")))
    return _base(conds).order_by(A.due_at, A.id).limit(_limit())


def _undated(conds: list[Any], *, after: bool) -> Any:
    """Stages with nothing due (resolved, or co-handling), by id (after the cursor's id when ``after``)."""
    conds = [*conds, A.due_at.is_(None)]
    if after:
        conds.append(A.id > bindparam("after_id"))
    return _base(conds).order_by(A.id).limit(_limit())


@functools.lru_cache(maxsize=256)
def _queue_statement(
    *, status: bool, category: bool, assignee: str | None, role: bool, overdue: bool | None, phase: str | None
) -> Any:
    """The page statement of one shape. ``phase``: where the cursor stands (None: first page; "dated"; "undated")."""
    return _page_statement(status=status, category=category, assignee=assignee, role=role, overdue=overdue,
                           phase=phase)  # fmt: skip


def _page_statement(
    *, status: bool, category: bool, assignee: str | None, role: bool, overdue: bool | None, phase: str | None
) -> Any:
    conds = _filters(status=status, category=category, assignee=assignee, role=role)
    if phase is None and overdue is None:
        return _base(conds).order_by(A.due_at.asc().nulls_last(), A.id).limit(_limit())
    if overdue is True or phase == "undated":
        # Only one range: the overdue stages are all dated; after an undated cursor only undated stages remain.
        if overdue is True:
            return _dated(conds, overdue=True, after=phase == "dated")
        return _undated(conds, after=True)
    dated = _dated(conds, overdue=overdue, after=phase == "dated").subquery()
    undated = _undated(conds, after=False).subquery()
    both = union_all(
        select(literal_column("0").label("phase"), dated),
        select(literal_column("1").label("phase"), undated),
    ).subquery()
    return select(both).order_by(both.c.phase, both.c.due_at, both.c.stage_id).limit(_limit())


def _decode(cursor: str | None) -> tuple[str | None, dt.datetime | None, int | None]:
    """(phase, due_at, stage id) of a cursor: [ISO due date or null, stage id]."""
    if cursor is None:
        return None, None, None
    due, stage_id = decode_cursor(cursor, types=(object, int))  # type: ignore[misc]
    if not 1 <= stage_id <= MAX_ID:
        raise ValidationFailed("Invalid cursor.", errors={"cursor": ["Invalid cursor."]})
    if due is None:
        return "undated", None, stage_id
    try:
        parsed = dt.datetime.fromisoformat(due) if isinstance(due, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationFailed("Invalid cursor.", errors={"cursor": ["Invalid cursor."]})
    return "dated", parsed, stage_id


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Page:
    """A kept inbox page: its answer, and the first deadline on it still to pass (its ``overdue`` flag flips)."""

    __slots__ = ("answer", "flips_at")

    def __init__(self, answer: Any, flips_at: dt.datetime | None) -> None:
        self.answer = answer
        self.flips_at = flips_at

    def fresh(self, now: dt.datetime) -> bool:
        return self.flips_at is None or now < self.flips_at


def office_queue(
    *,
    office_id: int,
    user: Any,
    status: str | None,
    category: int | None,
    overdue: bool | None,
    assignee: str | int | None,
    role: str | None,
    cursor: str | None,
    limit: int,
    now: dt.datetime | None = None,
) -> Any:
    """The office's active stages with their complaints, earliest open deadline first (a dict, or an encoded answer
    kept in ``inbox_state.INBOX``); 404 for an unknown office and 403 for a caller who may not read it."""
    now = now or utcnow()
    phase, after_due, after_id = _decode(cursor)
    access = INBOX.get(office_id, ("access", user.id), lambda: _access_of(office_id, user.id))
    if access is None:
        raise NotFound("Office not found.")
    _require_access(user, **access)
    if overdue is True and phase == "undated":
        return {"items": [], "next_cursor": None}  # nothing undated is overdue
    params: dict[str, Any] = {"office_id": office_id, "limit_plus_one": limit + 1, "now": now}
    if phase is not None:
        params.update(after_due=after_due, after_id=after_id)
    if status is not None:
        params["status"] = status
    if category is not None:
        params["category"] = category
    assignee_kind = None
    if assignee == "none":
        assignee_kind = "none"
    elif assignee is not None:
        assignee_kind = "user"
        params["assignee_id"] = user.id if assignee == "me" else assignee
    if role is not None:
        params["role"] = role
    shape = {
        "status": status is not None,
        "category": category is not None,
        "assignee": assignee_kind,
        "role": role is not None,
        "overdue": overdue,
        "phase": phase,
    }

    def build() -> _Page:
        rows = db.connection().execute(_queue_statement(**shape), params).mappings().all()
        items = rows[:limit]
        next_cursor = None
        if len(rows) > limit and items:
            last = items[-1]
            next_cursor = encode_cursor([_iso(last["due_at"]), last["stage_id"]])
        answer = responses.encode(
            {"items": [presenters.inbox_item(r, now=now) for r in items], "next_cursor": next_cursor}
        )
        later = [r["due_at"] for r in items if r["due_at"] is not None and r["due_at"] >= now]
        return _Page(answer, min(later, default=None))

    key = ("page", status, category, assignee_kind, params.get("assignee_id"), role, overdue, cursor, limit)
    return INBOX.get(office_id, key, build, fresh=lambda page: page.fresh(now)).answer
