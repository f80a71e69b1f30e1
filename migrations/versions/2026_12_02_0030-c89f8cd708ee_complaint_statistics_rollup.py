"""complaint statistics rollup

Summary tables for ``GET /stats/complaints`` kept in step with ``complaints`` by triggers, in the same statement as
every change (services, Core updates, jobs and bulk loads alike), and filled from the existing rows here:

- ``complaint_stats_rollup``: the sums of the *settled* complaints per kab/kota, status, category and lead office
  (0 for none). Settled: past moderation and no deadline still to come at the horizon
  (``complaint_stats_horizon``, one row: five minutes before this migration, moved on by the ``settle_statistics``
  job), so that none of its figures can move with the clock any more;
- ``complaint_stats_times``: the seconds from verification to the first response (kind 1) and to resolution (kind 2)
  of every verified complaint that has them, with their bucket ``floor(16 ln(1 + s / 60))``;
- ``complaint_stats_durations``: the count per kab/kota, lead office, kind and bucket;
- ``PARTIAL_INDEXES``: covering indexes of the complaints that may be unsettled (in moderation, or by the deadline
  they wait on), through which the statistics read the unsettled ones directly.

PostgreSQL's trigger takes a shared advisory lock (``HORIZON_LOCK``) for the transaction; the job takes it
exclusively before it moves the horizon, so no complaint changes between its reading and its moving.

The expressions are those of ``complaints/stats/queries.py`` (``_sums``, ``seconds``) and the predicates those of
``complaints/stats/rollup.py`` (``partial_indexes``, ``pending``, ``contributions``), frozen here. On SQLite a table
rebuild of ``complaints`` (batch migrations) drops its triggers: ``tests/complaints/test_stats_rollup.py`` checks
that they exist.

Revision ID: c89f8cd708ee
Revises: 7232c7058534
Create Date: 2026-12-02 00:30:00.000000

"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c89f8cd708ee"
down_revision: str | Sequence[str] | None = "7232c7058534"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INCLUDE = [
    "desa_code", "rw", "status", "category_id", "office_id", "verified_at", "first_response_at", "resolved_at",
    "response_due_at", "resolution_due_at", "id", "rating",
]  # fmt: skip
MODERATION = ("needs_info", "submitted")
HANDLING = ("accepted", "in_progress", "verified")
HORIZON = "(SELECT settled_before FROM complaint_stats_horizon)"
HORIZON_LOCK = 7_240_015
#: name -> (key columns, predicate): the complaints that may be unsettled, in four disjoint-able parts.
PARTIAL_INDEXES = {
    "ix_complaints_stats_moderation": (("kabkota_code", "created_at"), "status IN ('needs_info', 'submitted')"),
    "ix_complaints_stats_response_due": (
        ("response_due_at",),
        "first_response_at IS NULL AND response_due_at IS NOT NULL",
    ),
    "ix_complaints_stats_resolution_due": (
        ("resolution_due_at",),
        "resolved_at IS NULL AND resolution_due_at IS NOT NULL",
    ),
    "ix_complaints_stats_handled_due": (
        ("resolution_due_at",),
        "status IN ('accepted', 'in_progress', 'verified') AND office_id IS NOT NULL AND first_response_at IS NOT NULL"
        " AND resolved_at IS NOT NULL AND resolution_due_at IS NOT NULL",
    ),
}
KEY = ("kabkota_code", "status", "category_id", "office_id")
SUMS = (
    "n", "response_met", "response_total", "resolution_met", "resolution_total", "overdue_open", "rating_count",
    "rating_sum", "response_count", "resolution_count",
)  # fmt: skip
#: Columns whose change can move a complaint's figures (the UPDATE triggers fire on these only).
WATCHED = (
    "kabkota_code", "status", "category_id", "office_id", "verified_at", "first_response_at",
    "resolved_at", "response_due_at", "resolution_due_at", "rating",
)  # fmt: skip
TIMED = ("kabkota_code", "office_id", "verified_at", "first_response_at", "resolved_at")
#: kind -> the later timestamp of the duration (the earlier one is verified_at).
KINDS = {1: "first_response_at", 2: "resolved_at"}


def quoted(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def pending(r: str, horizon: str) -> str:
    """Unsettled at ``horizon``: in moderation, or a deadline that counts (never NULL) at or after it."""
    next_due = f"CASE WHEN {r}first_response_at IS NULL THEN {r}response_due_at ELSE {r}resolution_due_at END"
    return (
        f"({r}status IN ({quoted(MODERATION)})"
        f" OR ({r}first_response_at IS NULL AND {r}response_due_at IS NOT NULL AND {r}response_due_at >= {horizon})"
        f" OR ({r}resolved_at IS NULL AND {r}resolution_due_at IS NOT NULL AND {r}resolution_due_at >= {horizon})"
        f" OR ({r}office_id IS NOT NULL AND {r}status IN ({quoted(HANDLING)})"
        f" AND CASE WHEN {next_due} >= {horizon} THEN 1 ELSE 0 END = 1))"
    )


def seconds(r: str, later: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"date_part('epoch', {r}{later} - {r}verified_at)"
    return f"((julianday({r}{later}) - julianday({r}verified_at)) * 86400.0)"


def bucket(r: str, later: str, dialect: str) -> str:
    s = seconds(r, later, dialect)
    if dialect == "postgresql":
        return f"CAST(floor(ln(1 + greatest({s}, 0) / 60) * 16) AS integer)"
    return f"CAST(floor(ln(1 + max({s}, 0.0) / 60.0) * 16) AS INTEGER)"


def one(cond: str) -> str:
    return f"CASE WHEN {cond} THEN 1 ELSE 0 END"


def contributions(r: str) -> dict[str, str]:
    """A settled complaint's contribution to each sum: every deadline it has is decided or past (before the horizon,
    so before any *now* the statistics are asked for)."""
    next_due = f"CASE WHEN {r}first_response_at IS NULL THEN {r}response_due_at ELSE {r}resolution_due_at END"
    return {
        "n": "1",
        "response_met": one(f"{r}first_response_at <= {r}response_due_at"),
        "response_total": one(f"{r}response_due_at IS NOT NULL"),
        "resolution_met": one(f"{r}resolved_at <= {r}resolution_due_at"),
        "resolution_total": one(f"{r}resolution_due_at IS NOT NULL"),
        "overdue_open": one(
            f"{r}office_id IS NOT NULL AND {r}status IN ({quoted(HANDLING)}) AND ({next_due}) IS NOT NULL"
        ),
        "rating_count": one(f"{r}rating IS NOT NULL"),
        "rating_sum": f"COALESCE({r}rating, 0)",
        "response_count": one(f"{r}verified_at IS NOT NULL AND {r}first_response_at IS NOT NULL"),
        "resolution_count": one(f"{r}verified_at IS NOT NULL AND {r}resolved_at IS NOT NULL"),
    }


def rollup_upsert(r: str, sign: str, dialect: str) -> str:
    """Add (sign '1') or take out (sign '-1') the complaint ``r`` (``NEW.`` / ``OLD.``) when it is settled."""
    keys = [f"{r}kabkota_code", f"{r}status", f"{r}category_id", f"COALESCE({r}office_id, 0)"]
    values = [f"{sign} * {v}" for v in contributions(r).values()]
    return (
        f"INSERT INTO complaint_stats_rollup ({', '.join(KEY + SUMS)}) SELECT {', '.join(keys + values)} "
        f"WHERE NOT {pending(r, HORIZON)} ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
        + ", ".join(f"{s} = complaint_stats_rollup.{s} + excluded.{s}" for s in SUMS)
    )


def has_duration(r: str, later: str) -> str:
    return f"{r}verified_at IS NOT NULL AND {r}{later} IS NOT NULL"


def durations_upsert(r: str, sign: str, kind: int, dialect: str) -> str:
    later = KINDS[kind]
    return (
        "INSERT INTO complaint_stats_durations (kabkota_code, office_id, kind, bucket, n) "
        f"SELECT {r}kabkota_code, COALESCE({r}office_id, 0), {kind}, {bucket(r, later, dialect)}, {sign} "
        f"WHERE {has_duration(r, later)} "
        "ON CONFLICT (kabkota_code, office_id, kind, bucket) DO UPDATE SET n = complaint_stats_durations.n + excluded.n"
    )


def time_insert(r: str, kind: int, dialect: str) -> str:
    later = KINDS[kind]
    return (
        "INSERT INTO complaint_stats_times (complaint_id, kind, kabkota_code, office_id, bucket, seconds) "
        f"SELECT {r}id, {kind}, {r}kabkota_code, COALESCE({r}office_id, 0), {bucket(r, later, dialect)}, "
        f"{seconds(r, later, dialect)} WHERE {has_duration(r, later)}"
    )


def time_delete(r: str) -> str:
    return f"DELETE FROM complaint_stats_times WHERE complaint_id = {r}id"  # noqa: S608 (constants of this file)


def distinct(columns: Sequence[str]) -> str:
    """SQL (both dialects): one of ``columns`` differs between OLD and NEW."""
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def pg_upgrade() -> None:
    d = "postgresql"
    timed_changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in TIMED)
    op.execute(f"""
