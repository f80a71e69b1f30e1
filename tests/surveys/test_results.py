"""Results on a known data set, the breakdowns, and who sees them."""

from __future__ import annotations

from surveys.results_schemas import SurveyResultsSchema
from tests.factories import login, resident, staff
from tests.surveys.helpers import DESA, full_answers, published, questions
from tests.surveys.known_data import known_survey
from tests.surveys.test_responses import same_as_schema


def _by_title(survey, body):
    q = questions(survey)
    ids = {v["id"]: k for k, v in q.items()}
    return {ids[r["question_id"]]: r for r in body["questions"]}


def _labels(rows, key="count"):
    return {r["label"]: (r[key], r["percent"]) for r in rows}


def test_results_on_a_known_data_set(client):
    s, admin, _people = known_survey(client)
    r = client.get(f"/api/v1/surveys/{s['id']}/results", headers=login(admin))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    same_as_schema(body, SurveyResultsSchema())
    assert body["respondents"] == 4
    res = _by_title(s, body)
    assert res["S"]["answered"] == 4
    assert _labels(res["S"]["options"]) == {"A": (2, 50.0), "B": (1, 25.0)}
    assert res["S"]["other"] == {"count": 1, "percent": 25.0}
    assert _labels(res["M"]["options"]) == {"X": (3, 75.0), "Y": (3, 75.0)}  # each option on its own
    ranking = {x["label"]: (x["score"], x["average_rank"], x["first"]) for x in res["K"]["ranking"]}
    assert ranking == {"p": (9, 1.75, 2), "q": (9, 1.75, 1), "r": (6, 2.5, 1)}
    assert res["K"]["ranking"][-1]["label"] == "r"
    matrix = {row["label"]: (row["answered"], _labels(row["options"])) for row in res["T"]["matrix"]}
    assert matrix == {
        "row1": (2, {"Good": (2, 100.0), "Bad": (0, 0.0)}),
        "row2": (1, {"Good": (0, 0.0), "Bad": (1, 100.0)}),
    }
    assert res["T"]["answered"] == 2
    assert res["R"]["average"] == 4.0
    assert [d["count"] for d in res["R"]["distribution"]] == [0, 0, 1, 2, 1]
    assert res["N"]["average"] == 6.75 and res["N"]["nps"] == 25.0 and len(res["N"]["distribution"]) == 11
    assert res["U"]["number"] == {"min": 10, "max": 40, "mean": 25, "median": 25}
    assert res["Y"]["average"] == 0.75 and [d["count"] for d in res["Y"]["distribution"]] == [1, 3]
    assert res["X"]["answered"] == 2 and res["X"]["texts_visible"] is True
    assert body["groups"] == []


def test_breakdowns_and_area(client):
    s, admin, _ = known_survey(client)
    url = f"/api/v1/surveys/{s['id']}/results"
    body = client.get(url, query_string={"breakdown": "kabkota"}, headers=login(admin)).get_json()
    groups = {g["area_code"]: g for g in body["groups"]}
    assert {k: g["respondents"] for k, g in groups.items()} == {"32.04": 1, "32.73": 3}
    kota = _by_title(s, groups["32.73"])
    assert kota["U"]["number"] == {"min": 20, "max": 40, "mean": 30, "median": 30}
    assert _labels(kota["S"]["options"]) == {"A": (1, 33.3), "B": (1, 33.3)}
    whole = _by_title(s, body)
    assert whole["U"]["number"]["median"] == 25 and whole["M"]["options"][0]["count"] == 3
    kec = client.get(url, query_string={"breakdown": "kecamatan", "area": "32.73"}, headers=login(admin)).get_json()
    assert {g["area_code"]: g["respondents"] for g in kec["groups"]} == {"32.73.01": 2, "32.73.02": 1}
    assert kec["respondents"] == 3
    desa = client.get(url, query_string={"breakdown": "desa", "area": "32.73.01"}, headers=login(admin)).get_json()
    assert [(g["area_code"], g["respondents"]) for g in desa["groups"]] == [("32.73.01.1001", 2)]
    bad = client.get(url, query_string={"breakdown": "rt"}, headers=login(admin))
    assert bad.status_code == 422
    assert client.get(url, query_string={"area": "32.7"}, headers=login(admin)).status_code == 422


