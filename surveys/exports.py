"""Exports of a survey's responses, streamed: CSV, and XLSX written by openpyxl in write-only mode.

One row per response and one column per question (a matrix: one per row). The rows come from a generator over
keyset pages of ``BATCH`` responses (``ix_survey_responses_survey_id_id``) and each page's answers by primary key,
in one snapshot, so memory holds one page whatever the number of responses, and the work follows the survey's
own rows (a single join would walk the whole answers table). CSV chunks leave as they are written; an XLSX file
is a zip that can only be finished at the end, so openpyxl writes it to a temporary file on disk (write-only mode
keeps no rows in memory) and the file is then streamed. Big surveys go through the export job (``export_jobs``).

Anonymous surveys export the random response id, the date and the respondent's kab/kota, nothing else about them;
others add the desa, the account id and the exact time.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import IO, Any

from sqlalchemy import select

from app.core.errors import NotFound
from app.extensions import db
from surveys import permissions as perm
from surveys import queries
from surveys import states as st
from surveys.models import Answer, Response

BATCH = 2000
A, R = Answer.__table__.c, Response.__table__.c


def columns(items: list[Any], options: dict[int, list[Any]]) -> list[tuple[str, Any, Any]]:
    """(header, question, matrix row or None) per answer column."""
    cols = []
    for q in items:
        if q.type not in st.QUESTION_TYPES:
            continue
        if q.type == st.MATRIX:
            cols += [(f"{q.title} \u2014 {r.label}", q, r) for r in options.get(q.id, []) if r.is_row]
        else:
            cols.append((q.title, q, None))
    return cols


def _cell(q: Any, parts: list[Any], labels: dict[int, str], row: Any) -> str | float | None:
    if not parts:
        return None
    if q.type == st.MATRIX:
        hit = next((p for p in parts if p.row_id == row.id), None)
        return labels.get(hit.option_id) if hit else None
    if q.type in st.CHOICE_TYPES:
        chosen = [labels.get(p.option_id, "") if p.option_id is not None else p.text_value for p in parts]
        return "; ".join(c for c in chosen if c)
    if q.type == st.RANKING:
        return " > ".join(labels.get(p.option_id, "") for p in sorted(parts, key=lambda p: p.num_value))
    if q.type == st.YES_NO:
        return "yes" if parts[0].num_value == 1 else "no"
    if q.type in (st.RATING, st.SCALE) or (q.type == st.NUMBER and q.integer_only):
        return int(parts[0].num_value)
    if q.type == st.NUMBER:
        return parts[0].num_value
    return parts[0].text_value


def _rows(survey: Any, columns: list[tuple[str, Any, Any]], labels: dict[int, str]) -> Iterator[list[Any]]:
    """Header, then one row per response: keyset pages of ``BATCH`` responses (``ix_survey_responses_survey_id_id``)
    and the answers of each page by primary key, in one snapshot. The work follows the survey's own rows, never the
    size of the whole answers table."""
    anonymous = survey.anonymous
    meta = ["response_id", "submitted_on", "kabkota_code"]
    if not anonymous:
        meta += ["desa_code", "user_id", "submitted_at"]
    yield meta + [c[0] for c in columns]
    responses = (
        select(R.id, R.submitted_on, R.kabkota_code, R.desa_code, R.user_id, R.submitted_at)
        .where(R.survey_id == survey.id)
        .order_by(R.id)
        .limit(BATCH)
    )
    answers = select(A.response_id, A.question_id, A.part, A.row_id, A.option_id, A.num_value, A.text_value).order_by(
        A.response_id, A.question_id, A.part
    )

    # plain copies of what ``_cell`` reads (the ORM objects' attribute access costs more, a million times over)
    plain = [
        (
            SimpleNamespace(id=q.id, type=q.type, integer_only=q.integer_only),
            SimpleNamespace(id=row.id) if row else None,
        )
        for _h, q, row in columns
    ]

    def row_of(r: Any, mine: dict[int, list[Any]]) -> list[Any]:
        head = [str(r.id), r.submitted_on.isoformat(), r.kabkota_code]
        if not anonymous:
            head += [r.desa_code, r.user_id, r.submitted_at.isoformat() if r.submitted_at else None]
        return head + [_cell(q, mine.get(q.id, []), labels, row) for q, row in plain]

    with _snapshot() as conn:
        after = None
        while True:
            page = conn.execute(responses if after is None else responses.where(R.id > after)).all()
            if not page:
                break
            parts: dict[Any, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
            for p in conn.execute(answers.where(A.response_id.in_([r.id for r in page]))).all():
                parts[p.response_id][p.question_id].append(p)
            for r in page:
                yield row_of(r, parts.get(r.id, {}))
            after = page[-1].id


@contextmanager
def _snapshot() -> Iterator[Any]:
    """A connection in a transaction, so that every page of the export reads one snapshot. On PostgreSQL a
    read-only connection of its own (the request's read connection is in autocommit mode), REPEATABLE READ;
    elsewhere the session's."""
    if db.read_engine is None:
        yield db.session.connection()
        return
    with db.read_engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def prepare(*, user: Any, survey_id: int) -> tuple[Any, list[tuple[str, Any, Any]], dict[int, str]]:
    survey = queries.get_visible(survey_id=survey_id, viewer=user)
    if not perm.can_view_as_staff(user, survey):
        raise NotFound(queries.NOT_FOUND, code="survey_not_found")
    items, options = queries.load_items([survey.id])
    labels = {o.id: o.label for opts in options.values() for o in opts}
    return survey, columns(items[survey.id], options), labels


def csv_chunks(survey: Any, columns: list[tuple[str, Any, Any]], labels: dict[int, str]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()  # so that spreadsheet programs read UTF-8
    for i, row in enumerate(_rows(survey, columns, labels)):
        writer.writerow(row)
        if i % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_xlsx(fh: IO[bytes], survey: Any, columns: list[tuple[str, Any, Any]], labels: dict[int, str]) -> None:
    """The workbook on ``fh`` (openpyxl's write-only mode: rows go to its own temporary file as they come)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    for row in _rows(survey, columns, labels):
        sheet.append(row)
    workbook.save(fh)


def xlsx_chunks(survey: Any, columns: list[tuple[str, Any, Any]], labels: dict[int, str]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as f:
        write_xlsx(f, survey, columns, labels)
        f.seek(0)
        while chunk := f.read(64 * 1024):
            yield chunk
