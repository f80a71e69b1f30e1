"""A small survey with four known responses, for the results and export tests."""

from __future__ import annotations

from tests.factories import login, resident, staff
from tests.surveys.helpers import published, questions

ITEMS = [
    {"type": "single_choice", "title": "S", "options": ["A", "B"], "allow_other": True},
    {"type": "multiple_choice", "title": "M", "options": ["X", "Y"]},
    {"type": "ranking", "title": "K", "options": ["p", "q", "r"]},
    {"type": "matrix", "title": "T", "rows": ["row1", "row2"], "options": ["Good", "Bad"]},
    {"type": "rating", "title": "R"},
    {"type": "scale", "title": "N"},
    {"type": "number", "title": "U"},
    {"type": "yes_no", "title": "Y"},
    {"type": "short_text", "title": "X"},
]
#: home desa, single, multiple, ranking, matrix {row: option}, rating, scale, number, yes, text
PEOPLE = [
    ("32.73.01.1001", "A", ["X", "Y"], "pqr", {"row1": "Good", "row2": "Bad"}, 5, 10, 20, True, "satu"),
    ("32.73.01.1001", "B", ["X"], "qpr", {"row1": "Good"}, 4, 8, 30, False, None),
    ("32.73.02.1001", "other:Z", ["Y"], "pqr", {}, 3, 0, 40, True, None),
    ("32.04.05.2001", "A", ["X", "Y"], "rqp", {}, 4, 9, 10, True, "empat"),
]


def known_survey(client, *, anonymous: bool = False):
    """(the survey as read by its admin, the admin, the residents who answered)."""
    admin = staff("admin", "32")
    s = published(client, admin, area_code="32", items=ITEMS, anonymous=anonymous, results_visibility="respondents")
    q = questions(s)

    def opt(title: str, label: str) -> int:
        return next(o["id"] for o in q[title]["options"] if o["label"] == label)

    people = []
    for desa, single, multi, rank, matrix, rating, scale, number, yes, text in PEOPLE:
        person = resident(home_area_code=desa, home_rw=1)
        answers = [
            {"question_id": q["S"]["id"], "other": single[6:]}
            if single.startswith("other:")
            else {"question_id": q["S"]["id"], "option_id": opt("S", single)},
            {"question_id": q["M"]["id"], "option_ids": [opt("M", m) for m in multi]},
            {"question_id": q["K"]["id"], "ranking": [opt("K", c) for c in rank]},
            {"question_id": q["R"]["id"], "value": rating},
            {"question_id": q["N"]["id"], "value": scale},
            {"question_id": q["U"]["id"], "value": number},
            {"question_id": q["Y"]["id"], "yes": yes},
        ]
        rows = {r["label"]: r["id"] for r in q["T"]["rows"]}
        if matrix:
            cells = [{"row_id": rows[r], "option_id": opt("T", o)} for r, o in matrix.items()]
            answers.append({"question_id": q["T"]["id"], "rows": cells})
        if text:
            answers.append({"question_id": q["X"]["id"], "text": text})
        r = client.post(f"/api/v1/surveys/{s['id']}/responses", json={"answers": answers}, headers=login(person))
        assert r.status_code == 201, r.get_json()
        people.append(person)
    return s, admin, people
