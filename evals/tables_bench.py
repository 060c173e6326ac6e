"""Table benchmark: do tables come out as rows that keep their header, how fast, in how much
memory, and can a question about one cell be answered from its row?

    python -m evals.tables_bench                  # everything below but --compare
    python -m evals.tables_bench --skip-qa --huge-rows 1000
    python -m evals.tables_bench --compare --extra /tmp/extra   # + pdfplumber and camelot-py

From the documents of `evals/table_docs.py` (each case one table in one format, every cell known):

    cells     per case, the share of the table's non-empty cells that come out in a row under
              their column's name (rows matched to the expected rows by their cells); for
              Markdown, the names are the row's section (its table's header line)
    speed     PDF pages read per second (median of --repeat reads), and the same with table
              detection switched off: what finding tables costs
    huge      a table of --huge-rows x --huge-cols in each format, read in a child process:
              seconds, peak RSS, and whether every row came out whole with its header
    answers   the questions of `table_docs.QUESTIONS`, asked of all the cases indexed together
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
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
            if after is not None and after.kind == FURNITURE and set(x.text[after.start:after.end]) <= set("|-: "):
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
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def bench_cases(folder: Path, repeat: int) -> dict:
    from assistant.readers import pdf, read_document

    out = {}
    for name in T.CASES:
        path = T.build(name, folder)
        seconds, x = timed(lambda: read_document(path), repeat)
        out[name] = {"format": x.format, **score(T.CASES[name], rows_of(x))}
        if x.format == "pdf":
            saved = pdf.find_tables, pdf._rules
            pdf.find_tables = lambda *a, **k: []  # the same reader with table detection off
            pdf._rules = lambda *a, **k: []
            try:
                plain, _ = timed(lambda: read_document(path), repeat)
            finally:
                pdf.find_tables, pdf._rules = saved
            out[name].update(pages=x.page_count, pages_per_s=round(x.page_count / seconds, 1),
                             pages_per_s_without_tables=round(x.page_count / plain, 1))
    return out


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

def huge_child(fmt: str, rows: int, cols: int) -> None:
    """In a child process: build, then read the huge table; print JSON figures."""
    from assistant.readers import read_document

    folder = Path(tempfile.mkdtemp(prefix="tables-huge-"))
    path = T.huge(fmt, folder / f"huge.{fmt}", rows, cols)
    import assistant.readers.base  # noqa: F401  (imports counted in the baseline)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    x = read_document(path)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    got = rows_of(x)
    names = ["Row"] + [f"Col {c}" for c in range(1, cols)]
    whole = sum(r == {n: T.huge_cell(i, c) for c, n in enumerate(names)}
                for i, r in enumerate(got, 1))
    print(json.dumps({"format": fmt, "rows": rows, "cols": cols, "mb": round(path.stat().st_size / 2**20, 1),
                      "seconds": round(seconds, 2), "peak_rss_mb_before_read": round(before),
                      "peak_rss_mb": round(peak), "rows_out": len(got), "rows_whole": whole,
                      "pages": x.page_count}))


def bench_huge(rows: int, cols: int) -> dict:
    out = {}
    for fmt in ("md", "html", "docx", "pdf"):
        proc = subprocess.run([sys.executable, "-m", "evals.tables_bench", "--huge-child", fmt,
                               "--huge-rows", str(rows), "--huge-cols", str(cols)],
                              capture_output=True, text=True, cwd=Path(__file__).parents[1])
        if proc.returncode:
            out[fmt] = {"error": proc.stderr.strip().splitlines()[-1:]}
        else:
            out[fmt] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


# ---------------------------------------------------------------- questions

def bench_answers(folder: Path) -> dict:
    from assistant import Assistant
    from assistant.embeddings import LocalEmbedder

    index = Path(tempfile.mkdtemp(prefix="tables-index-"))
    bot = Assistant.load(corpus=folder, index=index, generator="extractive", embedder=LocalEmbedder())
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
    lines = ["case                     format    cells  accuracy  pages/s  (no tables)"]
    for name, c in r["cases"].items():
        speed = f"{c['pages_per_s']:>7}  ({c['pages_per_s_without_tables']})" if "pages_per_s" in c else ""
        lines.append(f"{name:<24} {c['format']:<9} {c['found']:>3}/{c['cells']:<4} {c['accuracy']:>7}  {speed}")
    for tool, cases in r.get("compare", {}).items():
        lines.append(f"\n{tool}")
        for name, c in cases.items():
            lines.append(f"  {name:<22} {c['found']:>3}/{c['cells']:<4} {c['accuracy']!s:>7}  {c['pages_per_s']:>7}")
    if r.get("huge"):
        lines.append("\nhuge table   MB   seconds  peak RSS (before read)  rows out  rows whole")
        for fmt, h in r["huge"].items():
            if "error" in h:
                lines.append(f"  {fmt:<6} error: {h['error']}")
                continue
            lines.append(f"  {fmt:<6} {h['mb']:>5} {h['seconds']:>8}  {h['peak_rss_mb']:>5} MB ({h['peak_rss_mb_before_read']})"
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
    ap.add_argument("--huge-rows", type=int, default=5000)
    ap.add_argument("--huge-cols", type=int, default=20)
    ap.add_argument("--skip-qa", action="store_true")
    ap.add_argument("--skip-huge", action="store_true")
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--extra", help="a pip --target folder holding pdfplumber / camelot-py")
    ap.add_argument("--huge-child", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if args.huge_child:
        huge_child(args.huge_child, args.huge_rows, args.huge_cols)
        return {}
    if args.extra:
        sys.path.append(args.extra)  # after our own packages: the venv's numpy etc. win
    folder = Path(tempfile.mkdtemp(prefix="tables-bench-"))
    result: dict = {"cases": bench_cases(folder, args.repeat)}
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
