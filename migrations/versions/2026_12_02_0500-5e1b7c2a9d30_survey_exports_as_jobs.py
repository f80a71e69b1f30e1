"""survey exports as jobs (data_exports gets a kind and a subject); number sums in the tally, number indexes

The tally's new ``total`` (the sum of a number question's values per desa) is filled from the stored answers.
``ix_survey_answers_results`` goes: results read the tally, and number statistics the two number indexes
(``question_id, num_value``, now partial, and the new ``question_id, kabkota_code, num_value``), which hold only
the rows with a value and no option or matrix row.

Revision ID: 5e1b7c2a9d30
Revises: 9d44f40a6ccd
Create Date: 2026-12-02 05:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "5e1b7c2a9d30"
down_revision: str | Sequence[str] | None = "9d44f40a6ccd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NUMBER_ROWS = sa.text("num_value IS NOT NULL AND option_id IS NULL AND row_id IS NULL")
TOTALS = (
    "UPDATE survey_tallies SET total = s.total FROM (SELECT a.survey_id AS survey_id, a.question_id AS question_id, "
    "COALESCE(a.desa_code, '') AS desa_code, SUM(a.num_value) AS total FROM survey_answers a "
    "JOIN survey_questions q ON q.id = a.question_id WHERE q.type = 'number' AND a.num_value IS NOT NULL "
    "GROUP BY a.survey_id, a.question_id, COALESCE(a.desa_code, '')) AS s "
    "WHERE survey_tallies.survey_id = s.survey_id AND survey_tallies.question_id = s.question_id "
    "AND survey_tallies.desa_code = s.desa_code AND survey_tallies.row_id = 0 AND survey_tallies.option_id = 0 "
    "AND survey_tallies.value = -1"
)


def upgrade() -> None:
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="personal", nullable=False))
        batch_op.add_column(sa.Column("subject_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("survey_tallies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("total", sa.Float(), server_default="0", nullable=False))
    op.execute(TOTALS)
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_answers_results", postgresql_include=["desa_code", "part"])
        batch_op.drop_index("ix_survey_answers_question_id_num_value", postgresql_include=["kabkota_code", "desa_code"])
        batch_op.create_index(
            "ix_survey_answers_question_id_num_value",
            ["question_id", "num_value"],
            unique=False,
            postgresql_include=["kabkota_code", "desa_code"],
            postgresql_where=NUMBER_ROWS,
            sqlite_where=NUMBER_ROWS,
        )
        batch_op.create_index(
            "ix_survey_answers_question_id_kabkota_code_num_value",
            ["question_id", "kabkota_code", "num_value"],
            unique=False,
            postgresql_include=["desa_code"],
            postgresql_where=NUMBER_ROWS,
            sqlite_where=NUMBER_ROWS,
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_answers_question_id_kabkota_code_num_value", postgresql_include=["desa_code"])
        batch_op.drop_index("ix_survey_answers_question_id_num_value", postgresql_include=["kabkota_code", "desa_code"])
        batch_op.create_index(
            "ix_survey_answers_question_id_num_value",
            ["question_id", "num_value"],
            unique=False,
            postgresql_include=["kabkota_code", "desa_code"],
        )
        batch_op.create_index(
            "ix_survey_answers_results",
            ["survey_id", "kabkota_code", "question_id", "row_id", "option_id", "num_value"],
            unique=False,
            postgresql_include=["desa_code", "part"],
        )
    with op.batch_alter_table("survey_tallies", schema=None) as batch_op:
        batch_op.drop_column("total")
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.drop_column("subject_id")
        batch_op.drop_column("kind")
