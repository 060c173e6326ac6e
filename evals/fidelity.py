"""Reading fidelity: how faithfully the readers turn real files into indexed text.

    python -m evals.fidelity                      # every file of evals/fidelity/manifest.jsonl
    python -m evals.fidelity --files '*.pdf'      # names matching a glob
    python -m evals.fidelity --repeat 1           # one read per file (the rate is then rougher)

Each file of the set (evals/fidelity/: real files from public packages and real producers, see
SOURCES.md) is read with `assistant.readers.read_document`; its body text (every block whose
kind is not "furniture", in order) is compared with the file's reference text, and the command
prints a table per file, per group (format, and for PDFs the producer: typeset, Chromium,
LibreOffice) and pooled, and writes evals/results/fidelity.json.

What is measured, exactly:
- Words: NFKC, casefold, typographic quotes and dashes made plain, split at whitespace, at
  brackets, = , ; < > * | " ` and at "_" (LaTeX draws an underscore as a rule), punctuation
  stripped at each word's edges; empty words dropped ("secrets.choice(sequence)" is
  "secrets.choice" "sequence"; "3.2.Changed" stays one word: blocks glued together). A table
  row names each value by its column ("Directory: bin | Description: …", readers/tables.py),
  where the reference holds the header once: in a run of table blocks, a column's name counts
  once, before the first row's values, where a header row stands. Recall = |ref ∩ got| / |ref| and precision = |ref ∩ got| / |got| over the
  multisets of words; extra words matching the file's `ignore_extra` regex (e.g. the page
  numbers of a printed table of contents) are left out of |got|.
- Out of order: the share of reference words found in the bag but not in the in-order
  alignment: (|ref ∩ got| - aligned) / |ref|, where `aligned` is the total size of the matching
  blocks difflib.SequenceMatcher(autojunk=False) finds between the two word sequences (its
  longest-block-first matching: deterministic, and close to, though not always equal to, the
  longest common subsequence; it never counts a word in order that is not). A moved
  paragraph counts its words; a dropped word counts in recall only. Passages whose place is a
  layout convention (footnotes, a figure: the manifest's `floats`) are taken out of both
  sequences first, wherever the reader put them.
- Doubled-letter runs: a body token (whitespace-split, casefolded) that is not in the reference
  and whose first k >= 2 characters repeat at once ("trtrust") or whose last k >= 2 characters
  repeat ("slipway.y."), the run starting with a letter or digit, when removing that one repeat
  gives a word of the reference.
- Furniture left in: for files whose manifest lists running header/footer lines per page, the
  pages where one of them is found in the body blocks of that page (a line of 30 characters or
  more anywhere in the page's body text, white space aside, or its first 12 characters (a part
  left in: "12/6/26, 4:38" of a print's header); a shorter one, a page number or a chapter's title say,
  as a whole line of a body block, or at the very start of the page's first or the end of its
  last body block).
- Title and date: right (the manifest's value or one it accepts), absent (None), or wrong.
Formats without a reader today are reported as "unsupported", never as a crash. A file whose
manifest line has no reference ("ref": null) is measured for all but the word figures.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .fidelity_metrics import (  # noqa: F401 (the metrics are also used from here, by tests)
    body_text, doubled_runs, furniture_left, header_once_text, judge, plain, word_scores, words)

SET_DIR = Path(__file__).with_name("fidelity")
MANIFEST = SET_DIR / "manifest.jsonl"
RESULTS = Path(__file__).with_name("results")


@dataclass(frozen=True)
class Item:
    """One file of the set, as its manifest line describes it."""

    name: str
    path: Path
    ref: Path | None
    format: str
    producer: str
    title: str | None = None
    titles_accepted: tuple[str, ...] = ()
    date: str | None = None
    dates_accepted: tuple[str, ...] = ()
    furniture: tuple[tuple[int, tuple[str, ...]], ...] = ()
    ignore_extra: str | None = None
    floats: tuple[tuple[str, ...], ...] = ()
    split: str = "report"

    @property
    def group(self) -> str:
        if self.format != "pdf":
            return self.format
        producer = self.producer.lower()
        kind = next((k for k in ("chromium", "libreoffice", "typeset") if k in producer), "other")
        return f"pdf-{kind}"


def load_manifest(path: Path = MANIFEST, pattern: str | None = None) -> list[Item]:
    """The set's files (those whose name matches `pattern`, a glob, when given)."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            item = Item(name=row["name"], path=path.parent / row["file"],
                        ref=path.parent / row["ref"] if row["ref"] else None,
                        format=row["format"],
                        producer=row["producer"], title=row.get("title"),
                        titles_accepted=tuple(row.get("titles_accepted") or ()),
                        date=row.get("date"), dates_accepted=tuple(row.get("dates_accepted") or ()),
                        furniture=tuple(sorted((int(p), tuple(lines)) for p, lines
                                               in (row.get("furniture") or {}).items())),
                        ignore_extra=row.get("ignore_extra"),
                        floats=_floats(path.parent, row.get("floats")),
                        split=row.get("split", "report"))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: bad manifest line ({exc}); each line needs name, "
                             "file, ref, format and producer") from exc
        if pattern is None or fnmatch.fnmatch(item.name, pattern):
            items.append(item)
    return items


