"""complaint tiles from the geo index

``ix_complaints_geo`` also carries the id and the status (INCLUDE, PostgreSQL's; SQLite keeps the same keys), so
the public feed's ``near=`` tiles (``complaints.intake.nearby``: every listed complaint of a grid cell) are read
from the index alone.

Revision ID: 7f3a1c9e2b84
Revises: 5e1b7c2a9d30
Create Date: 2026-12-02 19:30:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "7f3a1c9e2b84"
down_revision: str | Sequence[str] | None = "5e1b7c2a9d30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = ["geo_cell", "latitude", "longitude", "is_listed", "category_id", "created_at"]


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_geo")
        batch_op.create_index("ix_complaints_geo", KEYS, unique=False, postgresql_include=["id", "status"])


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_geo", postgresql_include=["id", "status"])
        batch_op.create_index("ix_complaints_geo", KEYS, unique=False)
