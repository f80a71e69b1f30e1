"""Announcement categories: a fixed list with translated labels; the urgent ones push with high priority."""

from __future__ import annotations

from app.core.i18n import _

#: slug → English label (translated at the edge with the request's language).
CATEGORIES: dict[str, str] = {
    "kegiatan": _("Community event"),
    "kerja_bakti": _("Community clean-up"),
    "posyandu": _("Posyandu (mother and child health)"),
    "kesehatan": _("Health"),
    "layanan": _("Public service"),
    "keamanan": _("Security"),
    "bencana": _("Disaster"),
    "lainnya": _("Other"),
}
SLUGS: tuple[str, ...] = tuple(CATEGORIES)
#: Categories that cannot wait: their push goes out with high priority.
URGENT: frozenset[str] = frozenset({"keamanan", "bencana"})
SLUG_LENGTH = 20
