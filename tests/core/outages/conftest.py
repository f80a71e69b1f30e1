"""Fixtures of the outage tests."""

from tests.notifications.conftest import spy  # noqa: F401  (the log-only push sender, spied)
