"""Exports of any size as a job: ``POST /surveys/{id}/exports`` → poll → download, through the data-export pipeline.

A request records a pending ``DataExport`` (kind ``survey_csv`` or ``survey_xlsx``, subject the survey) for the
staff member in scope who asked, and the data-export job (``app.accounts.privacy.export``) streams the file with
``exports.csv_chunks`` / ``exports.xlsx_chunks`` onto a temporary file and into storage: memory stays one batch of
rows whatever the number of responses, and no web worker waits for it. The requester polls the state and downloads
the file until it expires (``PRIVACY_EXPORT_HOURS``); retention deletes it afterwards, like a resident's archive.
Anyone else, or the requester once the survey is out of their scope, gets a 404. Anonymity rules are those of the
synchronous export (the same row generator).
"""

from __future__ import annotations

from typing import IO, Any

from sqlalchemy import func, select

from app.accounts.privacy import export as pipeline
from app.accounts.privacy.models import DataExport
from app.core.errors import Conflict, NotFound
from app.core.i18n import _
from app.extensions import db
from surveys import exports, queries
from surveys.models import Response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND = {"csv": "survey_csv", "xlsx": "survey_xlsx"}
FORMAT = {v: k for k, v in KIND.items()}
#: Above this many responses the synchronous ``GET /export`` answers 409 and points to the job.
SYNC_MAX = 10_000
TOO_LARGE = _("This survey has too many responses to export in one request: start an export with POST .../exports.")


def _definition(survey_id: int | None) -> tuple[Any, list[tuple[str, Any, Any]], dict[int, str]]:
    survey = queries.get_survey(int(survey_id or 0))
    if survey is None:
        raise NotFound(queries.NOT_FOUND, code="survey_not_found")
    items, options = queries.load_items([survey.id])
    labels = {o.id: o.label for opts in options.values() for o in opts}
    return survey, exports.columns(items[survey.id], options), labels


def write_csv(fh: IO[bytes], survey_id: int | None) -> None:
    for chunk in exports.csv_chunks(*_definition(survey_id)):
        fh.write(chunk)


def write_xlsx(fh: IO[bytes], survey_id: int | None) -> None:
    exports.write_xlsx(fh, *_definition(survey_id))


def register() -> None:
    pipeline.register_file(KIND["csv"], writer=write_csv, content_type="text/csv", extension="csv")
    pipeline.register_file(KIND["xlsx"], writer=write_xlsx, content_type=XLSX_TYPE, extension="xlsx")


def check_sync_size(survey_id: int) -> None:
    """409 when a survey has more than ``SYNC_MAX`` responses (an index range of at most ``SYNC_MAX + 1`` rows)."""
    some = select(Response.id).where(Response.survey_id == survey_id).limit(SYNC_MAX + 1).subquery()
    if db.session.scalar(select(func.count()).select_from(some)) > SYNC_MAX:
        raise Conflict(TOO_LARGE, code="export_too_large")


def start(*, user: Any, survey_id: int, fmt: str) -> DataExport:
    survey, _columns, _labels = exports.prepare(user=user, survey_id=survey_id)
    return pipeline.request_export(user_id=user.id, kind=KIND[fmt], subject_id=survey.id)


def state(*, user: Any, survey_id: int, export_id: int) -> DataExport:
    survey, _columns, _labels = exports.prepare(user=user, survey_id=survey_id)
    return pipeline.own(user_id=user.id, export_id=export_id, kinds=tuple(FORMAT), subject_id=survey.id)


def download(*, user: Any, survey_id: int, export_id: int) -> Any:
    survey, _columns, _labels = exports.prepare(user=user, survey_id=survey_id)
    found = pipeline.for_download(user_id=user.id, export_id=export_id, kinds=tuple(FORMAT), subject_id=survey.id)
    return pipeline.download(found, download_name=f"survey-{survey.id}.{FORMAT[found.kind]}")
