"""Table benchmark: do tables come out as rows that keep their header, how fast, in how much
memory, and can a question about one cell be answered from its row?

    python -m evals.tables_bench                  # everything below but --compare
    python -m evals.tables_bench --skip-qa --huge-rows 1000
    python -m evals.tables_bench --compare --extra /tmp/extra   # + pdfplumber and camelot-py

From the documents of `evals/table_docs.py` (each case one table in one format, every cell known):

    cells     per case, the share of the table's non-empty cells that come out in a row under
              their column's name (rows matched to the expected rows by their cells); for
              Markdown, the names are the row's section (its table's header line)
    speed     PDF pages read per CPU-second (also of a --prose-pages PDF of prose, which must
              give no table rows) (median of --repeat reads; CPU time moves less
              with the neighbours' load than wall time), and the same with table finding
              switched off (no lines read, no tables looked for): what finding tables costs
    huge      a table of --huge-rows x --huge-cols in each format, built in one child process
              and read in another: wall and CPU seconds, peak RSS (VmHWM) before and after
              reading, and whether every row came out whole with its header
    answers   the questions of `table_docs.QUESTIONS`, asked of `QA_CASES` indexed together
              (`Assistant.load(generator="extractive")` with the real MiniLM embedder): right
              (the cell's value in the answer), grounded (in a cited quote), and whether the
              quote shows the column's name (for Markdown, the citation's section)
    compare   (--compare) the same cells and speed for pdfplumber and camelot-py, when they can
              be imported (from --extra, a pip --target folder; neither is a dependency)

Prints a table and writes evals/results/tables-bench.json. Wall times move with the neighbours'
load on a shared machine: run under `nice`, compare figures from one run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals import huge_table as H
from evals import table_docs as T

RESULTS = Path(__file__).with_name("results")
OUT = RESULTS / "tables-bench.json"
PDF_CASES = [n for n in T.CASES if n.startswith("pdf")]


# ---------------------------------------------------------------- rows out of a document

def rows_of(x) -> list[dict[str, str]]:
    """The table rows of an Extracted as {column name: value}."""
    from assistant.readers import FURNITURE, TABLE, section_of

    rows = []
    for b, after in zip(x.blocks, x.blocks[1:] + (None,)):
        if b.kind != TABLE:
            continue
        text = x.text[b.start:b.end]
        if x.format == "markdown":
            below = x.text[after.start:after.end] if after is not None and after.kind == FURNITURE else ""
            if below and set(below) <= set("|-: "):
                continue  # the header line, over its delimiter row
            header = (section_of(x, b.start) or "").rsplit(" › ", 1)[-1]
            cells = [c.strip() for c in text.strip().strip("|").split("|")]
            rows.append(dict(zip(header.split(" | "), cells)))
        else:
            pairs = (part.split(": ", 1) if ": " in part else ("", part) for part in text.split(" | "))
            rows.append({name: value for name, value in pairs})
    return rows


def rows_of_grids(grids: list[list[list[str | None]]], names: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of other tools' tables (lists of rows of cells). Generous to them: the header is
    the first row holding half the expected column names (rows above it, such as a paragraph
    taken into the table, are dropped); a table without one that is as wide as the last
    header continues that table."""
    rows, header = [], None
    for grid in grids:
        grid = [[" ".join((c or "").split()) for c in row] for row in grid]
        grid = [row for row in grid if any(row)]
        at = next((k for k, row in enumerate(grid) if 2 * len(set(row) & set(names)) >= len(names)), None)
        if at is not None:
            header, grid = grid[at], grid[at + 1:]
        elif header is None or len(grid[0] if grid else ()) != len(header):
            continue
        rows += [dict(zip(header, row)) for row in grid]
    return rows


def score(case: T.Case, rows: list[dict[str, str]]) -> dict:
    """Cells of `case` found in a row under their column's name; each expected row matched to
    the unused row sharing most cells with it."""
    left = list(range(len(rows)))
    found = total = 0
    for expected in case.rows:
        want = {n: v for n, v in zip(case.names, expected) if v}
        total += len(want)
        best = max(left, key=lambda k: sum(rows[k].get(n) == v for n, v in want.items()), default=None)
        if best is None:
            continue
        hits = sum(rows[best].get(n) == v for n, v in want.items())
        if hits:
            left.remove(best)
            found += hits
    return {"cells": total, "found": found, "accuracy": round(found / total, 3) if total else None,
            "rows_out": len(rows), "rows_expected": len(case.rows)}


# ---------------------------------------------------------------- cells and speed

