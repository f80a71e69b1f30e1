"""A reader's own state of an article (liked, bookmarked, read), kept per process in ``ME``
(``app.core.user_state``): a like or bookmark in any process drops that reader's entries in every process at its
commit, and each flush of read receipts (``news.articles.views``) drops the state of the readers it records."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, exists, select

from app.core.user_state import UserState
from app.extensions import db
from news.articles.models import ArticleBookmark, ArticleLike, ArticleRead

#: The reader's own state, in this order in the answer's ``me``.
ME_FIELDS = {"liked": ArticleLike, "bookmarked": ArticleBookmark, "read": ArticleRead}
ME = UserState("news_me")


@functools.cache
def _statement() -> Any:
    """Whether ``:user_id`` liked, bookmarked and read ``:article_id``: three primary-key probes, one round trip."""
    probes = []
    for name, model in ME_FIELDS.items():
        c = model.__table__.c
        probes.append(
            exists().where(c.user_id == bindparam("user_id"), c.article_id == bindparam("article_id")).label(name)
        )
    return select(*probes)


def me_of(user_id: int, article_id: int) -> dict[str, bool]:
    def build() -> dict[str, bool]:
        row = db.connection().execute(_statement(), {"user_id": user_id, "article_id": article_id}).one()
        return {name: bool(row[i]) for i, name in enumerate(ME_FIELDS)}

    return ME.get(user_id, article_id, build)
