"""Survey results in SQL, from the tally (``survey_tallies``, kept in step on each submit by ``surveys.tally``).

Three statements per request:

- ``_tally``: the tally rows of the survey inside ``area`` (a range of respondents' desa codes), optionally grouped
  by the desa prefix of a kab/kota, kecamatan or desa, summed per (question, matrix row, option, value): how many
  answer parts (``n``) and how many of them are part 0 (``firsts``: the respondents of that question). Option
  totals and percentages (each option counted on its own: a multiple choice is one part per option chosen, never
  a combination), ranking scores (the value is the rank), matrix tables, rating/scale/yes-no distributions and
  averages, the NPS of a 0-10 scale, and the count of text and date answers all fold out of that small result.
  The respondents are the tally's question 0 (one per response).
- ``_numbers``: min, max, mean, count and exact median of each number question (per group), over that question's
  answer rows only (``ix_survey_answers_question_id_num_value``): ``percentile_cont`` on PostgreSQL, the middle
  row(s) by ``row_number()`` elsewhere.

``results(..., direct=True)`` computes the same figures with ``GROUP BY`` over every answer row (the reference
the tests compare the tally with). Groups of an anonymous survey with fewer than ``MIN_GROUP`` respondents are
shown without their answers.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import BigInteger, Float, and_, case, cast, func, literal, select, union_all

from app.areas.codes import LEVEL_KABKOTA, level_of, within_area
from app.core.errors import Forbidden
from app.extensions import db
from surveys import permissions as perm
from surveys import queries
from surveys import states as st
from surveys.models import NO_VALUE, NONE_KEY, RESPONDENTS_QUESTION, Answer, Response, Tally

A = Answer.__table__.c
R = Response.__table__.c
T = Tally.__table__.c
MIN_GROUP = 5
#: The predicate of the partial number indexes (every number answer satisfies it), repeated so they are used.
NUMBER_ROWS = (A.num_value.is_not(None), A.option_id.is_(None), A.row_id.is_(None))
BREAKDOWNS = ("kabkota", "kecamatan", "desa")


def _group_expr(cols: Any, breakdown: str | None) -> Any:
    if breakdown == "kabkota":
        return cols.kabkota_code
    if breakdown == "kecamatan":
        return func.substr(cols.desa_code, 1, 8)
    if breakdown == "desa":
        return cols.desa_code
    return literal("")


def _area_where(cols: Any, area: str | None) -> list[Any]:
    if area is None:
        return []
    if level_of(area) < LEVEL_KABKOTA:
        return [cols.kabkota_code >= area + ".", cols.kabkota_code < area + "/"]
    conds = [cols.kabkota_code == area[:5]]
    if level_of(area) > LEVEL_KABKOTA:
        conds.append(within_area(cols.desa_code, area))
    return conds


def _tally_group(breakdown: str | None) -> Any:
    width = {"kabkota": 5, "kecamatan": 8}.get(breakdown or "")
    if width:
        return func.substr(T.desa_code, 1, width)
    return T.desa_code if breakdown == "desa" else literal("")


def _tally_where(survey_id: int, area: str | None) -> list[Any]:
    return [T.survey_id == survey_id] + ([] if area is None else [within_area(T.desa_code, area)])


def _tally(survey_id: int, area: str | None, breakdown: str | None) -> list[Any]:
    g = _tally_group(breakdown).label("g")
    stmt = (
        select(
            g,
            T.question_id,
            func.nullif(T.row_id, NONE_KEY).label("row_id"),
            func.nullif(T.option_id, NONE_KEY).label("option_id"),
            func.nullif(T.value, NO_VALUE).label("v"),
            cast(func.sum(T.n), BigInteger).label("n"),
            cast(func.sum(T.firsts), BigInteger).label("firsts"),
            cast(func.sum(T.texts), BigInteger).label("texts"),
            func.sum(T.total).label("total"),
        )
        .where(*_tally_where(survey_id, area), T.question_id != RESPONDENTS_QUESTION)
        .group_by(g, T.question_id, T.row_id, T.option_id, T.value)
    )
    return db.connection().execute(stmt).all()


def _tally_respondents(survey_id: int, area: str | None, breakdown: str | None) -> dict[str, int]:
    g = _tally_group(breakdown).label("g")
    stmt = (
        select(g, func.sum(T.n))
        .where(*_tally_where(survey_id, area), T.question_id == RESPONDENTS_QUESTION)
        .group_by(g)
    )
    return {row[0] or "": int(row[1]) for row in db.connection().execute(stmt)}


def _direct_tally(survey_id: int, area: str | None, breakdown: str | None, number_ids: list[int]) -> list[Any]:
    g = _group_expr(A, breakdown).label("g")
    value = A.num_value if not number_ids else case((A.question_id.in_(number_ids), None), else_=A.num_value)
    value = value.label("v")
    stmt = (
        select(
            g,
            A.question_id,
            A.row_id,
            A.option_id,
            value,
            func.count().label("n"),
            func.sum(case((A.part == 0, 1), else_=0)).label("firsts"),
            func.sum(case((and_(A.option_id.is_(None), A.text_value.is_not(None)), 1), else_=0)).label("texts"),
        )
        .where(A.survey_id == survey_id, *_area_where(A, area))
        .group_by(g, A.question_id, A.row_id, A.option_id, value)
    )
    return db.connection().execute(stmt).all()


def _numbers(survey_id: int, area: str | None, breakdown: str | None, number_ids: list[int]) -> list[Any]:
    if not number_ids:
        return []
    g = _group_expr(A, breakdown).label("g")
    where = [A.question_id.in_(number_ids), *NUMBER_ROWS, *_area_where(A, area)]
    stats = [
        func.count().label("n"),
        func.min(A.num_value).label("min"),
        func.max(A.num_value).label("max"),
        func.avg(A.num_value).label("mean"),
    ]
    if db.dialect == "postgresql":
        median = func.percentile_cont(0.5).within_group(A.num_value).label("median")
        stmt = select(g, A.question_id, *stats, median).where(*where).group_by(g, A.question_id)
        return db.connection().execute(stmt).all()
    base = (
        select(
            g,
            A.question_id,
            A.num_value,
            func.row_number().over(partition_by=[g, A.question_id], order_by=A.num_value).label("rn"),
            func.count().over(partition_by=[g, A.question_id]).label("cnt"),
        )
        .where(*where)
        .subquery()
    )
    middle = (
        select(base.c.g, base.c.question_id, func.avg(cast(base.c.num_value, Float)).label("median"))
        .where(base.c.rn.in_([(base.c.cnt + 1) // 2, (base.c.cnt + 2) // 2]))
        .group_by(base.c.g, base.c.question_id)
        .subquery()
    )
    agg = select(g, A.question_id, *stats).where(*where).group_by(g, A.question_id).subquery()
    stmt = select(agg, middle.c.median).join(
        middle, and_(middle.c.g == agg.c.g, middle.c.question_id == agg.c.question_id)
    )
    return db.connection().execute(stmt).all()


class _Number:
    """A number question's statistics for one group (``_numbers`` rows have the same attributes)."""

    __slots__ = ("g", "max", "mean", "median", "min", "n", "question_id")

    def __init__(self, g: str, question_id: int, n: int, mean: float | None) -> None:
        self.g, self.question_id, self.n, self.mean = g, question_id, n, mean
        self.min = self.max = self.median = None