def timed(fn, repeat: int) -> tuple[float, object]:
    """Median CPU seconds of this process over `repeat` calls (less moved by neighbours' load
    than wall time), and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        times.append(time.process_time() - t0)
    return statistics.median(times), out


def high_water_mb() -> float:
    """This process's peak resident set (VmHWM: unlike ru_maxrss, not carried over from the
    parent that started it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_cases(folder: Path, repeat: int, prose_pages: int) -> dict:
    from assistant.readers import read_document

    out = {}
    for name in T.CASES:
        path = T.build(name, folder)
        seconds, x = timed(lambda: read_document(path), repeat)
        out[name] = {"format": x.format, **score(T.CASES[name], rows_of(x))}
        if x.format == "pdf":
            out[name].update(pdf_speed(path, x.page_count, seconds, repeat))
    if prose_pages:  # what looking for tables costs a PDF that has none
        sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
        import fixtures_docs

        path = fixtures_docs.long_pdf(folder / "prose.pdf", prose_pages)
        seconds, x = timed(lambda: read_document(path), repeat)
        tables = sum(b.kind == "table" for b in x.blocks)
        out[f"prose-{prose_pages}"] = {"format": "pdf", "cells": 0, "found": 0, "accuracy": None,
                                       "table_rows_out": tables, **pdf_speed(path, x.page_count, seconds, repeat)}
    return out


def pdf_speed(path: Path, pages: int, seconds: float, repeat: int) -> dict:
    """Pages per CPU-second, and the same with table finding off (no lines read, no tables)."""
    from assistant.readers import pdf, read_document

    saved = pdf.find_tables, pdf._rules
    pdf.find_tables, pdf._rules = (lambda *a, **k: []), (lambda *a, **k: [])
    try:
        plain, _ = timed(lambda: read_document(path), repeat)
    finally:
        pdf.find_tables, pdf._rules = saved
    return {"pages": pages, "pages_per_s": round(pages / seconds, 1),
            "pages_per_s_without_tables": round(pages / plain, 1)}


def compare(folder: Path, repeat: int) -> dict:
    """pdfplumber and camelot-py on the PDF cases (those of them that import)."""
    tools = {}
    try:
        import pdfplumber

        def plumber(path):
            with pdfplumber.open(path) as doc:
                lines = [t for page in doc.pages for t in page.extract_tables()]
            with pdfplumber.open(path) as doc:
                text = [t for page in doc.pages for t in page.extract_tables(
                    {"vertical_strategy": "text", "horizontal_strategy": "text"})]
            return {"pdfplumber (lines)": lines, "pdfplumber (text)": text}
        tools["pdfplumber"] = plumber
    except ImportError as exc:
        print(f"pdfplumber not importable: {exc}", file=sys.stderr)
    try:
        import camelot

        def camelot_(path):
            out = {}
            for flavor in ("lattice", "stream"):
                tables = camelot.read_pdf(str(path), pages="all", flavor=flavor)
                out[f"camelot ({flavor})"] = [t.df.values.tolist() for t in tables]
            return out
        tools["camelot"] = camelot_
    except ImportError as exc:
        print(f"camelot not importable: {exc}", file=sys.stderr)
    results: dict[str, dict] = {}
    for name in PDF_CASES:
        path = folder / T.CASES[name].file
        pages = len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))
        for tool, fn in tools.items():
            seconds, grids = timed(lambda: fn(path), repeat)
            for variant, found in grids.items():
                r = score(T.CASES[name], rows_of_grids(found, T.CASES[name].names))
                r["pages_per_s"] = round(pages / seconds * len(grids), 1)  # both variants timed together
                results.setdefault(variant, {})[name] = r
    return results


# ---------------------------------------------------------------- the huge table

_LIBRARY = {"md": "markdown_it", "html": "trafilatura", "docx": "docx", "pdf": "pypdfium2"}


def huge_read(path: Path, rows: int, cols: int) -> None:
    """In a fresh child process: read the huge table made by another; print JSON figures. The
    baseline is taken after importing the format's reader and library."""
    import importlib

    from assistant.readers import read_document, reader_for

    fmt = path.suffix.lstrip(".")
    reader_for(path.suffix)
    importlib.import_module(_LIBRARY[fmt])
    before = high_water_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    x = read_document(path)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = high_water_mb()
    got = rows_of(x)
    names = ["Row"] + [f"Col {c}" for c in range(1, cols)]
    whole = sum(r == {n: H.huge_cell(i, c) for c, n in enumerate(names)} for i, r in enumerate(got, 1))
    print(json.dumps({"format": fmt, "rows": rows, "cols": cols, "mb": round(path.stat().st_size / 2**20, 1),
                      "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                      "peak_rss_mb_before_read": round(before),
                      "peak_rss_mb": round(peak), "rows_out": len(got), "rows_whole": whole,
                      "pages": x.page_count}))


def bench_huge(rows: int, cols: int) -> dict:
    """Each format's huge table, built in one child process and read in another."""
    out = {}
    root = Path(__file__).parents[1]
    with tempfile.TemporaryDirectory(prefix="tables-huge-") as tmp:
        for fmt in _LIBRARY:
            path = Path(tmp) / f"huge.{fmt}"
            code = f"from evals import huge_table as H; H.huge({fmt!r}, {str(path)!r}, {rows}, {cols})"
            subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
            proc = subprocess.run([sys.executable, "-m", "evals.tables_bench", "--huge-read", str(path),
                                   "--huge-rows", str(rows), "--huge-cols", str(cols)],
                                  capture_output=True, text=True, cwd=root)
            if proc.returncode:
                out[fmt] = {"error": proc.stderr.strip().splitlines()[-1:]}
            else:
                out[fmt] = json.loads(proc.stdout.strip().splitlines()[-1])
            path.unlink()
    return out


