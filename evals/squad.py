"""An open benchmark: 8 SQuAD 2.0 articles (CC BY-SA 4.0, see evals/SQUAD.md) through the API.

    python -m evals.squad                        # sample: 60 answerable + 30 unanswerable, seed 0
    python -m evals.squad -g local,extractive --answerable 100 --unanswerable 50 --seed 1
    python -m evals.squad --split tune           # from the articles thresholds are chosen on
    python -m evals.squad --full                 # all 3,215 questions (long: hours with `local`)

Scored as the data's README says: one document per article, all articles indexed together,
questions asked with `Assistant.ask`. Questions are drawn from the `report` articles (or
`tune`, see ARTICLES); the judge was trained on the `train` articles, which are indexed too. An answerable question is *right* when a gold answer
(SQuAD's official normalisation) appears in the normalised answer text, *grounded* when it
also appears in a cited quote, a *false abstain* when the assistant abstained; an unanswerable
question is right when the assistant abstains.

The corpus files are written to evals/results/squad-corpus/ and the index kept in
evals/results/squad-index-<embedder>/ (both git-ignored, reused between runs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import string
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).parent
DATA = HERE.parent.parent / "shared" / "benchmarks" / "squad2-public" / "squad2-dev-public.json"
RESULTS = HERE / "results"
CORPUS = RESULTS / "squad-corpus"
SPLITS = ("report", "tune")


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    question: str
    article: str  # the article title
    source: str  # its corpus file name
    answers: tuple[str, ...]  # gold answers; empty when unanswerable

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


# ---------------------------------------------------------------- data and corpus

def data_path() -> Path:
    """The shared data set; SQUAD_DATA overrides (the repo may sit elsewhere than /work/main)."""
    env = os.environ.get("SQUAD_DATA")
    if env:
        return Path(env)
    for candidate in (DATA, Path("/work/shared/benchmarks/squad2-public/squad2-dev-public.json")):
        if candidate.exists():
            return candidate
    return DATA


def load_data(path: Path | None = None) -> list[dict]:
    return json.loads((path or data_path()).read_text(encoding="utf-8"))["data"]


def file_name(n: int, title: str) -> str:
    return f"{n:02d}_{re.sub(r'[^A-Za-z0-9]+', '_', title).strip('_')}.txt"


def article_text(article: dict) -> str:
    """Title on the first line, then the paragraphs separated by blank lines."""
    title = article["title"].replace("_", " ")
    return "\n\n".join([title] + [p["context"].strip() for p in article["paragraphs"]]) + "\n"


def write_corpus(data: list[dict], dest: Path = CORPUS) -> Path:
    """One .txt per article; unchanged files are left alone so the index sync is a no-op."""
    dest.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for n, article in enumerate(data):
        wanted[file_name(n, article["title"])] = article_text(article)
    for stale in dest.glob("*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        path = dest / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return dest


def questions(data: list[dict]) -> list[SquadQuestion]:
    out = []
    for n, article in enumerate(data):
        source = file_name(n, article["title"])
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answers = () if qa.get("is_impossible") else tuple(
                    dict.fromkeys(a["text"] for a in qa["answers"]))
                out.append(SquadQuestion(qa["id"], qa["question"].strip(), article["title"],
                                         source, answers))
    return out


def index_dir(embedder, corpus: str = "squad") -> Path:
    """One persisted index per corpus and embedder identity (an index built by another
    embedder is unusable, so each keeps its own)."""
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", embedder.identity).strip("-")[:80]
    return RESULTS / f"{corpus}-index-{slug}"


# ---------------------------------------------------------------- sampling

# Split by ARTICLE, never by question: questions about one article share its vocabulary, so a
# split of one article's questions flatters whatever was tuned on the other half. Chosen by a
# seeded shuffle of the sorted titles (random.Random(0)). The judge (training/) learns from
# `train`, its threshold is chosen on `tune`, and figures are reported on `report` only.
ARTICLES = {
    "report": ("Imperialism", "European_Union_law"),
    "tune": ("Islamism", "French_and_Indian_War"),
    "train": ("Computational_complexity_theory", "Huguenot", "Yuan_dynasty", "Scottish_Parliament"),
}


def split_of(q: SquadQuestion) -> str:
    """`report`, `tune` or `train`: the use of the question's article (see ARTICLES)."""
    return next(split for split, titles in ARTICLES.items() if q.article in titles)


