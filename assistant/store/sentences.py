"""Reading sentences back from the store, with their vectors: those of given chunks (the
evidence of a question), and all of one document's (a summary of it). Functions over the two
Chroma collections, used by `ChromaIndex`; every read is paged or bounded."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..types import Sentence
from .base import PAGE

DOCUMENT_LIMIT = 3000  # sentences of one document read for a summary (about 60,000 words)


def of_chunks(chunks, sentences, dim: int, chunk_ids: list[str], edges: bool = False
              ) -> tuple[list[Sentence], np.ndarray]:
    """The sentences of the given chunks, in document order, with their vectors.

    With `edges`, each chunk also gets the sentence just before and just after it in its
    document when that sentence lies in a chunk not given (labelled with the chunk it
    borders): a chunk edge can fall between sentences that belong together, as in a
    chunk ending "...was due to open in spring." and the next one beginning "However,
    the opening has been postponed because..."."""
    if not chunk_ids:
        return [], np.zeros((0, dim), dtype=np.float32)
    given = list(dict.fromkeys(chunk_ids))
    borders = bordering_chunks(chunks, given) if edges else {}
    got = sentences.get(where={"chunk_id": {"$in": given + sorted(borders)}},
                        include=["documents", "metadatas", "embeddings"])
    by_chunk: dict[str, list[tuple[Sentence, np.ndarray]]] = {}
    for sentence, vector in sorted(_rows(got), key=lambda sv: (sv[0].source, sv[0].start)):
        by_chunk.setdefault(sentence.chunk_id, []).append((sentence, vector))
    picked = {s.id: (s, v) for cid in given for s, v in by_chunk.get(cid, [])}
    for border, sides in borders.items():
        found = by_chunk.get(border, [])
        for side, home in sides:
            if found:
                s, v = found[-1] if side == "before" else found[0]
                picked.setdefault(s.id, (replace(s, chunk_id=home), v))
    return _ordered(list(picked.values()), dim)


def of_document(sentences, dim: int, source: str, limit: int = DOCUMENT_LIMIT
                ) -> tuple[list[Sentence], np.ndarray]:
    """One document's sentences in document order (its first `limit`), with their vectors."""
    rows: list[tuple[Sentence, np.ndarray]] = []
    offset = 0
    while len(rows) < limit:
        got = sentences.get(where={"source": source}, limit=min(PAGE, limit - len(rows)),
                            offset=offset, include=["documents", "metadatas", "embeddings"])
        rows.extend(_rows(got))
        if len(got["ids"]) < PAGE:
            break
        offset += PAGE
    return _ordered(rows, dim)


def bordering_chunks(chunks, chunk_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """chunk id not given -> [("before" | "after", the given chunk it borders), ...]:
    the chunks at positions seq - 1 and seq + 1 of each given chunk's document."""
    given = chunks.get(ids=chunk_ids, include=["metadatas"])
    position = {(m["source"], m["seq"]): cid for cid, m in zip(given["ids"], given["metadatas"])}
    wanted: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for (source, seq), cid in position.items():
        for side, other in (("before", seq - 1), ("after", seq + 1)):
            if other >= 0 and (source, other) not in position:
                wanted.setdefault((source, other), []).append((side, cid))
    if not wanted:
        return {}
    # One filter on the documents, the positions picked here: an $or of (source, seq) pairs
    # took 650 ms at 100k chunks, this 18 ms (evals/SCALE.md). Paged: a document may be long.
    sources = sorted({src for src, _ in wanted})
    where = {"source": sources[0]} if len(sources) == 1 else {"source": {"$in": sources}}
    found: dict[str, list[tuple[str, str]]] = {}
    offset = 0
    while True:
        got = chunks.get(where=where, include=["metadatas"], limit=PAGE, offset=offset)
        for cid, m in zip(got["ids"], got["metadatas"]):
            if (m["source"], m["seq"]) in wanted:
                found[cid] = wanted[(m["source"], m["seq"])]
        if len(got["ids"]) < PAGE:
            return found
        offset += PAGE


def _rows(got: dict) -> list[tuple[Sentence, np.ndarray]]:
    return [(Sentence(m["source"], m["start"], m["end"], text, m["kind"], m["chunk_id"]), v)
            for text, m, v in zip(got["documents"], got["metadatas"], got["embeddings"])]


def _ordered(rows: list[tuple[Sentence, np.ndarray]], dim: int
             ) -> tuple[list[Sentence], np.ndarray]:
    rows = sorted(rows, key=lambda sv: (sv[0].source, sv[0].start))
    vectors = np.asarray([v for _, v in rows], dtype=np.float32)
    return [s for s, _ in rows], vectors.reshape(len(rows), dim)
