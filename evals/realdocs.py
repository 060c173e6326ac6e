"""Answer quality on real documents made by other people: typeset PDF manuals, web pages
printed to PDF by Chromium, HTML reference pages and FAQs, licences, Markdown READMEs.

    python -m evals.realdocs -g local,extractive                 # every question, both backends
    python -m evals.realdocs -g extractive --split tune          # choose thresholds on `tune` only
    python -m evals.realdocs -g extractive --split report --label after-x

The sibling of evals/everyday.py, whose documents the project wrote itself. Sixteen files taken
unchanged from public Debian and PyPI packages (evals/realdocs/docs/, origins and licences in
evals/realdocs/SOURCES.md) and questions asked as users ask them (evals/realdocs/questions.jsonl):
answerable ones of many kinds (numbers, options and flags, names, versions, yes/no, reasons,
definitions), many of them answered under an FAQ's question line, and look-alikes, each a copy
of an answerable question with one term changed to something its document never states.

The split is by document, not by question: each document is `tune` or `report` (the `split`
field of its questions), so thresholds chosen on `tune` never saw a `report` document.

Scored with evals.everyday's own functions (right, grounded, false abstentions, look-alike
abstentions, precision, cut quotes), plus what real files bring: *label answers*, answers that
cite a question line or a heading as if it were the answer (a quote ending in "?", or lying
inside a heading of the document), and *lost* questions, whose answer the project's readers do
not give (the `lost` field says what happens to it; such a question stays, to show the loss).
The index is kept in evals/results/realdocs-index-<embedder>/ (git-ignored, reused).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from . import everyday, squad

HERE = Path(__file__).parent / "realdocs"
DOCS = HERE / "docs"
QUESTIONS = HERE / "questions.jsonl"
RESULTS = Path(__file__).parent / "results"
DOC_SPLITS = ("tune", "report")  # each document is in one
SPLITS = ("all",) + DOC_SPLITS


@dataclass(frozen=True)
class Question(everyday.Question):
    """An everyday question with what real documents add."""

    split: str = "report"  # of its document: "tune" or "report"
    faq: bool = False  # the answer sits under a question line (an FAQ entry)
    lost: str | None = None  # how the readers lose the evidence; the answer is not in their text
    read_as: str | None = None  # what the readers give in its place (verbatim), if anything
    note: str | None = None  # anything else about the evidence as read


def parsed_lines(path: Path, make: Callable[[dict], object], fields: str) -> list:
    """`make(record)` for each non-blank JSON line of `path`. A line that is not JSON, or that
    `make` refuses (ValueError, TypeError, KeyError), is a ValueError naming the line and where
    its fields are described (`fields`)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(make(json.loads(line)))
            except (ValueError, TypeError, KeyError) as exc:
                raise ValueError(f"{path.name} line {n} is not a question ({exc}); "
                                 f"fix the line, see {fields} for the fields") from exc
    return out


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    return parsed_lines(path, _question, "evals/realdocs.py")


def _question(r: dict) -> Question:
    q = Question(**{**r, "answers": tuple(r.get("answers", ()))})
    if q.split not in DOC_SPLITS:
        raise ValueError(f"split must be one of {DOC_SPLITS}. Currently, split is {q.split!r}")
    return q


