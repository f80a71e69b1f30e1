"""Resolving a (category, area) to an office: the function moderation calls, and its explanation.

Precedence, first match wins:
1. a rule for the complaint's own category, the most specific area first (desa, kecamatan, kab/kota, province);
2. a rule for its parent category (then the grandparent…), again the most specific area first;
3. a default rule (no category) of the area, the most specific area first: typically one per kab/kota.
A rule whose office is inactive is skipped and the next candidate is tried. No candidate: ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import or_, select

from app.areas.codes import ancestors_of, area_contains, level_of
from app.core.errors import ValidationFailed
from app.core.events import on
from app.core.i18n import _
from app.extensions import db
from complaints.categories.models import Category
from complaints.events import OFFICE_AREA_CHANGING
from complaints.offices.models import Office
from complaints.routing.models import RoutingRule

Match = Literal["category", "parent_category", "default"]
Outcome = Literal["applied", "skipped_inactive_office", "not_reached"]

#: Categories nest shallowly; a longer chain is treated as ending there.
MAX_CATEGORY_DEPTH = 10


@dataclass(frozen=True, slots=True)
class Resolution:
    """The office a complaint goes to, and the rule that sent it there."""

    office_id: int
    rule_id: int
    #: Which kind of rule applied: the category's own, a parent category's, or the area's default.
    match: Match
    #: The rule's area and category (None for a default rule).
    rule_area_code: str
    rule_category_id: int | None


@dataclass(frozen=True, slots=True)
class OfficeRef:
    id: int
    code: str
    name: str
    is_active: bool


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule that matches the complaint, in precedence order, and what happened to it."""

    rule_id: int
    category_id: int | None
    area_code: str
    match: Match
    office: OfficeRef
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Explanation:
    category_id: int
    area_code: str
    resolution: Resolution | None
    candidates: tuple[Candidate, ...]


def category_chain(category_id: int) -> list[int]:
    """The category followed by its ancestors, nearest first (unknown id: just the id)."""
    chain = [category_id]
    category = db.session.get(Category, category_id)
    while category is not None and category.parent_id is not None and len(chain) < MAX_CATEGORY_DEPTH:
        if category.parent_id in chain:
            break
        chain.append(category.parent_id)
        category = db.session.get(Category, category.parent_id)
    return chain


def explain(*, category_id: int, area_code: str) -> Explanation:
    """Every rule that matches, in precedence order, with the one that applies (one query for the rules)."""
    chain = category_chain(category_id)
    areas = ancestors_of(area_code)
    rows = db.session.execute(
        select(RoutingRule, Office)
        .join(Office, Office.id == RoutingRule.office_id)
        .where(
            RoutingRule.area_code.in_(areas),
            or_(RoutingRule.category_id.in_(chain), RoutingRule.category_id.is_(None)),
        )
    ).all()

    def rank(rule: RoutingRule) -> tuple[int, int]:
        category_rank = len(chain) if rule.category_id is None else chain.index(rule.category_id)
        return category_rank, -level_of(rule.area_code)

    candidates: list[Candidate] = []
    resolution: Resolution | None = None
    for rule, office in sorted(rows, key=lambda row: rank(row[0])):
        if rule.category_id is None:
            match: Match = "default"
        else:
            match = "category" if rule.category_id == category_id else "parent_category"
        if resolution is not None:
            outcome: Outcome = "not_reached"
        elif not office.is_active:
            outcome = "skipped_inactive_office"
        else:
            outcome = "applied"
            resolution = Resolution(office.id, rule.id, match, rule.area_code, rule.category_id)
        ref = OfficeRef(office.id, office.code, office.name, office.is_active)
        candidates.append(Candidate(rule.id, rule.category_id, rule.area_code, match, ref, outcome))
    return Explanation(category_id, area_code, resolution, tuple(candidates))


def resolve(*, category_id: int, desa_code: str) -> Resolution | None:
    """The office for a complaint of ``category_id`` located in ``desa_code``, or None when no rule applies.

    Works for any area code (a kecamatan, or a desa + RW key: its desa's rules apply).
    """
    return explain(category_id=category_id, area_code=desa_code).resolution


@on(OFFICE_AREA_CHANGING)
def _check_rules_fit(*, office_id: int, area_code: str) -> None:
    """Routing rules pointing at an office must stay inside its jurisdiction (offices emit, routing checks)."""
    rule_areas = db.session.scalars(select(RoutingRule.area_code).where(RoutingRule.office_id == office_id))
    outside = sorted({a for a in rule_areas if not area_contains(area_code, a)})
    if outside:
        raise ValidationFailed(
            "Routing rules would send complaints from outside the office's new area.",
            errors={
                "area_code": [
                    _("Rules for {areas} point at this office; change them first.", areas=", ".join(outside[:10]))
                ]
            },
        )
