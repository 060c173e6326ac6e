"""Indexing benchmark for real documents: a long PDF, a folder of mixed files, a large text file.

    python -m evals.documents_bench                       # pdf, folder, text at 1, 2, 5 MB
    python -m evals.documents_bench --cases text --text-mb 1 2 5 20
    python -m evals.documents_bench --cases hashing --hashing-mb 1 5 20   # no model: overhead

Each case indexes a corpus through the public API, `Assistant.load(corpus=..., index=...,
generator="extractive", embedder=LocalEmbedder())`, on an empty index, in a child process of its
own (so its peak RSS is its own; the parent also samples the child's RSS every half second):

    pdf       a 300-page PDF of wrapped prose with a running header and footer
              (tests/fixtures_docs.long_pdf)
    folder    100 files cycling through .pdf, .docx, .html, .md, .txt as fixtures_docs.mixed_folder
              does, but each with different prose (30 Brown sentences under a title and two
              headings), so none is a duplicate
    fixture-folder   fixtures_docs.mixed_folder(100) itself: its files repeat 13 contents, so
              87 are skipped as duplicates (what a folder of copies costs)
    text      one plain-text file of N MB of real prose: the Brown corpus (evals/BROWN.md) as
              paragraphs of four sentences; past its 5.7 MB the sentences are dealt again in a
              shuffled order (seeded), so no paragraph repeats (a repeated line would be taken
              for page furniture), though a sentence may. Every size is a prefix of the same text.
    hashing   the text cases with the fake `HashingEmbedder` (dim 384) in place of MiniLM: the
              time and memory of everything but the model, at full size in minutes

and, for the MiniLM cases, the raw embedding rate of the same texts: every sentence and chunk
exactly as the writer hands them to the embedder, in its order, in calls of the writer's batch
size (`store.writer.BATCH`, with the embedder's own batch of 64 inside), encoded by MiniLM and
nothing else; above `--raw-max` texts, whole calls evenly spaced over the stream. The raw rate
is measured in a process of its own just before the index and again just after it, and the two
are averaged, so a change in the machine's load during a case weighs on both sides. Figures:

    index s            Assistant.load wall time (reading and parsing, chunking, embedding,
                       writing, BM25, the start-up check); the model is loaded before
    texts/s            sentences and chunks embedded per second of that
    raw texts/s        the raw embedding rate of the same texts (mean of before and after)
    ratio              texts/s over raw texts/s (target >= 0.8); also in CPU time (all threads),
                       the steadier figure when the machine is shared
    in embed s         wall time inside the embedder's calls during indexing; its share of the
                       index time is the load-independent view: everything else (parsing,
                       chunking, BM25, the check, writes not hidden behind embedding) is the
                       rest. The writer thread's Chroma `add` holds the GIL, so a write also
                       stalls the embedding call it overlaps: a share near 1 is an upper bound
                       on the ratio, not the ratio.
    parse              pages or files per second of `load_corpus` alone (timed after indexing)
    peak RSS MB        the index process's ru_maxrss when Assistant.load returned

Results go to evals/results/documents-bench.json (`--out`), and a table is printed. For a size
not run with MiniLM, the table extrapolates its index time from the largest text size run (time
per text x texts, with the text count from the hashing case of that size) and says so. Run it
under `nice`: it keeps both cores busy (every case at the default sizes: about an hour on an
idle 2-core machine, hours on a busy one). Cases run now replace theirs in the result file.
"""

# The code, by what it holds: documents_files (making the corpora), documents_steps (what runs
# in a child process: indexing, the raw embedding rate), documents_cases (one case, its steps
# each in a fresh interpreter, the rates derived) and documents_report (the file, the table).

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .documents_cases import run_case
from .documents_files import MB, ROOT, build_files
from .documents_report import extrapolate, save, table
from .documents_steps import index_child, raw_child

__all__ = ["main", "raw_child", "index_child", "build_files"]  # raw_child: evals/scale.py's too

RESULTS = Path(__file__).with_name("results")
OUT = RESULTS / "documents-bench.json"


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m evals.documents_bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="pdf,folder,text,hashing",
                    help="comma-separated: pdf, folder, text, hashing")
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--text-mb", type=float, nargs="+", default=[1, 2, 5])
    ap.add_argument("--hashing-mb", type=float, nargs="+", default=[1, 2, 5, 20])
    ap.add_argument("--raw-max", type=int, default=6000,
                    help="texts encoded for the raw rate, at most (whole batches, strided)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--table", action="store_true", help="print the table of --out and stop")
    ap.add_argument("--keep", type=Path, help="work in this directory and keep it")
    ap.add_argument("--fresh", action="store_true",
                    help="start a new result file (default: cases run now replace theirs in it)")
    ap.add_argument("--index", help=argparse.SUPPRESS)  # the steps, in child processes
    ap.add_argument("--raw", help=argparse.SUPPRESS)
    ap.add_argument("--build", help=argparse.SUPPRESS)
    return ap