# ---------------------------------------------------------------- questions

def bench_answers(folder: Path) -> dict:
    from assistant import Assistant
    from assistant.embeddings import LocalEmbedder

    corpus, index = folder / "qa-corpus", folder / "qa-index"
    corpus.mkdir()
    for name in T.QA_CASES:
        shutil.copy(folder / T.CASES[name].file, corpus)
    bot = Assistant.load(corpus=corpus, index=index, generator="extractive", embedder=LocalEmbedder())
    bot.wait_until_ready()
    rows = []
    try:
        for case, question, value, column in T.QUESTIONS:
            answer = bot.ask(question)
            quoted = [c for c in answer.citations if _has(c.quote, value)]
            rows.append({"case": case, "question": question, "value": value,
                         "right": _has(answer.text, value), "grounded": bool(quoted),
                         "header_shown": any(column in f"{c.quote} {c.section or ''}" for c in quoted),
                         "source_right": any(c.source == T.CASES[case].file for c in quoted),
                         "answer": answer.text, "where": [c.where for c in answer.citations]})
    finally:
        bot.close()
    n = len(rows)
    summary = {k: round(sum(r[k] for r in rows) / n, 3) for k in ("right", "grounded", "header_shown")}
    return {"questions": n, **summary, "rows": rows}


def _has(text: str, value: str) -> bool:
    return re.search(rf"(?<![\w.,]){re.escape(value)}(?![\w]|[.,]\d)", text) is not None


# ---------------------------------------------------------------- report

def report(r: dict) -> str:
    lines = ["case                     format    cells  accuracy  pages per CPU-s  (no tables)"]
    for name, c in r["cases"].items():
        speed = f"{c['pages_per_s']:>7}  ({c['pages_per_s_without_tables']})" if "pages_per_s" in c else ""
        lines.append(f"{name:<24} {c['format']:<9} {c['found']:>3}/{c['cells']:<4} {c['accuracy']!s:>7}"
                     f"  {speed}")
    for tool, cases in r.get("compare", {}).items():
        lines.append(f"\n{tool}")
        for name, c in cases.items():
            lines.append(f"  {name:<22} {c['found']:>3}/{c['cells']:<4} {c['accuracy']!s:>7}"
                         f"  {c['pages_per_s']:>7}")
    if r.get("huge"):
        lines.append("\nhuge table   MB   seconds (CPU)  peak RSS (before read)  rows out  rows whole")
        for fmt, h in r["huge"].items():
            if "error" in h:
                lines.append(f"  {fmt:<6} error: {h['error']}")
                continue
            lines.append(f"  {fmt:<6} {h['mb']:>5} {h['seconds']:>8} ({h['cpu_seconds']})"
                         f"  {h['peak_rss_mb']:>5} MB ({h['peak_rss_mb_before_read']})"
                         f"  {h['rows_out']:>8}  {h['rows_whole']:>10}")
    if r.get("answers"):
        a = r["answers"]
        lines.append(f"\nquestions {a['questions']}: right {a['right']}, grounded {a['grounded']}, "
                     f"quote shows the header {a['header_shown']}")
        for q in a["rows"]:
            marks = "".join("x" if q[k] else "." for k in ("right", "grounded", "header_shown"))
            lines.append(f"  {marks} {q['case']:<13} {q['question'][:58]:<58} {q['where'][:1]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--prose-pages", type=int, default=300, help="pages of the prose PDF (0: none)")
    ap.add_argument("--huge-rows", type=int, default=5000)
    ap.add_argument("--huge-cols", type=int, default=20)
    ap.add_argument("--skip-qa", action="store_true")
    ap.add_argument("--skip-huge", action="store_true")
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--extra", help="a pip --target folder holding pdfplumber / camelot-py")
    ap.add_argument("--huge-read", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if args.huge_read:
        huge_read(args.huge_read, args.huge_rows, args.huge_cols)
        return {}
    if args.extra:
        sys.path.append(args.extra)  # after our own packages: the venv's numpy etc. win
    with tempfile.TemporaryDirectory(prefix="tables-bench-") as tmp:
        folder = Path(tmp)
        result: dict = {"cases": bench_cases(folder, args.repeat, args.prose_pages)}
        if args.compare:
            result["compare"] = compare(folder, args.repeat)
        if not args.skip_huge:
            result["huge"] = bench_huge(args.huge_rows, args.huge_cols)
        if not args.skip_qa:
            result["answers"] = bench_answers(folder)
    print(report(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return result


if __name__ == "__main__":
    main()
