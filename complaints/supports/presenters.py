"""The answer of supporting a complaint, as a plain dict in the documented shape (``SupportStateSchema``)."""

from __future__ import annotations

from typing import Any


def support_state(*, complaint_id: int, supported: bool, support_count: int) -> dict[str, Any]:
    return {"complaint_id": complaint_id, "supported": supported, "support_count": support_count}