def _floats(folder: Path, name: str | None) -> tuple[tuple[str, ...], ...]:
    if not name:
        return ()
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return tuple(tuple(words(line)) for line in lines if line.strip())


# ---------------------------------------------------------------- one file, the set

def measure(item: Item, repeat: int = 3) -> dict:
    """One file's figures; status "unsupported" (no reader for its format) or "error" (the
    reader raised) instead of figures when it cannot be read."""
    from assistant.readers import ReadError, read_document, supported_suffixes

    row = {"name": item.name, "format": item.format, "group": item.group, "split": item.split}
    if item.path.suffix.lower() not in supported_suffixes():
        return {**row, "status": "unsupported"}
    raw = item.path.read_bytes()
    seconds = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        try:
            doc = read_document(item.path, raw)
        except ReadError as exc:
            return {**row, "status": "error", "error": str(exc)}
        seconds.append(time.perf_counter() - t0)
    figures = _word_figures(item, body_text(doc), header_once_text(doc))
    return {**row, "status": "read", **figures,
            "furniture": furniture_left(doc, item.furniture),
            "title": judge(doc.title, item.title, item.titles_accepted), "title_read": doc.title,
            "date": judge(doc.date, item.date, item.dates_accepted), "date_read": doc.date,
            "pages": doc.page_count, "seconds": statistics.median(seconds)}


def _word_figures(item: Item, body: str, scored: str) -> dict:
    if item.ref is None:
        return {"recall": None, "precision": None, "out_of_order": None, "doubled": None}
    ref_words = words(item.ref.read_text(encoding="utf-8"))
    doubled = doubled_runs(body, set(ref_words))
    return {**word_scores(ref_words, words(scored), item.ignore_extra, item.floats),
            "doubled": len(doubled),
            "doubled_examples": doubled[:10]}


def pool(rows: list[dict]) -> dict:
    """Figures over several files: word counts summed (micro-averaged), counts added."""
    read = [r for r in rows if r["status"] == "read"]
    worded = [r for r in read if r["recall"] is not None]
    out = {"files": len(rows), "read": len(read),
           "unsupported": sum(r["status"] == "unsupported" for r in rows),
           "errors": sum(r["status"] == "error" for r in rows)}
    if not read:
        return out
    ref = sum(r["ref_words"] for r in worded)
    got = sum(r["got_words"] - r["ignored_extra"] for r in worded)
    matched = sum(r["matched"] for r in worded)
    pages = sum(r["furniture"]["pages"] for r in read if r["furniture"]["left_in"] is not None)
    left = sum(r["furniture"]["left_in"] or 0 for r in read)
    seconds = sum(r["seconds"] for r in read)
    paged = [r for r in read if r.get("pages")]
    out.update({"recall": matched / ref if ref else None,
                "precision": matched / got if got else None,
                "out_of_order": (sum(r["out_of_order_words"] for r in worded) / ref
                                 if ref else None),
                "doubled": sum(r["doubled"] for r in worded) if worded else None,
                "furniture_pages": pages, "furniture_left_in": left,
                "furniture_clean": 1 - left / pages if pages else None,
                "title": dict(Counter(r["title"] for r in read)),
                "date": dict(Counter(r["date"] for r in read)),
                "files_per_s": len(read) / seconds if seconds else None,
                "pages_per_s": (sum(r["pages"] for r in paged) / sum(r["seconds"] for r in paged)
                                if paged and sum(r["seconds"] for r in paged) else None)})
    return out


