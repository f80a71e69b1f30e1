"""Reactions to other features' events."""

from __future__ import annotations

from typing import Any

from app.accounts.service import HOME_AREA_CHANGED
from app.core.events import on
from app.core.jobs import enqueue_after_commit
from notifications.topics import mark_user_devices


@on(HOME_AREA_CHANGED)
def resubscribe_on_move(*, user_id: int, **_: Any) -> None:
    """A resident moved: their devices leave the old area's topics and join the new ones (in a job)."""
    from notifications.tasks import sync_topics

    mark_user_devices(user_id)
    enqueue_after_commit(sync_topics)
