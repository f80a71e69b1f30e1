"""The JSON written straight from the surveys presenters is what the documented schemas describe."""

from __future__ import annotations

import json

from app.core.pagination import page_of
from app.core.sync import sync_page_of
from surveys.answer_schemas import OwnResponseSchema, ResponseReceiptSchema
from surveys.schemas import SurveySchema, SurveySummarySchema
from tests.factories import login, resident
from tests.surveys.helpers import editor, full_answers, published


def same_as_schema(data, schema) -> None:
    assert schema.validate(data) == {}, schema.validate(data)
    dumped = json.loads(json.dumps(schema.dump(schema.load(data)), default=str))
    assert dumped.keys() == data.keys()


def test_survey_answers_match_their_schemas(client):
    user = editor()
    s = published(client, user)
    poll = published(client, user, kind="poll")
    same_as_schema(s, SurveySchema())
    same_as_schema(poll, SurveySchema())
    me = resident()
    r = client.post(f"/api/v1/surveys/{s['id']}/responses", json={"answers": full_answers(s)}, headers=login(me))
    same_as_schema(r.get_json(), ResponseReceiptSchema())
    same_as_schema(client.get("/api/v1/surveys", headers=login(me)).get_json(), sync_page_of(SurveySummarySchema)())
    same_as_schema(client.get("/api/v1/manage/surveys", headers=login(user)).get_json(), page_of(SurveySummarySchema)())
    mine = client.get(f"/api/v1/surveys/{s['id']}/responses/me", headers=login(me)).get_json()
    same_as_schema(mine, OwnResponseSchema())