def test_anonymous_small_groups_are_suppressed(client):
    s, admin, _ = known_survey(client, anonymous=True)
    body = client.get(
        f"/api/v1/surveys/{s['id']}/results", query_string={"breakdown": "desa"}, headers=login(admin)
    ).get_json()
    assert all(g["suppressed"] and g["questions"] == [] for g in body["groups"])
    assert body["respondents"] == 4 and _by_title(s, body)["S"]["answered"] == 4


def test_who_sees_the_results(client):
    s, _admin, people = known_survey(client)
    url = f"/api/v1/surveys/{s['id']}/results"
    assert client.get(url, headers=login(people[0])).status_code == 200  # answered, "respondents"
    assert client.get(url, headers=login(resident(home_area_code=DESA))).status_code == 403  # not answered
    assert client.get(url, headers=login(staff("editor", "32.73"))).status_code == 404  # a province survey
    assert client.get(url, headers=login(staff("moderator", "32"))).status_code == 404
    assert client.get(url, headers=login(staff("editor", "32"))).status_code == 200
    assert client.get(url).status_code == 401
    res = _by_title(s, client.get(url, headers=login(people[0])).get_json())
    assert res["X"]["texts_visible"] is False


def test_results_after_close_and_staff_only(client):
    user = staff("editor", "32.73")
    s = published(client, user, results_visibility="everyone_after_close")
    me = resident()
    client.post(f"/api/v1/surveys/{s['id']}/responses", json={"answers": full_answers(s)}, headers=login(me))
    url = f"/api/v1/surveys/{s['id']}/results"
    assert client.get(url, headers=login(me)).status_code == 403
    assert client.get(f"/api/v1/surveys/{s['id']}", headers=login(me)).get_json()["can_see_results"] is False
    client.post(f"/api/v1/surveys/{s['id']}/close", headers=login(user))
    assert client.get(url, headers=login(resident())).status_code == 200  # everyone in the area, once closed
    hidden = published(client, user, results_visibility="staff")
    client.post(f"/api/v1/surveys/{hidden['id']}/responses", json={"answers": full_answers(hidden)}, headers=login(me))
    assert client.get(f"/api/v1/surveys/{hidden['id']}/results", headers=login(me)).status_code == 403
    assert client.get(f"/api/v1/surveys/{hidden['id']}/results", headers=login(user)).status_code == 200


def test_text_answers_are_paginated_for_staff_only(client):
    s, admin, people = known_survey(client)
    q = questions(s)
    url = f"/api/v1/surveys/{s['id']}/questions/{q['X']['id']}/answers"
    first = client.get(url, query_string={"limit": 1}, headers=login(admin)).get_json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get(url, query_string={"limit": 1, "cursor": first["next_cursor"]}, headers=login(admin)).get_json()
    texts = {first["items"][0]["text"], second["items"][0]["text"]}
    assert texts == {"satu", "empat"} and second["next_cursor"] is None
    other = client.get(f"/api/v1/surveys/{s['id']}/questions/{q['S']['id']}/answers", headers=login(admin)).get_json()
    assert other["items"] == [{"text": "Z", "kabkota_code": "32.73"}]
    assert client.get(url, headers=login(people[0])).status_code == 403
    assert (
        client.get(f"/api/v1/surveys/{s['id']}/questions/{q['R']['id']}/answers", headers=login(admin)).status_code
        == 404
    )
    assert client.get(url, query_string={"cursor": "bm9wZQ"}, headers=login(admin)).status_code == 422
