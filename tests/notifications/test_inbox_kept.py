"""The inbox tests again with the inbox kept per process (``notifications.inbox.INBOX``): every write that changes
what a user's inbox or badge shows must drop it, or one of them reads stale here. Plus: a kept page runs no
statement (PostgreSQL; on SQLite nothing is kept and these are the same tests as ``test_inbox``)."""

from __future__ import annotations

import pytest

from app.core import user_state
from app.extensions import db
from notifications.api import NEWS, broadcast_to_area, notify_users
from notifications.inbox import INBOX as KEPT
from tests.core.test_user_state import wait_until
from tests.factories import count_statements, login
from tests.notifications.conftest import DESA
from tests.notifications.test_inbox import *  # noqa: F403 (the same tests, with the cache on)
from tests.notifications.test_inbox import INBOX, _ids


@pytest.fixture(autouse=True)
def kept(app, monkeypatch, dialect):
    monkeypatch.setitem(app.config, "USER_STATE_CACHE_SECONDS", 300)
    if dialect == "postgresql":
        wait_until(lambda: user_state.listening(app))
    KEPT.drop_all()
    yield
    KEPT.drop_all()


def test_a_kept_page_runs_no_statement_and_new_rows_show_at_once(client, world, dialect):
    me = login(world["me"])
    first = _ids(client, me)
    with count_statements() as statements:
        assert _ids(client, me) == first
        assert client.get(f"{INBOX}/unread-count", headers=me).status_code == 200
        assert client.get(f"{INBOX}/unread-count", headers=me).status_code == 200
    if dialect == "postgresql":  # only the first badge is counted; the page and the second badge are kept
        assert len([s for s in statements if "FROM notifications" in s]) == 1
    notify_users(user_ids=[world["me"].id], kind=NEWS, title="Baru untukku", body="B")
    db.session.commit()
    assert len(_ids(client, me)) == len(first) + 1
    later = broadcast_to_area(area_code=DESA, kind=NEWS, title="Baru di desa", body="B")
    db.session.commit()
    assert _ids(client, me)[0] == later
