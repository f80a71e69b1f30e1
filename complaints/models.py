"""Every complaints model, imported in one place (Alembic and the tests need the whole metadata)."""

from complaints.categories.models import Category

__all__ = ["Category"]
