"""Demo offices in Kota Bandung (32.73) and the routing rules that send every seeded category to one of them.

Registered with ``app.demo.demo_seeder``; ``flask seed-demo`` runs it after creating the demo accounts. Idempotent:
existing offices (by code), memberships and rules (by category and area) are left as they are.
"""

from __future__ import annotations

import click
from sqlalchemy import select

from app.accounts.models import User
from app.demo import demo_seeder
from app.extensions import db
from complaints.categories.models import Category
from complaints.offices.models import Office, OfficeMember
from complaints.routing.models import RoutingRule

CITY = "32.73"
SUKASARI = "32.73.01"
#: The demo office handler (``DEMO_STAFF`` in ``app.demo``).
HANDLER_PHONE = "+6281100000004"

#: (code, name, jurisdiction, parent office code)
OFFICES = [
    ("DSDABM-3273", "Dinas Sumber Daya Air dan Bina Marga Kota Bandung", CITY, None),
    ("UPT-JLN-3273-01", "UPT Pemeliharaan Jalan dan Drainase Wilayah Sukasari", SUKASARI, "DSDABM-3273"),
    ("DISHUB-3273", "Dinas Perhubungan Kota Bandung", CITY, None),
    ("DLHK-3273", "Dinas Lingkungan Hidup dan Kebersihan Kota Bandung", CITY, None),
    ("DINKES-3273", "Dinas Kesehatan Kota Bandung", CITY, None),
    ("DISDIK-3273", "Dinas Pendidikan Kota Bandung", CITY, None),
    ("DISDUKCAPIL-3273", "Dinas Kependudukan dan Pencatatan Sipil Kota Bandung", CITY, None),
    ("SATPOLPP-3273", "Satuan Polisi Pamong Praja Kota Bandung", CITY, None),
    ("DINSOS-3273", "Dinas Sosial Kota Bandung", CITY, None),
    ("DISKOMINFO-3273", "Dinas Komunikasi dan Informatika Kota Bandung", CITY, None),
]

#: (category slug, None for the city's default office; area; office code)
RULES = [
    ("jalan-rusak", CITY, "DSDABM-3273"),
    ("jalan-rusak", SUKASARI, "UPT-JLN-3273-01"),
    ("banjir-drainase", CITY, "DSDABM-3273"),
    ("banjir-drainase", SUKASARI, "UPT-JLN-3273-01"),
    ("penerangan-jalan", CITY, "DISHUB-3273"),
    ("sampah", CITY, "DLHK-3273"),
    ("kesehatan", CITY, "DINKES-3273"),
    ("pendidikan", CITY, "DISDIK-3273"),
    ("adminduk", CITY, "DISDUKCAPIL-3273"),
    ("ketertiban-umum", CITY, "SATPOLPP-3273"),
    ("bantuan-sosial", CITY, "DINSOS-3273"),
    (None, CITY, "DISKOMINFO-3273"),  # "lainnya" and any category added later
]

#: (office code, is head) for the demo office handler.
MEMBERSHIPS = [("DSDABM-3273", True), ("UPT-JLN-3273-01", False)]


@demo_seeder
def seed_offices_and_routing() -> None:
    """Create the demo offices, the demo handler's memberships and the routing rules that are missing."""
    offices = {o.code: o for o in db.session.scalars(select(Office).where(Office.code.in_([c for c, *_ in OFFICES])))}
    created_offices = 0
    for code, name, area, parent in OFFICES:
        if code not in offices:
            offices[code] = Office(
                code=code, name=name, area_code=area, parent_id=offices[parent].id if parent else None
            )
            db.session.add(offices[code])
            db.session.flush()
            created_offices += 1
    handler = db.session.scalars(select(User).where(User.phone == HANDLER_PHONE)).one_or_none()
    if handler is not None:
        for code, is_head in MEMBERSHIPS:
            if db.session.get(OfficeMember, (offices[code].id, handler.id)) is None:
                db.session.add(OfficeMember(office_id=offices[code].id, user_id=handler.id, is_head=is_head))
    slugs = {c.slug: c.id for c in db.session.scalars(select(Category))}
    existing = {(c, a) for c, a in db.session.execute(select(RoutingRule.category_id, RoutingRule.area_code))}
    created_rules = 0
    for slug, area, code in RULES:
        if slug is not None and slug not in slugs:
            continue  # an admin removed or renamed the seeded category
        category_id = slugs[slug] if slug else None
        if (category_id, area) not in existing:
            db.session.add(RoutingRule(category_id=category_id, area_code=area, office_id=offices[code].id))
            created_rules += 1
    db.session.flush()
    click.echo(f"Demo offices in Kota Bandung: {created_offices} created; routing rules: {created_rules} created.")
