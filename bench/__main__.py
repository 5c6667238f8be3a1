"""`python -m bench`: run every measurement once, print the table, write bench/results/latest.json.

Order matters: moto goes last (importing it hooks every botocore client created afterwards). A section that
fails is reported as an ERROR row and the others still run; the exit status is 1 if any did.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from bench import breakdown, invoke, latency, s3_notifications, s3_objects, serve, sns, startup
from bench.report import ERROR, MISS, Row, environment, format_table, guarded, write_json
from bench.stats import Deadline, Summary

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
# The whole run must stay under 3 minutes; loops shorten themselves to fit this budget.
BUDGET_S = 150.0


def run(deadline: Deadline) -> list[Row]:
    rows: list[Row] = []
    baselines: dict[str, tuple[Summary, Summary]] = {}

    def latency_section() -> list[Row]:
        section_rows, summaries = latency.measure_mocklambda_and_floor(deadline)
        baselines.update(summaries)
        return section_rows

    rows += guarded("latency", latency_section)
    floors = {label: floor for label, (_mock, floor) in baselines.items()}
    rows += guarded("breakdown", lambda: breakdown.measure_transport(deadline))
    rows += guarded("breakdown", lambda: breakdown.measure_app(deadline, floors))
    rows += guarded("invoke", lambda: invoke.measure_with_zygote(deadline))
    rows += guarded("invoke without zygote", lambda: invoke.measure_without_zygote(deadline))
    rows += guarded("s3 notifications", lambda: s3_notifications.measure(deadline))
    rows += guarded("startup", lambda: startup.measure_in_process(deadline))
    rows += guarded("serve", lambda: serve.measure_ready(ROOT, deadline))
    rows += guarded("memory", lambda: serve.measure_memory(ROOT, deadline))
    rows += guarded("first start", lambda: startup.measure_first_start(ROOT, deadline))
    rows += guarded("s3 objects", lambda: s3_objects.measure(deadline))  # imports moto: after the others
    rows += guarded("sns", lambda: sns.measure(deadline))  # imports moto too
    baseline = baselines.get(latency.CONTEXT_OPERATION.label)
    if baseline is not None:
        rows += guarded("moto", lambda: latency.measure_moto(deadline, baseline))
    return rows


def main() -> int:
    started = time.perf_counter()
    rows = run(Deadline(BUDGET_S))
    elapsed = time.perf_counter() - started
    print(format_table(rows))
    misses = sum(row.verdict == MISS for row in rows)
    errors = sum(row.verdict == ERROR for row in rows)
    written = RESULTS.relative_to(ROOT)
    print(f"\n{len(rows)} figures, {misses} missed, {errors} errors, in {elapsed:.1f} s; wrote {written}")
    write_json(RESULTS, rows, environment(ROOT), elapsed)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
