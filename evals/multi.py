"""Questions that need several passages: summaries, lists, comparisons, "what happened over time".

    python -m evals.multi -g extractive                  # every question, one backend
    python -m evals.multi -g local,extractive --split tune
    python -m evals.multi -g extractive --label after-x  # evals/results/multi-extractive-after-x.json

Issue 28 item 4. People ask an assistant over their documents for summaries ("Summarise the
report about X", "What are the documents about?"), lists ("List the reasons given for ...",
"What are the steps to ...", "Which options does ... offer?"), comparisons ("How does A differ
from B?", "Compare what the 2015 and 2018 articles say about ...") and histories ("What
happened to X over time?") at least as often as for one fact. evals/multi/questions.jsonl asks
such questions of four corpora, each question of one corpus only, answered by a bot on that
corpus alone: `seeds` (five news articles, 2015-2018), `everyday` (evals/everyday/docs),
`realdocs` (evals/realdocs/docs) and `goblog` (evals/multi/goblog: eight dated posts of the Go
blog on two topics, 2018-2022, tune only: the dated sources the tune split otherwise lacks).
Each question has 2-5 *key points*: a regular expression a good answer must match (on
evals.everyday's `normalise`d text: lower case, quotes and dashes straightened, [n] markers
dropped, whitespace collapsed) and the file(s) that state it (each pattern matches each of
its sources, tests/test_multi_bench.py checks). A question's `split` is
`tune` only when every source it names is a `tune` document of its corpus (seeds and everyday:
evals.squad.split_of_document; real documents: their questions' split), else `report`.

Scores, per question and pooled per kind, corpus and split:

- *key-point recall*: the share of key points that the final answer states AND cites: some
  unit of the answer matches the pattern and carries an [n] whose citation (`answer.citations`)
  quotes one of the point's sources. Units are the answer's checked sentences
  (`answer.sentences`) that are still in the final text (the check's struck sentences stay in
  `answer.sentences` but not in `answer.text`); an answer with none of those is cut into
  stretches of text each closed by its run of [n] markers. A match in a sentence without a
  marker, or whose markers cite only other files, does not count. *present* is the looser
  share matched anywhere in the final text, cited or not.
- *unsupported sentences*: sentences with `supported == False` still in the final text.
- *declined*: the answer abstained (every question here is answerable from its corpus).
- *time to the first checked text* and *to the whole answer*: the answer stream is read as it
  comes. The whole answer is the moment the checked `Answer` arrives. The first checked text is
  `answer.timings["first_checked_s"]` when the assistant reports it (a version that releases
  checked sentences before the whole answer is done should); otherwise the arrival of the
  Answer, since until then only an unchecked draft has been streamed (its first piece is
  reported too, as `first_draft_s`).

Writes evals/results/multi-<backend>[-<label>].json (summary and per-question rows) and prints
the tables. Indexes are the other benchmarks' (evals/results/<corpus>-index-<embedder>/).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from . import everyday, realdocs, squad
from .multi_report import misses, summarise, table

HERE = Path(__file__).parent / "multi"
QUESTIONS = HERE / "questions.jsonl"
LOOKALIKES = HERE / "lookalikes.jsonl"
RESULTS = Path(__file__).parent / "results"
SEEDS = Path(__file__).parent.parent / "seeds"
GOBLOG = HERE / "goblog"  # eight dated Go blog posts (CC BY 4.0), every one a tune document
KINDS = ("summary", "list", "compare", "timeline")
DOC_SPLITS = ("tune", "report")
SPLITS = ("all",) + DOC_SPLITS


@dataclass(frozen=True)
class Point:
    pattern: str  # a regular expression, matched case-insensitively on normalised text
    sources: tuple[str, ...]  # the file(s) of the corpus stating it; citing any one counts


@dataclass(frozen=True)
class Question:
    id: str
    corpus: str  # seeds, everyday, realdocs or goblog
    kind: str  # summary, list, compare or timeline
    question: str
    points: tuple[Point, ...]
    split: str  # tune only when every source is a tune document


@dataclass(frozen=True)
class Lookalike:
    """A set question written to look answerable from its corpus that is not: the list,
    comparison or history it asks for is in none of its documents (`about`: the documents it
    looks answerable from, which set its split). Declining it is right."""
    id: str
    corpus: str
    kind: str
    question: str
    about: tuple[str, ...]
    split: str


def corpus_dir(corpus: str) -> Path:
    return {"seeds": SEEDS, "everyday": everyday.DOCS, "realdocs": realdocs.DOCS,
            "goblog": GOBLOG}[corpus]


def index_for(corpus: str, embedder) -> Path:
    return squad.index_dir(embedder, corpus)  # the index evals.quality / everyday / realdocs use


@lru_cache(maxsize=None)
def _realdocs_splits() -> dict[str, str]:
    return realdocs.document_splits(realdocs.load_questions())


def document_split(corpus: str, name: str) -> str:
    """The split of one document, as its own benchmark has it (goblog's are all tune)."""
    if corpus == "goblog":
        return "tune"
    return _realdocs_splits()[name] if corpus == "realdocs" else squad.split_of_document(name)


def question_split(corpus: str, points) -> str:
    names = {s for p in points for s in p.sources}
    return "tune" if all(document_split(corpus, n) == "tune" for n in names) else "report"


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    return realdocs.parsed_lines(path, _question, "evals/multi.py")


def _question(r: dict) -> Question:
    points = tuple(Point(p["pattern"], tuple(p["sources"])) for p in r["points"])
    q = Question(r["id"], r["corpus"], r["kind"], r["question"], points, r["split"])
    if q.kind not in KINDS or q.split not in DOC_SPLITS:
        raise ValueError(f"kind must be one of {KINDS} and split one of {DOC_SPLITS}; they are "
                         f"{q.kind!r} and {q.split!r}")
    return q


def load_lookalikes(path: Path = LOOKALIKES) -> list[Lookalike]:
    return realdocs.parsed_lines(path, _lookalike, "evals/multi.py")


def _lookalike(r: dict) -> Lookalike:
    q = Lookalike(r["id"], r["corpus"], r["kind"], r["question"], tuple(r["about"]), r["split"])
    if q.kind not in KINDS or q.split not in DOC_SPLITS or not q.about:
        raise ValueError(f"kind must be one of {KINDS}, split one of {DOC_SPLITS} and about "
                         f"name its documents; they are {q.kind!r}, {q.split!r}, {q.about!r}")
    return q


select = realdocs.select  # the questions of the tune or report documents, or all


# ---------------------------------------------------------------- scoring

normalise = everyday.normalise
_MARKS = re.compile(r"((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")


def matches(pattern: str, text: str) -> bool:
    return re.search(pattern, normalise(text), re.IGNORECASE) is not None


def units(answer) -> list[tuple[str, tuple[int, ...]]]:
    """(text, citation numbers) of each unit of the final answer: its checked sentences still
    in the final text, or, when it has none, its stretches of text each closed by [n] markers
    (a stretch after the last marker cites nothing)."""
    final = normalise(answer.text)
    kept = [(s.text, tuple(s.citations)) for s in getattr(answer, "sentences", ())
            if normalise(s.text) and normalise(s.text) in final]
    if kept:
        return kept
    out = []
    pieces = _MARKS.split(answer.text)
    for text, marks in zip(pieces[0::2], pieces[1::2] + [""]):
        numbers = tuple(int(n) for n in re.findall(r"\d+", marks))
        if text.strip() or numbers:
            out.append((text, numbers))
    return out


def unsupported_in_final(answer) -> list[str]:
    """Sentences the check found unsupported that are still in the final text."""
    final = normalise(answer.text)
    return [s.text for s in getattr(answer, "sentences", ())
            if not s.supported and normalise(s.text) and normalise(s.text) in final]


def credit(point: Point, answer) -> dict:
    """Whether the final answer states the point (anywhere) and states it citing its source."""
    by_number = {c.number: c.source for c in answer.citations}
    cited_sources = set()
    stated = False
    for text, numbers in units(answer):
        if matches(point.pattern, text):
            stated = True
            cited_sources |= {by_number.get(n) for n in numbers}
    cited = bool(cited_sources & set(point.sources))
    present = not answer.abstained and matches(point.pattern, answer.text)
    return {"pattern": point.pattern, "sources": list(point.sources),
            "present": present, "cited": cited and not answer.abstained,
            "wrong_source": stated and not cited and bool(cited_sources - {None})}


def score(q: Question | Lookalike, answer, clock: dict | None = None) -> dict:
    """One question's row. `clock`: first_draft_s and answer_s measured on the stream. A
    look-alike's row has no points (`answerable` False): its answer is right when declined."""
    clock = clock or {}
    points = [credit(p, answer) for p in getattr(q, "points", ())]
    timings = dict(getattr(answer, "timings", {}) or {})
    whole = clock.get("answer_s", timings.get("total_s"))
    unsupported = unsupported_in_final(answer)
    return {"id": q.id, "corpus": q.corpus, "kind": q.kind, "split": q.split,
            "answerable": isinstance(q, Question), "question": q.question,
            "answer": answer.text, "abstained": bool(answer.abstained),
            "fallback": getattr(answer, "fallback", None),  # why it declined or quoted instead
            "points": points, "n_points": len(points),
            "cited": sum(p["cited"] for p in points), "present": sum(p["present"] for p in points),
            "recall": sum(p["cited"] for p in points) / len(points) if points else None,
            "unsupported": len(unsupported), "unsupported_sentences": unsupported,
            "citations": [{"number": c.number, "source": c.source, "quote": c.quote}
                          for c in answer.citations],
            "first_checked_s": timings.get("first_checked_s", whole),
            "first_draft_s": clock.get("first_draft_s"), "answer_s": whole,
            "timings": timings}


def ask(bot, question: str):
    """The final Answer and when things came: the first streamed piece (a draft) and the
    Answer itself, in seconds from the call."""
    from assistant import Answer, AssistantError

    t0 = time.perf_counter()
    clock: dict = {}
    answer = None
    try:
        for item in bot.ask_stream(question):
            if isinstance(item, Answer):
                answer = item
                clock["answer_s"] = round(time.perf_counter() - t0, 3)
            elif item and "first_draft_s" not in clock:
                clock["first_draft_s"] = round(time.perf_counter() - t0, 3)
    except AssistantError as exc:  # a question the API refuses counts as declined
        answer = Answer(question=question, text=f"error: {exc}", abstained=True)
    if answer is None:
        raise RuntimeError(f"the answer stream for {question!r} ended without an Answer")
    clock.setdefault("answer_s", round(time.perf_counter() - t0, 3))
    return answer, clock


def ask_all(generator: str, questions: list[Question | Lookalike], embedder, llm=None,
            log: Callable[[str], None] = lambda m: None,
            rows_out: Path | None = None) -> list[dict]:
    """Each corpus's questions on a bot of that corpus alone, in the questions' order. With
    `rows_out`, each row is also appended to that JSON-lines file as soon as it is scored, so
    a long run (the local backend) that is stopped keeps what it did."""
    rows: dict[str, dict] = {}
    by_corpus: dict[str, list[Question]] = defaultdict(list)
    for q in questions:
        by_corpus[q.corpus].append(q)
    done = 0
    for corpus, qs in by_corpus.items():
        bot = squad.open_bot(generator, embedder, llm, corpus_dir(corpus),
                             index_for(corpus, embedder))
        try:
            for q in qs:
                answer, clock = ask(bot, q.question)
                rows[q.id] = score(q, answer, clock)
                if rows_out is not None:
                    with rows_out.open("a", encoding="utf-8") as f:
                        f.write(json.dumps(rows[q.id], ensure_ascii=False, default=lambda v: None)
                                + "\n")
                done += 1
                r = rows[q.id]
                flags = (" declined" if r["abstained"] else "") + (
                    f" {r['unsupported']} unsupported" if r["unsupported"] else "")
                log(f"[{generator} {done}/{len(questions)}] {q.id} {r['cited']}/{r['n_points']}"
                    f"{flags} {r['answer_s']:.1f}s {q.question[:60]}")
        finally:
            bot.close()
    return [rows[q.id] for q in questions]


def run(generators: list[str], questions: list[Question | Lookalike], embedder=None, llm=None,
        log: Callable[[str], None] = lambda m: None,
        rows_out: Callable[[str], Path] | None = None) -> dict:
    """Per generator: the summary, the time asking took and the per-question rows."""
    embedder = embedder or squad._local_embedder()
    out = {}
    for generator in generators:
        if generator == "local" and llm is None:
            llm = squad._local_llm()
        t0 = time.perf_counter()
        rows = ask_all(generator, questions, embedder, llm, log,
                       rows_out(generator) if rows_out else None)
        out[generator] = {**summarise(rows), "seconds": round(time.perf_counter() - t0, 1),
                          "rows": rows}
    return out


# ---------------------------------------------------------------- the command

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.multi", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-g", "--generators", default="local,extractive")
    ap.add_argument("--split", choices=SPLITS, default="all")
    ap.add_argument("--label", default=None)
    ap.add_argument("--ids", default=None, help="comma-separated question ids (a subset)")
    ap.add_argument("--from-rows", type=Path, metavar="ROWS.jsonl",
                    help="summarise saved rows (a stopped run's .partial.jsonl), asking nothing")
    args = ap.parse_args(argv)
    if args.from_rows:
        rows = [json.loads(x) for x in args.from_rows.read_text(encoding="utf-8").splitlines()
                if x.strip()]
        result = {"rows": {**summarise(rows), "rows": rows}}
        print(table(result, "rows"))
        print("\n".join(["", "missed key points and unsupported sentences:"]
                        + misses(result, "rows")))
        return 0
    questions = select(load_questions(), args.split) + select(load_lookalikes(), args.split)
    if args.ids:
        wanted = {x.strip() for x in args.ids.split(",")}
        questions = [q for q in questions if q.id in wanted]
    gens = [g.strip() for g in args.generators.split(",") if g.strip()]
    RESULTS.mkdir(exist_ok=True)

    def name(gen: str) -> str:
        return f"multi-{gen}" + (f"-{args.label}" if args.label else "")

    def partial(gen: str) -> Path:  # rows as they come; removed once the run is written
        path = RESULTS / f"{name(gen)}.partial.jsonl"
        path.unlink(missing_ok=True)
        return path

    result = run(gens, questions, log=lambda m: print(m, file=sys.stderr, flush=True),
                 rows_out=partial)
    for gen in gens:
        meta = {"label": args.label, "split": args.split, "ids": args.ids,
                "when": time.strftime("%Y-%m-%d %H:%M"), "seconds": result[gen]["seconds"],
                "questions": len(questions)}
        (RESULTS / f"{name(gen)}.json").write_text(json.dumps(
            {"meta": meta, "result": result[gen]}, indent=2, ensure_ascii=False,
            default=lambda v: None), encoding="utf-8")
        print(table(result, gen))
        print("\n".join(["", "missed key points and unsupported sentences:"] + misses(result, gen)))
        (RESULTS / f"{name(gen)}.partial.jsonl").unlink(missing_ok=True)
        print(f"\nwritten to {RESULTS / name(gen)}.json")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
