"""Word search over articles, the same on both backends for the reader.

Texts and queries are reduced to their words the same way (letters and digits, lower-cased; everything else
separates words). On PostgreSQL the words are stored as a ``tsvector`` of the ``simple`` configuration (no
stemming, which suits Indonesian) with a GIN index (``ix_news_articles_search_fts``) and matched with
``plainto_tsquery``; on SQLite they are stored as text (`` word word … ``) and each query word must appear as a
whole word (``LIKE '% word %'``). Either way: every query word must occur, whole words only, any case.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, literal_column

_WORD = re.compile(r"[^\W_]+")
#: At most this many words of a query count (the rest are ignored).
MAX_QUERY_WORDS = 8


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def document(*parts: str) -> str:
    """The normalised words of an article's texts, space-padded (what SQLite stores and PostgreSQL indexes)."""
    found = [w for part in parts for w in words(part)]
    return " " + " ".join(found) + " " if found else " "


def vector_value(dialect: str, *parts: str) -> Any:
    """What to store in ``search_vector``: a ``to_tsvector`` expression on PostgreSQL, the text elsewhere."""
    doc = document(*parts)
    if dialect == "postgresql":
        return func.to_tsvector(literal_column("'simple'"), doc)
    return doc


def query_words(q: str) -> list[str]:
    return list(dict.fromkeys(words(q)))[:MAX_QUERY_WORDS]


def condition(column: Any, dialect: str, terms: tuple[str, ...]) -> ColumnElement[bool]:
    """SQL matching every query word. On PostgreSQL the words are written into the SQL text (they are letters and
    digits only), so that the planner sees how common they are and picks the GIN index for rare words and a walk
    down the newest articles for common ones; elsewhere bound parameters ``q_0`` …"""
    if dialect == "postgresql":
        text = " ".join(terms)
        if not all(_WORD.fullmatch(w) for w in terms):  # nothing that could end the literal gets in
            raise ValueError("search terms must be words (query_words)")
        return column.op("@@")(func.plainto_tsquery(literal_column("'simple'"), literal_column(f"'{text}'")))
    return and_(*(column.like(bindparam(f"q_{i}")) for i in range(len(terms))))


def params(dialect: str, terms: list[str]) -> dict[str, Any]:
    if dialect == "postgresql":
        return {}
    return {f"q_{i}": f"% {w} %" for i, w in enumerate(terms)}
