"""Rules both halves of news share (articles and announcements): who may target which area, and Markdown texts.

The targeting rule is the one of every scoped write: staff may target area key T iff
``area_contains(principal.scope, T)`` (T = ``scope_key(area, rw)``). A target outside the caller's scope is a
403 naming the field; an unknown area is a 422 (``app.areas.service.require_area``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.areas import service as areas
from app.areas.codes import area_contains, scope_key
from app.core.errors import Forbidden
from app.core.markdown import plain_excerpt, render_markdown


def may_target(principal: Any, area_key: str) -> bool:
    """Whether ``principal`` may address the area key ``area_key`` (an area code or an RW key)."""
    scope = getattr(principal, "scope", None)
    return bool(scope and getattr(principal, "is_active", True) and area_contains(scope, area_key))


def require_target(principal: Any, *, area_code: str, rw: int | None = None, field: str = "area_code") -> str:
    """The target key of a write, checked: the area exists (422) and lies inside the caller's scope (403)."""
    areas.require_area(code=area_code, field=field)
    key = scope_key(area_code, rw)
    if not may_target(principal, key):
        raise Forbidden(
            "You can only address areas inside your own scope.",
            errors={field: ["Outside your scope."]},
            code="target_outside_scope",
        )
    return key


@dataclass(frozen=True)
class RenderedText:
    html: str
    excerpt: str


def render_body(markdown: str, *, excerpt_chars: int = 200) -> RenderedText:
    """Sanitised HTML and a plain-text excerpt of a Markdown body (what is stored next to the source)."""
    return RenderedText(html=render_markdown(markdown), excerpt=plain_excerpt(markdown, excerpt_chars))
