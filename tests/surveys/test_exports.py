"""Both exports: one row per response, one column per question (matrix per row), no identity when anonymous."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from surveys import exports
from tests.factories import login, resident, staff
from tests.surveys.known_data import known_survey


def _csv(client, s, user):
    r = client.get(f"/api/v1/surveys/{s['id']}/export", query_string={"format": "csv"}, headers=login(user))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))


def test_csv_export(client, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 3)  # several batches
    s, admin, people = known_survey(client)
    rows = _csv(client, s, admin)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["response_id", "submitted_on", "kabkota_code", "desa_code", "user_id", "submitted_at"]
    assert header[6:] == ["S", "M", "K", "T \u2014 row1", "T \u2014 row2", "R", "N", "U", "Y", "X"]
    assert len(body) == 4
    by_user = {int(r[4]): dict(zip(header, r, strict=True)) for r in body}
    first = by_user[people[0].id]
    assert first["S"] == "A" and first["M"] == "X; Y" and first["K"] == "p > q > r"
    assert first["T \u2014 row1"] == "Good" and first["T \u2014 row2"] == "Bad"
    assert (
        first["R"] == "5"
        and first["N"] == "10"
        and first["U"] == "20.0"
        and first["Y"] == "yes"
        and first["X"] == "satu"
    )
    assert by_user[people[2].id]["S"] == "Z" and by_user[people[1].id]["X"] == ""


def test_anonymous_csv_has_no_identity(client):
    s, admin, people = known_survey(client, anonymous=True)
    rows = _csv(client, s, admin)
    assert rows[0][:4] == ["response_id", "submitted_on", "kabkota_code", "S"]
    flat = " ".join(" ".join(r) for r in rows)
    for p in people:
        assert p.home_area_code not in flat and p.phone not in flat
    assert len(rows) == 5


def test_xlsx_export(client):
    s, admin, _ = known_survey(client)
    r = client.get(f"/api/v1/surveys/{s['id']}/export", query_string={"format": "xlsx"}, headers=login(admin))
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(r.get_data()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5 and rows[0][6] == "S"
    assert sorted(r[rows[0].index("R")] for r in rows[1:]) == [3, 4, 4, 5]


def test_export_is_for_staff_in_scope(client):
    s, _admin, people = known_survey(client)
    url = f"/api/v1/surveys/{s['id']}/export"
    assert client.get(url, headers=login(people[0])).status_code == 403
    assert client.get(url, headers=login(staff("editor", "32.73"))).status_code == 404
    assert client.get(url, headers=login(staff("village_official", "32.73.01.1001"))).status_code == 404
    assert client.get(url, query_string={"format": "pdf"}, headers=login(staff("admin", "32"))).status_code == 422
    assert client.get(url, headers=login(resident())).status_code == 403
