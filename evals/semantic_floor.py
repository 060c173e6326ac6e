"""The meaning check's floor for each embedder, matched on tune documents only.

    python -m evals.semantic_floor      # prints the floors; evals/results/semantic-floor.json

An answer sentence fails the meaning check when its cosine to every sentence it cites is under
the embedder's floor (and their words barely overlap; `answering/citations.py`, `verify`).
MiniLM's floor, 0.55, was set on MiniLM's cosines. multilingual-e5 puts every pair of
sentences higher (unrelated ones 0.7-0.9), so MiniLM's number would let anything pass. Its
floor here is the cosine that the same share of unrelated sentence pairs reaches as reach
0.55 under MiniLM: the two embedders then wave through the same share of unrelated
citations. (On 2,000 pairs that share is 0, so the floor is the highest unrelated cosine:
0.873 for multilingual-e5-small, `MultilingualEmbedder.semantic_floor`.) Unrelated pairs
are sentences of two different documents, both `tune` documents: SQuAD's tune articles and
the real documents' tune files. Adjacent sentences of one paragraph (related, not the same)
are reported beside it: the share of them each floor keeps."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

RESULTS = Path(__file__).with_name("results")
MINILM_FLOOR = 0.55
PAIRS = 2000
MIN_WORDS = 6


def tune_sentences() -> list[list[str]]:
    """Each tune document's sentences (of at least MIN_WORDS words), one list per document."""
    from assistant.language.sentences import sentences as split_sentences

    from . import realdocs, squad

    texts = []
    data = squad.load_data()
    squad.write_corpus(data)
    for path in sorted(squad.CORPUS.glob("*.txt")):
        if squad.split_of_document(path.name) == "tune":
            texts.append(path.read_text(encoding="utf-8"))
    splits = realdocs.document_splits(realdocs.load_questions())
    from assistant.readers import read_document

    for name, split in sorted(splits.items()):
        if split == "tune":
            texts.append(read_document(realdocs.DOCS / name).text)
    out = []
    for text in texts:
        spans = split_sentences(text)
        out.append([" ".join(text[a:b].split()) for a, b in spans
                    if len(text[a:b].split()) >= MIN_WORDS])
    return [d for d in out if len(d) >= 2]


def pairs(documents: list[list[str]], seed: int = 0):
    """(unrelated pairs, adjacent pairs), each a list of (a, b) sentence texts."""
    rng = np.random.default_rng(seed)
    unrelated, adjacent = [], []
    while len(unrelated) < PAIRS:
        i, j = rng.choice(len(documents), 2, replace=False)
        unrelated.append((documents[i][rng.integers(len(documents[i]))],
                          documents[j][rng.integers(len(documents[j]))]))
    for d in documents:
        adjacent += list(zip(d, d[1:]))
    rng.shuffle(adjacent)
    return unrelated, adjacent[:PAIRS]


def cosines(embedder, pairs_) -> np.ndarray:
    a = embedder.embed([p[0] for p in pairs_])
    b = embedder.embed([p[1] for p in pairs_])
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def main(argv=None) -> int:
    from assistant.embeddings import make_embedder

    documents = tune_sentences()
    unrelated, adjacent = pairs(documents)
    base = {k: cosines(make_embedder("minilm"), p) for k, p in
            (("unrelated", unrelated), ("adjacent", adjacent))}
    share = float((base["unrelated"] >= MINILM_FLOOR).mean())
    report = {"documents": len(documents), "pairs": len(unrelated),
              "minilm": {"floor": MINILM_FLOOR, "unrelated_passing": share,
                         "adjacent_passing": float((base["adjacent"] >= MINILM_FLOOR).mean())}}
    other = {k: cosines(make_embedder("multilingual"), p) for k, p in
             (("unrelated", unrelated), ("adjacent", adjacent))}
    floor = float(np.quantile(other["unrelated"], 1 - share))
    report["multilingual"] = {
        "floor": round(floor, 3), "unrelated_passing": float((other["unrelated"] >= floor).mean()),
        "adjacent_passing": float((other["adjacent"] >= floor).mean()),
        "unrelated_p5_p50_p95": [round(float(x), 3) for x in
                                 np.quantile(other["unrelated"], [0.05, 0.5, 0.95])]}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "semantic-floor.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
