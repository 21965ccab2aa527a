"""Timing helpers and the table every benchmark prints."""

from __future__ import annotations

import math
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
    db: str = ""

    @property
    def ratio(self) -> float:
        """How many times slower than the baseline at p50."""
        return self.p50_ms / self.base_p50_ms if self.base_p50_ms else float("nan")

    @property
    def ratio99(self) -> float:
        """How many times slower than the baseline at p99 (what tail targets are set on)."""
        return self.p99_ms / self.base_p99_ms if self.base_p99_ms else float("nan")


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


def sample_pair(a: Callable[[], object], b: Callable[[], object], n: int,
                warmup: int = 20) -> tuple[list[float], list[float]]:
    """Time a and b alternately, so background load on a shared machine hits both alike."""
    for _ in range(warmup):
        a()
        b()
    out_a, out_b = [], []
    for _ in range(n):
        for fn, out in ((a, out_a), (b, out_b)):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
    return out_a, out_b


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


def budget(fn: Callable[[], object], seconds: float, low: int = 20, high: int = 2000) -> int:
    """How many samples of fn fit in about `seconds` (a slow figure gets fewer, never < low)."""
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-6)
    return max(low, min(high, int(seconds / once)))


def skipped(name: str, note: str) -> Row:
    """A row for a figure that could not be measured in this run, saying why."""
    nan = float("nan")
    return Row(name, nan, nan, "", nan, nan, note)


def _ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.3f}"


def _times(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2f}x"


def print_table(rows: list[Row]) -> str:
    """Render rows as a Markdown table (also what the README quotes)."""
    lines = ["| db | benchmark | p50 ms | p99 ms | baseline | base p50 ms | base p99 ms | ratio "
             "p50 | ratio p99 | note |",
             "|---|---|---:|---:|---|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r.db} | {r.name} | {_ms(r.p50_ms)} | {_ms(r.p99_ms)} | {r.baseline} | "
                     f"{_ms(r.base_p50_ms)} | {_ms(r.base_p99_ms)} | {_times(r.ratio)} | "
                     f"{_times(r.ratio99)} | {r.note} |")
    text = "\n".join(lines)
    print(text, flush=True)
    return text
