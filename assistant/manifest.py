"""The index manifest: what the store holds, per document, in a small SQLite table of its own.

Start-up and `sync` read this table instead of scanning the store's metadata, so their cost
grows with the number of documents, not with the number of sentences (a scan of a large store
in one call also overflowed SQLite's limit on query variables and locked users out).

    documents(source, sha256, chunks, sentences, status, indexed_at)
        status "partial" while a document's records are being written, "complete" after
    meta(key, value)   embedder, dim, schema, generation

`generation` counts the syncs that changed anything. It is bumped before the first change is
written (so a sync killed midway still leaves a new number behind), and whatever is derived
from the whole index and saved beside it (the BM25 index) is keyed by it.

The file lives beside the store (inside the index directory, or in the local index directory
when the store is a Chroma server). Every write happens under the index's writer lock.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

FILENAME = "manifest.sqlite3"
PARTIAL = "partial"
COMPLETE = "complete"


@dataclass(frozen=True)
class DocumentState:
    source: str
    sha256: str
    chunks: int
    sentences: int
    status: str
    indexed_at: float

    @property
    def complete(self) -> bool:
        return self.status == COMPLETE


class Manifest:
    def __init__(self, directory: Path):
        self.path = Path(directory) / FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False,
                                   isolation_level=None)  # autocommit; `with self._tx()` groups
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE IF NOT EXISTS documents (source TEXT PRIMARY KEY, sha256 TEXT, "
            "chunks INTEGER, sentences INTEGER, status TEXT, indexed_at REAL);")

    # ------------------------------------------------------------ meta

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set(self, **values: str) -> None:
        self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             [(k, str(v)) for k, v in values.items()])

    @property
    def generation(self) -> int:
        return int(self.get("generation") or 0)

    def bump(self) -> int:
        """A new generation: the index is about to change."""
        new = self.generation + 1
        self.set(generation=new)
        return new

    @property
    def is_new(self) -> bool:
        """Nothing has ever been recorded here."""
        return self.get("schema") is None

    # ------------------------------------------------------------ documents

    def documents(self) -> dict[str, DocumentState]:
        rows = self._db.execute("SELECT source, sha256, chunks, sentences, status, indexed_at "
                                "FROM documents ORDER BY source")
        return {r[0]: DocumentState(*r) for r in rows}

    def begin(self, source: str, sha256: str, chunks: int, sentences: int) -> None:
        """Record that `source` is being written: until `complete`, it counts as half-written."""
        self._db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                         (source, sha256, chunks, sentences, PARTIAL, time.time()))

    def complete(self, source: str) -> None:
        self._db.execute("UPDATE documents SET status = ?, indexed_at = ? WHERE source = ?",
                         (COMPLETE, time.time(), source))

    def remove(self, source: str) -> None:
        self._db.execute("DELETE FROM documents WHERE source = ?", (source,))

    def clear(self) -> None:
        """Forget every document; the generation keeps counting (saved BM25 copies are keyed
        by it, and an old number must never come back to mean other contents)."""
        generation = self.generation
        self._db.executescript("DELETE FROM documents; DELETE FROM meta;")
        self.set(generation=generation + 1)

    def close(self) -> None:
        self._db.close()
