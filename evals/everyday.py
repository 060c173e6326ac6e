"""Answer quality on everyday documents: wrapped text, Markdown, PDFs, Word, saved web pages.

    python -m evals.everyday -g local,extractive              # every question, both backends
    python -m evals.everyday -g extractive --split tune       # choose thresholds on `tune` only
    python -m evals.everyday -g local --split report --label after-x
    python -m evals.everyday --rescore evals/results/everyday-x.json --label x-rescored

Ten documents written for this benchmark (evals/everyday/docs/, ten unrelated subjects, every
format the readers take; the PDFs and the .docx are built by evals/everyday/make_docs.py) and
questions asked as users ask them (evals/everyday/questions.jsonl): answerable ones of many
kinds (money in many currencies, percentages, quantities, clock times, dates, durations, names,
roles, reasons, yes/no) and look-alikes the documents do not answer, each a copy of an
answerable question with one term changed. Only the public API is used (`Assistant.load`,
`ask`, `Answer.text/abstained/citations`, `source_text`), so any version of the assistant can
be scored and compared.

Scores: *right* (an `answers` item in the normalised answer), *grounded* (right, and an
`answers` item inside a cited quote), false abstentions, look-alike abstentions, precision
(grounded / every answer that did not abstain) and *cut quotes*: cited quotes that start or end
mid-sentence, judged on the document's own text around the quote's offsets (see `quote_cuts`).
The index is kept in evals/results/everyday-index-<embedder>/ (git-ignored, reused).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from . import squad

HERE = Path(__file__).parent / "everyday"
DOCS = HERE / "docs"
QUESTIONS = HERE / "questions.jsonl"
RESULTS = Path(__file__).parent / "results"
SPLITS = ("all",) + squad.SPLITS


@dataclass(frozen=True)
class Question:
    id: str
    doc: str  # its document's file name in DOCS
    question: str
    kind: str  # money, percent, ..., or "lookalike"
    answerable: bool
    answers: tuple[str, ...] = ()  # alternatives: any one in the answer is right
    evidence: str = ""  # verbatim (up to whitespace) from the document, holding an answer
    lookalike_of: str | None = None  # for a look-alike: the answerable question it mimics
    missing: str | None = None  # for a look-alike: the term the document does not state


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                r = json.loads(line)
                out.append(Question(**{**r, "answers": tuple(r.get("answers", ()))}))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{path.name} line {n} is not a question ({exc}); "
                                 "fix the line, see evals/everyday.py for the fields") from exc
    return out


def select(questions: list[Question], split: str = "all") -> list[Question]:
    """The questions of one half of the documents (by a hash of the document's name), or all."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}. Currently, split is {split!r}")
    return [q for q in questions if split == "all" or squad.split_of_document(q.doc) == split]


# ---------------------------------------------------------------- matching answers

_CITATION_MARK = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_STRAIGHTEN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
                             "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                             "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                             "\u2014": "-", "\u2015": "-", "\u2212": "-"})
_NEGATION = re.compile(r"(?:\bnot|\bno|n't)\s*$")


def normalise(text: str) -> str:
    """NFKC, lower case, curly quotes and dashes straightened, citation markers dropped,
    whitespace collapsed. Punctuation stays: "07:10", "0710" and "7:10" are different answers,
    and "2,400" and "12.50" are left as written (list each form a right answer may take)."""
    text = unicodedata.normalize("NFKC", _CITATION_MARK.sub(" ", text)).lower()
    return " ".join(text.translate(_STRAIGHTEN).split())


def _pattern(gold: str) -> re.Pattern:
    """`gold` as a whole token run: "7:10" is not in "17:10" or "07:10", "12%" not in "2.12%"."""
    head = r"(?<![^\W_])(?<!\d[.,:])" if gold[:1].isalnum() else ""
    tail = r"(?![^\W_])(?![.,:]\d)" if gold[-1:].isalnum() else ""
    return re.compile(head + re.escape(gold) + tail)


def contains(text: str, answers: tuple[str, ...]) -> bool:
    """An answer appears in the text, both normalised, and is not negated right before it
    ("not included" does not state "included"), unless the answer is itself a negation."""
    hay = normalise(text)
    for gold in filter(None, map(normalise, answers)):
        negative = bool(re.match(r"(not|no)\b|\w+n't\b", gold))
        for m in _pattern(gold).finditer(hay):
            if negative or not _NEGATION.search(hay[:m.start()]):
                return True
    return False


