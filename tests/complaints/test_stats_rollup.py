"""The statistics' summary tables stay exact: random workflows through the real endpoints (verify, reject, ask and
answer, duplicate, withdraw, accept, start, transfer, resolve, validate, reopen, rate), deadline changes by the ORM
and by Core, deletions, and the horizon moving on; after each round the summary answer equals the direct
computation for many scopes, periods and moments."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import delete, func, select, text, update

from app.core.db import utcnow
from app.extensions import db
from complaints.intake.models import Complaint
from complaints.stats import queries, rollup
from complaints.stats.models import ComplaintStatsHorizon, ComplaintStatsRollup, ComplaintStatsTime
from complaints.stats.settle import settle
from tests.complaints.helpers import SOREANG, make_complaint
from tests.complaints.office_factories import member, office
from tests.factories import login, resident, staff

H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
KAB_BANDUNG_DESA = "32.04.05.2001"
NOTE = "Catatan untuk pelapor."


def post(client, c, action, user, json=None):
    resp = client.post(f"/api/v1/complaints/{c.id}/{action}", json=json or {}, headers=login(user))
    assert resp.status_code < 500, resp.get_json()
    return resp.status_code


def horizon():
    return db.session.execute(select(ComplaintStatsHorizon.settled_before)).scalar_one()


def scopes(offices):
    a, b, _far = offices
    return [
        queries.Scope(area="32"),
        queries.Scope(area="32.73"),
        queries.Scope(area="32.04"),
        queries.Scope(area=None, offices=(a.id,)),
        queries.Scope(area="32.73", offices=(a.id, b.id)),
        queries.Scope(area=None, offices=()),
        queries.Scope(area=None),
    ]


def filters(now, offices, rng):
    month = now.astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    wib = dt.timezone(dt.timedelta(hours=7))
    out = [
        queries.Filters(),
        queries.Filters(since=month - 31 * D),  # not a month start: a partial month, then whole ones
        queries.Filters(since=(month - 40 * D).replace(day=1)),  # a month start
        queries.Filters(until=month),
        queries.Filters(since=now - 20 * D, until=now - 5 * D),  # no whole month inside
        queries.Filters(office_id=offices[0].id),
        queries.Filters(categories=(1,)),
        queries.Filters(categories=(2, 3), office_id=offices[1].id),
    ]
    start = dt.datetime.combine((now - rng.randrange(10, 80) * D).date(), dt.time.min, wib)
    out.append(queries.Filters(since=start, until=start + rng.randrange(1, 60) * D))
    return out


def assert_exact(offices, rng, *, moments):
    for now in moments:
        for scope in scopes(offices):
            for f in filters(now, offices, rng):
                summary = queries.complaint_stats(scope=scope, filters=f, now=now)
                direct = queries.complaint_stats(scope=scope, filters=f, now=now, direct=True)
                assert summary == direct, (scope, f, now)


@pytest.fixture
def people():
    a, b, far = office("32.73"), office("32.73"), office("32.04")
    handlers = {}
    for o, area in ((a, "32.73"), (b, "32.73"), (far, "32.04")):
        handlers[o.id] = staff("office_handler", area)
        member(o, handlers[o.id])
    return {"offices": (a, b, far), "handlers": handlers, "moderator": staff("moderator", "32")}


def new_complaint(rng, now):
    created = now - rng.uniform(0, 100) * D
    if rng.random() < 0.25:
        return make_complaint(resident(), category_id=rng.choice((1, 2, 3)), created_at=created,
                              desa_code=KAB_BANDUNG_DESA, rw=None, point=SOREANG)  # fmt: skip
    return make_complaint(resident(), category_id=rng.choice((1, 2, 3)), created_at=created)


def step(client, rng, c, people, complaints):
    """One random action that the complaint's status allows (refusals are fine: nothing changes then)."""
    db.session.refresh(c)
    reporter = _reporter(c)
    moderator = people["moderator"]
    offices = [o for o in people["offices"] if (o.area_code == "32.04") == (c.kabkota_code == "32.04")]
    lead = people["handlers"].get(c.office_id)
    s = c.status
    if s == "submitted":
        choice = rng.choices(["verify", "reject", "info", "duplicate", "withdraw"], [8, 1, 1, 1, 1])[0]
        if choice == "verify":
            post(client, c, "verify", moderator, {"office_id": rng.choice(offices).id})
        elif choice == "reject":
            post(client, c, "reject", moderator, {"reason": "incomplete", "note": NOTE})
        elif choice == "info":
            post(client, c, "request-info", moderator, {"note": NOTE})
        elif choice == "duplicate":
            others = [o for o in complaints if o.id != c.id and o.kabkota_code == c.kabkota_code]
            if others:
                post(client, c, "mark-duplicate", moderator, {"duplicate_of_id": rng.choice(others).id})
        else:
            post(client, c, "withdraw", reporter)
    elif s == "needs_info":
        post(client, c, "answer", reporter, {"body": "Di depan SDN 5."})
    elif s == "verified":
        choice = rng.choices(["accept", "transfer"], [5, 1])[0]
        if choice == "transfer" and len(offices) > 1:
            to = next(o for o in offices if o.id != c.office_id)
            post(client, c, "transfer", lead, {"office_id": to.id, "reason": NOTE})
        else:
            post(client, c, "accept", lead)
    elif s == "accepted":
        post(client, c, "start", lead)
    elif s == "in_progress":
        post(client, c, "resolve", lead, {"note": NOTE})
    elif s == "resolved":
        approved = rng.random() < 0.8
        post(client, c, "validate", moderator, {"approved": True} if approved else {"approved": False, "note": NOTE})
    elif s == "closed":
        if rng.random() < 0.3:
            post(client, c, "reopen", reporter, {"note": NOTE})
        elif c.rating is None:
            post(client, c, "rating", reporter, {"score": rng.randint(1, 5)})


