"""Answering: the residents' list, one response, every type's validation, display conditions, the window."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.core.db import utcnow
from app.extensions import db
from surveys.models import RESPONDENTS_QUESTION, Answer, Participation, Response, Tally
from tests.factories import count_statements, login, resident, staff
from tests.surveys.helpers import (
    DESA,
    OTHER_DESA,
    RW,
    create,
    editor,
    full_answers,
    published,
    questions,
    survey_body,
    window,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def submit(client, survey, user, answers):
    return client.post(f"/api/v1/surveys/{survey['id']}/responses", json={"answers": answers}, headers=login(user))


def test_list_shows_surveys_and_polls_of_my_home_with_answered_and_inline_poll(client):
    city = published(client)
    poll = published(client, kind="poll")
    other_rw = published(client, kind="poll", rw=RW + 1)
    elsewhere = published(client, area_code="32.74", user=staff("editor", "32.74"))
    create(client, editor(), survey_body())  # a draft
    me = resident()
    r = client.get("/api/v1/surveys", headers=login(me))
    assert r.status_code == 200
    body = r.get_json()
    items = {i["id"]: i for i in body["items"]}
    assert set(items) == {city["id"], poll["id"]}
    assert other_rw["id"] not in items and elsewhere["id"] not in items
    assert items[poll["id"]]["question"]["options"][0]["label"] == "Sabtu"
    assert items[city["id"]]["question"] is None and items[city["id"]]["answered"] is False
    assert body["server_time"] and body["deleted"] == []
    qid = poll["items"][0]["id"]
    assert (
        submit(client, poll, me, [{"question_id": qid, "option_id": poll["items"][0]["options"][0]["id"]}]).status_code
        == 201
    )
    items = {i["id"]: i for i in client.get("/api/v1/surveys", headers=login(me)).get_json()["items"]}
    assert items[poll["id"]]["answered"] is True and items[city["id"]]["answered"] is False


def test_list_open_filter_and_delta_sync(client):
    user = editor()
    s = published(client, user)
    me = resident()
    since = (utcnow() - dt.timedelta(seconds=1)).isoformat()
    r = client.get("/api/v1/surveys", query_string={"updated_since": since}, headers=login(me))
    assert [i["id"] for i in r.get_json()["items"]] == [s["id"]]
    later = (utcnow() + dt.timedelta(seconds=1)).isoformat()
    assert (
        client.get("/api/v1/surveys", query_string={"updated_since": later}, headers=login(me)).get_json()["items"]
        == []
    )
    client.post(f"/api/v1/surveys/{s['id']}/close", headers=login(user))
    assert client.get("/api/v1/surveys", query_string={"open": "true"}, headers=login(me)).get_json()["items"] == []
    client.post(f"/api/v1/surveys/{s['id']}/archive", headers=login(user))
    r = client.get("/api/v1/surveys", query_string={"updated_since": since}, headers=login(me)).get_json()
    assert r["items"] == [] and s["id"] in r["deleted"]
    bad = client.get("/api/v1/surveys", query_string={"updated_since": "2026-01-01T00:00:00"}, headers=login(me))
    assert bad.status_code == 422


def test_a_full_response_is_stored_and_read_back(client):
    s = published(client)
    me = resident()
    answers = full_answers(s)
    r = submit(client, s, me, answers)
    assert r.status_code == 201, r.get_json()
    assert r.get_json() == {"survey_id": s["id"], "answered": True, "can_see_results": True}
    mine = client.get(f"/api/v1/surveys/{s['id']}/responses/me", headers=login(me))
    assert mine.status_code == 200
    back = {a["question_id"]: a for a in mine.get_json()["answers"]}
    for a in answers:
        assert back[a["question_id"]] == a
    detail = client.get(f"/api/v1/surveys/{s['id']}", headers=login(me)).get_json()
    assert detail["answered"] is True


def test_second_response_is_409_and_nothing_more_is_stored(client):
    s = published(client)
    me = resident()
    assert submit(client, s, me, full_answers(s)).status_code == 201
    before = _count(Answer), db.session.scalar(select(func.sum(Tally.n)))
    r = submit(client, s, me, full_answers(s))
    assert r.status_code == 409 and r.get_json()["error"] == "survey_already_answered"
    assert (_count(Answer), db.session.scalar(select(func.sum(Tally.n)))) == before and _count(Response) == 1


def test_a_submit_costs_the_same_statements_whatever_its_number_of_answers(client):
    """On PostgreSQL the participation, response, answers and tally are one statement; on SQLite one statement each
    (the answers and the tally as one batch): never one per answer."""
    s = published(client)
    q = questions(s)
    few = [{"question_id": q["Pekerjaan"]["id"], "option_id": q["Pekerjaan"]["options"][0]["id"]}]
    few.append({"question_id": q["Kepuasan"]["id"], "value": 3})
    assert submit(client, s, resident(), full_answers(s)).status_code == 201  # the survey's items are read once
    full_rows = _count(Answer)
    counted = []
    for answers in (few, full_answers(s)):
        headers = login(resident())
        with count_statements() as statements:
            r = client.post(f"/api/v1/surveys/{s['id']}/responses", json={"answers": answers}, headers=headers)
        assert r.status_code == 201, r.get_json()
        counted.append([st for st in statements if st.lstrip().upper().startswith(("INSERT", "WITH"))])
    assert len(counted[0]) == len(counted[1]) == (1 if db.dialect == "postgresql" else 4)
    assert _count(Answer) == 2 * full_rows + len(few)  # all stored (each answer is checked in the tests above)


def test_an_empty_response_is_stored_and_counted_as_a_respondent(client):
    s = published(client, items=[{"type": "rating", "title": "Kepuasan"}])
    assert submit(client, s, resident(), []).status_code == 201
    assert _count(Response) == 1 and _count(Answer) == 0
    respondents = select(func.sum(Tally.n)).where(Tally.survey_id == s["id"], Tally.question_id == RESPONDENTS_QUESTION)
    assert db.session.scalar(respondents) == 1


def test_outside_the_window_is_409(client):
    soon = published(client, opens_at=(utcnow() + dt.timedelta(hours=1)).isoformat())
    me = resident()
    r = submit(client, soon, me, full_answers(soon))
    assert r.status_code == 409 and r.get_json()["error"] == "survey_not_open"
    user = editor()
    s = published(client, user)
    client.post(f"/api/v1/surveys/{s['id']}/close", headers=login(user))
    assert submit(client, s, me, full_answers(s)).status_code == 409
    assert _count(Participation) == 0


def test_who_may_answer(client):
    s = published(client, area_code=DESA, rw=RW)
    assert submit(client, s, resident(home_area_code=OTHER_DESA), []).status_code == 404
    assert submit(client, s, resident(home_rw=RW + 1), []).status_code == 404
    assert submit(client, s, staff("editor", "32.73"), []).status_code == 403
    r = client.post(f"/api/v1/surveys/{s['id']}/responses", json={"answers": []})
    assert r.status_code == 401


def _answers_with(s, title, answer):
    rest = [a for a in full_answers(s) if a["question_id"] != questions(s)[title]["id"]]
    return rest + ([{"question_id": questions(s)[title]["id"], **answer}] if answer is not None else [])


@pytest.mark.parametrize(
    ("title", "answer"),
    [
        ("Pekerjaan", None),  # required
        ("Pekerjaan", {"option_id": 999999}),
        ("Pekerjaan", {"option_ids": [1]}),  # a field of another type
        ("Pekerjaan", {"option_id": "first"}),
        ("Layanan dipakai", {"option_ids": []} | {"other": "x"}),  # no "other" offered
        ("Layanan dipakai", {"option_ids": "all"}),
        ("Prioritas", {"ranking": []} | {"ranking": [1, 2]}),
        ("Nama layanan", {"text": "x" * 21}),
        ("Nama layanan", {"text": "two\nlines"}),
        ("Saran", {"text": "x" * 5001}),
        ("Kepuasan", {"value": 6}),
        ("Kepuasan", {"value": 3.5}),
        ("Kepuasan", None),
        ("Rekomendasi", {"value": -1}),
        ("Rekomendasi", {"value": 11}),
        ("Umur", {"value": 16}),
        ("Umur", {"value": 30.5}),
        ("Umur", {"value": 101}),
        ("Pernah mengadu?", {"yes": "ya"}),
        ("Kunjungan terakhir", {"date": "2026-13-01"}),
        ("Tentang Anda", {"text": "a section"}),
    ],
)
def test_each_type_refuses_bad_answers_with_422_and_stores_nothing(client, title, answer):
    s = published(client)
    r = submit(client, s, resident(), _answers_with(s, title, answer))
    assert r.status_code == 422, r.get_json()
    assert _count(Participation) == 0 and _count(Response) == 0 and _count(Answer) == 0


def test_choice_rules_in_detail(client):
    s = published(client)
    q = questions(s)
    opts = [o["id"] for o in q["Layanan dipakai"]["options"]]
    me = resident()
    three = _answers_with(s, "Layanan dipakai", {"option_ids": opts})  # max 2
    assert submit(client, s, me, three).status_code == 422
    twice = _answers_with(s, "Layanan dipakai", {"option_ids": [opts[0], opts[0]]})
    assert submit(client, s, me, twice).status_code == 422
    other_q = _answers_with(s, "Layanan dipakai", {"option_ids": [q["Pekerjaan"]["options"][0]["id"]]})
    assert submit(client, s, me, other_q).status_code == 422
    rank = [o["id"] for o in q["Prioritas"]["options"]]
    assert submit(client, s, me, _answers_with(s, "Prioritas", {"ranking": rank[:2]})).status_code == 422
    assert submit(client, s, me, _answers_with(s, "Prioritas", {"ranking": [rank[0]] * 3})).status_code == 422
    rows = q["Penilaian"]["rows"]
    cell = {"row_id": rows[0]["id"], "option_id": q["Penilaian"]["options"][0]["id"]}
    assert submit(client, s, me, _answers_with(s, "Penilaian", {"rows": [cell, cell]})).status_code == 422
    bad_row = {"row_id": q["Pekerjaan"]["options"][0]["id"], "option_id": cell["option_id"]}
    assert submit(client, s, me, _answers_with(s, "Penilaian", {"rows": [bad_row]})).status_code == 422
    # "other (please specify)" where offered; one matrix row is enough when the matrix is not required
    ok = _answers_with(s, "Pekerjaan", {"other": "Petani"})
    ok = [a for a in ok if a["question_id"] != q["Penilaian"]["id"]] + [
        {"question_id": q["Penilaian"]["id"], "rows": [cell]}
    ]
    assert submit(client, s, me, ok).status_code == 201
    back = {
        a["question_id"]: a
        for a in client.get(f"/api/v1/surveys/{s['id']}/responses/me", headers=login(me)).get_json()["answers"]
    }
    assert back[q["Pekerjaan"]["id"]] == {"question_id": q["Pekerjaan"]["id"], "other": "Petani"}


def test_display_conditions(client):
    items = [
        {"type": "single_choice", "title": "Punya kendaraan?", "options": ["Motor", "Mobil", "Tidak"]},
        {
            "type": "short_text",
            "title": "Merek motor",
            "required": True,
            "condition": {"question": 0, "operator": "equals", "option": 0},
        },
        {
            "type": "short_text",
            "title": "Kenapa tidak",
            "condition": {"question": 0, "operator": "not_equals", "option": 2},
        },
        {"type": "yes_no", "title": "Lewati?", "condition": {"question": 0, "operator": "not_answered"}},
    ]
    s = published(client, items=items)
    q = questions(s)
    opt = {o["label"]: o["id"] for o in q["Punya kendaraan?"]["options"]}
    vehicle, brand, why, skip = (q[t]["id"] for t in ("Punya kendaraan?", "Merek motor", "Kenapa tidak", "Lewati?"))
    # Motor: the brand is shown and required (it applies only when shown)
    r = submit(client, s, resident(), [{"question_id": vehicle, "option_id": opt["Motor"]}])
    assert r.status_code == 422 and str(brand) in r.get_json()["errors"]["answers"]
    # Tidak: brand and "why not" hidden -> answering them is refused
    r = submit(
        client,
        s,
        resident(),
        [{"question_id": vehicle, "option_id": opt["Tidak"]}, {"question_id": brand, "text": "Honda"}],
    )
    assert r.status_code == 422 and str(brand) in r.get_json()["errors"]["answers"]
    r = submit(
        client, s, resident(), [{"question_id": vehicle, "option_id": opt["Tidak"]}, {"question_id": why, "text": "x"}]
    )
    assert r.status_code == 422
    # not answered: only "Lewati?" shows (not_equals holds too, nothing required)
    assert submit(client, s, resident(), [{"question_id": skip, "yes": True}]).status_code == 201
    r = submit(
        client, s, resident(), [{"question_id": vehicle, "option_id": opt["Mobil"]}, {"question_id": skip, "yes": True}]
    )
    assert r.status_code == 422
    ok = [
        {"question_id": vehicle, "option_id": opt["Motor"]},
        {"question_id": brand, "text": "Honda"},
        {"question_id": why, "text": "-"},
    ]
    assert submit(client, s, resident(), ok).status_code == 201


def test_unknown_and_duplicate_answers_are_refused(client):
    s = published(client)
    answers = full_answers(s)
    assert submit(client, s, resident(), [*answers, answers[0]]).status_code == 422
    assert submit(client, s, resident(), [*answers, {"question_id": 987654, "text": "x"}]).status_code == 422
    r = client.post(
        f"/api/v1/surveys/{s['id']}/responses", json={"answers": answers, "user_id": 1}, headers=login(resident())
    )
    assert r.status_code == 422
    assert _count(Response) == 0


def test_anonymous_responses_cannot_be_read_back(client):
    s = published(client, anonymous=True)
    me = resident()
    assert submit(client, s, me, full_answers(s)).status_code == 201
    r = client.get(f"/api/v1/surveys/{s['id']}/responses/me", headers=login(me))
    assert r.status_code == 404 and r.get_json()["error"] == "anonymous"
    other = published(client)
    assert client.get(f"/api/v1/surveys/{other['id']}/responses/me", headers=login(me)).status_code == 404


def test_window_fields_are_checked(client):
    body = survey_body(**window())
    body["closes_at"] = body["opens_at"]
    assert client.post("/api/v1/surveys", json=body, headers=login(editor())).status_code == 422
