"""Every complaints model, imported in one place (Alembic and the tests need the whole metadata)."""

from complaints.categories.models import Category
from complaints.conversation.models import Message
from complaints.follow_up import Rating
from complaints.history import HistoryEntry
from complaints.intake.models import Complaint, HandlingStage
from complaints.moderation.models import Redaction
from complaints.offices.models import Office, OfficeMember
from complaints.photos.models import ComplaintPhoto
from complaints.routing.models import RoutingRule
from complaints.sla.models import Holiday
from complaints.stats.models import ComplaintStatsDurations, ComplaintStatsRollup, ComplaintStatsTime  # noqa: F401
from complaints.supports.models import Support

__all__ = [
    "Category",
    "Complaint",
    "ComplaintPhoto",
    "HandlingStage",
    "HistoryEntry",
    "Holiday",
    "Message",
    "Office",
    "OfficeMember",
    "Rating",
    "Redaction",
    "RoutingRule",
    "Support",
]
