"""The survey builder: create, change, duplicate and move surveys through their states, in the caller's scope.

Once anyone has answered, the questions (and what they mean: anonymity, target area) are frozen (409); the survey
can be duplicated into a new draft instead. Publishing announces the survey once to its area
(``surveys.notify.announce``); closing a poll tells its voters once (``surveys.notify.tell_voters``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete

from app.areas import service as areas
from app.areas.codes import LEVEL_DESA, scope_key
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from app.core.i18n import _
from app.core.sync import record_deletion
from app.extensions import db
from surveys import notify, queries, rules
from surveys import permissions as perm
from surveys import states as st
from surveys.models import Option, Question, Survey

FROZEN = _("Someone has already answered: the questions can no longer change. Duplicate the survey instead.")
_FROZEN_FIELDS = frozenset({"items", "anonymous", "area_code", "rw"})
_PLAIN_FIELDS = ("title", "description", "opens_at", "closes_at", "anonymous", "results_visibility")


def _target(user: Any, *, kind: str, area_code: str, rw: int | None) -> str:
    """The target's scope key, once the area exists and lies in the caller's scope (403 otherwise)."""
    detail = areas.require_area(code=area_code, field="area_code")
    if rw is not None and detail.level != LEVEL_DESA:
        raise ValidationFailed(
            "An RW belongs to a desa/kelurahan.", errors={"rw": ["An RW belongs to a desa/kelurahan."]}
        )
    key = scope_key(area_code, rw)
    if not perm.may_target(user, kind=kind, target_key=key):
        if kind == st.SURVEY and user.role in perm.POLL_ROLES:
            raise Forbidden("Village and RW officials create polls, not surveys.")
        raise Forbidden("This area is outside your scope.")
    return key


def _check_window(opens_at: dt.datetime, closes_at: dt.datetime) -> None:
    if closes_at <= opens_at:
        raise ValidationFailed(
            "The survey must close after it opens.", errors={"closes_at": ["Must be after opens_at."]}
        )


def _write_items(survey_id: int, items: list[dict[str, Any]]) -> None:
    """Replace every item of the survey; conditions given by index become ids."""
    db.session.execute(
        delete(Question).where(Question.survey_id == survey_id).execution_options(synchronize_session=False)
    )
    fields = ("type", "title", "description", "min_choices", "max_choices", "max_length", "min_value", "max_value")
    questions = [
        Question(
            survey_id=survey_id,
            position=i,
            required=bool(item.get("required")),
            integer_only=bool(item.get("integer_only")),
            allow_other=bool(item.get("allow_other")),
            **{f: item.get(f) for f in fields},
        )
        for i, item in enumerate(items)
    ]
    db.session.add_all(questions)
    db.session.flush()
    options: list[list[Option]] = []
    for q, item in zip(questions, items, strict=True):
        opts = [
            Option(question_id=q.id, position=j, is_row=False, label=label) for j, label in enumerate(item["options"])
        ]
        rows = [Option(question_id=q.id, position=j, is_row=True, label=label) for j, label in enumerate(item["rows"])]
        options.append(opts)
        db.session.add_all(opts + rows)
    db.session.flush()
    for q, item in zip(questions, items, strict=True):
        cond = item.get("condition")
        if cond is not None:
            q.condition_question_id = questions[cond["question"]].id
            q.condition_operator = cond["operator"]
            if cond.get("option") is not None:
                q.condition_option_id = options[cond["question"]][cond["option"]].id
    db.session.flush()


def _items_as_input(items: list[Question], options: dict[int, list[Option]]) -> list[dict[str, Any]]:
    """A survey's stored items in the builder's input shape (for duplicates)."""
    index = {q.id: i for i, q in enumerate(items)}
    out = []
    for q in items:
        opts = [o for o in options.get(q.id, []) if not o.is_row]
        condition = None
        if q.condition_question_id is not None:
            target_opts = [o.id for o in options.get(q.condition_question_id, []) if not o.is_row]
            option = target_opts.index(q.condition_option_id) if q.condition_option_id in target_opts else None
            condition = {"question": index[q.condition_question_id], "operator": q.condition_operator, "option": option}
        out.append(
            {
                "type": q.type,
                "title": q.title,
                "description": q.description,
                "required": q.required,
                "options": [o.label for o in opts],
                "rows": [o.label for o in options.get(q.id, []) if o.is_row],
                "min_choices": q.min_choices,
                "max_choices": q.max_choices,
                "max_length": q.max_length,
                "min_value": q.min_value,
                "max_value": q.max_value,
                "integer_only": q.integer_only,
                "allow_other": q.allow_other,
                "condition": condition,
            }
        )
    return out


def managed(*, user: Any, survey_id: int, for_update: bool = True) -> Survey:
    """A survey the caller manages: 404 when out of sight, 403 when seen but not theirs to change."""
    survey = queries.get_visible(survey_id=survey_id, viewer=user, for_update=for_update)
    if not perm.can_manage(user, survey):
        raise Forbidden("Only editors and admins in scope manage surveys; officials manage their own area's polls.")
    return survey


def create(*, user: Any, data: dict[str, Any]) -> Survey:
    kind = data["kind"]
    key = _target(user, kind=kind, area_code=data["area_code"], rw=data.get("rw"))
    _check_window(data["opens_at"], data["closes_at"])
    rules.check_items(kind, data["items"])
    survey = Survey(
        kind=kind,
        status=st.DRAFT,
        area_code=data["area_code"],
        rw=data.get("rw"),
        area_key=key,
        created_by_id=user.id,
        **{f: data[f] for f in _PLAIN_FIELDS},
    )
    db.session.add(survey)
    db.session.flush()
    _write_items(survey.id, data["items"])
    return survey


def update(*, user: Any, survey_id: int, data: dict[str, Any]) -> Survey:
    survey = managed(user=user, survey_id=survey_id)
    if survey.status not in st.EDITABLE:
        raise Conflict("Closed and archived surveys cannot change.")
    if _FROZEN_FIELDS & data.keys() and queries.has_responses(survey.id):
        raise Conflict(FROZEN, code="survey_frozen")
    if "area_code" in data or "rw" in data:
        area_code = data.get("area_code", survey.area_code)
        rw = data.get("rw", survey.rw if "area_code" not in data else None)
        survey.area_key = _target(user, kind=survey.kind, area_code=area_code, rw=rw)
        survey.area_code, survey.rw = area_code, rw
    _check_window(data.get("opens_at", survey.opens_at), data.get("closes_at", survey.closes_at))
    if "items" in data:
        rules.check_items(survey.kind, data["items"])
        if survey.status != st.DRAFT and not rules.has_question(data["items"]):
            raise ValidationFailed(
                "A published survey needs at least one question.", errors={"items": ["At least one question."]}
            )
        _write_items(survey.id, data["items"])
    for field in _PLAIN_FIELDS:
        if field in data:
            setattr(survey, field, data[field])
    survey.updated_at = utcnow()
    db.session.flush()
    return survey


def duplicate(*, user: Any, survey_id: int) -> Survey:
    """A new draft with the same definition (and no responses), in the caller's scope."""
    source = managed(user=user, survey_id=survey_id, for_update=False)
    items, options = queries.load_items([source.id])
    data = {f: getattr(source, f) for f in _PLAIN_FIELDS}
    data.update(
        kind=source.kind, area_code=source.area_code, rw=source.rw, items=_items_as_input(items[source.id], options)
    )
    return create(user=user, data=data)


def transition(*, user: Any, survey_id: int, action: str) -> Survey:
    survey = managed(user=user, survey_id=survey_id)
    sources, target = st.TRANSITIONS[action]
    if survey.status not in sources:
        raise InvalidTransition(
            _("A {status} survey cannot be moved to {target}.", status=survey.status, target=target),
            errors={"status": [_("Allowed from: {states}.", states=", ".join(sources))]},
        )
    now = utcnow()
    if action == "publish":
        items, _options = queries.load_items([survey.id])
        if not rules.has_question(items[survey.id]):
            raise Conflict("A survey needs at least one question before it is published.")
        if survey.closes_at <= now:
            raise Conflict("The closing time has passed: move it later first.")
        survey.published_at = now
    elif action == "close":
        survey.closed_at = now
    else:
        record_deletion(db.session, kind="survey", item_id=survey.id)
    survey.status = target
    survey.updated_at = now
    db.session.flush()
    if action == "publish":
        notify.announce(survey, sender_id=user.id)
    elif action == "close":
        notify.tell_voters(survey)
    return survey
