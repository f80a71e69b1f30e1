"""Reading areas. Areas change only when ``flask areas load`` runs, so lookups are cached per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import cachetools
from sqlalchemy import case, select

from app.areas.codes import ancestors_of, is_valid_code, level_of, within_area
from app.areas.models import Area
from app.core.cache import setting_ttl_cache
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _
from app.core.pagination import decode_cursor, keyset, offset_page, page
from app.extensions import db


@dataclass(frozen=True, slots=True)
class AreaInfo:
    code: str
    name: str
    level: int
    type: str
    postal_code: str | None
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class AreaDetail:
    area: AreaInfo
    ancestors: tuple[AreaInfo, ...]

    def __getattr__(self, name: str) -> Any:  # the detail reads like the area, plus ``ancestors``
        return getattr(self.area, name)


_COLUMNS = (Area.code, Area.name, Area.level, Area.type, Area.postal_code, Area.parent_code)


def clear_cache() -> None:
    _load_detail.cache_clear()


def get_detail(*, code: str) -> AreaDetail | None:
    """One area with its ancestors (province first), or None when the code does not exist."""
    if not is_valid_code(code) or level_of(code) > 4:
        return None
    return _load_detail(code)


@cachetools.cached(setting_ttl_cache("AREA_CACHE_SECONDS", maxsize=100_000), lock=threading.Lock())
def _load_detail(code: str) -> AreaDetail | None:
    rows = db.session.execute(select(*_COLUMNS).where(Area.code.in_(ancestors_of(code)))).all()
    by_code = {r.code: AreaInfo(*r) for r in rows}
    if code not in by_code:
        return None
    chain = tuple(by_code[c] for c in ancestors_of(code)[:-1] if c in by_code)
    return AreaDetail(area=by_code[code], ancestors=chain)


def require_area(*, code: str, field: str = "area_code", level: int | None = None) -> AreaDetail:
    """The area for a code given by a client, or a 422 naming the field."""
    detail = get_detail(code=code)
    if detail is None:
        raise ValidationFailed("Unknown area code.", errors={field: [_("Unknown area code {code}.", code=code)]})
    if level is not None and detail.level != level:
        names = {1: _("a province"), 2: _("a kabupaten/kota"), 3: _("a kecamatan"), 4: _("a desa/kelurahan")}
        raise ValidationFailed(
            _("The area must be {level}.", level=names[level]),
            errors={field: [_("{code} is not {level}.", code=code, level=names[level])]},
        )
    return detail


def list_children(*, parent_code: str | None, cursor: str | None, limit: int) -> dict[str, Any]:
    """Direct children of an area (provinces when no parent), ordered by code."""
    if parent_code is not None and get_detail(code=parent_code) is None:
        raise NotFound("Area not found.")
    stmt = select(*_COLUMNS)
    stmt = stmt.where(Area.parent_code == parent_code) if parent_code else stmt.where(Area.level == 1)
    stmt = keyset(stmt, keys=[Area.code], cursor=cursor, limit=limit, types=[str])
    rows = [AreaInfo(*r) for r in db.session.execute(stmt)]
    return page(rows, limit=limit, key=lambda a: [a.code])


def search(*, q: str, level: int | None, within: str | None, cursor: str | None, limit: int) -> dict[str, Any]:
    """Areas whose name contains ``q`` (any case): exact matches first, then prefixes, larger areas first."""
    needle = " ".join(q.lower().split())
    offset = (decode_cursor(cursor, types=[int]) or [0])[0]
    if offset < 0 or offset > 10_000:
        raise ValidationFailed("Invalid cursor.", errors={"cursor": ["Invalid cursor."]})
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rank = case(
        (Area.name_search == needle, 0),
        (Area.name_search.like(escaped + "%", escape="\\"), 1),
        else_=2,
    )
    stmt = select(*_COLUMNS).where(Area.name_search.like("%" + escaped + "%", escape="\\"))
    if level is not None:
        stmt = stmt.where(Area.level == level)
    if within:
        stmt = stmt.where(within_area(Area.code, within))
    stmt = stmt.order_by(rank, Area.level, Area.name, Area.code).offset(offset).limit(limit + 1)
    rows = [AreaInfo(*r) for r in db.session.execute(stmt)]
    return offset_page(rows, limit=limit, offset=offset)