def select(questions: list[Question], split: str = "all") -> list[Question]:
    """The questions of the `tune` or `report` documents, or all of them."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}. Currently, split is {split!r}")
    return [q for q in questions if split == "all" or q.split == split]


def document_splits(questions: list[Question]) -> dict[str, str]:
    """Each document's split; ValueError when a document's questions disagree."""
    out: dict[str, str] = {}
    for q in questions:
        if out.setdefault(q.doc, q.split) != q.split:
            raise ValueError(f"{q.doc} is in both splits (question {q.id} says {q.split!r}); "
                             "a document's questions must share its split")
    return out


# ---------------------------------------------------------------- reading the documents

@lru_cache(maxsize=None)
def read(name: str, corpus: Path = DOCS):
    """The document as the assistant reads it into its corpus (text and classified spans)."""
    from assistant.corpus import read_file

    doc, why = read_file(Path(corpus) / name, name)
    if doc is None:
        raise ValueError(f"{name} cannot be read by the assistant: {why}")
    return doc


# ---------------------------------------------------------------- question lines and headings

_TRAILING = "\u00b6 \t\n\"'\u201d\u2019)]*_"  # pilcrows (Sphinx), closing quotes, emphasis


def label_of(doc, start: int, end: int) -> str | None:
    """"question" when text[start:end] ends in a question mark, "heading" when it lies inside a
    heading of the document (a headline span, or a line underlined with === or ---), else None.
    A quote of either kind names a topic; it does not answer one."""
    from assistant.types import HEADLINE

    text = doc.text
    quote = text[start:end].strip()
    if not quote:
        return None
    if quote.rstrip(_TRAILING).endswith("?"):
        return "question"
    a = start + len(text[start:end]) - len(text[start:end].lstrip())
    b = a + len(quote)
    if any(s.kind == HEADLINE and s.start <= a and b <= s.end for s in doc.spans):
        return "heading"
    line_start, line_end = text.rfind("\n", 0, a) + 1, text.find("\n", b)
    whole_line = (line_end >= 0 and not text[line_start:a].strip()
                  and not text[b:line_end].strip() and "\n" not in quote)
    under = text[line_end + 1:].split("\n", 1)[0].strip() if whole_line else ""
    return "heading" if len(under) >= 3 and set(under) <= set("=-") else None


def annotate(row: dict, q: Question, doc_of: Callable[[str], object]) -> dict:
    """An everyday row with the question's split and flags, and each quote's label."""
    labels = []
    for x in row["quotes"]:
        label = label_of(doc_of(x["source"]), x["start"], x["end"]) if x["located"] else None
        x["label"] = label
        labels.append(label)
    row.update(split=q.split, faq=q.faq, lost=bool(q.lost),
               label_quotes=sum(bool(x) for x in labels),
               label_answer=not row["abstained"] and any(labels))
    return row


# ---------------------------------------------------------------- scoring

def summarise(rows: list[dict]) -> dict:
    """everyday.summarise, plus label answers, FAQ and lost questions, and a part per document."""
    out = everyday.summarise(rows)
    yes = [r for r in rows if r["answerable"]]
    readable = [r for r in yes if not r.get("lost")]
    faq = [r for r in yes if r.get("faq")]
    out.update(
        label_answers=sum(r.get("label_answer", False) for r in rows),
        label_quotes=sum(r.get("label_quotes", 0) for r in rows),
        lost_n=len(yes) - len(readable),
        grounded_readable=_rate(readable, "grounded"),
        faq_n=len(faq), faq_grounded=_rate(faq, "grounded"),
        by_doc={doc: _doc_part(rs) for doc, rs in _by_doc(rows).items()})
    return out


def _rate(rows: list[dict], key: str) -> float:
    return sum(bool(r[key]) for r in rows) / len(rows) if rows else float("nan")


def _by_doc(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r["doc"]].append(r)
    return dict(sorted(out.items()))


def _doc_part(rows: list[dict]) -> dict:
    yes = [r for r in rows if r["answerable"]]
    no = [r for r in rows if not r["answerable"]]
    answered = [r for r in rows if not r["abstained"]]
    return {"split": rows[0].get("split"), "answerable_n": len(yes), "lookalike_n": len(no),
            "right": _rate(yes, "right"), "grounded": _rate(yes, "grounded"),
            "false_abstain": _rate(yes, "abstained"), "lookalike_abstain": _rate(no, "abstained"),
            "precision": (sum(r["grounded"] for r in answered) / len(answered)
                          if answered else float("nan")),
            "quotes": sum(len(r["quotes"]) for r in rows),
            "cut_quotes": sum(r["cut"] for r in rows),
            "label_answers": sum(r.get("label_answer", False) for r in rows),
            "lost_n": sum(bool(r.get("lost")) for r in yes)}


# ---------------------------------------------------------------- running

def index_dir(embedder) -> Path:
    return squad.index_dir(embedder, "realdocs")


def ask_all(bot, questions: list[Question], log: Callable[[str], None] = lambda m: None,
            corpus: Path = DOCS) -> list[dict]:
    """everyday.ask_all's rows (its scoring), each annotated with labels and flags."""
    rows = everyday.ask_all(bot, questions, log)
    by_id = {q.id: q for q in questions}
    return [annotate(row, by_id[row["id"]], lambda name: read(name, corpus)) for row in rows]


