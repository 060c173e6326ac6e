"""One case of `python -m evals.documents_bench`: its steps each in a fresh interpreter, the
index step's RSS sampled from outside, the raw rate measured before and after, the rates derived."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class RssSampler(threading.Thread):
    """Samples a process's resident set size every `every` seconds from /proc."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples = pid, every, []
        self.stop = threading.Event()
        self.t0 = time.time()

    def run(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        while not self.stop.is_set():
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.samples.append((time.time(), int(line.split()[1]) / 1024))
            except OSError:
                return
            self.stop.wait(self.every)


def spawn(mode: str, spec: dict, sample: bool = False) -> tuple[dict, list]:
    """Run one step in a fresh interpreter; its JSON result and (when `sample`) its RSS."""
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(ROOT),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "evals.documents_bench", f"--{mode}",
                             json.dumps(spec)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            text=True)
    sampler = RssSampler(proc.pid)
    if sample:
        sampler.start()
    stdout, _ = proc.communicate()
    sampler.stop.set()
    if sample:
        sampler.join()
    if proc.returncode:
        raise SystemExit(f"{mode} step failed ({proc.returncode})")
    return json.loads(stdout.strip().splitlines()[-1]), sampler.samples


def run_case(name: str, corpus: Path, index: Path, embedder: str, raw_max: int) -> dict:
    """The raw rate before and after (MiniLM cases), the index between: a change in the
    machine's load during the case weighs on both sides."""
    spec = {"corpus": str(corpus), "index": str(index), "embedder": embedder, "raw_max": raw_max}
    load_before = os.getloadavg()
    raws = []
    if embedder == "minilm":
        raws.append(spawn("raw", spec)[0])
    r, samples = spawn("index", spec, sample=True)
    if embedder == "minilm":
        raws.append(spawn("raw", spec)[0])
        r["raw"] = raws
        r.update({k: raws[0][k] for k in ("texts", "batch", "raw_texts", "raw_batches")})
        r["raw_s"] = sum(x["raw_s"] for x in raws) / 2  # the same texts each time
        r["raw_cpu_s"] = sum(x["raw_cpu_s"] for x in raws) / 2
    r.update(case=name, embedder=embedder, loadavg_start=load_before)
    during = [mb for at, mb in samples if r["index_started_at"] <= at <= r["index_ended_at"]]
    r["sampled_peak_rss_mb"] = max(during, default=None)
    r["rss_timeline"] = thin([(round(at - r["index_started_at"], 1), round(mb))
                              for at, mb in samples], 120)
    return derive(r)


def thin(points: list, n: int) -> list:
    step = max(1, len(points) // n)
    return points[::step]


def derive(r: dict) -> dict:
    r["rate"] = r["embedded"] / r["index_s"]
    r["cpu_rate"] = r["embedded"] / r["index_cpu_s"]
    r["outside_embed_s"] = r["index_s"] - r["in_embed_s"]
    r["embed_share"] = r["in_embed_s"] / r["index_s"]
    if r.get("raw_s"):
        r["raw_rate"] = r["raw_texts"] / r["raw_s"]
        r["raw_cpu_rate"] = r["raw_texts"] / r["raw_cpu_s"]
        r["ratio"] = r["rate"] / r["raw_rate"]
        r["cpu_ratio"] = r["cpu_rate"] / r["raw_cpu_rate"]
    if r.get("pages"):
        r["pages_per_s"] = r["pages"] / r["parse_s"]
        r["pages_indexed_per_s"] = r["pages"] / r["index_s"]
    r["files_per_s"] = r["files"] / r["parse_s"]
    r["files_indexed_per_s"] = r["files"] / r["index_s"]
    r["chunks_per_s"] = r["chunks"] / r["index_s"]
    return r

