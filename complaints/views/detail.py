"""One complaint's answers: the detail as a caller may see it, and the answer to a submission. Queries load
(``intake.queries`` the complaint, ``views.queries`` what other parts add), presenters shape (``views.presenters``);
nothing here changes state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from app.accounts.models import User
from app.core import http
from app.extensions import db
from complaints import audit
from complaints import permissions as perm
from complaints.intake import queries as intake_queries
from complaints.supports.models import Support
from complaints.views import presenters, queries

DUPLICATES_SHOWN = 5


def submitted_view(submission: Any, *, reporter: Any) -> dict[str, Any]:
    """The reporter's view of the complaint plus the likely duplicates the app may offer to support instead
    (``submission`` is a ``service.Submission``)."""
    c = submission.complaint
    photos = queries.photos_for([c.id]).get(c.id, []) if submission.replayed else []
    extras = queries.detail_extras(c.id) if submission.replayed else presenters.NO_EXTRAS
    view = presenters.detail(
        c, viewer=reporter, photos=photos, reporter_name=reporter.name, supported_by_me=False, extras=extras
    )
    dups = intake_queries.similar(
        viewer=reporter,
        lat=c.latitude,
        lon=c.longitude,
        category_id=c.category_id,
        exclude_id=c.id,
        cursor=None,
        limit=DUPLICATES_SHOWN,
    )
    view["likely_duplicates"] = dups["items"]
    return view


def detail_view(*, complaint_id: int, viewer: Any | None) -> dict[str, Any]:
    """One complaint as ``viewer`` may see it (404 when they may not see it at all)."""
    c = intake_queries.get_visible(complaint_id=complaint_id, viewer=viewer)
    http.tag_resource(intake_queries.etag_core(c))
    reporter_name = None
    if perm.sees_reporter_identity(viewer, c):
        if perm.is_reporter(viewer, c):
            reporter_name = viewer.name
        else:
            reporter_name = db.session.get(User, c.reporter_id).name
            audit.identity_shown(viewer, c)
    supported = None
    if viewer is not None:
        supported = db.session.scalar(
            select(exists().where(Support.complaint_id == c.id, Support.user_id == viewer.id))
        )
    photos = queries.photos_for([c.id], kinds=("intake", "resolution")).get(c.id, [])
    return presenters.detail(
        c,
        viewer=viewer,
        photos=photos,
        reporter_name=reporter_name,
        supported_by_me=supported,
        extras=queries.detail_extras(c.id),
    )
