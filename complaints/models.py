"""Every complaints model, imported in one place (Alembic and the tests need the whole metadata)."""

from complaints.categories.models import Category
from complaints.offices.models import Office, OfficeMember
from complaints.routing.models import RoutingRule
from complaints.sla.models import Holiday

__all__ = ["Category", "Holiday", "Office", "OfficeMember", "RoutingRule"]