def split_of_document(name: str) -> str:
    """For benchmarks of several documents: a fixed split per document (by a hash of its
    name), so no document lends questions to both halves."""
    return SPLITS[hashlib.sha256(name.encode()).digest()[0] & 1]


def sample(pool: list[SquadQuestion], answerable: int, unanswerable: int, seed: int = 0,
           split: str | None = "report") -> list[SquadQuestion]:
    """`answerable` + `unanswerable` questions drawn with `seed` from one split (None: all)."""
    part = [q for q in pool if split is None or split_of(q) == split]
    rng = random.Random(seed)
    shuffled = rng.sample(part, len(part))
    yes = [q for q in shuffled if q.answerable][:answerable]
    no = [q for q in shuffled if not q.answerable][:unanswerable]
    return yes + no


# ---------------------------------------------------------------- scoring

_CITATION_MARK = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCT = set(string.punctuation)


def normalize_answer(s: str) -> str:
    """SQuAD's official normalisation: lower case, no punctuation, no articles, single spaces."""
    s = "".join(ch for ch in s.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", s).split())


def contains_answer(text: str, gold: tuple[str, ...]) -> bool:
    """A gold answer's normalised words appear, as whole words, in the normalised text.
    Citation markers ("[1]") are removed first, or "1" would match every cited answer."""
    haystack = f" {normalize_answer(_CITATION_MARK.sub(' ', text))} "
    return any(g and f" {g} " in haystack for g in (normalize_answer(a) for a in gold))


def score_answer(q: SquadQuestion, answer) -> dict:
    row = {"id": q.id, "article": q.article, "question": q.question, "answerable": q.answerable,
           "gold": list(q.answers), "answer": answer.text, "abstained": answer.abstained,
           "cited": sorted({c.source for c in answer.citations})}
    if q.answerable:
        row["right"] = not answer.abstained and contains_answer(answer.text, q.answers)
        row["grounded"] = row["right"] and any(contains_answer(c.quote, q.answers)
                                               for c in answer.citations)
        row["cited_article"] = q.source in row["cited"]
    else:
        row["right"] = answer.abstained
    return row


def summarise(rows: list[dict]) -> dict:
    yes = [r for r in rows if r["answerable"]]
    no = [r for r in rows if not r["answerable"]]

    def rate(rs, key):
        return sum(bool(r[key]) for r in rs) / len(rs) if rs else float("nan")

    return {"answerable_n": len(yes), "unanswerable_n": len(no),
            "answerable_right": rate(yes, "right"), "answerable_grounded": rate(yes, "grounded"),
            "answerable_false_abstain": rate(yes, "abstained"),
            "answerable_cited_article": rate(yes, "cited_article"),
            "unanswerable_abstain": rate(no, "abstained"),
            # SQuAD 2.0's own view: every question scored, abstaining right on unanswerable ones
            "overall_right": rate(rows, "right")}


# ---------------------------------------------------------------- running

def open_bot(generator: str, embedder, llm=None, corpus: Path = CORPUS, index: Path | None = None):
    from assistant import Assistant

    bot = Assistant.load(corpus=corpus, index=index or index_dir(embedder), generator=generator,
                         embedder=embedder, llm=llm if generator == "local" else None)
    bot.wait_until_ready()
    return bot


def ask_all(bot, sample_: list[SquadQuestion],
            log: Callable[[str], None] = lambda m: None) -> list[dict]:
    from assistant import Answer, AssistantError

    rows = []
    for i, q in enumerate(sample_, 1):
        t0 = time.perf_counter()
        try:
            answer = bot.ask(q.question)
        except AssistantError as exc:  # e.g. a question the API refuses: counted as abstained
            answer = Answer(question=q.question, text=f"error: {exc}", abstained=True)
        row = score_answer(q, answer)
        row["seconds"] = round(time.perf_counter() - t0, 3)
        log(f"[{i}/{len(sample_)}] {'A' if q.answerable else 'U'} "
            f"{'right' if row['right'] else 'wrong'} {q.question[:70]}")
        rows.append(row)
    return rows


def run(generators: list[str], sample_: list[SquadQuestion], embedder=None, llm=None,
        data: list[dict] | None = None, corpus: Path = CORPUS, index: Path | None = None,
        log: Callable[[str], None] = lambda m: None) -> dict:
    """Per generator: summary and per-question rows of `sample_` asked of the whole corpus."""
    embedder = embedder or _local_embedder()
    write_corpus(data if data is not None else load_data(), corpus)
    return per_backend(generators, embedder, llm, corpus, index,
                       lambda bot: ask_all(bot, sample_, log), summarise)


def per_backend(generators: list[str], embedder, llm, corpus: Path, index: Path | None,
                ask: Callable[[object], list[dict]], summarise: Callable[[list[dict]], dict]):
    """Per generator: a bot on corpus and index, its rows from `ask(bot)`, their summary and
    the time asking took. Shared by the benchmarks that open their own corpus (evals.everyday)."""
    out = {}
    for generator in generators:
        if generator == "local" and llm is None:
            llm = _local_llm()
        bot = open_bot(generator, embedder, llm, corpus, index)
        try:
            t0 = time.perf_counter()
            rows = ask(bot)
            out[generator] = {**summarise(rows), "seconds": round(time.perf_counter() - t0, 1),
                              "rows": rows}
        finally:
            bot.close()
    return out


def _local_embedder():
    from assistant.embeddings import LocalEmbedder

    return LocalEmbedder()


def _local_llm():
    from assistant.backends.local import LocalLLM
    from assistant.config import Config

    cfg = Config.load()
    return LocalLLM(cfg.model_path, threads=cfg.threads, context_window=cfg.context_window)


def render(result: dict, meta: dict) -> str:
    gens = list(result)
    keys = [("answerable right", "answerable_right"),
            ("answerable grounded", "answerable_grounded"),
            ("answerable false-abstain", "answerable_false_abstain"),
            ("answerable cited the article", "answerable_cited_article"),
            ("unanswerable abstain", "unanswerable_abstain")]
    lines = [f"SQuAD 2.0 public part: {meta['answerable']} answerable + {meta['unanswerable']} "
             f"unanswerable, seed {meta['seed']}, split {meta['split']}",
             f"{'':30s}" + "".join(f"{g:>12s}" for g in gens)]
    for label, key in keys:
        lines.append(f"{label:30s}" + "".join(f"{result[g][key]:12.3f}" for g in gens))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.squad", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-g", "--generators", default="extractive")
    ap.add_argument("--answerable", type=int, default=60)
    ap.add_argument("--unanswerable", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", choices=SPLITS, default="report")
    ap.add_argument("--full", action="store_true", help="every question of the 8 articles")
    ap.add_argument("--label", default=None)
    args = ap.parse_args(argv)
    data = load_data()
    pool = questions(data)
    split = None if args.full else args.split
    chosen = pool if args.full else sample(pool, args.answerable, args.unanswerable, args.seed,
                                           split)
    meta = {"answerable": sum(q.answerable for q in chosen),
            "unanswerable": sum(not q.answerable for q in chosen),
            "seed": None if args.full else args.seed, "split": split or "all"}
    gens = [g.strip() for g in args.generators.split(",") if g.strip()]
    result = run(gens, chosen, data=data, log=lambda m: print(m, file=sys.stderr, flush=True))
    label = args.label or ("full" if args.full else f"{args.split}-seed{args.seed}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"squad-{label}.json"
    out.write_text(json.dumps({"meta": meta, "results": result}, indent=2, ensure_ascii=False))
    print(render(result, meta))
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
