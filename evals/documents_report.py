"""What `python -m evals.documents_bench` writes and prints: the result file, the table, and
the index time extrapolated for text sizes not run with MiniLM."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def extrapolate(results: dict, mb: float) -> dict | None:
    """MiniLM index time of a text size not run with the model: seconds per text of the largest
    MiniLM text case, times the text count of that size (from its hashing case)."""
    runs = [r for r in results.values() if r["case"].startswith("text-") and r.get("raw_rate")]
    counted = results.get(f"hashing-{mb:g}")
    if not runs or not counted:
        return None
    big = max(runs, key=lambda r: r["embedded"])
    per_text = big["index_s"] / big["embedded"]
    raw_per_text = 1 / big["raw_rate"]
    return {"mb": mb, "from_case": big["case"], "texts": counted["embedded"],
            "index_s": per_text * counted["embedded"],
            "raw_s": raw_per_text * counted["embedded"], "ratio": big["ratio"],
            "rss_note": "peak RSS measured with the hashing embedder at this size, plus the "
                        "model's share measured at the largest MiniLM size"}


ROWS = (  # (label, the cell of a case)
    ("embedder", lambda r: r["embedder"]),
    ("input", lambda r: r.get("input", "")),
    ("files / pages", lambda r: f"{r['files']}" + (f" / {r['pages']}" if r.get("pages") else "")),
    ("documents indexed / skipped", lambda r: f"{r['documents']} / {r['skipped']}"),
    ("chunks / sentences", lambda r: f"{r['chunks']:,} / {r['sentences']:,}"),
    ("index s (Assistant.load)", lambda r: f"{r['index_s']:.1f}"),
    ("  in embed s", lambda r: f"{r['in_embed_s']:.1f}"),
    ("  outside embed s", lambda r: f"{r['outside_embed_s']:.1f}"),
    ("texts embedded/s", lambda r: f"{r['rate']:.1f}"),
    ("raw texts/s (same texts)", lambda r: f"{r['raw_rate']:.1f} ({r['raw_texts']:,})" if r.get("raw_rate") else "n/a"),
    ("  raw before / after", lambda r: " / ".join(f"{x['raw_texts'] / x['raw_s']:.1f}" for x in r["raw"])),
    ("ratio (wall)", lambda r: f"{r['ratio']:.2f}" if r.get("ratio") else "n/a"),
    ("ratio (CPU time)", lambda r: f"{r['cpu_ratio']:.2f}" if r.get("cpu_ratio") else "n/a"),
    ("share of index in embed calls", lambda r: f"{r['in_embed_s'] / r['index_s']:.3f}"),
    ("chunks/s", lambda r: f"{r['chunks_per_s']:.1f}"),
    ("parse: pages/s", lambda r: f"{r['pages_per_s']:.0f}" if r["case"] == "pdf" else ""),
    ("parse: files/s", lambda r: f"{r['files_per_s']:.1f}"),
    ("indexed files/s", lambda r: f"{r['files_indexed_per_s']:.2f}"),
    ("peak RSS MB", lambda r: f"{r['peak_rss_mb']:.0f}"),
    ("RSS after model MB", lambda r: f"{r['rss_after_model_mb']:.0f}"),
    ("first progress s", lambda r: f"{r['first_progress_s']:.0f}" if r.get("first_progress_s") else "-"),
    ("load avg start/end", lambda r: f"{r['loadavg_start'][0]:.1f}/{r['loadavg_end'][0]:.1f}"),
)


def table(results: dict, extrapolated: list[dict]) -> str:
    """The cases side by side as Markdown, then a line per extrapolated size."""
    cols = list(results.values())
    lines = ["| | " + " | ".join(r["case"] for r in cols) + " |",
             "|---|" + "---:|" * len(cols)]
    for label, fmt in ROWS:
        cells = []
        for r in cols:
            try:
                cells.append(fmt(r))
            except (KeyError, TypeError):
                cells.append("n/a")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for e in extrapolated:
        lines.append(
            f"\nEXTRAPOLATED, not run with MiniLM: {e['mb']:g} MB text ({e['texts']:,} texts): "
            f"index ~{e['index_s'] / 60:.0f} min at the {e['from_case']} rate "
            f"(raw encoding alone ~{e['raw_s'] / 60:.0f} min; ratio {e['ratio']:.2f})")
    return "\n".join(lines)


def save(out: Path, results: dict, extrapolated: list, argv) -> None:
    """The result file: when, the CPUs, every case, the extrapolations, the arguments."""
    report = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": len(os.sched_getaffinity(0)),
              "cases": results, "extrapolated": extrapolated,
              "argv": sys.argv[1:] if argv is None else argv}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

