"""Several users at once: the OpenAI-compatible API (`python -m assistant serve`) under 1, 4 and
8 concurrent clients sharing one fixed set of golden questions, streamed. For every number of slots
asked for (ASSISTANT_SLOTS: how many answers the local model decodes together; 1 is the old
one-at-a-time design) and every concurrency it prints and writes:

    seconds        p50 / p95 / max of a whole answer, as each client sees it (queueing included)
    first_text_s   p50 / p95 of the first streamed text
    throughput     answers per minute over the round
    errors         requests that failed (any exception, or a reply without text)
    p50_ratio      this round's p50 over the same server's one-client p50

Every round asks the same questions (the first `--questions` golden ones): the clients take
them from one queue, each asking its next question when its last answer is in, so the one-client
round asks them one after another and the p50 ratio compares the same answers at each
concurrency (questions differ a lot in cost: a decline needs no model at all).
    peak_rss_mb    the server process's peak resident memory (VmHWM) after its rounds

    python -m evals.load_bench                        # local model, slots 1 and 4
    python -m evals.load_bench -g extractive --slots 1 --clients 1,4 --questions 4

Each server runs as a user runs it, over one temporary index of the corpus, one server at a
time; a first round of as many clients as slots (loading, each slot's prompt cache) is not
counted. Figures go to
evals/results/load-bench-<generator>.json. On a shared machine, compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from assistant import Assistant
from evals.golden import load_golden
from evals.serve_bench import summary, _wait_listening

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")


def ask_streamed(api, question: str) -> tuple[float, float | None, str]:
    """(seconds to the whole answer, seconds to its first text, the text)."""
    t, first, parts = time.perf_counter(), None, []
    for chunk in api.chat.completions.create(model="assistant", stream=True,
                                             messages=[{"role": "user", "content": question}]):
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece and first is None:
            first = time.perf_counter() - t
        parts.append(piece or "")
    return time.perf_counter() - t, first, "".join(parts)


def one_round(api, questions: list[str], clients: int) -> dict:
    """`clients` threads at once, taking `questions` from one queue until it is empty."""
    rows: list[tuple[float, float | None, str]] = []
    errors: list[str] = []
    lock = threading.Lock()
    todo = queue.SimpleQueue()
    for q in questions:
        todo.put(q)

    def client() -> None:
        while True:
            try:
                q = todo.get_nowait()
            except queue.Empty:
                return
            try:
                row = ask_streamed(api, q)
                problem = None if row[2].strip() else "empty reply"
            except Exception as exc:  # noqa: BLE001 - counted and shown, the round goes on
                row, problem = None, f"{type(exc).__name__}: {exc}"
            with lock:
                rows.append(row) if row else None
                errors.append(problem) if problem else None

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    firsts = [r[1] for r in rows if r[1] is not None]
    return {"clients": clients, "requests": len(questions), "errors": len(errors),
            "error_examples": errors[:3], "wall_s": round(wall, 2),
            "seconds": summary([r[0] for r in rows]) if rows else None,
            "first_text_s": summary(firsts) if firsts else None,
            "throughput_per_min": round(60 * len(rows) / wall, 2)}


def serve_rounds(args, slots: int, index: Path, questions: list[str],
                 warm_questions: list[str]) -> dict:
    import openai

    env = {**os.environ, "ASSISTANT_CORPUS": str(args.corpus), "ASSISTANT_INDEX": str(index),
           "ASSISTANT_SLOTS": str(slots), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "-g", args.generator,
                             "--port", str(args.port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_listening(f"http://127.0.0.1:{args.port}/v1/models", proc)
        api = openai.OpenAI(base_url=f"http://127.0.0.1:{args.port}/v1", api_key="none",
                            max_retries=0, timeout=1800)
        # loading, and each slot's cache of the fixed prompt (a cold slot prefills it whole):
        # one round with as many clients as slots, not counted
        one_round(api, warm_questions, max(1, slots))
        rounds = [one_round(api, questions, c) for c in args.clients]
        peak = _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(60)
    base = next((r["seconds"]["p50"] for r in rounds if r["clients"] == 1 and r["seconds"]), None)
    for r in rounds:
        r["p50_ratio"] = round(r["seconds"]["p50"] / base, 2) if base and r["seconds"] else None
    return {"slots": slots, "rounds": rounds, "peak_rss_mb": peak}


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-g", "--generator", default="local")
    ap.add_argument("--slots", default="1,4", help="ASSISTANT_SLOTS values, one server each")
    ap.add_argument("--clients", default="1,4,8", help="concurrent clients per round")
    ap.add_argument("--questions", type=int, default=12,
                    help="golden questions asked in every round (the same ones each time)")
    ap.add_argument("--corpus", default=str(ROOT / "seeds"))
    ap.add_argument("--port", type=int, default=7973)
    args = ap.parse_args(argv)
    args.clients = [int(c) for c in args.clients.split(",")]
    golden = [g.question for g in load_golden()]
    questions = golden[:args.questions]
    warm_questions = golden[args.questions:][-8:] or golden[-8:]  # others: no answer cached
    work = Path(tempfile.mkdtemp(prefix="load-bench-"))
    try:
        Assistant.load(corpus=args.corpus, index=work / "index", generator="extractive").close()
        servers = [serve_rounds(args, int(s), work / "index", questions, warm_questions)
                   for s in args.slots.split(",")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {"generator": args.generator, "machine_cpus": os.cpu_count(),
              "load_average_at_end": os.getloadavg(), "questions": questions,
              "servers": servers}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"load-bench-{args.generator}.json"
    out.write_text(json.dumps(report, indent=2))
    for s in servers:
        for r in s["rounds"]:
            sec, first = r["seconds"] or {}, r["first_text_s"] or {}
            print(f"slots {s['slots']}  clients {r['clients']}:  p50 {sec.get('p50')} s  "
                  f"p95 {sec.get('p95')} s  first text p50 {first.get('p50')} s  "
                  f"{r['throughput_per_min']}/min  ratio {r['p50_ratio']}  errors {r['errors']}")
        print(f"slots {s['slots']}: server peak RSS {s['peak_rss_mb']} MB")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
