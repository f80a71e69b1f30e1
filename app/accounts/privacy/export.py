"""'Download my data': one zip archive per request, built by a job and streamed to storage; and the same pipeline
for the files features register (a survey's responses as CSV or XLSX for the staff member who asked).

The job asks every registered exporter (``registry``) for its files and writes them into a zip on a temporary
file as they come: JSON lists item by item (``JsonArray``), photos copied in 64 KiB chunks (``Blob``), so memory
stays flat whatever the resident has. The finished file is moved into storage without being read into memory,
then the owner is told (``DATA_EXPORT_READY``, which notifications turn into an inbox entry and a push). The link
works for the owner's bearer token only and until ``expires_at`` (``PRIVACY_EXPORT_HOURS``); retention deletes
the file after that.

A feature registers a file kind with ``register_file(kind, writer=, content_type=, extension=)``: ``writer(fh,
subject_id)`` writes the whole file on a binary temporary file (``subject_id``: what it is of, e.g. the survey).
``request_export(user_id=, kind=, subject_id=)`` then records a pending ``DataExport`` and enqueues the same job,
which streams the file into storage, marks it ready and sets its expiry; ``for_download`` and ``download`` serve it
to the requester only, and retention's ``expired_exports`` step deletes it like any archive. Only personal
archives notify their owner (staff poll the state).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app, send_file
from sqlalchemy import select

from app.accounts.privacy import registry
from app.accounts.privacy.models import EXPORT_FAILED, EXPORT_PENDING, EXPORT_READY, PERSONAL_EXPORT, DataExport
from app.core.db import utcnow
from app.core.errors import AppError, NotFound
from app.core.events import emit
from app.core.i18n import _
from app.core.jobs import enqueue_after_commit, job
from app.core.storage import Storage, get_storage
from app.extensions import db

log = logging.getLogger(__name__)

#: Event emitted in the job's transaction when an archive is ready: ``user_id``, ``export_id``, ``expires_at``.
DATA_EXPORT_READY = "accounts.data_export_ready"
CHUNK = 64 * 1024
ARCHIVE_TYPE = "application/zip"


class Gone(AppError):
    status_code = 410


@dataclass(frozen=True)
class FileKind:
    """A file a feature builds through this pipeline: ``writer(fh, subject_id)`` writes it on ``fh``."""

    writer: Callable[[IO[bytes], int | None], None]
    content_type: str
    extension: str


_FILE_KINDS: dict[str, FileKind] = {}


def register_file(kind: str, *, writer: Callable[[IO[bytes], int | None], None], content_type: str, extension: str):
    """Let ``request_export(kind=kind, ...)`` build files with ``writer`` (at import time of a feature)."""
    if kind == PERSONAL_EXPORT:
        raise ValueError("the personal archive is built by this module")
    _FILE_KINDS[kind] = FileKind(writer=writer, content_type=content_type, extension=extension)


def content_type_of(kind: str) -> str:
    return ARCHIVE_TYPE if kind == PERSONAL_EXPORT else _FILE_KINDS[kind].content_type


def extension_of(kind: str) -> str:
    return "zip" if kind == PERSONAL_EXPORT else _FILE_KINDS[kind].extension


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(value: Any) -> bytes:
    return json.dumps(value, default=_default, ensure_ascii=False, indent=1).encode()


def _mine(user_id: int, kind: str, subject_id: int | None) -> list[Any]:
    subject = DataExport.subject_id.is_(None) if subject_id is None else DataExport.subject_id == subject_id
    return [DataExport.user_id == user_id, DataExport.kind == kind, subject]


def request_export(*, user_id: int, kind: str = PERSONAL_EXPORT, subject_id: int | None = None) -> DataExport:
    """Start an export, or answer the one still being built (one at a time per account, kind and subject)."""
    if kind != PERSONAL_EXPORT and kind not in _FILE_KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    pending = db.session.scalars(
        select(DataExport).where(*_mine(user_id, kind, subject_id), DataExport.status == EXPORT_PENDING).limit(1)
    ).first()
    if pending is not None:
        return pending
    export = DataExport(user_id=user_id, kind=kind, subject_id=subject_id, status=EXPORT_PENDING, requested_at=utcnow())
    db.session.add(export)
    db.session.flush()
    enqueue_after_commit(build_data_export, export.id)
    return export


def latest(*, user_id: int) -> DataExport:
    export = db.session.scalars(
        select(DataExport).where(*_mine(user_id, PERSONAL_EXPORT, None)).order_by(DataExport.id.desc()).limit(1)
    ).first()
    if export is None:
        raise NotFound("No data export has been requested.", code="data_export_not_found")
    return export


def own(
    *, user_id: int, export_id: int, kinds: tuple[str, ...] = (PERSONAL_EXPORT,), subject_id: int | None = None
) -> DataExport:
    """The caller's export of one of ``kinds`` and that subject; anyone else's (or another kind's or subject's) is a
    404 like a missing one."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.user_id != user_id or export.kind not in kinds or export.subject_id != subject_id:
        raise NotFound("No data export has been requested.", code="data_export_not_found")
    return export


