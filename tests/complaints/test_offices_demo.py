"""``flask seed-demo`` creates offices in Kota Bandung and routes every seeded category there, idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from complaints.categories.models import Category
from complaints.offices import service as offices
from complaints.offices.models import Office, OfficeMember
from complaints.routing.models import RoutingRule
from complaints.routing.service import resolve


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Office, OfficeMember, RoutingRule))


def test_seed_demo_offices_and_routing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "10 created; routing rules: 12 created" in first.output
    after_first = counts()
    assert after_first == (10, 2, 12)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 created; routing rules: 0 created" in second.output
    assert counts() == after_first

    handler = db.session.scalars(select(User).where(User.phone == "+6281100000004")).one()
    dinas = db.session.scalars(select(Office).where(Office.code == "DSDABM-3273")).one()
    upt = db.session.scalars(select(Office).where(Office.code == "UPT-JLN-3273-01")).one()
    assert upt.parent_id == dinas.id and offices.sub_units(dinas.id) == [upt.id]
    assert offices.heads_of(dinas.id) == [handler.id]
    assert offices.offices_of(handler.id) == [dinas.id, upt.id]

    for category in db.session.scalars(select(Category)):
        for desa in ("32.73.01.1001", "32.73.02.1001"):
            got = resolve(category_id=category.id, desa_code=desa)
            assert got is not None, (category.slug, desa)
            office = db.session.get(Office, got.office_id)
            assert office.is_active and office.area_code.startswith("32.73")
    jalan = db.session.scalars(select(Category).where(Category.slug == "jalan-rusak")).one()
    assert resolve(category_id=jalan.id, desa_code="32.73.01.1001").office_id == upt.id
    assert resolve(category_id=jalan.id, desa_code="32.73.02.1001").office_id == dinas.id
    lainnya = db.session.scalars(select(Category).where(Category.slug == "lainnya")).one()
    assert resolve(category_id=lainnya.id, desa_code="32.73.02.1001").match == "default"
