"""Every complaints model, imported in one place (Alembic and the tests need the whole metadata)."""

from complaints.categories.models import Category
from complaints.conversation.models import Message
from complaints.intake.models import Complaint, StatusChange
from complaints.offices.models import Office, OfficeMember
from complaints.photos.models import ComplaintPhoto
from complaints.routing.models import RoutingRule
from complaints.sla.models import Holiday
from complaints.supports.models import Support

__all__ = [
    "Category",
    "Complaint",
    "ComplaintPhoto",
    "Holiday",
    "Message",
    "Office",
    "OfficeMember",
    "RoutingRule",
    "StatusChange",
    "Support",
]
