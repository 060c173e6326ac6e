"""Readers benchmark: how fast documents are parsed, and the memory it takes.

    python -m evals.readers_bench [--pages 300] [--files 100] [--repeat 3]

Builds (in a child process, so its memory is not counted) a PDF of `--pages` pages of wrapped
prose with a running header and footer, and a folder of `--files` files cycling through .pdf
(the 4-page report), .docx, .html (the five fixture pages), .md and .txt (the seeds), all from
tests/fixtures_docs.py. Then, in this process, reads them with `assistant.readers`:

    pdf      pages parsed per second (median of --repeat reads), characters and blocks out
    folder   files per second, cold (first pass: includes importing each format's library)
             and warm (median of --repeat further passes), and per format
    memory   resident set size before reading and its peak while reading (MB)

Prints the figures and writes them to evals/results/readers-bench.json. Embedding-side figures
(chunks embedded per second on the same files) are for the indexing benchmark to add. Run it
under `nice` on a shared machine; wall times move with the neighbours' load.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
OUT = RESULTS / "readers-bench.json"


def build(folder: Path, pages: int, files: int) -> None:
    """Make the benchmark's files (runs in a child process)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import fixtures_docs as F

    F.long_pdf(folder / "long.pdf", pages)
    F.mixed_folder(folder / "mixed", files)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def bench_pdf(path: Path, repeat: int) -> dict:
    from assistant.readers import read_document

    raw = path.read_bytes()
    times, doc = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        doc = read_document(path, raw)
        times.append(time.perf_counter() - t)
    secs = statistics.median(times)
    return {"pages": doc.page_count, "bytes": len(raw), "seconds": round(secs, 3),
            "pages_per_s": round(doc.page_count / secs, 1), "chars": len(doc.text),
            "blocks": len(doc.blocks), "furniture_blocks": sum(b.kind == "furniture" for b in doc.blocks)}


def read_folder(folder: Path) -> tuple[float, dict[str, list[float]], list[str]]:
    """One pass over the folder: seconds, seconds per file by format, skipped files."""
    from assistant.readers import ReadError, read_document

    by_format: dict[str, list[float]] = defaultdict(list)
    skipped = []
    start = time.perf_counter()
    for path in sorted(folder.iterdir()):
        raw = path.read_bytes()
        t = time.perf_counter()
        try:
            read_document(path, raw)
        except ReadError as exc:
            skipped.append(f"{path.name}: {exc}")
        by_format[path.suffix.lstrip(".")].append(time.perf_counter() - t)
    return time.perf_counter() - start, by_format, skipped


def bench_folder(folder: Path, repeat: int) -> dict:
    n = sum(1 for _ in folder.iterdir())
    cold, _, skipped = read_folder(folder)
    passes = [read_folder(folder) for _ in range(repeat)]
    warm = statistics.median(p[0] for p in passes)
    formats = {}
    for fmt in sorted(passes[0][1]):
        per_file = statistics.median(statistics.mean(p[1][fmt]) for p in passes)
        formats[fmt] = {"files": len(passes[0][1][fmt]), "ms_per_file": round(per_file * 1000, 2),
                        "files_per_s": round(1 / per_file, 1)}
    return {"files": n, "cold_seconds": round(cold, 3), "cold_files_per_s": round(n / cold, 1),
            "warm_seconds": round(warm, 3), "warm_files_per_s": round(n / warm, 1),
            "by_format": formats, "skipped": skipped}


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("pypdfium2", "python-docx", "trafilatura", "markdown-it-py"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # the child process
    args = ap.parse_args(argv)
    if args.build:
        build(args.build, args.pages, args.files)
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "evals.readers_bench", "--build", str(folder),
                        "--pages", str(args.pages), "--files", str(args.files)], cwd=ROOT, check=True)
        built = time.perf_counter() - t
        before = rss_mb()
        pdf = bench_pdf(folder / "long.pdf", args.repeat)
        mixed = bench_folder(folder / "mixed", args.repeat)
    result = {"pdf": pdf, "folder": mixed, "rss_before_mb": round(before, 1),
              "peak_rss_mb": round(peak_rss_mb(), 1), "build_seconds": round(built, 1),
              "cpus": len(__import__("os").sched_getaffinity(0)), "versions": versions(),
              "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    report(result)
    RESULTS.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {OUT.relative_to(ROOT)}")
    return result


def report(r: dict) -> None:
    pdf, folder = r["pdf"], r["folder"]
    print(f"PDF: {pdf['pages']} pages in {pdf['seconds']} s = {pdf['pages_per_s']} pages/s "
          f"({pdf['chars']:,} characters, {pdf['blocks']} blocks, {pdf['furniture_blocks']} furniture)")
    print(f"folder: {folder['files']} files, cold {folder['cold_files_per_s']} files/s "
          f"({folder['cold_seconds']} s), warm {folder['warm_files_per_s']} files/s ({folder['warm_seconds']} s)")
    for fmt, f in folder["by_format"].items():
        print(f"  .{fmt}: {f['files']} files, {f['ms_per_file']} ms each ({f['files_per_s']} files/s)")
    if folder["skipped"]:
        print("  skipped: " + "; ".join(folder["skipped"]))
    print(f"memory: {r['rss_before_mb']} MB before reading, peak {r['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
