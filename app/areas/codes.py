"""Area codes and containment.

Kemendagri codes are hierarchical and dotted: ``32`` (Jawa Barat) > ``32.73`` (Kota Bandung) > ``32.73.01``
(Sukasari) > ``32.73.01.1001`` (Sukarasa). An RW inside a desa is written as a fifth, three-digit segment:
``32.73.01.1001.005`` is RW 05 of Sukarasa. So "A contains B" is "B equals A or starts with A + '.'", which
``area_contains`` answers in Python and ``within_area`` answers in SQL as an index range scan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, bindparam, or_
from sqlalchemy.sql.elements import ColumnElement as _CE

CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4}(\.\d{3})?)?)?)?$")
AREA_CODE_PATTERN = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
LEVEL_PROVINSI, LEVEL_KABKOTA, LEVEL_KECAMATAN, LEVEL_DESA, LEVEL_RW = 1, 2, 3, 4, 5
MAX_RW = 999


def level_of(code: str) -> int:
    return code.count(".") + 1


def is_valid_code(code: str) -> bool:
    return bool(CODE_RE.match(code))


def rw_key(desa_code: str, rw: int) -> str:
    """The scope key of one RW inside a desa: ``32.73.01.1001`` + 5 → ``32.73.01.1001.005``."""
    return f"{desa_code}.{rw:03d}"


def scope_key(area_code: str, rw: int | None = None) -> str:
    return rw_key(area_code, rw) if rw is not None else area_code


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestors_of(code: str) -> list[str]:
    """Codes from the province down to ``code`` itself: ``32.73.01`` → ``[32, 32.73, 32.73.01]``."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def area_contains(outer: str, inner: str) -> bool:
    """Whether area ``outer`` contains (or is) area ``inner``. Works for RW keys too."""
    return inner == outer or inner.startswith(outer + ".")


def within_area(column: ColumnElement[str] | _CE, outer: str) -> ColumnElement[bool]:
    """SQL for ``area_contains(outer, column)``: equality or a byte range, both served by a b-tree index.

    ``'/'`` is the character after ``'.'``, so ``[outer + '.', outer + '/')`` is exactly "starts with outer + '.'".
    """
    return or_(column == outer, and_(column >= outer + ".", column < outer + "/"))


def one_of_keys(column: ColumnElement[str] | _CE, n_keys: int) -> ColumnElement[bool]:
    """SQL for ``column IN (:k_0, ..., :k_<n-1>)``, to build once per ``n_keys`` (an area's ancestors: at most 5)
    and run with ``keys_params``. One plain parameter per key: unlike an expanding ``IN``, SQLAlchemy does not
    re-render the statement on every execution and the driver keeps it prepared."""
    return column.in_([bindparam(f"k_{i}") for i in range(n_keys)])


def keys_params(keys: Sequence[str]) -> dict[str, str]:
    """The parameters of ``one_of_keys`` (or of other statements built on ``:k_<i>``)."""
    return {f"k_{i}": k for i, k in enumerate(keys)}