def _numbers_by_index(
    tally: list[Any], area: str | None, breakdown: str | None, number_ids: list[int]
) -> dict[tuple[str, int], _Number] | None:
    """Number statistics without reading every value: count and mean from the tally rows (``n``, ``total``), min,
    max and the exact median by index: per (group, question) one scalar subquery each for the first and the last
    value and one that skips to the middle (``ORDER BY num_value LIMIT 2 - n % 2 OFFSET (n - 1) / 2``, the two
    middle values interpolated as ``percentile_cont`` does), over ``ix_survey_answers_question_id_num_value`` for the
    whole and ``…_kabkota_code_num_value`` per kab/kota. None (use ``_numbers``) for other breakdowns."""
    if breakdown not in (None, "kabkota"):
        return None
    out: dict[tuple[str, int], _Number] = {}
    ids = set(number_ids)
    for r in tally:
        if r.question_id in ids:
            key = (r.g or "", r.question_id)
            hit = out.get(key) or out.setdefault(key, _Number(key[0], r.question_id, 0, 0.0))
            hit.n += int(r.firsts)
            hit.mean += float(r.total or 0)
    if breakdown is None and len({g for g, _q in out}) > 1:
        return None
    selects = []
    for (g, qid), num in out.items():
        num.mean = num.mean / num.n if num.n else None
        if not num.n:
            continue
        where = [A.question_id == qid, *NUMBER_ROWS, *_area_where(A, area)]
        if breakdown == "kabkota":
            where.append(A.kabkota_code == g if g else A.kabkota_code.is_(None))
        values = select(A.num_value).where(*where)
        middle = values.order_by(A.num_value).limit(2 - num.n % 2).offset((num.n - 1) // 2).subquery()
        selects.append(
            select(
                literal(g).label("g"),
                literal(qid).label("question_id"),
                values.order_by(A.num_value).limit(1).scalar_subquery().label("min"),
                values.order_by(A.num_value.desc()).limit(1).scalar_subquery().label("max"),
                select(
                    func.min(middle.c.num_value) + (func.max(middle.c.num_value) - func.min(middle.c.num_value)) * 0.5
                )
                .scalar_subquery()
                .label("median"),
            )
        )
    if selects:
        stmt = selects[0] if len(selects) == 1 else union_all(*selects)
        for row in db.connection().execute(stmt):
            num = out[(row.g, row.question_id)]
            num.min, num.max, num.median = row.min, row.max, row.median
    return out


def _respondents(survey_id: int, area: str | None, breakdown: str | None) -> dict[str, int]:
    g = _group_expr(R, breakdown).label("g")
    stmt = select(g, func.count()).where(R.survey_id == survey_id, *_area_where(R, area)).group_by(g)
    return {row[0] or "": row[1] for row in db.connection().execute(stmt)}


def _pct(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def _question_result(q: Any, opts: list[Any], rows: list[Any], number: Any | None, texts: bool) -> dict[str, Any]:
    """One question's figures from its tally rows (and its number statistics)."""
    answered = sum(r.firsts for r in rows)
    out: dict[str, Any] = {"question_id": q.id, "type": q.type, "answered": answered}
    options = [o for o in opts if not o.is_row]
    count: dict[Any, int] = defaultdict(int)
    for r in rows:
        count[(r.row_id, r.option_id)] += r.n
    if q.type in st.CHOICE_TYPES:
        out["options"] = [
            {
                "option_id": o.id,
                "label": o.label,
                "count": count[(None, o.id)],
                "percent": _pct(count[(None, o.id)], answered),
            }
            for o in options
        ]
        other = sum(r.texts for r in rows)
        out["other"] = {"count": other, "percent": _pct(other, answered)} if q.allow_other else None
    elif q.type == st.RANKING:
        k = len(options)
        scores = []
        for o in options:
            ranks = [(int(r.v), r.n) for r in rows if r.option_id == o.id and r.v is not None]
            total = sum(n for _, n in ranks)
            scores.append(
                {
                    "option_id": o.id,
                    "label": o.label,
                    "score": sum((k - rank + 1) * n for rank, n in ranks),
                    "average_rank": round(sum(rank * n for rank, n in ranks) / total, 2) if total else None,
                    "first": sum(n for rank, n in ranks if rank == 1),
                }
            )
        out["ranking"] = sorted(scores, key=lambda s: -s["score"])
    elif q.type == st.MATRIX:
        table = []
        for row in (o for o in opts if o.is_row):
            row_total = sum(count[(row.id, o.id)] for o in options)
            cells = [
                {
                    "option_id": o.id,
                    "label": o.label,
                    "count": count[(row.id, o.id)],
                    "percent": _pct(count[(row.id, o.id)], row_total),
                }
                for o in options
            ]
            table.append({"row_id": row.id, "label": row.label, "answered": row_total, "options": cells})
        out["matrix"] = table
    elif q.type in (st.RATING, st.SCALE, st.YES_NO):
        low, high = {st.RATING: st.RATING_RANGE, st.SCALE: st.SCALE_RANGE, st.YES_NO: (0, 1)}[q.type]
        dist = defaultdict(int)
        for r in rows:
            if r.v is not None:
                dist[int(r.v)] += r.n
        total = sum(dist.values())
        out["distribution"] = [
            {"value": v, "count": dist[v], "percent": _pct(dist[v], total)} for v in range(low, high + 1)
        ]
        out["average"] = round(sum(v * n for v, n in dist.items()) / total, 2) if total else None
        if q.type == st.SCALE:
            promoters = dist[9] + dist[10]
            detractors = sum(dist[v] for v in range(0, 7))
            out["nps"] = round(100.0 * (promoters - detractors) / total, 1) if total else None
    elif q.type == st.NUMBER:
        out["number"] = {
            "min": number.min if number else None,
            "max": number.max if number else None,
            "mean": round(float(number.mean), 4) if number and number.mean is not None else None,
            "median": float(number.median) if number and number.median is not None else None,
        }
    elif q.type in st.TEXT_TYPES:
        out["texts_visible"] = texts
    return out


#: Settings for the results' statements on PostgreSQL: the tally's grouping (hundreds of thousands of rows for a big
#: survey) and the number statistics fit in memory, and no JIT compilation (it costs more than it saves here).
_SETTINGS = {"jit": "off", "work_mem": "'64MB'"}


@contextlib.contextmanager
def _tuned() -> Iterator[None]:
    """``_SETTINGS`` around the statements (the read connection has no transaction for ``SET LOCAL``)."""
    if db.dialect != "postgresql":
        yield
        return
    conn = db.connection()
    conn.exec_driver_sql("; ".join(f"SET {k} = {v}" for k, v in _SETTINGS.items()))
    try:
        yield
    finally:
        conn.exec_driver_sql("; ".join(f"RESET {k}" for k in _SETTINGS))


def results(
    *, user: Any, survey_id: int, area: str | None, breakdown: str | None, direct: bool = False
) -> dict[str, Any]:
    """The results the caller may see (staff in scope always; residents as the survey allows).

    ``direct``: computed from every answer row instead of the tally (the reference the tests compare with)."""
    with _tuned():
        return _results(user=user, survey_id=survey_id, area=area, breakdown=breakdown, direct=direct)


def _results(*, user: Any, survey_id: int, area: str | None, breakdown: str | None, direct: bool) -> dict[str, Any]:
    survey = queries.get_visible(survey_id=survey_id, viewer=user)
    staff = perm.can_view_as_staff(user, survey)
    answered = False if staff else queries.has_answered(survey.id, user.id)
    if not perm.can_see_results(user, survey, answered=answered):
        raise Forbidden("The results of this survey are not open to you.")
    items, options = queries.load_items([survey.id])
    questions = [q for q in items[survey.id] if q.type in st.QUESTION_TYPES]
    number_ids = [q.id for q in questions if q.type == st.NUMBER]
    if direct:
        tally = _direct_tally(survey.id, area, breakdown, number_ids)
        respondents = _respondents(survey.id, area, breakdown)
    else:
        tally = _tally(survey.id, area, breakdown)
        respondents = _tally_respondents(survey.id, area, breakdown)
    fast = None if direct or not number_ids else _numbers_by_index(tally, area, breakdown, number_ids)
    if fast is not None:
        numbers: dict[tuple[str, int], Any] = dict(fast)
    else:
        numbers = {(r.g or "", r.question_id): r for r in _numbers(survey.id, area, breakdown, number_ids)}
    by_group: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for r in tally:
        by_group[r.g or ""][r.question_id].append(r)
    texts = perm.sees_text_answers(user, survey)

    def figures(group: str) -> list[dict[str, Any]]:
        rows = by_group.get(group, {})
        return [
            _question_result(q, options.get(q.id, []), rows.get(q.id, []), numbers.get((group, q.id)), texts)
            for q in questions
        ]

    out: dict[str, Any] = {
        "survey_id": survey.id,
        "area": area,
        "breakdown": breakdown,
        "respondents": sum(respondents.values()),
        "questions": [],
        "groups": [],
    }
    if breakdown is None:
        out["questions"] = figures("")
        return out
    # the whole (inside ``area``) as the sum of the groups: fold the group rows once more
    whole: dict[int, dict[tuple, Any]] = defaultdict(dict)
    for group_rows in by_group.values():
        for qid, rows in group_rows.items():
            for r in rows:
                key = (r.row_id, r.option_id, r.v)
                prev = whole[qid].get(key)
                whole[qid][key] = _Row(r, prev)
    whole_fast = None if direct or not number_ids else _numbers_by_index(_whole_rows(whole), area, None, number_ids)
    if whole_fast is not None:
        whole_numbers = {qid: r for (_g, qid), r in whole_fast.items()}
    else:
        whole_numbers = {r.question_id: r for r in _numbers(survey.id, area, None, number_ids)}
    out["questions"] = [
        _question_result(q, options.get(q.id, []), list(whole[q.id].values()), whole_numbers.get(q.id), texts)
        for q in questions
    ]
    for group in sorted(respondents):
        hidden = survey.anonymous and respondents[group] < MIN_GROUP
        out["groups"].append(
            {
                "area_code": group or None,
                "respondents": respondents[group],
                "suppressed": hidden,
                "questions": [] if hidden else figures(group),
            }
        )
    return out


class _Row:
    """A tally row summed over groups."""

    __slots__ = ("firsts", "g", "n", "option_id", "question_id", "row_id", "texts", "total", "v")

    def __init__(self, r: Any, prev: Any) -> None:
        self.g, self.question_id, self.row_id, self.option_id, self.v = "", r.question_id, r.row_id, r.option_id, r.v
        self.n = r.n + (prev.n if prev else 0)
        self.firsts = r.firsts + (prev.firsts if prev else 0)
        self.texts = r.texts + (prev.texts if prev else 0)
        self.total = float(getattr(r, "total", 0) or 0) + (prev.total if prev else 0.0)


def _whole_rows(whole: dict[int, dict[tuple, Any]]) -> list[Any]:
    return [r for rows in whole.values() for r in rows.values()]
