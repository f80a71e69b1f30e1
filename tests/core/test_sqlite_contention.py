"""The laptop default (SQLite + the job worker) behaves like production: writers wait for each other, none fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_requests_and_jobs_writing_at_once_on_sqlite_never_conflict(tmp_path):
    """Requests one at a time (complaint, then at once its photo, the inbox, a read marker) while the real worker
    and a job loop commit: on a deferred BEGIN this gave 409s and "database is locked" crashes of the jobs."""
    run = subprocess.run(
        [sys.executable, "-m", "tests.core.sqlite_contention", str(tmp_path), "15"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["requests"] >= 45
    assert result["loop_rounds"] > 0
    assert result == {**result, "conflicts": 0, "server_errors": 0, "other_failures": 0}, run.stderr[-3000:]
    assert result["loop_crashes"] == 0 and result["worker_crashes"] == 0, run.stderr[-3000:]