# ---------------------------------------------------------------- cut quotes

_CLOSERS = "\"'\u201d\u2019)]"
_END_PUNCT = re.compile(rf"[.!?\u2026:][{re.escape(_CLOSERS)}]*$")
_AFTER_SENTENCE = re.compile(rf"[.!?\u2026][{re.escape(_CLOSERS)}]*\s+$")
_MARKER = r"(?:#{1,6}[ \t]+|[-*+\u2022][ \t]+|\d+[.)][ \t]+|\|[ \t]*)"
_STRUCTURAL = re.compile(rf"[ \t]*(?:#{{1,6}}[ \t]|[-*+\u2022][ \t]|\d+[.)][ \t]|\|)")


def _lines_around(text: str, offset: int) -> tuple[str, str, str]:
    """(the line before the one holding offset, that line, the line after)."""
    a = text.rfind("\n", 0, offset) + 1
    b = text.find("\n", offset)
    b = len(text) if b < 0 else b
    prev_start = text.rfind("\n", 0, max(a - 1, 0)) + 1 if a else a
    nxt_end = text.find("\n", b + 1)
    nxt = text[b + 1:len(text) if nxt_end < 0 else nxt_end] if b < len(text) else ""
    return (text[prev_start:a - 1] if a else ""), text[a:b], nxt


def _width(text: str) -> int:
    """The wrap width of the text: its longest line that is not a table row."""
    return max((len(x) for x in text.splitlines() if not x.lstrip().startswith("|")), default=0)


def _hard_break(line: str, nxt: str, width: int) -> bool:
    """The break after `line` is the writer's, not a wrap: the next line is blank, starts a
    heading, list item or table row, `line` is a heading or row itself, or the next line's
    first word would have fitted on `line`."""
    if not nxt.strip() or _STRUCTURAL.match(nxt) or re.match(r"[ \t]*(#|\|)", line):
        return True
    return len(line.rstrip()) + 1 + len(nxt.split()[0]) <= width


def quote_cuts(text: str, start: int, end: int) -> tuple[bool, bool]:
    """(starts mid-sentence, ends mid-sentence) for text[start:end], judged on the text alone.

    A start is whole at the start of the text, after a blank line, after sentence-final
    punctuation (and closing quotes) and whitespace, or at the start of a line (after an
    optional heading, list or table marker) whose line break is a hard one. An end is whole
    when the quote ends in . ! ? … or : (and closing quotes), or at a paragraph end (blank
    line or end of text), or at the end of a line whose break is hard (a heading, list item or
    table row line ends there). A line break inside a wrapped paragraph is never a boundary."""
    quote = text[start:end]
    start += len(quote) - len(quote.lstrip())
    end -= len(quote) - len(quote.rstrip())
    width = _width(text)
    before, after = text[:start], text[end:]
    start_whole = (not before.strip() or bool(re.search(r"\n[ \t]*\n[ \t]*$", before))
                   or bool(_AFTER_SENTENCE.search(before)))
    if not start_whole and re.search(rf"(?:^|\n)[ \t]*{_MARKER}?$", before):
        prev, line, _ = _lines_around(text, start)
        start_whole = bool(re.match(rf"[ \t]*{_MARKER}", line)) or _hard_break(prev, line, width)
    end_whole = bool(_END_PUNCT.search(text[start:end])) or not after.strip() or bool(
        re.match(r"[ \t]*\n[ \t]*\n", after))
    if not end_whole and re.match(r"[ \t]*(?:\|[ \t]*)?(?:\n|$)", after):
        _, line, nxt = _lines_around(text, end)
        end_whole = _hard_break(line, nxt, width)
    return not start_whole, not end_whole


# ---------------------------------------------------------------- scoring

def score(q: Question, answer, source_text: Callable[[str], str]) -> dict:
    """One question's row: the answer, its verdicts and its cited quotes (with cut marks)."""
    quotes = []
    for c in answer.citations:
        at = source_text(c.source)[c.start:c.end]
        verbatim = at == c.quote  # a quote that differs only in whitespace is still judged
        located = verbatim or at.split() == c.quote.split()
        cut = quote_cuts(source_text(c.source), c.start, c.end) if located else (None, None)
        quotes.append({"source": c.source, "start": c.start, "end": c.end, "quote": c.quote,
                       "verbatim": verbatim, "located": located, "cut_start": cut[0],
                       "cut_end": cut[1]})
    row = {"id": q.id, "doc": q.doc, "kind": q.kind, "question": q.question,
           "answerable": q.answerable, "answers": list(q.answers), "missing": q.missing,
           "answer": answer.text, "abstained": bool(answer.abstained), "quotes": quotes,
           "cut": sum(bool(x["cut_start"] or x["cut_end"]) for x in quotes)}
    if q.answerable:
        row["right"] = not answer.abstained and contains(answer.text, q.answers)
        row["grounded"] = row["right"] and any(contains(x["quote"], q.answers) for x in quotes)
    else:
        row["right"] = bool(answer.abstained)
        row["grounded"] = False
    return row


