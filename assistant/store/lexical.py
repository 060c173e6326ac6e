"""The BM25 side of the index, persisted beside the store so start-up need not rebuild it.

Rebuilding BM25 on every start means reading and tokenising every chunk: seconds at a million
words, and all chunk texts held in memory. Instead `sync` builds it once after any change
(under the writer lock) and saves it in `lexical-<generation>/` inside the index directory:
bm25s's own files (memory-mapped on load) plus `chunks.json`, the chunk ids in BM25 row order
and the document-frequency table that `idf()` needs. The manifest's generation counter says
which copy is current; a reader whose generation has no saved copy builds one in memory. A
copy made by another version of the tokeniser (`assistant.text.TOKENS`) counts as none: the next
sync rebuilds it (tokenising only; nothing is embedded again).
"""

from __future__ import annotations

import json
import logging
import math
import shutil
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterable, Mapping

import bm25s
import numpy as np

from ..text import TOKENS, tokenize
from ..types import COMMENT, Chunk

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
PREFIX = "lexical-"
META = "chunks.json"
TOKENS_FILE = "tokens"  # the version of the tokeniser that made the copy (assistant.text.TOKENS)


def bm25_tokens(chunk: Chunk, title: str) -> list[str]:
    """A chunk's own words plus its document's title and, for reader comments, the label:
    metadata as a (short) field, so "comments" and headline words can match."""
    label = "reader comment " if chunk.kind == COMMENT else ""
    return tokenize(f"{label}{title}\n{chunk.text}") or ["<empty>"]


@dataclass
class LexicalIndex:
    ids: list[str]  # chunk ids in BM25 row order (sorted)
    df: dict[str, int]  # token -> number of chunks holding it
    bm25: bm25s.BM25 | None  # None when there are no chunks

    @classmethod
    def build(cls, chunks: Iterable[Chunk], titles: Mapping[str, str]) -> "LexicalIndex":
        """Index chunks (any order; rows are sorted by chunk id, as search ties expect).

        Chunks are tokenised as they stream in and each is kept as an array of token numbers
        (4 bytes a token), not a list of strings (one str object per token, ~60 bytes): the
        build at the end of every sync then holds a few bytes per word of the corpus, not
        the corpus's tokens as Python objects."""
        vocab: dict[str, int] = {}  # token -> its number (= its column in bm25s)
        df = array("q")  # by token number: chunks holding it
        ids: list[str] = []
        rows: list[array] = []
        for chunk in chunks:
            row = array("i", [vocab.setdefault(tok, len(vocab))
                              for tok in bm25_tokens(chunk, titles.get(chunk.source, ""))])
            df.extend([0] * (len(vocab) - len(df)))
            for n in set(row):
                df[n] += 1
            ids.append(chunk.id)
            rows.append(row)
        order = sorted(range(len(ids)), key=ids.__getitem__)
        ids = [ids[i] for i in order]
        rows = [rows[i] for i in order]
        bm25 = None
        if rows:
            bm25 = bm25s.BM25()
            bm25.index((rows, dict(vocab)), show_progress=False)
        return cls(ids, {tok: df[n] for tok, n in vocab.items()}, bm25)

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency over chunks; unseen tokens get the maximum."""
        n = len(self.ids)
        return math.log(1 + (n + 1) / (self.df.get(token, 0) + 0.5))

    def scores(self, tokens: list[str], pool: int, sources: Collection[str] | None = None
               ) -> dict[str, float]:
        """chunk id -> BM25 score for the best `pool` chunks with a positive score; only
        chunks of `sources` when given (a chunk id is "<source>#<start>-<end>")."""
        if not tokens or self.bm25 is None:
            return {}
        mask = None
        if sources is not None:
            mask = np.fromiter((cid.rpartition("#")[0] in sources for cid in self.ids),
                               dtype=np.float32, count=len(self.ids))
            if not mask.any():
                return {}
        ids, scores = self.bm25.retrieve([tokens], k=min(pool, len(self.ids)), show_progress=False,
                                         weight_mask=mask)
        return {self.ids[i]: float(s) for i, s in zip(ids[0], scores[0]) if s > 0}

    # ------------------------------------------------------------ persistence

    def save(self, directory: Path, generation: int) -> None:
        """Write `lexical-<generation>/` (via a temporary name, so a reader never sees half a
        copy, and a write cut short, by a full disk say, leaves nothing behind) and drop older
        generations."""
        final = Path(directory) / f"{PREFIX}{generation}"
        tmp = final.with_name(final.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir(parents=True)
            if self.bm25 is not None:
                self.bm25.save(str(tmp), show_progress=False)
            (tmp / TOKENS_FILE).write_text(TOKENS, encoding="utf-8")
            (tmp / META).write_text(json.dumps({"generation": generation, "ids": self.ids,
                                                "df": self.df}), encoding="utf-8")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        for old in Path(directory).glob(f"{PREFIX}*"):
            if old != final:
                shutil.rmtree(old, ignore_errors=True)

    @staticmethod
    def saved(directory: Path, generation: int) -> bool:
        """Whether `generation` has its saved copy, made with today's tokens: its writer has
        finished."""
        return _current(Path(directory) / f"{PREFIX}{generation}")

    @classmethod
    def load(cls, directory: Path, generation: int) -> "LexicalIndex | None":
        """The saved copy for `generation`, or None if there is none (or it cannot be read:
        it is derived data, and the caller rebuilds it)."""
        path = Path(directory) / f"{PREFIX}{generation}"
        try:
            meta = json.loads((path / META).read_text(encoding="utf-8"))
            if meta["generation"] != generation or not _current(path):
                return None
            bm25 = (bm25s.BM25.load(str(path), mmap=True, show_progress=False)
                    if meta["ids"] else None)
            return cls(meta["ids"], meta["df"], bm25)
        except FileNotFoundError:
            return None
        except Exception as exc:  # damaged copy: rebuild rather than fail
            log.warning("saved BM25 index %s is unreadable (%s); rebuilding it", path, exc)
            return None

    @staticmethod
    def exists(directory: Path, generation: int) -> bool:
        return _current(Path(directory) / f"{PREFIX}{generation}")


def _current(copy: Path) -> bool:
    """Whether a saved copy is whole (its META is written last) and made by today's tokeniser
    (its TOKENS_FILE; a copy from before there was one has none). Unreadable: not current."""
    try:
        return (copy / META).is_file() and (copy / TOKENS_FILE).read_bytes() == TOKENS.encode()
    except OSError:
        return False