def for_download(
    *, user_id: int, export_id: int, kinds: tuple[str, ...] = (PERSONAL_EXPORT,), subject_id: int | None = None
) -> DataExport:
    """The owner's ready file; someone else's is a 404 like a missing one, an expired one a 410."""
    export = own(user_id=user_id, export_id=export_id, kinds=kinds, subject_id=subject_id)
    if export.status != EXPORT_READY or export.expires_at is None or export.expires_at <= utcnow():
        if export.status == EXPORT_PENDING:
            raise NotFound("The data export is not ready yet.", code="data_export_pending")
        raise Gone(_("This download has expired: request a new data export."), code="data_export_expired")
    return export


def write_archive(fh: IO[bytes], user_id: int) -> int:
    """Write every exporter's files for ``user_id`` into a zip on ``fh``; returns how many files."""
    names: list[str] = []
    missing: list[str] = []
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, payload in registry.export_files(user_id):
            if isinstance(payload, registry.Blob):
                try:
                    src = payload.open()
                except FileNotFoundError:
                    missing.append(name)
                    continue
                info = zipfile.ZipInfo(name, date_time=utcnow().timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED  # photos are compressed already
                with src, zf.open(info, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
            elif isinstance(payload, registry.JsonArray):
                with zf.open(name, "w", force_zip64=True) as dst:
                    dst.write(b"[")
                    for i, item in enumerate(payload.items):
                        dst.write(b",\n" if i else b"\n")
                        dst.write(json.dumps(item, default=_default, ensure_ascii=False).encode())
                    dst.write(b"\n]\n")
            elif isinstance(payload, bytes):
                zf.writestr(name, payload)
            else:
                zf.writestr(name, _dumps(payload))
            names.append(name)
        manifest = {
            "generated_at": utcnow(),
            "user_id": user_id,
            "files": names,
            "missing_files": missing,
            "note": "Data Balai holds about you (UU 27/2022). Staff are named by role and office only.",
        }
        zf.writestr("manifest.json", _dumps(manifest))
    return len(names) + 1


def download(export: DataExport, *, download_name: str) -> Any:
    """The stored file as a download answer (never cached; streamed from storage)."""
    try:
        fh = get_storage().open(export.storage_key or "")
    except (FileNotFoundError, ValueError):
        raise NotFound("No data export has been requested.", code="data_export_not_found") from None
    resp = send_file(
        fh,
        mimetype=content_type_of(export.kind),
        as_attachment=True,
        download_name=download_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def store_file(storage: Storage, key: str, fh: IO[bytes], *, content_type: str = ARCHIVE_TYPE) -> None:
    """Move a finished file into storage without reading it into memory when the backend allows it."""
    put_stream = getattr(storage, "put_stream", None)
    if put_stream is not None:
        put_stream(key, fh, content_type=content_type)
        return
    path_of = getattr(storage, "path", None)
    if path_of is None:
        storage.put(key, fh.read(), content_type=content_type)
        return
    target = Path(path_of(key))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(fh, out, CHUNK)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(export_id: int) -> str:
    """The job's work: build, store, mark ready and tell the owner. A failure marks the export failed."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.status != EXPORT_PENDING:
        return "skipped"
    storage = get_storage()
    kind = export.kind
    key = f"exports/{export.user_id}/{secrets.token_hex(16)}.{extension_of(kind)}"
    try:
        with tempfile.TemporaryFile() as tmp:
            if kind == PERSONAL_EXPORT:
                count = write_archive(tmp, export.user_id)
            else:
                _FILE_KINDS[kind].writer(tmp, export.subject_id)
                count = 1
            size = tmp.tell()
            tmp.seek(0)
            store_file(storage, key, tmp, content_type=content_type_of(kind))
    except Exception as exc:
        log.exception("data export %s failed", export_id)
        storage.delete(key)
        db.session.rollback()
        export = db.session.get(DataExport, export_id)
        if export is not None:
            export.status, export.error = EXPORT_FAILED, f"{type(exc).__name__}: {exc}"[:200]
        return "failed"
    now = utcnow()
    export.status, export.ready_at = EXPORT_READY, now
    export.expires_at = now + dt.timedelta(hours=current_app.config["PRIVACY_EXPORT_HOURS"])
    export.storage_key, export.size_bytes, export.file_count = key, size, count
    db.session.flush()
    if kind == PERSONAL_EXPORT:
        emit(DATA_EXPORT_READY, user_id=export.user_id, export_id=export.id, expires_at=export.expires_at)
    return "ready"


def delete_files(exports: list[DataExport]) -> None:
    storage = get_storage()
    for e in exports:
        if e.storage_key:
            storage.delete(e.storage_key)


@job()
def build_data_export(export_id: int) -> str:
    """The job that builds one export: a resident's archive or a feature's file."""
    return build(export_id)