def run(items: list[Item], repeat: int = 3, log=None) -> dict:
    rows = []
    for item in items:
        rows.append(measure(item, repeat))
        if log:
            log(f"{item.name}: {rows[-1]['status']}")
    groups = sorted({r["group"] for r in rows})
    return {"files": rows, "groups": {g: pool([r for r in rows if r["group"] == g])
                                      for g in groups},
            "pooled": pool(rows)}


# ---------------------------------------------------------------- tables

def _f(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _counts(c: dict) -> str:
    return " ".join(f"{k} {c[k]}" for k in ("right", "absent", "wrong") if c.get(k)) or "–"


def file_table(rows: list[dict]) -> str:
    lines = ["| file | group | recall | precision | out of order | doubled | furniture left "
             "(pages) | title | date | s |", "|---|---|---:|---:|---:|---:|---:|---|---|---:|"]
    for r in rows:
        if r["status"] != "read":
            lines.append(f"| {r['name']} | {r['group']} | {r['status']} |  |  |  |  |  |  |  |")
            continue
        fur = r["furniture"]
        left = "–" if not fur["pages"] else f"{_f(fur['left_in'], 0)}/{fur['pages']}" \
            if fur["left_in"] is not None else f"n/a/{fur['pages']}"
        lines.append(f"| {r['name']} | {r['group']} | {_f(r['recall'])} | {_f(r['precision'])} "
                     f"| {_f(r['out_of_order'])} | {_f(r['doubled'], 0)} | {left} | {r['title']} "
                     f"| {r['date']} | {_f(r['seconds'], 2)} |")
    return "\n".join(lines)


def group_table(groups: dict, pooled: dict) -> str:
    lines = ["| group | files (read) | recall | precision | out of order | doubled | furniture "
             "clean | titles | dates | files/s | pages/s |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|"]
    for name, g in [*groups.items(), ("all", pooled)]:
        if not g["read"]:
            lines.append(f"| {name} | {g['files']} (0: {g['unsupported']} unsupported, "
                         f"{g['errors']} errors) |  |  |  |  |  |  |  |  |  |")
            continue
        lines.append(f"| {name} | {g['files']} ({g['read']}) | {_f(g['recall'])} "
                     f"| {_f(g['precision'])} | {_f(g['out_of_order'])} | {_f(g['doubled'], 0)} "
                     f"| {_f(g['furniture_clean'])} | {_counts(g['title'])} "
                     f"| {_counts(g['date'])} | {_f(g['files_per_s'], 1)} "
                     f"| {_f(g['pages_per_s'], 1)} |")
    return "\n".join(lines)


def _readers_version() -> str:
    """Where the measured readers come from: their folder, and its git commit when it has one
    (with "+ changes" when assistant/readers differs from it)."""
    import subprocess

    import assistant.readers as readers

    folder = Path(readers.__file__).resolve().parent
    try:
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "."],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(folder)
    return f"{folder} @ {head}{' + changes' if dirty else ''}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.fidelity", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", help="only files whose name matches this glob ('*.pdf')")
    ap.add_argument("--repeat", type=int, default=3, help="reads per file; the median times")
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--out", type=Path, default=RESULTS / "fidelity.json")
    args = ap.parse_args(argv)
    items = load_manifest(args.manifest, args.files)
    if not items:
        print(f"no file of {args.manifest} matches {args.files!r}", file=sys.stderr)
        return 2
    report = run(items, args.repeat, log=lambda m: print(m, file=sys.stderr, flush=True))
    report["meta"] = {"when": time.strftime("%Y-%m-%d %H:%M"), "manifest": str(args.manifest),
                      "files": args.files, "repeat": args.repeat, "readers": _readers_version()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(file_table(report["files"]), "", group_table(report["groups"], report["pooled"]),
          f"\nwritten to {args.out}", sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
