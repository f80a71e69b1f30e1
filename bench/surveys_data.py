"""Bulk-generated survey data for the issue 13 benchmarks (PostgreSQL, server-side ``INSERT … SELECT``).

A published, anonymous 10-question province survey of Jawa Barat (two single choice, multiple choice with two
picks, a 4-option ranking, a 3 x 4 matrix, rating, 0-10 scale, number, yes/no, a short text answered by 10 %) with
``count`` responses (about 15 rows of answers each): 25 % of the respondents live in Kota Bandung, the rest in any
desa of Jawa Barat. The survey is built with the real builder; responses and answers are written by SQL with the
indexes dropped and rebuilt afterwards, then ``VACUUM ANALYZE`` (as a long-lived table would be). Participations
are not generated (they only serve the one-response rule). 20 more small surveys target Kota Bandung, for the list.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sqlalchemy import create_engine, text

SURVEY_TITLE = "Bench: survei provinsi 10 pertanyaan"
MEDIUM_TITLE = "Bench: survei 100 ribu jawaban"
#: The secondary indexes of ``survey_answers`` (as in ``surveys.models``), dropped for the bulk load and rebuilt.
_NUMBER_ROWS = "WHERE num_value IS NOT NULL AND option_id IS NULL AND row_id IS NULL"
NUMBER_INDEXES = (
    "ix_survey_answers_question_id_num_value ON survey_answers (question_id, num_value) "
    f"INCLUDE (kabkota_code, desa_code) {_NUMBER_ROWS}",
    "ix_survey_answers_question_id_kabkota_code_num_value ON survey_answers (question_id, kabkota_code, num_value) "
    f"INCLUDE (desa_code) {_NUMBER_ROWS}",
)
ITEMS: list[dict[str, Any]] = [
    {"type": "single_choice", "title": "Q1", "options": ["a", "b", "c", "d", "e"], "required": True},
    {"type": "multiple_choice", "title": "Q2", "options": ["a", "b", "c", "d", "e", "f"]},
    {"type": "ranking", "title": "Q3", "options": ["a", "b", "c", "d"]},
    {"type": "matrix", "title": "Q4", "rows": ["r1", "r2", "r3"], "options": ["1", "2", "3", "4"]},
    {"type": "rating", "title": "Q5"},
    {"type": "scale", "title": "Q6"},
    {"type": "number", "title": "Q7", "min_value": 0, "max_value": 600},
    {"type": "yes_no", "title": "Q8"},
    {"type": "short_text", "title": "Q9"},
    {"type": "single_choice", "title": "Q10", "options": ["x", "y", "z"]},
]


def build_medium_survey(app: Any) -> int:
    """A second survey with the same 10 questions (for the export's memory at 100k responses); returns its id."""
    from types import SimpleNamespace

    from app.core.db import utcnow
    from app.extensions import db
    from surveys import builder
    from surveys.schemas import SurveyCreateSchema

    admin = SimpleNamespace(id=None, role="admin", scope="32", home=None)
    now = utcnow()
    data = {
        "kind": "survey",
        "title": MEDIUM_TITLE,
        "area_code": "32",
        "anonymous": True,
        "items": ITEMS,
        "opens_at": (now - dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=365)).isoformat(),
    }
    with app.app_context():
        s = builder.create(user=admin, data=SurveyCreateSchema().load(data))
        s.status, s.published_at = "published", now
        db.session.commit()
        return s.id


def build_surveys(app: Any, admin_scope: str = "32") -> int:
    """The big survey and 20 small Kota Bandung ones, through the builder; returns the big one's id."""
    from types import SimpleNamespace

    from app.core.db import utcnow
    from app.extensions import db
    from surveys import builder
    from surveys.schemas import SurveyCreateSchema

    admin = SimpleNamespace(id=None, role="admin", scope=admin_scope, home=None)
    now = utcnow()
    window = {
        "opens_at": (now - dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=365)).isoformat(),
    }
    with app.app_context():
        data = {"kind": "survey", "title": SURVEY_TITLE, "area_code": "32", "anonymous": True, "items": ITEMS}
        big = builder.create(user=admin, data=SurveyCreateSchema().load({**data, **window}))
        big.status, big.published_at = "published", now
        for i in range(20):
            kind = "poll" if i % 2 else "survey"
            items = [{"type": "single_choice", "title": "Setuju?", "options": ["Ya", "Tidak"]}]
            small = {"kind": kind, "title": f"Bench kota {i}", "area_code": "32.73", "items": items}
            s = builder.create(user=admin, data=SurveyCreateSchema().load({**small, **window}))
            s.status, s.published_at = "published", now
        db.session.commit()
        return big.id


