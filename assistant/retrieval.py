"""Hybrid retrieval: dense (Chroma, cosine) and BM25 (bm25s) fused into one ranking.

Dense relevance of a chunk is the better of its own cosine and its best sentence's (sentences are
indexed too: small-to-big). Fusion is a convex combination of the two normalised scores
(`fusion="convex"`, equal weights), or reciprocal-rank fusion (`fusion="rrf"`). On the golden
set the score combination ranks better than RRF, which over-rewards chunks both retrievers
find mediocre (see `python -m evals.benchmark retrieval`).
"""

from __future__ import annotations

import logging
import math
from typing import Iterable

import bm25s
import numpy as np

from .embeddings import Embedder
from .errors import ConfigError
from .index import ChromaIndex
from .text import tokenize
from .types import COMMENT, Chunk, DocumentMeta, Passage

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
MODES = ("hybrid", "dense", "bm25")
FUSIONS = ("convex", "rrf")


class HybridRetriever:
    def __init__(self, index: ChromaIndex, embedder: Embedder, documents: dict[str, DocumentMeta],
                 fusion: str = "convex", alpha: float = 0.5, rrf_k: int = 60, pool: int = 30):
        if fusion not in FUSIONS:
            raise ConfigError(f"fusion must be one of {FUSIONS}. Currently, fusion is {fusion!r}")
        self.index = index
        self.embedder = embedder
        self.documents = documents
        self.fusion = fusion
        self.alpha = alpha
        self.rrf_k = rrf_k
        self.pool = pool
        self.refresh()

    def refresh(self) -> None:
        """(Re)build the BM25 side from what the index holds."""
        self.chunks: list[Chunk] = sorted(self.index.all_chunks(), key=lambda c: c.id)
        self._by_id = {c.id: c for c in self.chunks}
        tokens = [self._bm25_tokens(c) for c in self.chunks]
        self._df: dict[str, int] = {}
        for toks in tokens:
            for tok in set(toks):
                self._df[tok] = self._df.get(tok, 0) + 1
        self._bm25 = bm25s.BM25()
        if self.chunks:
            self._bm25.index(tokens, show_progress=False)

    def _bm25_tokens(self, chunk: Chunk) -> list[str]:
        """A chunk's own words plus its document's title and, for reader comments, the label:
        metadata as a (short) field, so "comments" and headline words can match."""
        meta = self.documents.get(chunk.source)
        label = "reader comment " if chunk.kind == COMMENT else ""
        return tokenize(f"{label}{meta.title if meta else ''}\n{chunk.text}") or ["<empty>"]

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency over chunks; unseen tokens get the maximum."""
        n = len(self.chunks)
        return math.log(1 + (n + 1) / (self._df.get(token, 0) + 0.5))

    def search(self, question: str, k: int = 5, mode: str = "hybrid",
               vector: np.ndarray | None = None) -> list[Passage]:
        if mode not in MODES:
            raise ConfigError(f"retrieval mode must be one of {MODES}. Currently, mode is {mode!r}")
        if not isinstance(k, int) or k <= 0:
            raise ConfigError(f"k must be a positive integer. Currently, k is {k!r}")
        pool = max(self.pool, k)
        cosine: dict[str, float] = {}
        bm25: dict[str, float] = {}
        if mode in ("hybrid", "dense"):
            if vector is None:
                vector = self.embedder.embed([question])[0]
            cosine = self._dense(vector, pool)
        if mode in ("hybrid", "bm25"):
            bm25 = self._bm25_scores(question, pool)
        if mode == "hybrid":
            fused = (_rrf([_ranking(cosine), _ranking(bm25)], self.rrf_k) if self.fusion == "rrf"
                     else _convex(cosine, bm25, self.alpha))
        else:
            fused = cosine or bm25
        dense_rank = {cid: r for r, cid in enumerate(_ranking(cosine), 1)}
        bm25_rank = {cid: r for r, cid in enumerate(_ranking(bm25), 1)}
        return [self._passage(cid, fused[cid], dense_rank.get(cid), bm25_rank.get(cid),
                              cosine.get(cid))
                for cid in _ranking(fused)[:k] if cid in self._by_id]

    def _dense(self, vector: np.ndarray, pool: int) -> dict[str, float]:
        """Chunk relevance = the better of the chunk's own cosine and its best sentence's."""
        scores = dict(self.index.dense_search(vector, pool))
        for cid, cos in self.index.dense_sentence_search(vector, 4 * pool):
            scores[cid] = max(scores.get(cid, -1.0), cos)
        return scores

    def _bm25_scores(self, question: str, pool: int) -> dict[str, float]:
        tokens = tokenize(question)
        if not tokens or not self.chunks:
            return {}
        ids, scores = self._bm25.retrieve([tokens], k=min(pool, len(self.chunks)),
                                          show_progress=False)
        return {self.chunks[i].id: float(s) for i, s in zip(ids[0], scores[0]) if s > 0}

    def _passage(self, cid: str, score: float, dense_rank, bm25_rank, cosine) -> Passage:
        chunk = self._by_id[cid]
        meta = self.documents.get(chunk.source)
        return Passage(source=chunk.source, text=chunk.text, start=chunk.start, end=chunk.end,
                       score=score, kind=chunk.kind, title=meta.title if meta else "",
                       date=meta.date if meta else None, dense_rank=dense_rank,
                       bm25_rank=bm25_rank, dense_score=cosine, chunk_id=cid)


def _ranking(scores: dict[str, float]) -> list[str]:
    return sorted(scores, key=lambda cid: (-scores[cid], cid))


def _rrf(rankings: Iterable[list[str]], k: int) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking, 1):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (k + rank)
    return fused


def _convex(cosine: dict[str, float], bm25: dict[str, float], alpha: float) -> dict[str, float]:
    """alpha * min-max-normalised cosine + (1 - alpha) * BM25 / best BM25."""
    ids = set(cosine) | set(bm25)
    lo = min(cosine.values(), default=0.0)
    span = (max(cosine.values(), default=0.0) - lo) or 1.0
    top = max(bm25.values(), default=0.0) or 1.0
    return {cid: alpha * ((cosine[cid] - lo) / span if cid in cosine else 0.0)
            + (1 - alpha) * bm25.get(cid, 0.0) / top for cid in ids}