def summarise(rows: list[dict]) -> dict:
    yes = [r for r in rows if r["answerable"]]
    no = [r for r in rows if not r["answerable"]]
    answered = [r for r in rows if not r["abstained"]]
    quotes = [x for r in rows for x in r["quotes"]]

    def rate(rs, key):
        return sum(bool(r[key]) for r in rs) / len(rs) if rs else float("nan")

    kinds: dict[str, list[dict]] = defaultdict(list)
    formats: dict[str, list[dict]] = defaultdict(list)
    for r in yes:
        kinds[r["kind"]].append(r)
        formats["." + r["doc"].rsplit(".", 1)[-1]].append(r)
    cut = sum(r["cut"] for r in rows)
    return {"answerable_n": len(yes), "lookalike_n": len(no), "answered_n": len(answered),
            "grounded": rate(yes, "grounded"), "right": rate(yes, "right"),
            "false_abstain": rate(yes, "abstained"), "lookalike_abstain": rate(no, "abstained"),
            "precision": (sum(r["grounded"] for r in answered) / len(answered)
                          if answered else float("nan")),
            "quotes": len(quotes), "cut_quotes": cut,
            "cut_quote_rate": cut / len(quotes) if quotes else float("nan"),
            "unlocated_quotes": sum(not x["located"] for x in quotes),
            "non_verbatim_quotes": sum(not x["verbatim"] for x in quotes),
            "by_kind": {k: {"n": len(rs), "grounded": rate(rs, "grounded")}
                        for k, rs in sorted(kinds.items())},
            "by_format": {k: {"n": len(rs), "grounded": rate(rs, "grounded")}
                          for k, rs in sorted(formats.items())}}


# ---------------------------------------------------------------- running

def index_dir(embedder) -> Path:
    return squad.index_dir(embedder, "everyday")


def ask_all(bot, questions: list[Question], log: Callable[[str], None] = lambda m: None):
    from assistant import Answer, AssistantError

    source_text = lru_cache(maxsize=None)(bot.source_text)
    rows = []
    for i, q in enumerate(questions, 1):
        t0 = time.perf_counter()
        try:
            answer = bot.ask(q.question)
        except AssistantError as exc:  # a question the API refuses counts as an abstention
            answer = Answer(question=q.question, text=f"error: {exc}", abstained=True)
        row = score(q, answer, source_text)
        row["seconds"] = round(time.perf_counter() - t0, 3)
        verdict = "grounded" if row["grounded"] else "right" if row["right"] else "wrong"
        log(f"[{i}/{len(questions)}] {q.id} {verdict} {q.question[:60]}")
        rows.append(row)
    return rows


def run(generators: list[str], questions: list[Question], embedder=None, llm=None,
        corpus: Path = DOCS, index: Path | None = None,
        log: Callable[[str], None] = lambda m: None) -> dict:
    """Per generator: the summary and the per-question rows."""
    embedder = embedder or squad._local_embedder()
    return squad.per_backend(generators, embedder, llm, corpus, index or index_dir(embedder),
                             lambda bot: ask_all(bot, questions, log), summarise)


def rescore(previous: dict, questions: list[Question]) -> dict:
    """A saved run's answers scored again against the current questions (matched by their
    wording), without asking anything: for gold fixes, since answers do not depend on gold."""
    from types import SimpleNamespace

    from assistant.readers import read_document

    by_text = {q.question: q for q in questions}
    source_text = lru_cache(maxsize=None)(lambda name: read_document(DOCS / name).text)

    out = {}
    for generator, result in previous.items():
        rows = []
        for old in result["rows"]:
            if old["question"] in by_text:
                cites = [SimpleNamespace(**{k: x[k] for k in ("source", "quote", "start", "end")})
                         for x in old["quotes"]]
                answer = SimpleNamespace(text=old["answer"], abstained=old["abstained"],
                                         citations=cites)
                rows.append({**score(by_text[old["question"]], answer, source_text),
                             "seconds": old.get("seconds")})
        out[generator] = {**summarise(rows), "seconds": result.get("seconds"), "rows": rows}
    return out


