"""Generated data for ``bench.bench_news``: 1M residents of Jawa Barat and 100k published articles, with COPY.

Articles target the province (10 %), a kab/kota (30 %), a kecamatan (30 %) or a desa (30 %) of Jawa Barat, come
from 10 channels with 1-2 of 20 tags, were published over the last two years, and have a title, summary and body
of words drawn from a vocabulary with a Zipf-like distribution (so that search words range from very common to
rare); ``search_vector`` holds their normalised words as the app stores them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time

import psycopg

from news.articles.search import document

ARTICLES = 100_000
RESIDENTS = 1_000_000
HASH = "$argon2id$v=19$m=1024,t=1,p=1$YmVuY2hzYWx0$YmVuY2hoYXNoYmVuY2hoYXNoYmVuY2g"
_COMMON = (
    "warga kota kabupaten desa kelurahan kecamatan jalan jembatan sekolah puskesmas posyandu vaksinasi banjir "
    "longsor sampah pasar harga beras minyak listrik air bersih pajak layanan publik ktp kartu keluarga bantuan "
    "sosial pendidikan kesehatan ibu anak balita gizi stunting lomba kebersihan kerja bakti ronda keamanan lalu "
    "lintas parkir angkutan bus kereta bandara pelabuhan pertanian padi sawah irigasi nelayan umkm koperasi "
    "pelatihan lowongan kerja festival budaya seni olahraga sepak bola lapangan taman hutan kebun wisata hotel "
    "gubernur wali bupati camat lurah dinas kantor rapat anggaran pembangunan perbaikan peresmian jadwal "
    "pendaftaran gratis hari minggu senin pagi malam musim hujan kemarau siaga darurat evakuasi posko relawan"
)
BASE_WORDS = list(dict.fromkeys(_COMMON.split()))


def vocabulary(size: int = 20_000) -> list[str]:
    """Real words first (the common ones), then rare made-up words (``kata1234``)."""
    return BASE_WORDS + [f"kata{i}" for i in range(size - len(BASE_WORDS))]


def _words(rng: random.Random, vocab: list[str], cum_weights: list[float], n: int) -> list[str]:
    return rng.choices(vocab, cum_weights=cum_weights, k=n)


def _copy(conn: psycopg.Connection, table: str, columns: list[str], rows) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def codes(conn: psycopg.Connection, prefix: str, length: int) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT code FROM areas WHERE code LIKE %s AND length(code) = %s ORDER BY code", (prefix + "%", length)
        )
    ]


def count(conn: psycopg.Connection, sql: str) -> int:
    return conn.execute(sql).fetchone()[0]


def generate(dsn: str, *, articles: int = ARTICLES, residents: int = RESIDENTS) -> None:
    rng = random.Random(12)
    with psycopg.connect(dsn, autocommit=True) as conn:
        desas = codes(conn, "32.", 13)
        if count(conn, "SELECT count(*) FROM users WHERE role = 'resident'") < residents:
            t0 = time.perf_counter()
            now = "2026-01-01 00:00:00+00"
            rows = (
                (f"Warga {i}", f"+6288{i:09d}", HASH, "resident", desas[i % len(desas)], 1 + i % 20, now, now, now)
                for i in range(residents)
            )
            cols = ["name", "phone", "password_hash", "role", "home_area_code", "home_rw", "created_at",
                    "updated_at", "password_changed_at"]  # fmt: skip
            _copy(conn, "users", cols, rows)
            print(f"  generated {residents:,} residents of Jawa Barat in {time.perf_counter() - t0:.1f} s")
        if count(conn, "SELECT count(*) FROM news_articles") >= articles:
            _tag(conn)
            return
        t0 = time.perf_counter()
        conn.execute("TRUNCATE news_articles, news_article_tags, news_channels, news_tags CASCADE")
        day = "2025-01-01"
        channel_rows = ((f"Kanal {i}", f"https://kanal{i}.go.id", True, day, day) for i in range(10))
        _copy(conn, "news_channels", ["name", "website", "is_active", "created_at", "updated_at"], channel_rows)
        _copy(conn, "news_tags", ["slug", "name", "created_at"], ((f"topik-{i}", f"Topik {i}", day) for i in range(20)))
        channels = [r[0] for r in conn.execute("SELECT id FROM news_channels ORDER BY id")]
        kabs, kecs = codes(conn, "32.", 5), codes(conn, "32.", 8)
        vocab = vocabulary()
        weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))
        start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        span = 2 * 365 * 86400

        def rows():
            for i in range(articles):
                pick = rng.random()
                area = "32" if pick < 0.1 else rng.choice(kabs if pick < 0.4 else kecs if pick < 0.7 else desas)
                title = " ".join(_words(rng, vocab, weights, 8)).capitalize()
                summary = " ".join(_words(rng, vocab, weights, 20))
                body = " ".join(_words(rng, vocab, weights, 150))
                at = (start + dt.timedelta(seconds=span * i / articles)).isoformat()
                yield (
                    "published", title, summary, body, f"<p>{body}</p>", body[:200], document(title, summary, body),
                    rng.choice(channels), area, False, 0, False, at, at, at,
                )  # fmt: skip

        cols = ["status", "title", "summary", "body_markdown", "body_html", "excerpt", "search_vector", "channel_id",
                "area_code", "is_featured", "featured_order", "notify", "published_at", "created_at",
                "updated_at"]  # fmt: skip
        _copy(conn, "news_articles", cols, rows())
        _tag(conn)
        print(f"  generated {articles:,} articles in {time.perf_counter() - t0:.1f} s")


def _tag(conn: psycopg.Connection) -> None:
    """One or two tags per article, then fresh planner statistics (once)."""
    if count(conn, "SELECT count(*) FROM news_article_tags"):
        return
    tags = [r[0] for r in conn.execute("SELECT id FROM news_tags ORDER BY id")]
    conn.execute(
        "INSERT INTO news_article_tags (article_id, tag_id) "
        "SELECT id, (%s::bigint[])[1 + id %% 20] FROM news_articles UNION "
        "SELECT id, (%s::bigint[])[1 + (id * 7) %% 20] FROM news_articles WHERE id %% 2 = 0",
        (tags, tags),
    )
    conn.execute("VACUUM ANALYZE")
