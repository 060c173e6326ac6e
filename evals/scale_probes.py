"""Measuring inside a step process of `python -m evals.retrieval_scale`: RSS (sampled, now,
peak), wall time per named call (`Stages`), the embedders the steps use, latency summaries."""

from __future__ import annotations

import os
import resource
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

DIM = 384  # MiniLM's vector size: the store holds and searches vectors of the real size


class RssSampler(threading.Thread):
    """Samples this process's RSS every `every` s: the peak, a coarse timeline, a heartbeat."""

    def __init__(self, label: str, every: float = 0.5, beat: float = 60.0):
        super().__init__(daemon=True)
        self.label, self.every, self.beat = label, every, beat
        self.t0 = time.perf_counter()
        self.peak = 0.0
        self.timeline: list[tuple[float, float]] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        last_beat = last_point = -1e9
        while not self._stop_event.wait(self.every):
            rss, t = rss_mb(), time.perf_counter() - self.t0
            self.peak = max(self.peak, rss)
            if t - last_point >= 5:
                self.timeline.append((round(t, 1), round(rss)))
                last_point = t
            if t - last_beat >= self.beat:
                print(f"[{self.label}] {t:.0f} s, RSS {rss:.0f} MB", file=sys.stderr, flush=True)
                last_beat = t

    def stop(self) -> None:
        self._stop_event.set()


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stages:
    """Wall time spent inside named calls, summed since the last `take()`."""

    def __init__(self):
        self.cur: dict[str, float] = defaultdict(float)
        self.lock = threading.Lock()

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.cur[name] += time.perf_counter() - t
        timed.__wrapped__ = fn
        return timed

    def patch(self, owner, attr: str, name: str | None = None) -> None:
        setattr(owner, attr, self.wrap(name or attr, getattr(owner, attr)))

    def take(self) -> dict[str, float]:
        with self.lock:
            out, self.cur = dict(self.cur), defaultdict(float)
        return out


def make_embedder(kind: str):
    from assistant.embeddings import HashingEmbedder

    fake = HashingEmbedder(dim=DIM)
    if kind == "hashing":
        return fake
    from assistant.embeddings import LocalEmbedder

    class MiniLMQueries:
        """MiniLM embeds the questions; the hashing identity lets the hashing-built index open.
        For timing only: the query and stored vectors are not comparable."""
        identity, dim = fake.identity, DIM

        def __init__(self):
            self.model = LocalEmbedder()
            assert self.model.dim == DIM

        def embed(self, texts):
            return self.model.embed(texts)

    return MiniLMQueries()


def loadavg() -> list[float]:
    """The machine's load averages (1, 5, 15 min), rounded."""
    return [round(x, 2) for x in os.getloadavg()]


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (inclusive method); the value itself when there is one."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def summary(values: list[float]) -> dict:
    """Seconds as p50, p95, mean and max in ms, and how many."""
    ms = [1000 * v for v in values]
    return {"p50_ms": statistics.median(ms), "p95_ms": pct(ms, 95), "mean_ms": statistics.fmean(ms),
            "max_ms": max(ms), "n": len(ms)}


def median_ms(call, repeat: int = 1) -> tuple[float, object]:
    """(median ms over `repeat` calls, the last result)."""
    times, got = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        got = call()
        times.append(1000 * (time.perf_counter() - t))
    return statistics.median(times), got
