"""The builder: who may create what where, item rules, states, freezing and duplicates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from surveys.models import Option, Question, Survey
from tests.factories import login, resident, staff
from tests.surveys.helpers import DESA, RW, create, editor, poll_body, published, questions, survey_body


def test_editor_creates_a_draft_with_every_item_type(client):
    s = create(client, editor(), survey_body())
    assert s["status"] == "draft" and s["kind"] == "survey"
    types = [i["type"] for i in s["items"]]
    assert types[0] == "section" and "text" in types and "matrix" in types and len(types) == 14
    q = questions(s)
    assert [r["label"] for r in q["Penilaian"]["rows"]] == ["Kecepatan", "Keramahan"]
    cond = q["Ceritakan aduan Anda"]["condition"]
    assert cond == {"question_id": q["Pernah mengadu?"]["id"], "operator": "answered", "option_id": None}


@pytest.mark.parametrize(
    ("role", "area", "rw", "kind", "target", "target_rw", "status"),
    [
        ("admin", "32", None, "survey", "32.73", None, 201),
        ("editor", "32.73", None, "survey", "32", None, 403),  # wider than the scope
        ("editor", "32.73", None, "poll", "32.73.01.1001", 5, 201),
        ("editor", "32.74", None, "survey", "32.73", None, 403),
        ("village_official", DESA, None, "poll", DESA, None, 201),
        ("village_official", DESA, None, "poll", DESA, RW, 201),
        ("village_official", DESA, None, "survey", DESA, None, 403),
        ("village_official", DESA, None, "poll", "32.73.01.1002", None, 403),
        ("rw_official", DESA, RW, "poll", DESA, RW, 201),
        ("rw_official", DESA, RW, "poll", DESA, RW + 1, 403),
        ("rw_official", DESA, RW, "poll", DESA, None, 403),
        ("moderator", "32.73", None, "poll", DESA, None, 403),
        ("office_handler", "32.73", None, "poll", DESA, None, 403),
    ],
)
def test_scope_of_the_builder_for_every_role(client, role, area, rw, kind, target, target_rw, status):
    user = staff(role, area, rw=rw)
    body = (poll_body if kind == "poll" else survey_body)(area_code=target, rw=target_rw)
    r = client.post("/api/v1/surveys", json=body, headers=login(user))
    assert r.status_code == status, r.get_json()


def test_residents_and_anonymous_callers_cannot_build(client):
    assert client.post("/api/v1/surveys", json=survey_body()).status_code == 401
    assert client.post("/api/v1/surveys", json=survey_body(), headers=login(resident())).status_code == 403


@pytest.mark.parametrize(
    ("items", "where"),
    [
        ([{"type": "single_choice", "title": "A", "options": ["x"]}], "options"),
        ([{"type": "single_choice", "title": "A", "options": ["x", "X"]}], "options"),
        ([{"type": "rating", "title": "A", "options": ["x", "y"]}], "options"),
        ([{"type": "matrix", "title": "A", "options": ["x", "y"]}], "rows"),
        ([{"type": "multiple_choice", "title": "A", "options": ["x", "y"], "max_choices": 3}], "max_choices"),
        (
            [{"type": "multiple_choice", "title": "A", "options": ["x", "y"], "min_choices": 2, "max_choices": 1}],
            "min_choices",
        ),
        ([{"type": "number", "title": "A", "min_value": 5, "max_value": 1}], "min_value"),
        ([{"type": "short_text", "title": "A", "allow_other": True}], "allow_other"),
        ([{"type": "long_text", "title": "A", "max_length": 5}], "max_length"),
        ([{"type": "section", "title": "A", "required": True}], "required"),
        ([{"type": "yes_no", "title": "A", "condition": {"question": 0, "operator": "answered"}}], "condition"),
        (
            [
                {"type": "yes_no", "title": "A"},
                {"type": "short_text", "title": "B", "condition": {"question": 0, "operator": "equals", "option": 0}},
            ],
            "condition",
        ),
        (
            [
                {"type": "single_choice", "title": "A", "options": ["x", "y"]},
                {"type": "short_text", "title": "B", "condition": {"question": 0, "operator": "equals", "option": 5}},
            ],
            "condition",
        ),
    ],
)
def test_item_rules_refuse_bad_definitions_and_store_nothing(client, items, where):
    before = db.session.scalar(select(func.count()).select_from(Survey))
    r = client.post("/api/v1/surveys", json=survey_body(items=items), headers=login(editor()))
    assert r.status_code == 422, r.get_json()
    assert where in r.get_json()["errors"]["items"][str(len(items) - 1)]
    assert db.session.scalar(select(func.count()).select_from(Survey)) == before


def test_bad_input_is_422(client):
    headers = login(editor())
    for body in (
        survey_body(closes_at="2020-01-01T00:00:00+00:00"),
        survey_body(area_code="99.99"),
        survey_body(area_code="32.73", rw=3),
        survey_body(items=[{"type": "essay", "title": "x"}]),
        survey_body(title=""),
        survey_body(opens_at="2026-01-01T00:00:00"),
        {**survey_body(), "status": "published"},
        poll_body(items=[{"type": "long_text", "title": "x"}]),
        poll_body(items=[]),
    ):
        r = client.post("/api/v1/surveys", json=body, headers=headers)
        assert r.status_code == 422, (body, r.get_json())
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_states_draft_published_closed_archived(client):
    user = editor()
    headers = login(user)
    s = create(client, user, survey_body())
    url = f"/api/v1/surveys/{s['id']}"
    assert client.post(url + "/close", headers=headers).status_code == 409
    r = client.post(url + "/publish", headers=headers)
    assert r.status_code == 200 and r.get_json()["status"] == "published" and r.get_json()["is_open"]
    assert client.post(url + "/publish", headers=headers).status_code == 409
    assert client.post(url + "/archive", headers=headers).status_code == 409
    assert client.post(url + "/close", headers=headers).get_json()["status"] == "closed"
    assert client.patch(url, json={"title": "x"}, headers=headers).status_code == 409
    assert client.post(url + "/archive", headers=headers).get_json()["status"] == "archived"


def test_an_empty_survey_cannot_be_published(client):
    user = editor()
    s = create(client, user, survey_body(items=[{"type": "text", "title": "Halo"}]))
    assert client.post(f"/api/v1/surveys/{s['id']}/publish", headers=login(user)).status_code == 409


def test_questions_change_until_someone_answers_then_409_and_duplicate(client):
    user = editor()
    headers = login(user)
    s = published(client, user, kind="poll")
    url = f"/api/v1/surveys/{s['id']}"
    new_items = [{"type": "yes_no", "title": "Setuju?", "required": True}]
    r = client.patch(url, json={"items": new_items, "title": "Baru"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["items"][0]["type"] == "yes_no" and r.get_json()["title"] == "Baru"
    voter = resident()
    qid = r.get_json()["items"][0]["id"]
    answer = {"answers": [{"question_id": qid, "yes": True}]}
    assert client.post(url + "/responses", json=answer, headers=login(voter)).status_code == 201
    assert client.get(url, headers=headers).get_json()["has_responses"] is True
    r = client.patch(url, json={"items": new_items}, headers=headers)
    assert r.status_code == 409 and r.get_json()["error"] == "survey_frozen"
    assert client.patch(url, json={"anonymous": False}, headers=headers).status_code == 409
    assert client.patch(url, json={"title": "Judul lain"}, headers=headers).status_code == 200
    copy = client.post(url + "/duplicate", headers=headers)
    assert copy.status_code == 201
    body = copy.get_json()
    assert body["status"] == "draft" and body["id"] != s["id"] and body["has_responses"] is False
    assert body["items"][0]["title"] == "Setuju?" and body["rw"] == RW


def test_duplicate_keeps_conditions(client):
    user = editor()
    s = create(client, user, survey_body())
    copy = client.post(f"/api/v1/surveys/{s['id']}/duplicate", headers=login(user)).get_json()
    q = questions(copy)
    assert q["Ceritakan aduan Anda"]["condition"]["question_id"] == q["Pernah mengadu?"]["id"]
    assert db.session.scalar(select(func.count()).select_from(Option)) == 2 * (3 + 3 + 3 + 2 + 3)


def test_out_of_scope_staff_get_404_and_officials_cannot_manage_surveys(client):
    s = create(client, editor(), survey_body())
    url = f"/api/v1/surveys/{s['id']}"
    other = staff("editor", "32.74")
    assert client.get(url, headers=login(other)).status_code == 404
    assert client.post(url + "/publish", headers=login(other)).status_code == 404
    lurah = staff("village_official", DESA)
    assert client.get(url, headers=login(lurah)).status_code == 404  # a city survey is above a desa's scope
    desa_survey = create(client, editor(), survey_body(area_code=DESA))
    assert client.get(f"/api/v1/surveys/{desa_survey['id']}", headers=login(lurah)).status_code == 200
    assert client.post(f"/api/v1/surveys/{desa_survey['id']}/publish", headers=login(lurah)).status_code == 403
    # a draft is invisible to residents
    assert client.get(url, headers=login(resident())).status_code == 404


def test_staff_list_is_scoped(client):
    a = create(client, editor(), survey_body())
    b = create(client, staff("editor", "32.74"), survey_body(area_code="32.74"))
    r = client.get("/api/v1/manage/surveys", headers=login(editor()))
    ids = [i["id"] for i in r.get_json()["items"]]
    assert a["id"] in ids and b["id"] not in ids
    assert client.get("/api/v1/manage/surveys", headers=login(resident())).status_code == 403
