"""Reading surveys: residents' list of the surveys and polls for their home (with ``answered`` and delta sync), the
staff list of those in scope, and one survey.

The resident list is one Core statement per shape (built once, bound parameters): the targets that contain a home
are exactly its ancestors' keys (province, kab/kota, kecamatan, desa, RW), so it is an ``IN`` of one parameter per
key (``one_of_keys``) over ``ix_surveys_area_key_status`` (or ``…_updated_at_id`` with ``updated_since``), and
``answered`` comes from the resident's set of answered surveys. A page's polls carry their one question (from the
per-process definition cache).

A page (without ``updated_since``) is the same for every resident with the same home, so each process shares its
rows for ``SURVEY_LIST_CACHE_SECONDS`` (5; this process's survey writes empty it at once, other processes' show on
expiry, like the public feeds; ``is_open`` and ``server_time`` are as old as the page), and its encoded answer with
everyone who answered the same surveys of it. The answered set is the resident's own state, kept per process in
``queries.ANSWERED`` (``app.core.user_state``): a submit in any process drops it in every process at its commit. So
a list usually costs no statement at all, and a resident always sees their own answer.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import bindparam, literal, select

from app.areas.codes import ancestors_of, keys_params, one_of_keys, within_area
from app.core import responses, sync
from app.core.cache import SharedAnswers
from app.core.db import UTCDateTime, one_of, utcnow
from app.core.pagination import decode_cursor, keyset, page
from app.extensions import db
from surveys import permissions as perm
from surveys import presenters, queries
from surveys import states as st
from surveys.models import Survey

S = Survey.__table__.c
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


_pages = SharedAnswers("SURVEY_LIST_CACHE_SECONDS", maxsize=4096, written=Survey)


@functools.cache
def _resident_statement(*, n_keys: int, open_only: bool, delta: bool, after: bool) -> Any:
    stmt = select(*_COLUMNS).where(one_of_keys(S.area_key, n_keys), one_of(S.status, st.RESIDENT_VISIBLE))
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
) -> dict[str, Any] | responses.Encoded:
    keys = ancestors_of(user.home) if user.home else []
    params: dict[str, Any] = {**keys_params(keys), "now": utcnow()}
    if updated_since is None:
        return _page(user=user, keys=keys, params=params, open_only=open_only, cursor=cursor, limit=limit)
    server_time = sync.server_time()
    params.update(sync.changes_params(since=updated_since, cursor=cursor, limit=limit))
    stmt = _resident_statement(n_keys=len(keys), open_only=open_only, delta=True, after="after_t" in params)
    rows = db.connection().execute(stmt, params).all() if keys else []
    out = sync.changes_page(rows, limit=limit, key=lambda r: (r.updated_at, r.id))
    deleted = (
        sync.deleted_since(db.connection(), kind="survey", owner_id=None, since=updated_since) if cursor is None else []
    )
    items = _summaries(out["items"], user, _answered_among(user, out["items"]), params["now"])
    return {**out, "items": items, "server_time": server_time, "deleted": deleted}


def _page(
    *, user: Any, keys: list[str], params: dict[str, Any], open_only: bool, cursor: str | None, limit: int
) -> responses.Encoded:
    """A page of the list: its rows shared by the residents of the same home, its answer by those who answered
    the same surveys of it (the caller's own ``answered`` set, kept per user, picks which)."""
    after = decode_cursor(cursor, types=[int])
    params["limit_plus_one"] = limit + 1
    if after is not None:
        params["after_id"] = after[0]
    key = (tuple(keys), open_only, params.get("after_id"), limit)

    def rows() -> tuple[dict[str, Any], str, object]:
        stmt = _resident_statement(n_keys=len(keys), open_only=open_only, delta=False, after=after is not None)
        found = page(db.connection().execute(stmt, params).all() if keys else [], limit=limit, key=lambda r: [r.id])
        return found, sync.server_time(), object()

    # ``build`` names this build of the rows: an answer is only ever reused with the rows it was made from.
    found, server_time, build = _pages.get_or_build(key, rows)
    answered = _answered_among(user, found["items"])

    def answer() -> responses.Encoded:
        items = _summaries(found["items"], user, answered, params["now"])
        body = {**found, "items": items, "server_time": server_time, "deleted": []}
        return responses.encode(body, ignore=server_time)

    return _pages.get_or_build((build, answered, user.role, user.scope), answer)


def _answered_among(user: Any, rows: list[Any]) -> frozenset[int]:
    """Which of ``rows`` the caller answered (no look-up for an empty page)."""
    return queries.answered_surveys(user.id) & {r.id for r in rows} if rows else frozenset()


def _summaries(rows: list[Any], user: Any, answered: frozenset[int], now: dt.datetime) -> list[dict[str, Any]]:
    polls = _poll_items(rows)
    return [
        presenters.summary_view(r, viewer=user, answered=r.id in answered, now=now, poll_item=polls.get(r.id))
        for r in rows
    ]


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