def _ids(conn: Any, survey_id: int) -> dict[str, Any]:
    rows = conn.execute(
        text(
            "SELECT q.title, o.id, o.is_row FROM survey_questions q LEFT JOIN survey_options o ON o.question_id = q.id "
            "WHERE q.survey_id = :s ORDER BY q.position, o.is_row, o.position"
        ),
        {"s": survey_id},
    ).all()
    qids = dict(
        conn.execute(text("SELECT title, id FROM survey_questions WHERE survey_id = :s"), {"s": survey_id}).all()
    )
    opts: dict[str, list[int]] = {}
    rws: dict[str, list[int]] = {}
    for title, oid, is_row in rows:
        if oid is not None:
            (rws if is_row else opts).setdefault(title, []).append(oid)
    return {"q": qids, "o": opts, "r": rws}


def _answers_sql(ids: dict[str, Any], survey_id: int) -> list[str]:
    """One INSERT … SELECT of every answer row, response after response (a ``LATERAL (VALUES …)`` per response in
    the responses' physical order), so that a response's rows lie together as submits write them."""
    q, o, r = ids["q"], ids["o"], ids["r"]
    cols = (
        "response_id, question_id, part, survey_id, kabkota_code, desa_code, row_id, option_id, num_value, text_value"
    )

    def row(qid: int, part: int, row_id: str, option: str, num: str, txt: str, keep: str = "true") -> str:
        return f"({qid}, {part}, {row_id}::bigint, {option}::bigint, {num}::float8, {txt}::text, {keep})"

    def pick(title: str, expr: str) -> str:
        arr = ",".join(map(str, o[title]))
        return f"(ARRAY[{arr}])[1 + ({expr}) % {len(o[title])}]"

    h = "(hashtext(r.id::text)::bigint & 2147483647)"  # a stable per-response pseudo-random number
    rows = [
        row(q["Q1"], 0, "NULL", pick("Q1", f"{h} % 7 % 5"), "NULL", "NULL"),
        row(q["Q2"], 0, "NULL", pick("Q2", h), "NULL", "NULL"),
        row(q["Q2"], 1, "NULL", pick("Q2", f"{h} + 1 + {h} / 7 % 5"), "NULL", "NULL"),
    ]
    for rank in range(4):
        rows.append(row(q["Q3"], rank, "NULL", pick("Q3", f"{h} % 4 + {rank}"), str(float(rank + 1)), "NULL"))
    for j, row_id in enumerate(r["Q4"]):
        rows.append(row(q["Q4"], j, str(row_id), pick("Q4", f"{h} / {j + 3}"), "NULL", "NULL"))
    rows += [
        row(q["Q5"], 0, "NULL", "NULL", f"(1 + {h} % 5)", "NULL"),
        row(q["Q6"], 0, "NULL", "NULL", f"({h} / 3 % 11)", "NULL"),
        row(q["Q7"], 0, "NULL", "NULL", f"(({h} % 60000) / 100.0)", "NULL"),
        row(q["Q8"], 0, "NULL", "NULL", f"({h} / 11 % 2)", "NULL"),
        row(q["Q9"], 0, "NULL", "NULL", "NULL", "('jawaban ' || left(r.id::text, 8))", f"{h} % 10 = 0"),
        row(q["Q10"], 0, "NULL", pick("Q10", f"{h} / 13"), "NULL", "NULL"),
    ]
    values = ",\n".join(rows)
    return [
        f"INSERT INTO survey_answers ({cols}) SELECT r.id, v.question_id, v.part, {survey_id}, r.kabkota_code, "
        f"r.desa_code, v.row_id, v.option_id, v.num_value, v.text_value FROM survey_responses r CROSS JOIN LATERAL "
        f"(VALUES {values}) AS v(question_id, part, row_id, option_id, num_value, text_value, keep) "
        f"WHERE r.survey_id = {survey_id} AND v.keep"
    ]