def _reporter(c):
    from app.accounts.models import User

    return db.session.get(User, c.reporter_id)


def shuffle_deadlines(rng, complaints, now):
    """Deadline changes as any writer may make them: through the ORM and with a Core UPDATE."""
    c = rng.choice(complaints)
    db.session.refresh(c)
    if c.response_due_at is not None:
        c.response_due_at = now + rng.uniform(-5, 5) * D
        db.session.flush()
    other = rng.choice(complaints)
    db.session.execute(
        update(Complaint)
        .where(Complaint.id == other.id, Complaint.resolution_due_at.is_not(None))
        .values(resolution_due_at=now + rng.uniform(-5, 5) * D)
        .execution_options(synchronize_session=False)
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_random_workflows_keep_the_rollup_exact(client, people, seed):
    rng = random.Random(seed)
    now = utcnow()
    complaints = [new_complaint(rng, now) for _ in range(24)]
    assert_exact(people["offices"], rng, moments=[now])
    clock = now
    for round_ in range(6):
        for _ in range(30):
            step(client, rng, rng.choice(complaints), people, complaints)
        shuffle_deadlines(rng, complaints, clock)
        if round_ % 2:
            complaints.append(new_complaint(rng, clock))
        if round_ == 3:  # a deletion (an erasure, a cascade): its sums and durations go with it
            gone = complaints.pop(rng.randrange(len(complaints)))
            db.session.execute(delete(Complaint).where(Complaint.id == gone.id))
            assert not db.session.scalars(
                select(ComplaintStatsTime).where(ComplaintStatsTime.complaint_id == gone.id)
            ).all()
        db.session.expire_all()
        if round_ >= 2:  # the horizon moves on (into the "future" of the test's clock): deadlines pass, settle
            clock = clock + rng.uniform(0.5, 3) * D
            settle(now=clock)
            assert horizon() == clock - rollup.MARGIN
        assert_exact(people["offices"], rng, moments=[clock, clock + 2 * H, clock + 4 * D])
    statuses = set(db.session.scalars(select(Complaint.status).where(Complaint.id.in_([c.id for c in complaints]))))
    assert len(statuses) >= 4, statuses  # the workflows went somewhere


def test_a_moment_before_the_horizon_is_computed_directly(client, people):
    rng = random.Random(3)
    now = utcnow()
    complaints = [new_complaint(rng, now) for _ in range(6)]
    for c in complaints:
        step(client, rng, c, people, complaints)
    settle(now=now + 3 * D)
    early = now + D  # before the horizon: the rollup may already count deadlines not yet passed then
    scope, f = queries.Scope(area="32"), queries.Filters()
    assert queries.complaint_stats(scope=scope, filters=f, now=early) == queries.complaint_stats(
        scope=scope, filters=f, now=early, direct=True
    )


def test_the_horizon_never_goes_back(app):
    before = horizon()
    assert settle(now=before) == 0
    assert horizon() == before


def test_submissions_do_not_touch_the_rollup(client, people):
    """New complaints wait for moderation outside the rollup: concurrent submissions never queue on its rows."""
    before = db.session.execute(select(func.count()).select_from(ComplaintStatsRollup)).scalar_one()
    make_complaint(resident(), category_id=1)
    assert db.session.execute(select(func.count()).select_from(ComplaintStatsRollup)).scalar_one() == before


def test_the_triggers_exist(app):
    """A table rebuild of complaints (SQLite batch migrations) drops its triggers: this says so."""
    if db.dialect == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'complaints'::regclass AND NOT tgisinternal"
        expected = {"complaint_stats_insert_delete", "complaint_stats_update"}
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'complaints'"
        expected = {"complaint_stats_insert", "complaint_stats_update", "complaint_stats_delete"}
    assert expected <= set(db.session.execute(text(sql)).scalars())