def run(generators: list[str], questions: list[Question], embedder=None, llm=None,
        corpus: Path = DOCS, index: Path | None = None,
        log: Callable[[str], None] = lambda m: None) -> dict:
    """Per generator: the summary and the per-question rows."""
    embedder = embedder or squad._local_embedder()
    return squad.per_backend(generators, embedder, llm, corpus, index or index_dir(embedder),
                             lambda bot: ask_all(bot, questions, log, corpus), summarise)


# ---------------------------------------------------------------- tables

def _f(value) -> str:
    return "–" if value != value else f"{value:.3f}"  # NaN: no question of that kind


def table(result: dict) -> str:
    """everyday's table, then what real documents add."""
    gens = list(result)
    lines = [everyday.table(result)]
    lines.append("| answers quoting a question line or heading | " + " | ".join(
        str(result[g]["label_answers"]) for g in gens) + " |")
    lines.append(f"| grounded: FAQ answers (n={result[gens[0]]['faq_n']}) | "
                 + " | ".join(_f(result[g]["faq_grounded"]) for g in gens) + " |")
    lost = result[gens[0]]["lost_n"]
    kept = result[gens[0]]["answerable_n"] - lost
    lines.append(f"| grounded: answer not lost by the readers (n={kept}, {lost} lost) | "
                 + " | ".join(_f(result[g]["grounded_readable"]) for g in gens) + " |")
    return "\n".join(lines)


DOC_COLUMNS = [("right", "right"), ("grounded", "grounded"), ("false abst.", "false_abstain"),
               ("look-alike abst.", "lookalike_abstain"), ("precision", "precision")]


def doc_table(result: dict, generator: str) -> str:
    parts = result[generator]["by_doc"]
    head = ("| document | split | n | " + " | ".join(c for c, _ in DOC_COLUMNS)
            + " | cut quotes | label answers | lost |")
    lines = [head, "|---|---|---:|" + "---:|" * (len(DOC_COLUMNS) + 3)]
    for doc, p in parts.items():
        cells = " | ".join(_f(p[k]) for _, k in DOC_COLUMNS)
        lines.append(f"| {doc} | {p['split']} | {p['answerable_n']}+{p['lookalike_n']} | {cells} | "
                     f"{p['cut_quotes']} of {p['quotes']} | {p['label_answers']} | {p['lost_n']} |")
    return "\n".join(lines)


def label_list(result: dict) -> list[str]:
    out = []
    for gen, r in result.items():
        out += [f"## {gen}: answers quoting a question line or heading", ""]
        out += [f"- `{row['id']}` ({x['label']}) {row['question']} → “{x['quote'][:140]}”"
                for row in r["rows"] for x in row["quotes"] if x.get("label")] or ["- none"]
        out.append("")
    return out


def markdown(result: dict, meta: dict) -> str:
    out = [f"# Real documents: {meta['label']}", "",
           f"{meta['when']}, split {meta['split']}, {meta['seconds'] / 60:.1f} min.", "",
           table(result), ""]
    for gen in result:
        out += [f"## {gen}: per document", "", doc_table(result, gen), ""]
    return "\n".join(out + label_list(result) + everyday.failures(result))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.realdocs", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-g", "--generators", default="local,extractive")
    ap.add_argument("--split", choices=SPLITS, default="all")
    ap.add_argument("--label", default=None)
    args = ap.parse_args(argv)
    questions = select(load_questions(), args.split)
    gens = [g.strip() for g in args.generators.split(",") if g.strip()]
    t0 = time.perf_counter()
    result = run(gens, questions, log=lambda m: print(m, file=sys.stderr, flush=True))
    label = args.label or args.split
    meta = {"label": label, "split": args.split, "when": time.strftime("%Y-%m-%d %H:%M"),
            "seconds": round(time.perf_counter() - t0, 1)}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"realdocs-{label}"
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": result}, indent=2,
                                                   ensure_ascii=False), encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(result, meta), encoding="utf-8")
    print(table(result))
    print(f"\nwritten to {out}.json and {out}.md")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