def generate_responses(url: str, survey_id: int, *, count: int, rebuild: bool = True) -> float:
    """``count`` responses with their answers; returns the seconds it took. ``rebuild``: drop the answers' keys and
    indexes first and rebuild them after (the first, big load); otherwise insert with them in place."""
    started = time.perf_counter()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
        if rebuild:
            conn.execute(text("ALTER TABLE survey_answers DROP CONSTRAINT pk_survey_answers"))
            conn.execute(
                text("ALTER TABLE survey_answers DROP CONSTRAINT fk_survey_answers_response_id_survey_responses")
            )
            for index in NUMBER_INDEXES:
                conn.execute(text(f"DROP INDEX IF EXISTS {index.split()[0]}"))
        conn.execute(
            text(
                "CREATE TEMP TABLE bench_desa AS SELECT row_number() OVER (ORDER BY code) AS n, code FROM areas "
                "WHERE level = 4 AND code LIKE :p"
            ),
            {"p": "32.%"},
        )
        n_all = conn.execute(text("SELECT count(*) FROM bench_desa")).scalar_one()
        first_bdg, n_bdg = conn.execute(text("SELECT min(n), count(*) FROM bench_desa WHERE code LIKE '32.73.%'")).one()
        conn.execute(
            text(
                "INSERT INTO survey_responses (id, survey_id, submitted_on, desa_code, kabkota_code) "
                "SELECT gen_random_uuid(), :s, current_date - (g % 30), d.code, left(d.code, 5) "
                "FROM generate_series(1, :count) g JOIN bench_desa d ON d.n = CASE WHEN g % 4 = 0 "
                "THEN :fb + (g / 4) % :nb ELSE 1 + (g::bigint * 7919) % :na END"
            ),
            {"s": survey_id, "count": count, "fb": first_bdg, "nb": n_bdg, "na": n_all},
        )
        ids = _ids(conn, survey_id)
        # the answers follow the responses' physical (insertion) order, never an index's (random UUID) order
        conn.execute(text("SET LOCAL enable_indexscan = off"))
        conn.execute(text("SET LOCAL enable_bitmapscan = off"))
        for stmt in _answers_sql(ids, survey_id):
            conn.execute(text(stmt))
        if rebuild:
            conn.execute(
                text(
                    "ALTER TABLE survey_answers ADD CONSTRAINT pk_survey_answers "
                    "PRIMARY KEY (response_id, question_id, part)"
                )
            )
            conn.execute(
                text(
                    "ALTER TABLE survey_answers ADD CONSTRAINT fk_survey_answers_response_id_survey_responses "
                    "FOREIGN KEY (response_id) REFERENCES survey_responses (id) ON DELETE CASCADE"
                )
            )
            for index in NUMBER_INDEXES:
                conn.execute(text(f"CREATE INDEX {index}"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE survey_responses"))
        conn.execute(text("VACUUM ANALYZE survey_answers"))
    engine.dispose()
    return time.perf_counter() - started


def is_complete(url: str, *, count: int, title: str = SURVEY_TITLE) -> int | None:
    """The big survey's id when it holds ``count`` responses already (or a few more: the submit benchmark adds
    some, which the results then include)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            sid = conn.execute(text("SELECT id FROM surveys WHERE title = :t"), {"t": title}).scalar()
            if sid is None:
                return None
            n = conn.execute(text("SELECT count(*) FROM survey_responses WHERE survey_id = :s"), {"s": sid}).scalar()
            return sid if count <= n <= count * 1.05 else None
    except Exception:
        return None
    finally:
        engine.dispose()
