"""Surveys' part of the data rights: the export holds the resident's non-anonymous responses and the surveys they
took part in; deleting the account leaves their responses in the results, linked to nobody."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.privacy import registry
from app.extensions import db
from surveys.models import Participation, Response
from tests.factories import PASSWORD, login, resident, staff
from tests.surveys.helpers import DESA, poll_body, published, questions


def _files(user_id):
    return {name: payload for name, payload in registry.export_files(user_id)}


def _answer(client, person, s):
    q = next(iter(questions(s).values()))
    body = {"answers": [{"question_id": q["id"], "option_id": q["options"][0]["id"]}]}
    r = client.post(f"/api/v1/surveys/{s['id']}/responses", json=body, headers=login(person))
    assert r.status_code == 201, r.get_json()
    return q


def test_export_and_erasure_of_my_survey_data(client):
    me, other = resident(home_area_code=DESA, home_rw=5), resident(home_area_code=DESA, home_rw=5)
    named = published(client, **poll_body(title="Jadwal ronda", anonymous=False))
    secret = published(client, **poll_body(title="Ketua RW", anonymous=True))
    q = _answer(client, me, named)
    _answer(client, me, secret)
    _answer(client, other, named)

    files = _files(me.id)
    assert [p["title"] for p in files["surveys/participations.json"]] == ["Jadwal ronda", "Ketua RW"]
    responses = list(files["surveys/responses.json"].items)
    assert len(responses) == 1  # the anonymous response is linked to nobody
    assert responses[0]["survey_id"] == named["id"] and responses[0]["title"] == "Jadwal ronda"
    assert responses[0]["answers"] == [{"question_id": q["id"], "option_id": q["options"][0]["id"]}]
    assert responses[0]["submitted_at"] is not None
    assert [r["survey_id"] for r in _files(other.id)["surveys/responses.json"].items] == [named["id"]]

    assert client.delete("/api/v1/me", json={"password": PASSWORD}, headers=login(me)).status_code in (200, 204)
    db.session.expire_all()
    mine = select(func.count()).select_from(Participation).where(Participation.user_id == me.id)
    assert db.session.scalar(mine) == 0
    assert db.session.scalar(select(func.count()).select_from(Response).where(Response.user_id == me.id)) == 0
    kept = db.session.execute(
        select(Response.user_id, Response.submitted_at).where(Response.survey_id == named["id"])
    ).all()
    assert {r.user_id for r in kept} == {None, other.id}  # mine stays, made anonymous
    assert [r.submitted_at for r in kept if r.user_id is None] == [None]
    staff_view = client.get(f"/api/v1/surveys/{named['id']}/results", headers=login(staff("admin", "32")))
    assert staff_view.status_code == 200 and staff_view.get_json()["respondents"] == 2  # the answers stay counted
    assert list(_files(me.id)["surveys/responses.json"].items) == []
