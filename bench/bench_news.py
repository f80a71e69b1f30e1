"""Issue 12 figures for news articles on PostgreSQL with 100k articles and 1M residents (``bench/news_data.py``).

- ``GET /api/v1/news`` (first page) for a signed-in resident of Sukarasa and ``GET /api/v1/news/{id}`` as % of
  ``GET /healthz`` (target >= 50 %); the anonymous feed with ``area=`` for comparison (gunicorn -w 2, wrk -c16,
  best of 3 x 8 s, healthz alternately in the same run);
- word search: median and p95 latency of ``GET /api/v1/news?q=<word>`` one request at a time (common, medium and
  rare words), and of the search statement alone over all 100k articles (target median < 20 ms);
- publishing an article with ``notify`` to Jawa Barat (1M residents): commit -> topic request at the fake FCM
  server (one ``flask jobs worker`` on Redis), and the rows written per publication (target O(1)).

The database ``balai_bench_news`` is kept between runs. ``BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/8``)
is the job queue of the publishing part (its ``huey.*`` keys are deleted).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import tempfile
import time
import urllib.parse

import psycopg

from bench.bench_notifications import fcm_files, pg_dsn, start_workers, stop_workers
from bench.harness import compare, create_database, flask, gunicorn, migrate
from bench.news_data import BASE_WORDS, count, generate

DB = "balai_bench_news"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
DESA = "32.73.01.1001"
USER = {"name": "Bench Pembaca", "phone": "081299990012", "password": "bench-password-12", "home_area_code": DESA}


def call(conn: http.client.HTTPConnection, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, data, {"Content-Type": "application/json", **(headers or {})})
    resp = conn.getresponse()
    raw = resp.read()
    return resp.status, (json.loads(raw) if raw else {})


def sign_in(base: str) -> dict[str, str]:
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc)
    call(conn, "POST", "/api/v1/auth/register", USER)
    _, tokens = call(conn, "POST", "/api/v1/auth/login", {"login": USER["phone"], "password": USER["password"]})
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def search_latency(base: str, auth: dict[str, str], words: list[str]) -> list[float]:
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc)
    times = []
    for word in words:
        t0 = time.perf_counter()
        status, _ = call(conn, "GET", f"/api/v1/news?q={word}", headers=auth)
        times.append((time.perf_counter() - t0) * 1000)
        assert status == 200, status
    return times


def sql_search_latency(dsn: str, words: list[str]) -> list[float]:
    """The search statement alone over every article (no area restriction), newest 21 first."""
    times = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for word in words:
            t0 = time.perf_counter()
            conn.execute(
                "SELECT id FROM news_articles WHERE status = 'published' AND deleted_at IS NULL AND search_vector @@ "
                "plainto_tsquery('simple', %s) ORDER BY published_at DESC, id DESC LIMIT 21",
                (word,),
            ).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    return times


def search_words(rng: random.Random) -> list[str]:
    common = BASE_WORDS[:10]
    medium = BASE_WORDS[40:]
    rare = [f"kata{i}" for i in range(2000, 19000)]
    return [rng.choice(group) for group in (common, medium, rare) for _ in range(100)]


def bench_reading(env: dict[str, str], dsn: str) -> None:
    with gunicorn({**env, "RATELIMIT_ENABLED": "false", "ACCESS_TOKEN_MINUTES": "120"}) as base:
        auth = sign_in(base)
        conn = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc)
        _, page = call(conn, "GET", "/api/v1/news", headers=auth)
        article_id = page["items"][0]["id"]
        print(f"gunicorn -w 2 (sync), PostgreSQL, {count(psycopg.connect(dsn), 'SELECT count(*) FROM news_articles'):,}"
              " articles, wrk -t1 -c16, best of 3 x 8 s:")  # fmt: skip
        ratios = compare(
            base,
            {
                "GET /api/v1/news (resident)": ("/api/v1/news", auth),
                f"GET /api/v1/news/{article_id} (resident)": (f"/api/v1/news/{article_id}", auth),
                f"GET /api/v1/news?area={DESA} (anonymous)": (f"/api/v1/news?area={DESA}", None),
                f"GET /api/v1/news/{article_id} (anonymous)": (f"/api/v1/news/{article_id}", None),
            },
        )
        for name, ratio in ratios.items():
            print(f"  target >= 50 %: {name}: {'met' if ratio >= 0.5 else 'NOT met'}")
        rng = random.Random(5)
        words = search_words(rng)
        search_latency(base, auth, words[:30])  # warm-up
        times = search_latency(base, auth, words)
    sql_times = sql_search_latency(dsn, words)
    print("word search, one request at a time (100 common, 100 medium, 100 rare words):")
    med, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"  GET /api/v1/news?q=<word> as the resident: median {med:.1f} ms, p95 {p95:.1f} ms "
          f"(target median < 20 ms: {'met' if med < 20 else 'NOT met'})")  # fmt: skip
    print(f"  the search statement alone over all articles: median {statistics.median(sql_times):.1f} ms, "
          f"p95 {percentile(sql_times, 0.95):.1f} ms")  # fmt: skip


def rows_in(dsn: str) -> int:
    tables = ["notifications", "notification_receipts", "news_article_changes", "news_articles", "sync_tombstones"]
    with psycopg.connect(dsn) as conn:
        return sum(count(conn, f"SELECT count(*) FROM {t}") for t in tables)


def bench_publishing(env: dict[str, str], dsn: str) -> None:
    import redis

    from tests.fake_fcm import FakeFCM

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("huey.*"):
        client.delete(key)
    fake = FakeFCM().start()
    with tempfile.TemporaryDirectory() as tmp:
        wenv = {**env, "REDIS_URL": REDIS_URL, "FIREBASE_CREDENTIALS": fcm_files(fake.base_url, tmp),
                "FCM_ENDPOINT": fake.base_url, "LOG_LEVEL": "WARNING"}  # fmt: skip
        procs = start_workers(wenv, 1)
        os.environ.update(wenv)
        from sqlalchemy import func, select

        from app import create_app
        from app.accounts.models import User
        from app.accounts.roles import Role
        from app.extensions import db
        from news.articles import publishing, service
        from news.articles.models import Channel

        app = create_app()
        time.sleep(2)
        latencies, written = [], []
        with app.app_context():
            editor = db.session.scalars(select(User).where(User.phone == "+6281299990013")).one_or_none()
            if editor is None:
                editor = User(name="Editor Provinsi", phone="+6281299990013", password_hash="x",
                              role=Role.EDITOR.value, scope_area_code="32")  # fmt: skip
                db.session.add(editor)
            channel_id = db.session.scalar(select(Channel.id).limit(1))
            db.session.commit()
            residents = db.session.scalar(select(func.count()).where(User.home_area_code.like("32.%")))
            for i in range(5):
                data = {"title": f"Siaga cuaca ekstrem {i}", "summary": "Waspada hujan lebat dan angin kencang.",
                        "body": "Warga diminta **waspada**.", "channel_id": channel_id, "area_code": "32",
                        "notify": True}  # fmt: skip
                article = service.create(user=editor, data=data)
                db.session.commit()
                before = rows_in(dsn)
                fake.requests.clear()
                article = service.load(article.id, for_update=True)
                publishing.publish_now(article, actor_id=editor.id)
                db.session.commit()
                t_commit = time.time()
                deadline = time.time() + 30
                while not fake.requests and time.time() < deadline:
                    time.sleep(0.002)
                latencies.append(fake.requests[0]["t"] - t_commit if fake.requests else float("inf"))
                time.sleep(0.3)
                written.append(rows_in(dsn) - before)
        stop_workers(procs)
        fake.stop()
    topic = fake.messages()[-1]["topic"] if fake.requests else "?"
    print(f"publishing an article with notify to Jawa Barat ({residents:,} residents), topic {topic}, 1 worker:")
    print(f"  commit -> topic request: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms; rows written per publication: {sorted(set(written))} "
          "(1 broadcast + 1 history row; target O(1))")  # fmt: skip


def main() -> None:
    url = create_database(DB)
    env = {"DATABASE_URL": url}
    migrate(env)
    dsn = pg_dsn(url)
    with psycopg.connect(dsn) as conn:
        if not count(conn, "SELECT count(*) FROM areas"):
            flask(["areas", "load"], env)
    generate(dsn)
    bench_reading(env, dsn)
    bench_publishing(env, dsn)


if __name__ == "__main__":
    main()