def make_files(work: Path, args, cases: list[str], sizes: list[float]) -> dict:
    """The corpora, made in a child process (`--build`); their sizes in bytes."""
    spec = {"work": str(work), "pages": args.pages if "pdf" in cases else 0,
            "files": args.files if "folder" in cases else 0, "text_mb": sizes}
    t = time.perf_counter()
    made = json.loads(subprocess.run(
        [sys.executable, "-m", "evals.documents_bench", "--build", json.dumps(spec)],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(f"files made in {time.perf_counter() - t:.0f} s: {made}", flush=True)
    return made


def plan(work: Path, args, cases: list[str], made: dict) -> list[tuple[str, Path, str, str]]:
    """(case name, its corpus, its embedder, what it indexes) for every case asked for."""
    todo = []
    if "pdf" in cases:
        todo.append(("pdf", work / "pdf", "minilm", f"{args.pages}-page PDF, {made['pdf'] / MB:.1f} MB"))
    if "folder" in cases:
        todo.append(("folder", work / "folder", "minilm",
                     f"{args.files} distinct files, 5 formats, {made['folder'] / MB:.1f} MB"))
        todo.append(("fixture-folder", work / "fixture-folder", "minilm",
                     f"fixtures_docs.mixed_folder({args.files}), "
                     f"{made['fixture-folder'] / MB:.1f} MB"))
    for kind, mbs, emb in (("hashing", args.hashing_mb, "hashing"), ("text", args.text_mb, "minilm")):
        if kind in cases:
            todo += [(f"{kind}-{mb:g}", work / f"text-{mb:g}", emb,
                      f"text, {made[f'text-{mb:g}'] / MB:.1f} MB") for mb in mbs]
    return todo


def run_plan(todo: list, work: Path, args, results: dict, argv) -> None:
    """Each case on an empty index, the result file saved as soon as a case is in."""
    for name, corpus, embedder, what in todo:
        index = work / f"index-{name}"
        shutil.rmtree(index, ignore_errors=True)
        print(f"{name}: indexing {what} with {embedder} ...", flush=True)
        r = run_case(name, corpus, index, embedder, args.raw_max)
        r["input"] = what
        r["when"] = time.strftime("%Y-%m-%d %H:%M:%S")
        results[name] = r
        save(args.out, results, [], argv)
        shutil.rmtree(index, ignore_errors=True)
        print(f"  {r['embedded']:,} texts in {r['index_s']:.1f} s = {r['rate']:.1f}/s"
              + (f", raw {r['raw_rate']:.1f}/s, ratio {r['ratio']:.2f} (CPU {r['cpu_ratio']:.2f})"
                 if r.get("raw_rate") else "")
              + f", peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.index or args.raw:  # in a child process started by documents_cases.spawn
        step = index_child if args.index else raw_child
        print(json.dumps(step(json.loads(args.index or args.raw))))
        return 0
    if args.build:  # in a child process started by make_files
        spec = json.loads(args.build)
        print(json.dumps(build_files(Path(spec["work"]), spec["pages"], spec["files"],
                                     spec["text_mb"])))
        return 0

    if args.table:
        saved = json.loads(args.out.read_text())
        print(table(saved["cases"], saved.get("extrapolated", [])))
        return 0
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    sizes = sorted(set((args.text_mb if "text" in cases else [])
                       + (args.hashing_mb if "hashing" in cases else [])))
    work = args.keep or Path(tempfile.mkdtemp(prefix="documents-bench-"))
    previous = json.loads(args.out.read_text()) if args.out.exists() and not args.fresh else {}
    results: dict = previous.get("cases", {})
    try:
        made = make_files(work, args, cases, sizes)
        run_plan(plan(work, args, cases, made), work, args, results, argv)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    hashed = {r["case"][len("hashing-"):] for r in results.values() if r["case"].startswith("hashing-")}
    extrapolated = [e for size in sorted(hashed, key=float) if f"text-{size}" not in results
                    and (e := extrapolate(results, float(size)))]
    save(args.out, results, extrapolated, argv)
    print(table(results, extrapolated))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
