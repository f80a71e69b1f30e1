"""The answer of the statistics as a plain dict, in exactly the documented shape (``ComplaintStatsSchema``), from
the folded rows of the statistics statement (``queries``; one row per status, category and lead office, and the
totals). A pure function; ``app.core.responses.json_response`` writes it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from complaints.states import STATUSES
from complaints.stats.direct import SUMS


def _rate(met: int, total: int) -> float | None:
    return round(met / total, 4) if total else None


def _hours(value: Any) -> float | None:
    return None if value is None else round(float(value) / 3600.0, 2)


def _by_count(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda i: (-i["count"], i[key]))


def complaint_stats(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts by status (every one, zeros included), category and office (most first), the median hours, SLA
    compliance and the rating summary."""
    kinds: dict[str, list[Any]] = defaultdict(list)
    for r in rows:  # a few dozen folded rows: one per status, category and office, and the totals
        kinds[r["kind"]].append(r)
    totals = {s: int(kinds["total"][0][s] or 0) if kinds["total"] else 0 for s in SUMS}
    medians_row = kinds["total"][0] if kinds["total"] else {"response_median": None, "resolution_median": None}
    by_status = {r["key"]: int(r["n"]) for r in kinds["status"]}
    rating_count = totals["rating_count"]
    return {
        "total": totals["n"],
        "by_status": [{"status": s, "count": by_status.get(s, 0)} for s in STATUSES],
        "by_category": _by_count(
            [{"category_id": int(r["key"]), "name": r["name"], "count": int(r["n"])} for r in kinds["category"]],
            "category_id",
        ),
        "by_office": _by_count(
            [{"office_id": int(r["key"]), "name": r["name"], "count": int(r["n"])} for r in kinds["office"]],
            "office_id",
        ),
        "first_response": {"median_hours": _hours(medians_row["response_median"]), "count": totals["response_count"]},
        "resolution": {"median_hours": _hours(medians_row["resolution_median"]), "count": totals["resolution_count"]},
        "sla": {
            "response_met": totals["response_met"],
            "response_total": totals["response_total"],
            "response_rate": _rate(totals["response_met"], totals["response_total"]),
            "resolution_met": totals["resolution_met"],
            "resolution_total": totals["resolution_total"],
            "resolution_rate": _rate(totals["resolution_met"], totals["resolution_total"]),
            "overdue_open": totals["overdue_open"],
        },
        "rating": {
            "average": round(totals["rating_sum"] / rating_count, 2) if rating_count else None,
            "count": rating_count,
        },
    }
