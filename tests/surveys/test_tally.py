"""The results from the tally equal the results computed from every answer row, on a randomized data set."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from app.extensions import db
from surveys import results
from surveys.models import Tally
from tests.factories import login, resident, staff
from tests.surveys.helpers import published, questions
from tests.surveys.known_data import ITEMS

DESAS = ["32.73.01.1001", "32.73.01.1001", "32.73.02.1001", "32.04.05.2001"]


def _random_answers(q, rng):
    def opts(title):
        return [o["id"] for o in q[title]["options"]]

    answers = []
    if rng.random() < 0.9:
        a = {"question_id": q["S"]["id"]}
        if rng.random() < 0.2:
            a["other"] = rng.choice(["lain", "x"])
        else:
            a["option_id"] = rng.choice(opts("S"))
        answers.append(a)
    if rng.random() < 0.8:
        answers.append({"question_id": q["M"]["id"], "option_ids": rng.sample(opts("M"), rng.randint(1, 2))})
    if rng.random() < 0.8:
        answers.append({"question_id": q["K"]["id"], "ranking": rng.sample(opts("K"), 3)})
    rows = [r["id"] for r in q["T"]["rows"]]
    cells = [{"row_id": r, "option_id": rng.choice(opts("T"))} for r in rows if rng.random() < 0.6]
    if cells:
        answers.append({"question_id": q["T"]["id"], "rows": cells})
    for title, low, high in (("R", 1, 5), ("N", 0, 10), ("U", -50, 500)):
        if rng.random() < 0.85:
            answers.append({"question_id": q[title]["id"], "value": rng.randint(low, high)})
    if rng.random() < 0.7:
        answers.append({"question_id": q["Y"]["id"], "yes": rng.random() < 0.5})
    if rng.random() < 0.5:
        answers.append({"question_id": q["X"]["id"], "text": rng.choice(["a", "b b", "c"])})
    return answers


@pytest.mark.parametrize("anonymous", [False, True])
def test_tally_equals_the_direct_computation(app, client, anonymous):
    rng = random.Random(13 + anonymous)
    admin = staff("admin", "32")
    s = published(client, admin, area_code="32", items=ITEMS, anonymous=anonymous, results_visibility="respondents")
    q = questions(s)
    for _ in range(37):
        person = resident(home_area_code=rng.choice(DESAS), home_rw=1)
        r = client.post(
            f"/api/v1/surveys/{s['id']}/responses", json={"answers": _random_answers(q, rng)}, headers=login(person)
        )
        assert r.status_code == 201, r.get_json()
    with app.test_request_context():
        responses = db.session.scalar(
            select(func.sum(Tally.n)).where(Tally.survey_id == s["id"], Tally.question_id == 0)
        )
        assert responses == 37
        for area in (None, "32", "32.73", "32.73.01", "32.04.05.2001", "31"):
            for breakdown in (None, *results.BREAKDOWNS):
                args = {"user": admin, "survey_id": s["id"], "area": area, "breakdown": breakdown}
                assert results.results(**args) == results.results(**args, direct=True), (area, breakdown)
    body = client.get(
        f"/api/v1/surveys/{s['id']}/results", query_string={"breakdown": "desa"}, headers=login(admin)
    ).get_json()
    suppressed = {g["area_code"]: g["suppressed"] for g in body["groups"]}
    small = {g["area_code"]: g["respondents"] < results.MIN_GROUP for g in body["groups"]}
    assert suppressed == ({k: v for k, v in small.items()} if anonymous else dict.fromkeys(small, False))
