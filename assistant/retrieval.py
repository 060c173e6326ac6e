"""Hybrid retrieval: dense (Chroma, cosine) and BM25 (bm25s) fused into one ranking.

Dense relevance of a chunk is the better of its own cosine and its best sentence's (sentences are
indexed too: small-to-big). Fusion is a convex combination of the two normalised scores
(`fusion="convex"`, equal weights), or reciprocal-rank fusion (`fusion="rrf"`). On the golden
set the score combination ranks better than RRF, which over-rewards chunks both retrievers
find mediocre (see `python -m evals.benchmark retrieval`).

The BM25 index is saved with the store (`assistant/store/lexical.py`) and only the hits'
chunks are read back to build passages, so opening a large index reads no chunk texts.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from .embeddings import Embedder, embed_query
from .errors import ConfigError
from .index import ChromaIndex, LexicalIndex
from .text import tokenize
from .types import Chunk, DocumentMeta, Passage

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
        """(Re)open the BM25 side: the copy saved with the index when it is current (nothing
        is read or tokenised), else one built from what the index holds."""
        titles = {source: meta.title for source, meta in self.documents.items()}
        self.lexical: LexicalIndex = self.index.lexical(titles)

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency over chunks; unseen tokens get the maximum."""
        return self.lexical.idf(token)

    def search(self, question: str, k: int = 5, mode: str = "hybrid",
               vector: np.ndarray | None = None,
               sources: frozenset[str] | None = None) -> list[Passage]:
        """The `k` best passages, of the documents in `sources` only when given."""
        if mode not in MODES:
            raise ConfigError(f"retrieval mode must be one of {MODES}. Currently, mode is {mode!r}")
        if not isinstance(k, int) or k <= 0:
            raise ConfigError(f"k must be a positive integer. Currently, k is {k!r}")
        pool = max(self.pool, k)
        cosine: dict[str, float] = {}
        bm25: dict[str, float] = {}
        if mode in ("hybrid", "dense"):
            if vector is None:
                vector = embed_query(self.embedder, [question])[0]
            cosine = self._dense(vector, pool, sources)
        if mode in ("hybrid", "bm25"):
            bm25 = self.lexical.scores(tokenize(question), pool, sources)
        if mode == "hybrid":
            fused = (_rrf([_ranking(cosine), _ranking(bm25)], self.rrf_k) if self.fusion == "rrf"
                     else _convex(cosine, bm25, self.alpha))
        else:
            fused = cosine or bm25
        dense_rank = {cid: r for r, cid in enumerate(_ranking(cosine), 1)}
        bm25_rank = {cid: r for r, cid in enumerate(_ranking(bm25), 1)}
        top = _ranking(fused)[:k]
        chunks = self.index.chunks_by_id(top)  # only the hits are read from the store
        return [self._passage(chunks[cid], fused[cid], dense_rank.get(cid), bm25_rank.get(cid),
                              cosine.get(cid))
                for cid in top if cid in chunks]

    def _dense(self, vector: np.ndarray, pool: int, sources=None) -> dict[str, float]:
        """Chunk relevance = the better of the chunk's own cosine and its best sentence's."""
        scores = dict(self.index.dense_search(vector, pool, sources))
        for cid, cos in self.index.dense_sentence_search(vector, 4 * pool, sources):
            scores[cid] = max(scores.get(cid, -1.0), cos)
        return scores

    def _passage(self, chunk: Chunk, score: float, dense_rank, bm25_rank, cosine) -> Passage:
        meta = self.documents.get(chunk.source)
        return Passage(source=chunk.source, text=chunk.text, start=chunk.start, end=chunk.end,
                       score=score, kind=chunk.kind, title=meta.title if meta else "",
                       date=meta.date if meta else None, dense_rank=dense_rank,
                       bm25_rank=bm25_rank, dense_score=cosine, chunk_id=chunk.id)


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
