"""Links from one feature's content to another's (an announcement pointing at a complaint, an article, a survey).

Features never import each other, so the one that stores a link cannot ask the target's models whether it exists.
Instead each feature registers an existence check for its own type when it is registered (``register(app, api)``):

    from app.core import links
    links.register("complaint", links.row_exists("complaints", flag="is_listed"))

and the one that stores a link calls ``links.exists(link_type, link_id)`` (or ``links.check``, which raises the
422). A type nobody registered does not exist. Checks run inside the caller's transaction and only read.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import column, select, table
from sqlalchemy import exists as sql_exists

from app.core.errors import ValidationFailed
from app.core.i18n import _

#: Lower-case letters and ``_``, as a notification's deep link (``notifications.api``).
LINK_TYPE_RE = re.compile(r"^[a-z][a-z_]{0,29}$")

_checks: dict[str, Callable[[int], bool]] = {}


def register(link_type: str, check: Callable[[int], bool]) -> None:
    """Say how to tell whether an item of ``link_type`` with a given id exists (and may be linked to)."""
    if not LINK_TYPE_RE.match(link_type):
        raise ValueError(f"invalid link type {link_type!r}")
    _checks[link_type] = check


def link_types() -> tuple[str, ...]:
    """The registered types, sorted."""
    return tuple(sorted(_checks))


def exists(link_type: str, link_id: int) -> bool:
    check = _checks.get(link_type)
    return check is not None and bool(check(link_id))


def check(link_type: str, link_id: int, *, field: str = "link") -> None:
    """``ValidationFailed`` (422) unless the item exists; nothing otherwise."""
    if link_type not in _checks:
        message = _("Unknown link type {type}: one of {types}.", type=link_type, types=", ".join(link_types()))
        raise ValidationFailed(message, errors={field: [message]})
    if not exists(link_type, link_id):
        message = _("There is no {type} with id {id}.", type=link_type, id=link_id)
        raise ValidationFailed(message, errors={field: [message]})


def row_exists(table_name: str, *, flag: str | None = None, absent: str | None = None) -> Callable[[int], bool]:
    """A check that looks the id up in ``table_name`` (optionally requiring boolean column ``flag`` to be true and
    column ``absent`` to be NULL, e.g. a soft-delete time), without importing the owner's models."""
    t = table(table_name, column("id"), *(column(c) for c in (flag, absent) if c))

    def check_row(link_id: int) -> bool:
        from app.extensions import db

        conds = [t.c.id == link_id]
        if flag:
            conds.append(t.c[flag].is_(True))
        if absent:
            conds.append(t.c[absent].is_(None))
        return bool(db.session.execute(select(sql_exists().where(*conds))).scalar())

    return check_row
