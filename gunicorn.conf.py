"""Gunicorn settings for Balai (read automatically from the working directory: ``.venv/bin/gunicorn wsgi:app``).

Why these (measured on a 2-core machine, see README "Running in production"):

- ``app.serving.BalaiWorker`` is gunicorn's gthread worker with read timeouts and JSON error answers. With sync
  workers two clients that send half a body and stall take both workers (``/healthz`` waited ~30 s, until gunicorn
  killed them); here a stalled client holds one thread for at most ``GUNICORN_CLIENT_TIMEOUT`` seconds while the
  other threads keep serving. gevent was not chosen: the app keeps one autocommit PostgreSQL connection per thread
  (``app.core.db``), which under gevent becomes one per greenlet, and a SQLite busy wait would block the whole hub.
- ``threads``: a thread waiting on a slow client costs no CPU; 8 per worker tolerate 7 stalled clients per worker
  before a proxy is needed. Each thread may hold a read connection (the read pool) and a write one (the write
  pool), so each pool gets ``DB_POOL_SIZE`` = threads unless set.
- ``reuse_port``: each worker listens on its own ``SO_REUSEPORT`` socket and the kernel spreads new connections
  over them. On one shared socket the workers race to accept, and keep-alive connections (nginx upstream
  keep-alive, phones, wrk) stick to whoever won: wrk's 16 often all landed on one worker, which then served alone
  (``/healthz`` 2k instead of 6.5k req/s; this was the run-to-run variance of gthread in the README). A second
  gunicorn started on the same port by the same user would share it silently instead of failing: use systemd
  or a container per server.
- ``on_starting`` exports the worker count as ``WEB_CONCURRENCY`` (``-w`` on the command line wins over this file),
  so the app's production check of per-process rate-limit storage (``app.config``) sees how many processes serve.
- ``limit_request_line`` 8190 (gunicorn's maximum): a cursor of the documented maximum (500 characters), even one
  made of 4-byte UTF-8 characters percent-encoded (12 bytes each), fits with room for the other query parameters.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # one per core
worker_class = "app.serving.BalaiWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
reuse_port = True  # one listening socket per worker, balanced by the kernel (see above)
os.environ.setdefault("DB_POOL_SIZE", str(threads))

timeout = 30  # a worker whose main loop stops answering the arbiter is restarted
graceful_timeout = 30
keepalive = 5

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def on_starting(server):
    """Tell the app (imported in each worker after the fork) how many workers serve."""
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
