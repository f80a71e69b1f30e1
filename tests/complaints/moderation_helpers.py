"""Reading back what moderation stored: history, stages, the reporter's inbox (the handling tests' helpers)."""

from __future__ import annotations

from tests.complaints.handling_helpers import history
from tests.complaints.handling_helpers import notes_for as inbox
from tests.complaints.handling_helpers import reload as fresh
from tests.complaints.handling_helpers import stages_of as stages

__all__ = ["fresh", "history", "inbox", "stages"]