CREATE FUNCTION complaint_stats_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({HORIZON_LOCK});
    IF TG_OP <> 'INSERT' THEN
        {rollup_upsert("OLD.", "-1", d)};
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {rollup_upsert("NEW.", "1", d)};
    END IF;
    IF TG_OP = 'UPDATE' AND NOT ({timed_changed}) THEN
        RETURN NULL;  -- the durations are unchanged
    END IF;
    IF TG_OP <> 'INSERT' THEN
        {"; ".join(durations_upsert("OLD.", "-1", k, d) for k in KINDS)};
        {time_delete("OLD.")};
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {"; ".join(durations_upsert("NEW.", "1", k, d) for k in KINDS)};
        {"; ".join(time_insert("NEW.", k, d) for k in KINDS)};
    END IF;
    RETURN NULL;
END
$$
""")
    op.execute(
        "CREATE TRIGGER complaint_stats_insert_delete AFTER INSERT OR DELETE ON complaints "
        "FOR EACH ROW EXECUTE FUNCTION complaint_stats_apply()"
    )
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    op.execute(
        f"CREATE TRIGGER complaint_stats_update AFTER UPDATE OF {', '.join(WATCHED)} ON complaints "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION complaint_stats_apply()"
    )


def sqlite_upgrade() -> None:
    d = "sqlite"
    old = [rollup_upsert("OLD.", "-1", d), *(durations_upsert("OLD.", "-1", k, d) for k in KINDS), time_delete("OLD.")]
    new = [rollup_upsert("NEW.", "1", d), *(durations_upsert("NEW.", "1", k, d) for k in KINDS)]
    new += [time_insert("NEW.", k, d) for k in KINDS]
    op.execute(f"CREATE TRIGGER complaint_stats_insert AFTER INSERT ON complaints BEGIN {'; '.join(new)}; END")
    op.execute(f"CREATE TRIGGER complaint_stats_delete AFTER DELETE ON complaints BEGIN {'; '.join(old)}; END")
    op.execute(
        f"CREATE TRIGGER complaint_stats_update AFTER UPDATE OF {', '.join(WATCHED)} ON complaints "
        f"WHEN {distinct(WATCHED)} BEGIN {'; '.join(old + new)}; END"
    )


def backfill(dialect: str) -> None:
    r = "complaints."
    keys = [f"{r}kabkota_code", f"{r}status", f"{r}category_id", f"COALESCE({r}office_id, 0)"]
    sums = [f"sum({v})" for v in contributions(r).values()]
    op.execute(
        f"INSERT INTO complaint_stats_rollup ({', '.join(KEY + SUMS)}) SELECT {', '.join(keys + sums)} "  # noqa: S608
        f"FROM complaints WHERE NOT {pending(r, HORIZON)} GROUP BY {', '.join(keys)}"
    )
    for kind, later in KINDS.items():
        op.execute(
            "INSERT INTO complaint_stats_times (complaint_id, kind, kabkota_code, office_id, bucket, seconds) "  # noqa: S608
            f"SELECT id, {kind}, kabkota_code, COALESCE(office_id, 0), {bucket(r, later, dialect)}, "
            f"{seconds(r, later, dialect)} FROM complaints WHERE {has_duration(r, later)}"
        )
    op.execute(
        "INSERT INTO complaint_stats_durations (kabkota_code, office_id, kind, bucket, n) "
        "SELECT kabkota_code, office_id, kind, bucket, count(*) FROM complaint_stats_times "
        "GROUP BY kabkota_code, office_id, kind, bucket"
    )
    if dialect == "postgresql":
        op.execute("ANALYZE complaint_stats_rollup, complaint_stats_times, complaint_stats_durations")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    code = sa.String(length=5).with_variant(sa.String(length=5, collation="C"), "postgresql")
    op.create_table(
        "complaint_stats_rollup",
        sa.Column("kabkota_code", code, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        *(sa.Column(s, sa.Integer(), nullable=False) for s in SUMS),
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_complaint_stats_rollup")),
    )
    op.create_table(
        "complaint_stats_times",
        sa.Column("complaint_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("kabkota_code", code, nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id", "kind", name=op.f("pk_complaint_stats_times")),
    )
    op.create_table(
        "complaint_stats_durations",
        sa.Column("kabkota_code", code, nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "kabkota_code", "office_id", "kind", "bucket", name=op.f("pk_complaint_stats_durations")
        ),
    )
    horizon = op.create_table(
        "complaint_stats_horizon",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("settled_before", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_stats_horizon")),
    )
    op.bulk_insert(horizon, [{"id": 1, "settled_before": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)}])
    backfill(dialect)
    with op.batch_alter_table("complaint_stats_times", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaint_stats_times_kind_bucket",
            ["kind", "bucket", "seconds"],
            unique=False,
            postgresql_include=["kabkota_code", "office_id"],
        )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        for name, (keys, where) in PARTIAL_INDEXES.items():
            batch_op.create_index(
                name,
                list(keys),
                unique=False,
                postgresql_include=[c for c in ("kabkota_code", "created_at", *INCLUDE) if c not in keys],
                postgresql_where=sa.text(where),
                sqlite_where=sa.text(where),
            )
    if dialect == "postgresql":
        pg_upgrade()
    else:
        sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER complaint_stats_update ON complaints")
        op.execute("DROP TRIGGER complaint_stats_insert_delete ON complaints")
        op.execute("DROP FUNCTION complaint_stats_apply()")
    else:
        for name in ("complaint_stats_update", "complaint_stats_delete", "complaint_stats_insert"):
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        for name in PARTIAL_INDEXES:
            batch_op.drop_index(name)
    op.drop_table("complaint_stats_horizon")
    op.drop_table("complaint_stats_durations")
    op.drop_table("complaint_stats_times")
    op.drop_table("complaint_stats_rollup")
