"""XQuAD-en answer-sentence ranking: does the top-ranked sentence of a paragraph hold the answer?

    python -m evals.xquad                                  # today and cosine, every question
    python -m evals.xquad --rankers today,cosine,judge --limit 200 --label judge-v1

EVALUATION ONLY: never train or tune anything on this set (evals/xquad/README.md). XQuAD-en is
240 paragraphs and 1,190 questions of SQuAD v1.1's development articles. Paragraphs that also
occur in the SQuAD 2.0 articles another model is trained on (evals/squad.py's shared file,
--exclude) are dropped first: same whitespace-normalised context, or at least OVERLAP_MIN of
its sentences (of MIN_WORDS words or more) found verbatim anywhere in that file.

Per question, the candidates are the sentences of its paragraph as the project's splitter cuts
them (`assistant.language.sentences.sentences`); the gold one holds the first answer's
`answer_start`. A ranker is right when its top sentence is the gold one. Rankers:

  today   `assistant.answering.evidence.gather` on a one-paragraph document, as `Assistant.evidence`
          calls it: the question vector embeds `search_text(question)`, sentences are embedded
          alone, the IDF is the BM25 index's, over the kept paragraphs (with their titles).
          The passage prior is the same for every candidate, so it never changes the order.
          A gold sentence that gather drops (a label, a credit line) counts as wrong.
  cosine  the same question vector's cosine to each sentence, nothing else.
  judge   `assistant.answering.judge.load_judge()` on (sentence, sentence before, article title);
          skipped, with a note, when the trained weights are not there.

Prints first-rank accuracy and MRR per ranker with 95% bootstrap intervals (questions
resampled), and the paired difference to the first ranker; writes
evals/results/xquad-<label>.json (a row per question) and .md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).with_name("xquad")
DATA = HERE / "xquad.en.json"
TRAINING = Path("/work/shared/benchmarks/squad2-public/squad2-dev-public.json")
RESULTS = Path(__file__).with_name("results")
RANKERS = ("today", "cosine", "judge")
OVERLAP_MIN = 0.8  # share of a paragraph's sentences found verbatim in the training file
MIN_WORDS = 4  # shorter "sentences" ("Rev.") are splitter fragments, not evidence of a copy
BOOTSTRAP = 2000


@dataclass(frozen=True)
class Paragraph:
    id: str
    title: str  # the article's title, underscores read as spaces
    context: str
    spans: tuple[tuple[int, int], ...]  # the project's sentences of `context`

    def sentence(self, i: int) -> str:
        a, b = self.spans[i]
        return self.context[a:b]


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    paragraph: Paragraph
    gold: int  # index into paragraph.spans


def normalise(text: str) -> str:
    return " ".join(text.split())


def load(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["data"]


def split_spans(text: str) -> tuple[tuple[int, int], ...]:
    from assistant.language.sentences import sentences

    return tuple(sentences(text))


def overlap(context: str, spans, known: set[str], corpus: str) -> float:
    """1.0 when the normalised context is a paragraph of the training file, else the share of
    its sentences (of MIN_WORDS words or more) found verbatim anywhere in that file."""
    if normalise(context) in known:
        return 1.0
    texts = [normalise(context[a:b]) for a, b in spans]
    texts = [t for t in texts if len(t.split()) >= MIN_WORDS] or texts
    return sum(t in corpus for t in texts) / len(texts) if texts else 0.0


def paragraphs(data: list[dict], training: list[dict]) -> tuple[list[tuple[Paragraph, dict]],
                                                                 list[dict]]:
    """(paragraph, its SQuAD record) for every paragraph kept, and a note per one excluded."""
    known = [normalise(p["context"]) for a in training for p in a["paragraphs"]]
    known_set, corpus = set(known), "\n".join(known)
    kept, excluded = [], []
    for a in data:
        for n, p in enumerate(a["paragraphs"]):
            para = Paragraph(f"{a['title']}#{n}", a["title"].replace("_", " "), p["context"],
                             split_spans(p["context"]))
            share = overlap(para.context, para.spans, known_set, corpus)
            if share >= OVERLAP_MIN:
                excluded.append({"paragraph": para.id, "questions": len(p["qas"]),
                                 "overlap": round(share, 3)})
            else:
                kept.append((para, p))
    return kept, excluded


def gold_index(spans, offset: int) -> int:
    """The sentence holding text[offset]; an offset between sentences goes to the next one."""
    for i, (a, b) in enumerate(spans):
        if offset < b:
            return i
    return len(spans) - 1


def items_of(kept: list[tuple[Paragraph, dict]]) -> list[Item]:
    return [Item(q["id"], q["question"], para,
                 gold_index(para.spans, q["answers"][0]["answer_start"]))
            for para, p in kept for q in p["qas"]]


def sample(items: list[Item], limit: int | None, seed: int = 0) -> list[Item]:
    """`limit` questions drawn with a fixed seed (every article can appear), in file order."""
    if not limit or limit >= len(items):
        return items
    keep = set(random.Random(seed).sample(range(len(items)), limit))
    return [x for i, x in enumerate(items) if i in keep]


# ------------------------------------------------------------------------------ rankers


class Encoded:
    """Vectors for the sampled questions and their paragraphs' sentences, embedded in batches,
    and the IDF of the benchmark's kept paragraphs (as the app's BM25 index computes it)."""

    def __init__(self, items: list[Item], paras: list[Paragraph], embedder):
        from assistant.language.questions import search_text
        from assistant.text import tokenize

        used = list({x.paragraph.id: x.paragraph for x in items}.values())
        texts = [p.sentence(i) for p in used for i in range(len(p.spans))]
        vectors = embedder.embed(texts)
        self.sentences, at = {}, 0
        for p in used:
            self.sentences[p.id] = vectors[at:at + len(p.spans)]
            at += len(p.spans)
        topics = [search_text(x.question, tokenize) for x in items]  # what Assistant embeds
        from assistant.embeddings import embed_query

        self.questions = dict(zip([x.id for x in items], embed_query(embedder, topics)))
        self.idf = _idf(paras)


def _idf(paras: list[Paragraph]) -> Callable[[str], float]:
    from assistant.store.lexical import LexicalIndex
    from assistant.types import BODY, Chunk

    chunks = [Chunk(p.id, p.id, 0, len(p.context), p.context, BODY) for p in paras]
    return LexicalIndex.build(chunks, {p.id: p.title for p in paras}).idf


def rank_today(item: Item, enc: Encoded) -> list[int]:
    """Sentence indices, best first, as `gather` ranks them (dropped sentences left out)."""
    from assistant.answering.evidence import gather
    from assistant.types import BODY, Passage, Sentence

    p, vectors, qv = item.paragraph, enc.sentences[item.paragraph.id], enc.questions[item.id]
    sentences = [Sentence(p.id, a, b, p.context[a:b], BODY, p.id) for a, b in p.spans]
    best = float((vectors @ qv).max()) if len(sentences) else 0.0
    passage = Passage(p.id, p.context, 0, len(p.context), 1.0, BODY, p.title, dense_rank=1,
                      bm25_rank=1, dense_score=best, chunk_id=p.id)
    evidence = gather(item.question, [passage], sentences, vectors, qv, enc.idf)
    index = {a: i for i, (a, _) in enumerate(p.spans)}
    return [index[s.sentence.start] for s in evidence.ranked]


def rank_cosine(item: Item, enc: Encoded) -> list[int]:
    return _order(enc.sentences[item.paragraph.id] @ enc.questions[item.id])


def judge_ranker(judge) -> Callable[[Item, Encoded], list[int]]:
    from assistant.answering.judge import Candidate

    def rank(item: Item, enc: Encoded) -> list[int]:
        p = item.paragraph
        candidates = [Candidate(text=p.sentence(i), before=p.sentence(i - 1) if i else "",
                                title=p.title) for i in range(len(p.spans))]
        return _order(np.asarray(judge.score(item.question, candidates)))
    return rank


def _order(scores: np.ndarray) -> list[int]:
    """Indices by score, best first; ties keep paragraph order."""
    return sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i))


def make_rankers(names: list[str], judge=None, log=print) -> tuple[dict, list[str], object]:
    """name -> ranker for the names asked, notes on any skipped, and the judge used. `judge`:
    one to use instead of the shipped one (tests pass FakeJudge)."""
    from assistant.errors import ModelError

    out, notes = {}, []
    for name in names:
        if name not in RANKERS:
            raise SystemExit(f"unknown ranker {name!r}; choose from {', '.join(RANKERS)}")
        if name == "judge" and judge is None:
            try:
                from assistant.answering.judge import load_judge

                judge = load_judge()
            except ModelError as exc:
                notes.append(f"judge skipped: {exc}")
                log(f"note: {notes[-1]}")
                continue
        out[name] = {"today": rank_today, "cosine": rank_cosine}.get(name) or judge_ranker(judge)
    return out, notes, judge if "judge" in out else None


# ------------------------------------------------------------------------------ scoring


def bootstrap(values: np.ndarray, reps: int = BOOTSTRAP, seed: int = 0) -> list[float]:
    """95% percentile interval of the mean, questions resampled with replacement."""
    if not len(values):
        return [0.0, 0.0]
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(reps, len(values)))].mean(axis=1)
    return [round(float(x), 4) for x in np.percentile(means, [2.5, 97.5])]


def summarise(rows: list[dict], names: list[str]) -> dict:
    out = {}
    for name in names:
        ranks = [r["ranks"][name] for r in rows]
        top1 = np.asarray([rk == 1 for rk in ranks], dtype=float)
        rr = np.asarray([1.0 / rk if rk else 0.0 for rk in ranks])
        out[name] = {"n": len(rows), "top1": _mean(top1), "top1_ci": bootstrap(top1),
                     "mrr": _mean(rr), "mrr_ci": bootstrap(rr),
                     "gold_dropped": sum(rk is None for rk in ranks)}
        if name != names[0]:
            base = np.asarray([r["ranks"][names[0]] == 1 for r in rows], dtype=float)
            out[name]["top1_minus_" + names[0]] = round(float((top1 - base).mean()), 4)
            out[name]["top1_minus_" + names[0] + "_ci"] = bootstrap(top1 - base)
    return out


def _mean(values) -> float:
    return round(float(np.mean(values)), 4) if len(values) else 0.0


def run(names: list[str], limit: int | None = None, embedder=None, judge=None, data: Path = DATA,
        training: Path = TRAINING, log=print, embedder_name: str = "minilm") -> dict:
    rankers, notes, judge = make_rankers(names, judge, log)
    kept, excluded = paragraphs(load(data), load(training))
    every = items_of(kept)
    items = sample(every, limit)
    if embedder is None:
        from assistant.embeddings import LocalEmbedder, make_embedder

        embedder = LocalEmbedder() if embedder_name == "minilm" else make_embedder(embedder_name)
    t0 = time.perf_counter()
    enc = Encoded(items, [p for p, _ in kept], embedder)
    log(f"embedded {len(items)} questions and their paragraphs in {time.perf_counter() - t0:.0f} s")
    rows = []
    for x in items:
        ranks = {}
        for name, rank in rankers.items():
            order = rank(x, enc)
            ranks[name] = order.index(x.gold) + 1 if x.gold in order else None
        rows.append({"id": x.id, "paragraph": x.paragraph.id, "sentences": len(x.paragraph.spans),
                     "gold": x.gold, "ranks": ranks})
    meta = {"data": str(data), "data_sha256": _sha256(data), "training_file": str(training),
            **_counts(kept, excluded, rows), "limit": limit, "embedder": embedder.identity,
            "judge": getattr(judge, "name", None), "notes": notes, "excluded": excluded}
    return {"meta": meta, "summary": summarise(rows, list(rankers)), "rows": rows}


def _counts(kept: list, excluded: list[dict], rows: list[dict]) -> dict:
    kept_q = sum(len(p["qas"]) for _, p in kept)
    excluded_q = sum(e["questions"] for e in excluded)
    return {"paragraphs": len(kept) + len(excluded), "questions": kept_q + excluded_q,
            "excluded_paragraphs": len(excluded), "excluded_questions": excluded_q,
            "kept_paragraphs": len(kept), "kept_questions": kept_q, "evaluated": len(rows),
            "chance_top1": _mean([1 / r["sentences"] for r in rows])}  # a random ranker's top-1


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ------------------------------------------------------------------------------ report


def table(result: dict) -> str:
    lines = ["| ranker | n | top-1 | 95% CI | MRR | 95% CI | gold dropped | top-1 vs first |",
             "|---|---:|---:|---|---:|---|---:|---|"]
    for name, s in result["summary"].items():
        diff = next((f"{v:+.3f} {s[k + '_ci']}" for k, v in s.items()
                     if k.startswith("top1_minus_") and not k.endswith("_ci")), "")
        lines.append(f"| {name} | {s['n']} | {s['top1']:.3f} | {s['top1_ci']} | {s['mrr']:.3f} "
                     f"| {s['mrr_ci']} | {s['gold_dropped']} | {diff} |")
    return "\n".join(lines)


def header(meta: dict) -> str:
    return (f"XQuAD-en: {meta['paragraphs']} paragraphs / {meta['questions']} questions; excluded "
            f"as in the training file: {meta['excluded_paragraphs']} / "
            f"{meta['excluded_questions']}; "
            f"kept {meta['kept_paragraphs']} / {meta['kept_questions']}; evaluated "
            f"{meta['evaluated']} (top-1 by chance {meta['chance_top1']:.3f}). "
            f"Embedder {meta['embedder']}.")


def write(result: dict, label: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"xquad-{label}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=1, ensure_ascii=False),
                                        encoding="utf-8")
    meta = result["meta"]
    notes = [f"- {n}" for n in meta["notes"]]
    out.with_suffix(".md").write_text("\n".join(
        [f"# XQuAD-en answer-sentence ranking: {label}", "", f"{meta['when']}, "
         f"{meta['seconds']} s.", "", header(meta), "", table(result), ""] + notes + [""]),
        encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.xquad", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rankers", default="today,cosine,judge")
    ap.add_argument("--limit", type=int, default=None, help="questions, drawn with seed 0")
    ap.add_argument("--label", default=None)
    ap.add_argument("--embedder", default="minilm", choices=("minilm", "multilingual"))
    ap.add_argument("--exclude", type=Path, default=TRAINING,
                    help="SQuAD-format file used for training: its paragraphs are dropped")
    ap.add_argument("--judge-dir", type=Path, default=None,
                    help="a judge's folder (meta.json, judge.onnx, SHA256SUMS) instead of the "
                         "shipped one: a candidate from python -m training.train_judge --out")
    args = ap.parse_args(argv)
    if not args.exclude.is_file():
        raise SystemExit(f"the training file to exclude is missing: {args.exclude}")
    t0 = time.perf_counter()
    names = [n.strip() for n in args.rankers.split(",") if n.strip()]
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    judge = None
    if args.judge_dir and "judge" in names:
        from assistant.answering.judge import load_judge

        judge = load_judge(args.judge_dir)
    result = run(names, args.limit, training=args.exclude, log=log, embedder_name=args.embedder,
                 judge=judge)
    label = args.label or ("all" if not args.limit else f"n{args.limit}")
    result["meta"].update(label=label, when=time.strftime("%Y-%m-%d %H:%M"),
                          seconds=round(time.perf_counter() - t0, 1))
    out = write(result, label)
    print(header(result["meta"]))
    print(table(result))
    for note in result["meta"]["notes"]:
        print(f"note: {note}")
    print(f"\nwritten to {out}.json and {out}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
