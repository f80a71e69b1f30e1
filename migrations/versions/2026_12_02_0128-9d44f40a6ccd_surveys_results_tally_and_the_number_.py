"""surveys: results tally and the number-value index

Revision ID: 9d44f40a6ccd
Revises: c89f8cd708ee
Create Date: 2026-12-02 01:28:57.714519

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "9d44f40a6ccd"
down_revision: str | Sequence[str] | None = "c89f8cd708ee"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


C13 = sa.String(length=13).with_variant(sa.String(length=13, collation="C"), "postgresql")

BACKFILL = (
    "INSERT INTO survey_tallies (survey_id, question_id, row_id, option_id, value, desa_code, n, firsts, texts) "
    "SELECT a.survey_id, a.question_id, COALESCE(a.row_id, 0), COALESCE(a.option_id, 0), "
    "CASE WHEN a.num_value IS NULL OR q.type = 'number' THEN -1 ELSE CAST(a.num_value AS INTEGER) END, "
    "COALESCE(a.desa_code, ''), COUNT(*), SUM(CASE WHEN a.part = 0 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.option_id IS NULL AND a.text_value IS NOT NULL THEN 1 ELSE 0 END) "
    "FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id GROUP BY 1, 2, 3, 4, 5, 6",
    "INSERT INTO survey_tallies (survey_id, question_id, row_id, option_id, value, desa_code, n, firsts, texts) "
    "SELECT survey_id, 0, 0, 0, -1, COALESCE(desa_code, ''), COUNT(*), 0, 0 "
    "FROM survey_responses GROUP BY survey_id, COALESCE(desa_code, '')",
)


def upgrade() -> None:
    op.create_table(
        "survey_tallies",
        sa.Column("survey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("question_id", sa.BigInteger(), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=False),
        sa.Column("option_id", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("desa_code", C13, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("firsts", sa.BigInteger(), nullable=False),
        sa.Column("texts", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_tallies_survey_id_surveys"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(
            "survey_id", "question_id", "row_id", "option_id", "value", "desa_code", name=op.f("pk_survey_tallies")
        ),
    )
    for statement in BACKFILL:
        op.execute(statement)
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_survey_answers_question_id_num_value",
            ["question_id", "num_value"],
            unique=False,
            postgresql_include=["kabkota_code", "desa_code"],
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_answers_question_id_num_value", postgresql_include=["kabkota_code", "desa_code"])
    op.drop_table("survey_tallies")
