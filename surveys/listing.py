"""Reading surveys: residents' list of the surveys and polls for their home (with ``answered`` and delta sync), the
staff list of those in scope, and one survey.

The resident list is one Core statement per shape (built once, bound parameters): the targets that contain a home
are exactly its ancestors' keys (province, kab/kota, kecamatan, desa, RW), so it is an ``IN`` of one parameter per
key (``one_of_keys``) over ``ix_surveys_area_key_status`` (or ``…_updated_at_id`` with ``updated_since``), and
``answered`` is an ``EXISTS`` on the participation primary key. A page's polls carry their one question (two more
statements, only when a poll is on the page).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import bindparam, exists, literal, select

from app.areas.codes import ancestors_of, keys_params, one_of_keys, within_area
from app.core import sync
from app.core.db import UTCDateTime, one_of, utcnow
from app.core.pagination import decode_cursor, keyset, page
from app.extensions import db
from surveys import permissions as perm
from surveys import presenters, queries
from surveys import states as st
from surveys.models import Participation, Survey

S = Survey.__table__.c
P = Participation.__table__.c
_COLUMNS = (
    S.id,
    S.kind,
    S.status,
    S.title,
    S.description,
    S.area_code,
    S.rw,
    S.area_key,
    S.opens_at,
    S.closes_at,
    S.anonymous,
    S.results_visibility,
    S.updated_at,
)


@functools.cache
def _resident_statement(*, n_keys: int, open_only: bool, delta: bool, after: bool) -> Any:
    answered = exists().where(P.survey_id == S.id, P.user_id == bindparam("user_id")).label("answered")
    stmt = select(*_COLUMNS, answered).where(one_of_keys(S.area_key, n_keys), one_of(S.status, st.RESIDENT_VISIBLE))
    if open_only:
        now = bindparam("now", type_=UTCDateTime())
        stmt = stmt.where(S.status == st.PUBLISHED, S.opens_at <= now, S.closes_at > now)
    if delta:
        return sync.changed_since(stmt, updated=S.updated_at, key=S.id, after=after)
    if after:
        stmt = stmt.where(S.id < bindparam("after_id"))
    return stmt.order_by(S.id.desc()).limit(bindparam("limit_plus_one"))


def _poll_items(rows: list[Any]) -> dict[int, dict[str, Any]]:
    """The one question of each poll on the page (from the per-process definition cache)."""
    out = {}
    for r in rows:
        if r.kind == st.POLL:
            items, options = queries.survey_items(r)
            if items:
                out[r.id] = presenters.item_view(items[0], options.get(items[0].id, []))
    return out


def resident_list(
    *, user: Any, open_only: bool, updated_since: dt.datetime | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    server_time = sync.server_time()
    now = utcnow()
    keys = ancestors_of(user.home) if user.home else []
    params: dict[str, Any] = {**keys_params(keys), "user_id": user.id, "now": now}
    if updated_since is not None:
        params.update(sync.changes_params(since=updated_since, cursor=cursor, limit=limit))
        stmt = _resident_statement(n_keys=len(keys), open_only=open_only, delta=True, after="after_t" in params)
        rows = db.connection().execute(stmt, params).all() if keys else []
        out = sync.changes_page(rows, limit=limit, key=lambda r: (r.updated_at, r.id))
        deleted = (
            sync.deleted_since(db.connection(), kind="survey", owner_id=None, since=updated_since)
            if cursor is None
            else []
        )
    else:
        after = decode_cursor(cursor, types=[int])
        params["limit_plus_one"] = limit + 1
        if after is not None:
            params["after_id"] = after[0]
        stmt = _resident_statement(n_keys=len(keys), open_only=open_only, delta=False, after=after is not None)
        rows = db.connection().execute(stmt, params).all() if keys else []
        out = page(rows, limit=limit, key=lambda r: [r.id])
        deleted = []
    polls = _poll_items(out["items"])
    out["items"] = [
        presenters.summary_view(r, viewer=user, answered=bool(r.answered), now=now, poll_item=polls.get(r.id))
        for r in out["items"]
    ]
    return {**out, "server_time": server_time, "deleted": deleted}


def staff_list(*, user: Any, status: str | None, kind: str | None, cursor: str | None, limit: int) -> dict[str, Any]:
    """Every survey in the caller's scope (any state), newest first."""
    stmt = select(*_COLUMNS, literal(False).label("answered")).where(within_area(S.area_key, user.scope))
    if status is not None:
        stmt = stmt.where(S.status == status)
    if kind is not None:
        stmt = stmt.where(S.kind == kind)
    stmt = keyset(stmt, keys=[S.id], cursor=cursor, limit=limit, types=[int], descending=True)
    rows = db.connection().execute(stmt).all()
    out = page(rows, limit=limit, key=lambda r: [r.id])
    now = utcnow()
    polls = _poll_items(out["items"])
    out["items"] = [
        presenters.summary_view(r, viewer=user, answered=False, now=now, poll_item=polls.get(r.id))
        for r in out["items"]
    ]
    return out


def detail(*, user: Any, survey_id: int) -> dict[str, Any]:
    survey = queries.get_visible(survey_id=survey_id, viewer=user)
    items, options = queries.load_items([survey.id])
    staff = perm.can_view_as_staff(user, survey)
    answered = False if staff else queries.has_answered(survey.id, user.id)
    return presenters.survey_view(
        survey,
        items[survey.id],
        options,
        viewer=user,
        answered=answered,
        has_responses=queries.has_responses(survey.id) if staff else False,
        now=utcnow(),
    )
