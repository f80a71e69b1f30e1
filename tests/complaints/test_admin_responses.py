"""The presenters of categories, offices and members, routing, the SLA calendar, statistics and photo uploads write
exactly what their ``@blp.response`` schemas wrote when the views returned objects for marshmallow to dump: the same
bytes (fields, key order, values, ISO datetimes and dates, nulls, nested office references)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from app.core.db import utcnow
from app.core.pagination import page_of
from app.core.responses import json_response
from app.extensions import db
from complaints.categories import presenters as category_presenters
from complaints.categories import service as categories
from complaints.categories.models import Category
from complaints.categories.schemas import CategorySchema
from complaints.intake.presenters import photo_view
from complaints.intake.schemas import PhotoSchema
from complaints.offices import members
from complaints.offices import presenters as office_presenters
from complaints.offices import service as offices
from complaints.offices.models import OfficeMember
from complaints.offices.schemas import (
    ActiveOfficeRefSchema,
    MemberSchema,
    OfficeNameSchema,
    OfficeRefSchema,
    OfficeSchema,
)
from complaints.photos.service import add_photo
from complaints.routing import presenters as routing_presenters
from complaints.routing import rules
from complaints.routing import service as routing
from complaints.routing.models import RoutingRule
from complaints.routing.schemas import ExplanationSchema, RuleSchema
from complaints.sla import holidays
from complaints.sla import presenters as sla_presenters
from complaints.sla.models import Holiday
from complaints.sla.schemas import CalendarSchema, HolidaySchema
from complaints.stats import queries as stats
from complaints.stats.schemas import ComplaintStatsSchema
from tests.complaints.handling_helpers import handled, handler
from tests.complaints.helpers import jpeg_bytes, make_complaint
from tests.complaints.office_factories import office, rule
from tests.complaints.test_responses import same_as_schema
from tests.factories import login, resident, staff


def written_as_dumped(data, schema, obj) -> None:
    """``data`` (a presenter's dict) is valid for ``schema`` and written byte for byte as ``schema.dump(obj)``."""
    same_as_schema(data, schema)
    assert json_response(data).get_data() == json_response(schema.dump(obj)).get_data()


def _page(objects, result):
    return {"items": objects, "next_cursor": result["next_cursor"]}


def test_categories():
    child = Category(slug="lubang", name="Lubang jalan", parent_id=1, is_active=False, sort_order=3)
    db.session.add(child)
    db.session.flush()
    for c in (db.session.get(Category, 1), child):
        written_as_dumped(category_presenters.category(c), CategorySchema(), c)
    result = categories.list_categories(include_inactive=True, cursor=None, limit=2)
    objects = [db.session.get(Category, item["id"]) for item in result["items"]]
    assert result["next_cursor"] is not None
    written_as_dumped(result, page_of(CategorySchema)(), _page(objects, result))


def test_offices_and_their_references():
    admin = staff("admin", "32.73")
    parent = office("32.73")
    unit = office("32.73.01", parent=parent, active=False)
    for o in (parent, unit):
        written_as_dumped(office_presenters.office(o), OfficeSchema(), o)
        written_as_dumped(office_presenters.office_name(o), OfficeNameSchema(), o)
        written_as_dumped(office_presenters.office_ref(o), OfficeRefSchema(), o)
        written_as_dumped(office_presenters.active_office_ref(o), ActiveOfficeRefSchema(), o)
    result = offices.list_offices(actor=admin, area_code=None, parent_id=None, is_active=None, cursor=None, limit=1)
    assert result["next_cursor"] is not None
    written_as_dumped(result, page_of(OfficeSchema)(), _page([parent], result))


def test_members_effective_or_not():
    of = office("32.73")
    head = handler(of, head=True)
    moved = handler(of, area="32.04")  # scoped outside Kota Bandung: the membership grants nothing
    rows = []
    for user, effective in ((head, True), (moved, False)):
        m = db.session.get(OfficeMember, (of.id, user.id))
        old = SimpleNamespace(
            user_id=m.user_id, name=user.name, is_head=m.is_head, is_effective=effective, created_at=m.created_at
        )
        data = office_presenters.member(m, members.account_of(m), of)
        assert data["is_effective"] is effective
        written_as_dumped(data, MemberSchema(), old)
        rows.append(old)
    result = members.list_members(office=of, cursor=None, limit=20)
    written_as_dumped(result, page_of(MemberSchema)(), _page(rows, result))


def test_rules_and_explanation():
    admin = staff("admin", "32.73")
    inactive, active = office("32.73", active=False), office("32.73")
    rule(inactive, "32.73.01", category_id=1)
    rule(active, "32.73")
    result = rules.list_rules(
        actor=admin, category_id=None, default_only=False, area_code=None, office_id=None, cursor=None, limit=20
    )
    loaded = [rules.get_visible(actor=admin, rule_id=item["id"]) for item in result["items"]]
    written_as_dumped(result, page_of(RuleSchema)(), _page(loaded, result))
    for r in loaded:
        written_as_dumped(routing_presenters.rule(r), RuleSchema(), r)
    for area in ("32.73.01.1001", "32.04"):  # a resolution after a skipped rule, and none at all
        e = routing.explain(category_id=1, area_code=area)
        written_as_dumped(routing_presenters.explanation(e), ExplanationSchema(), e)
    assert routing.explain(category_id=1, area_code="32.04").resolution is None
    assert db.session.query(RoutingRule).count() == 2


def test_holidays_and_calendar():
    admin = staff("admin", "32.73")
    day = Holiday(area_code="32.73", date=dt.date(2026, 9, 25), name="Hari Jadi Kota Bandung")
    db.session.add(day)
    db.session.flush()
    written_as_dumped(sla_presenters.holiday(day), HolidaySchema(), day)
    result = holidays.list_holidays(actor=admin, year=None, area_code=None, cursor=None, limit=20)
    written_as_dumped(result, page_of(HolidaySchema)(), _page([day], result))
    today = utcnow().date()
    for year in (2026, 2099):  # a year with official data and one without
        view = holidays.calendar(area_code="32.73.01.1001", year=year, today=today)
        written_as_dumped(sla_presenters.calendar(view), CalendarSchema(), view)


def test_statistics():
    lead = office("32.73")
    handled(lead, status="closed")
    make_complaint(resident(), status="verified")
    totals = []
    for scope in (stats.Scope(area=None), stats.Scope(area="32.73", offices=(lead.id,)), stats.Scope(area="32.04")):
        for direct in (False, True):
            data = stats.complaint_stats(scope=scope, filters=stats.Filters(), now=utcnow(), direct=direct)
            written_as_dumped(data, ComplaintStatsSchema(), data)
            totals.append(data["total"])
    assert totals == [2, 2, 1, 1, 0, 0]


def test_photo_upload():
    c = make_complaint(resident())
    photo = add_photo(complaint=c, data=jpeg_bytes(), uploader_id=c.reporter_id)
    data = photo_view(c.id, photo)
    written_as_dumped(data, PhotoSchema(), data)


def test_lists_send_as_many_statements_for_one_item_as_for_many(client, count_queries):
    admin = staff("admin", "32.73")
    lead = office("32.73")
    for i in range(4):
        handler(lead, head=i == 0)
        rule(office("32.73"), "32.73", category_id=i + 1)
        db.session.add(Holiday(area_code="32.73", date=dt.date(2026, 3, 2 + i), name=f"Libur daerah {i}"))
    db.session.flush()
    headers = login(admin)
    for url in (
        "/api/v1/categories",
        "/api/v1/offices",
        f"/api/v1/offices/{lead.id}/members",
        "/api/v1/routing/rules",
        "/api/v1/sla/holidays",
    ):
        counts = []
        for limit in (1, 4):
            with count_queries() as q:
                resp = client.get(f"{url}?limit={limit}", headers=headers)
            assert resp.status_code == 200, resp.get_json()
            assert len(resp.get_json()["items"]) == limit
            counts.append(q.count)
        assert counts[0] == counts[1], (url, counts)
