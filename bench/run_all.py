"""Run every benchmark in turn (``make bench``)."""

from __future__ import annotations

import importlib
import traceback

from bench.harness import print_table, record

BENCHMARKS = (
    "bench.bench_foundation",
    "bench.bench_notifications",
    "bench.bench_complaints",
    "bench.bench_handling",
    "bench.bench_outages",
    "bench.bench_privacy",
    "bench.bench_surveys",
    "bench.bench_announcements",
    "bench.bench_news",
    "bench.bench_serving",
)


def main() -> None:
    for name in BENCHMARKS:
        print(f"\n=== {name}", flush=True)
        try:
            importlib.import_module(name).main()
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            record(f"{name} (failed, see above)", target="-", measured="error", met=False)
    print("\n=== every figure")
    print_table()


if __name__ == "__main__":
    main()