# ---------------------------------------------------------------- tables

TABLE_ROWS = [("grounded (answerable)", "grounded"), ("right (answerable)", "right"),
              ("false abstain (answerable)", "false_abstain"),
              ("look-alike abstain", "lookalike_abstain"),
              ("precision (grounded / answered)", "precision")]


def table(result: dict) -> str:
    gens = list(result)
    first = result[gens[0]]
    lines = [f"| n = {first['answerable_n']} answerable + {first['lookalike_n']} look-alikes | "
             + " | ".join(gens) + " |", "|---|" + "---:|" * len(gens)]
    for label, key in TABLE_ROWS:
        lines.append(f"| {label} | " + " | ".join(f"{result[g][key]:.3f}" for g in gens) + " |")
    lines.append("| cut quotes (of cited quotes) | " + " | ".join(
        f"{result[g]['cut_quotes']} of {result[g]['quotes']}" for g in gens) + " |")
    lines.append("| quotes not verbatim (whitespace differs) | " + " | ".join(
        str(result[g].get("non_verbatim_quotes", "–")) for g in gens) + " |")
    for part in ("by_kind", "by_format"):
        for key in sorted({k for g in gens for k in result[g].get(part, {})}):
            cells = [result[g].get(part, {}).get(key) for g in gens]
            lines.append(f"| grounded: {key} (n={next(c['n'] for c in cells if c)}) | "
                         + " | ".join(f"{c['grounded']:.3f}" if c else "–" for c in cells) + " |")
    return "\n".join(lines)


def failures(result: dict) -> list[str]:
    """Per backend, the questions that were not grounded-right, and every cut quote."""
    out = []
    for gen, r in result.items():
        out += [f"## {gen}: questions not answered right and grounded", ""]
        for row in r["rows"]:
            if (row["answerable"] and not row["grounded"]) or (not row["answerable"]
                                                               and not row["abstained"]):
                why = ("false abstain" if row["abstained"] else "look-alike answered"
                       if not row["answerable"] else "right, not grounded" if row["right"]
                       else "wrong")
                if row["quotes"] and not any(x["source"] == row["doc"] for x in row["quotes"]):
                    why += ", cites only other documents"
                elif row["cut"]:
                    why += ", a cited quote is cut"
                out.append(f"- `{row['id']}` ({why}) {row['question']} → "
                           + row["answer"][:160].replace("\n", " "))
        out += ["", f"## {gen}: cut quotes", ""]
        out += [f"- `{row['id']}` {'start ' if x['cut_start'] else ''}"
                f"{'end ' if x['cut_end'] else ''}cut: “{x['quote'][:140]}”"
                for row in r["rows"] for x in row["quotes"] if x["cut_start"] or x["cut_end"]]
        out.append("")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.everyday", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-g", "--generators", default="local,extractive")
    ap.add_argument("--split", choices=SPLITS, default="all")
    ap.add_argument("--label", default=None)
    ap.add_argument("--rescore", type=Path, metavar="RESULT.json",
                    help="score a saved run's answers again against the current questions")
    args = ap.parse_args(argv)
    questions = select(load_questions(), args.split)
    gens = [g.strip() for g in args.generators.split(",") if g.strip()]
    t0 = time.perf_counter()
    if args.rescore:
        saved = json.loads(args.rescore.read_text(encoding="utf-8"))["results"]
        result = rescore(saved, questions)
    else:
        result = run(gens, questions, log=lambda m: print(m, file=sys.stderr, flush=True))
    label = args.label or args.split
    meta = {"label": label, "split": args.split, "when": time.strftime("%Y-%m-%d %H:%M"),
            "seconds": round(time.perf_counter() - t0, 1)}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"everyday-{label}"
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": result}, indent=2,
                                                   ensure_ascii=False), encoding="utf-8")
    out.with_suffix(".md").write_text("\n".join(
        [f"# Everyday documents: {label}", "", f"{meta['when']}, split {args.split}, "
         f"{meta['seconds'] / 60:.1f} min.", "", table(result), ""] + failures(result)),
        encoding="utf-8")
    print(table(result))
    print(f"\nwritten to {out}.json and {out}.md")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
