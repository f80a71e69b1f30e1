"""Fixtures of the outage tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from app.config import ROOT
from tests.core.outages.faults import closed_port
from tests.notifications.conftest import spy  # noqa: F401  (the log-only push sender, spied)


@pytest.fixture(scope="session")
def redis_down() -> dict[str, Any]:
    """What an app whose Redis (rate limits and jobs) is on a closed port answered, run in its own process."""
    url = f"redis://127.0.0.1:{closed_port()}/11"
    out = subprocess.run(
        [sys.executable, "-m", "tests.core.outages.redis_down_app", url],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "log": out.stderr}
