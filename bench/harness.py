"""Timing helpers and the table every benchmark prints."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    """One measured figure and the baseline it is compared with."""

    name: str
    p50_ms: float
    p99_ms: float
    baseline: str
    base_p50_ms: float
    base_p99_ms: float
    note: str = ""

    @property
    def ratio(self) -> float:
        """How many times slower than the baseline at p50."""
        return self.p50_ms / self.base_p50_ms if self.base_p50_ms else float("nan")


def sample(fn: Callable[[], object], n: int, warmup: int = 20) -> list[float]:
    """Run fn n times (after warmup) and return each duration in milliseconds."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def row(name, samples, baseline, base_samples, note="") -> Row:
    """A Row from two lists of samples."""
    return Row(name, statistics.median(samples), pct(samples, 99), baseline,
               statistics.median(base_samples), pct(base_samples, 99), note)


def print_table(rows: list[Row]) -> str:
    """Render rows as a Markdown table (also what the README quotes)."""
    lines = ["| benchmark | p50 ms | p99 ms | baseline | base p50 ms | base p99 ms | ratio "
             "| note |",
             "|---|---:|---:|---|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r.name} | {r.p50_ms:.3f} | {r.p99_ms:.3f} | {r.baseline} | "
                     f"{r.base_p50_ms:.3f} | {r.base_p99_ms:.3f} | {r.ratio:.2f}x | {r.note} |")
    text = "\n".join(lines)
    print(text, flush=True)
    return text
