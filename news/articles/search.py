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

from sqlalchemy import ColumnElement, String, and_, bindparam, func, literal_column

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
    """SQL matching every query word (``terms``: one placeholder per word, the statement's shape). On PostgreSQL the
    words are one parameter rendered into the SQL text at execution (``literal_execute``: they are letters and
    digits only, ``params``), so that the planner sees how common they are and picks the GIN index for rare words
    and a walk down the newest articles for common ones, while the statement is built and compiled once per shape;
    elsewhere bound parameters ``q_0`` …"""
    if dialect == "postgresql":
        words = bindparam("q_words", type_=String(), literal_execute=True)
        return column.op("@@")(func.plainto_tsquery(literal_column("'simple'"), words))
    return and_(*(column.like(bindparam(f"q_{i}")) for i in range(len(terms))))


def shape(terms: list[str]) -> tuple[str, ...]:
    """What a statement depends on: how many words (the words themselves are parameters)."""
    return tuple("?" * len(terms))


def params(dialect: str, terms: list[str]) -> dict[str, Any]:
    if dialect == "postgresql":
        if not all(_WORD.fullmatch(w) for w in terms):  # nothing that could end the literal gets in
            raise ValueError("search terms must be words (query_words)")
        return {"q_words": " ".join(terms)}
    return {f"q_{i}": f"% {w} %" for i, w in enumerate(terms)}
