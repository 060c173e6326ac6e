"""The run of `python -m evals.retrieval_scale` for one store: the corpus (made or reused), the
build step, the disk it takes, the query steps, each step in a fresh interpreter."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from .scale_corpus import build_corpus
from .scale_probes import loadavg
from .scale_server import Server, free_port

ROOT = Path(__file__).resolve().parents[1]


def run_step(step: str, args: dict) -> dict:
    """One step in a fresh interpreter (from the checkout, so `import assistant` is the code
    measured); its stderr streams through, its last stdout line is the result."""
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-m", "evals.retrieval_scale", "--step", step,
                           "--step-args", json.dumps(args)], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, text=True)
    if proc.returncode:
        raise SystemExit(f"step {step} failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def disk_mb(path: Path) -> float:
    """What a file tree holds, MB (0 when it is not there)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20 if path.exists() else 0.0


def index_breakdown(index: Path) -> dict:
    """What the index directory holds, by kind (MB)."""
    parts: dict[str, float] = defaultdict(float)
    if not index.exists():
        return {}
    for p in index.iterdir():
        size = disk_mb(p) if p.is_dir() else p.stat().st_size / 2**20
        if p.name.startswith("chroma.sqlite3"):
            key = "chroma sqlite"
        elif p.name.startswith("lexical-"):
            key = "bm25 (saved)"
        elif p.name.startswith("manifest"):
            key = "manifest"
        elif p.is_dir() and re.fullmatch(r"[0-9a-f-]{36}", p.name):
            key = "hnsw segments"
        else:
            key = p.name
        parts[key] += size
    return dict(parts)


def git_state() -> dict:
    """The commit measured, and whether assistant/ had uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"commit": git("rev-parse", "HEAD"),
            "assistant_dirty": bool(git("status", "--porcelain", "assistant"))}


def measure(args, work: Path, kind: str) -> dict:
    """One store's run in `work`: the corpus (made, or reused with --reuse), the build unless
    one is reused, the disk it takes, then a query step per embedder."""
    corpus, qfile = work / "corpus", work / "questions.json"
    report: dict = {"chunks_target": args.chunks, "store": kind, "cpus": os.cpu_count(),
                    "loadavg_start": loadavg(), "niceness": os.nice(0), **git_state()}
    report["corpus"] = corpus_for(args, work)
    report["corpus"]["disk_mb"] = disk_mb(corpus)
    index = work / f"index-{kind}"
    server = None
    store: dict = {}
    if kind == "server":
        port = args.port or free_port()
        server = Server(work / "server-data", port)
        store = {"chroma_host": "127.0.0.1", "chroma_port": port, "collection": "rscale"}
    fields = {"corpus": str(corpus), "index": str(index), "store": store, "questions": str(qfile)}
    built = args.reuse and index.exists()
    try:
        if not built:
            build(report, fields, server, kind)
        report["disk"] = {"index_mb": disk_mb(index), "index_parts_mb": index_breakdown(index)}
        if server:
            report["disk"]["server_data_mb"] = disk_mb(server.path)
            report["disk"]["server_parts_mb"] = index_breakdown(server.path)
            report["server_start_s"] = server.start()  # a fresh server: cold, like a restart
        for emb in ["hashing"] + ([] if args.no_minilm else ["minilm"]):
            print(f"questions ({kind}, {emb} queries) ...", file=sys.stderr, flush=True)
            report[emb] = run_step("query", {**fields, "embedder": emb})
        if server:
            report["server_queries"] = server.memory()
    finally:
        if server:
            server.stop()
    report["loadavg_end"] = loadavg()
    return report


def corpus_for(args, work: Path) -> dict:
    """The corpus in `work` and its questions: reused with --reuse when there, else made;
    what it holds."""
    corpus, qfile = work / "corpus", work / "questions.json"
    if args.reuse and corpus.exists() and qfile.exists():
        return json.loads((work / "corpus.json").read_text())
    if corpus.exists():
        shutil.rmtree(corpus)
    print(f"generating a corpus of {args.chunks:,} chunks ...", file=sys.stderr, flush=True)
    made = build_corpus(args.chunks, corpus, args.questions)
    qfile.write_text(json.dumps(made.pop("questions"), indent=1))
    (work / "corpus.json").write_text(json.dumps(made))
    print(f"corpus: {made['documents']:,} documents, {made['chunks']:,} chunks, "
          f"{made['words']:,} words ({made['seconds']:.0f} s)", file=sys.stderr, flush=True)
    return made


def build(report: dict, fields: dict, server, kind: str) -> None:
    """Step `build` on an empty index (and an empty server's data), into `report`."""
    index = Path(fields["index"])
    shutil.rmtree(index, ignore_errors=True)
    if server:
        shutil.rmtree(server.path, ignore_errors=True)
        report["server_start_empty_s"] = server.start()
    print(f"building the {kind} index ...", file=sys.stderr, flush=True)
    report["build"] = b = run_step("build", fields)
    b["texts_per_s"] = b["embedded"] / b["sync_seconds"]
    b["texts_per_cpu_s"] = b["embedded"] / b["cpu_s"]
    if server:
        report["server_build"] = server.memory()
        server.stop()
    print(f"build: {b['sync_seconds']:.0f} s, {b['embedded']:,} texts, "
          f"{b['texts_per_s']:.0f} texts/s", file=sys.stderr, flush=True)
