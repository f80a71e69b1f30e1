"""Run every benchmark in turn (``make bench``)."""

from __future__ import annotations

import importlib

BENCHMARKS = (
    "bench.bench_foundation",
    "bench.bench_notifications",
    "bench.bench_complaints",
    "bench.bench_handling",
    "bench.bench_news",
)


def main() -> None:
    for name in BENCHMARKS:
        print(f"\n=== {name}")
        importlib.import_module(name).main()


if __name__ == "__main__":
    main()
