"""Embedding and writing documents at the embedder's speed.

Embedding one document at a time, sentences and chunks in separate calls, leaves the embedder
small, badly padded batches and idles it while the store writes. Here documents stream through
in order: their sentences and chunks are cut into one stream of records, embedded in large
batches across documents, and handed to a writer thread (a bounded queue) that adds them to the
store while the next batch embeds. A document's records are made from its `Layout` (offsets in
flat arrays) only as the batches take them, so what is held is the few batches in flight, plus
a few bytes per sentence of the document being written: memory follows the batch size, not
the size of the file or of the corpus.

A document is recorded in the manifest as begun before its first record is written and as
complete only once its last is: a build killed midway resumes with the documents it completed.
All manifest writes happen on the writer thread, in order.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Protocol

import numpy as np

from ..chunking import Layout, iter_chunks, layout
from ..embeddings import Embedder
from ..types import COMMENT, Document

BATCH = 512  # texts per embedding call: large enough to pad well, small enough to bound memory
QUEUE = 2  # embedded batches waiting for the writer


@dataclass(frozen=True)
class SyncProgress:
    """How far a sync has got, passed to the `progress` callback after each document; while
    files are still being read, before indexing starts, `reading` says what is being read
    when it takes long ("scan.pdf: OCR page 3 of 12"; the counts are then 0)."""
    files_done: int
    files_total: int
    chunks_done: int
    chunks_total: int
    current: str | None  # the file just finished (None before the first)
    reading: str | None = None


Progress = Callable[[SyncProgress], None]


@dataclass(frozen=True)
class Record:
    part: str  # "sentences" or "chunks"
    id: str
    text: str  # stored
    to_embed: str  # embedded (with title or label)
    meta: dict


@dataclass(frozen=True)
class DocPlan:
    source: str
    sha256: str
    chunks: int
    sentences: int
    to_write: int = -1  # records still to write (-1: all of them)

    @property
    def pending(self) -> int:
        return self.chunks + self.sentences if self.to_write < 0 else self.to_write


class Sink(Protocol):
    """What the writer needs from the store (so Chroma types stay in the store module)."""
    def add(self, part: str, records: list[Record], vectors: np.ndarray) -> None: ...
    def begin(self, plan: DocPlan) -> None: ...
    def complete(self, source: str) -> None: ...


def records(doc: Document, lay: Layout) -> Iterator[Record]:
    """A document's sentence records then its chunk records, in document order, made one at
    a time (the order is the store's insertion order, and a resumed build's)."""
    common = {"source": doc.source, "doc_sha256": doc.meta.sha256}
    for c in iter_chunks(doc, lay):
        for s in c.sentences:
            yield Record("sentences", s.id, s.text, label(s.kind) + s.text,
                         {**common, "start": s.start, "end": s.end, "kind": s.kind,
                          "chunk_id": s.chunk_id})
    for n, c in enumerate(iter_chunks(doc, lay, sentences=False)):
        yield Record("chunks", c.id, c.text, f"{label(c.kind)}{doc.meta.title}\n{c.text}",
                     {**common, "start": c.start, "end": c.end, "kind": c.kind, "seq": n})


def label(kind: str) -> str:
    """What a reader comment is, said in words, so questions about comments can find it."""
    return "Reader comment: " if kind == COMMENT else ""


def write_documents(docs: list[Document], sink: Sink, embedder: Embedder,
                    progress: Progress | None = None, batch: int | None = None,
                    stored: dict[str, set[str]] | None = None) -> None:
    """Embed and write `docs`, streaming, in large batches. A document is absent from the
    store, or (`stored`: source -> ids of its records already there, from a sync killed
    half-way through it) only its missing records are embedded. Counting chunks for the
    progress totals costs one extra pass over each document (its layout only, no objects), so it
    is done only when someone watches."""
    counts = [layout(doc).chunks for doc in docs] if progress else []
    writer = _Writer(sink, progress, len(docs), sum(counts))
    writer.start()
    try:
        for items in _batches(docs, batch or BATCH, stored or {}):
            vectors = embedder.embed([r.to_embed for _, r in items if r is not None])
            writer.put(items, vectors)
            del items, vectors  # not held while the next batch is cut and embedded
    finally:
        writer.finish()


def _batches(docs: Iterable[Document], size: int, stored: dict[str, set[str]]
             ) -> Iterator[list[tuple[DocPlan, Record | None]]]:
    """(document, record) pairs across documents, `size` at a time; a document is laid out
    only when the stream reaches it, and its records are made as the batches need them. A
    document with nothing (more) to write is one (plan, None), so it is still marked complete."""
    pending: list[tuple[DocPlan, Record | None]] = []
    for doc in docs:
        lay = layout(doc)
        todo = records(doc, lay)
        have = stored.get(doc.source)
        left = -1
        if have:
            left = sum(1 for r in records(doc, lay) if r.id not in have)
            todo = (r for r in todo if r.id not in have)
        plan = DocPlan(doc.source, doc.meta.sha256, lay.chunks, lay.sentences, left)
        if not plan.pending:  # nothing indexable, or nothing left: still recorded, as complete
            pending.append((plan, None))
            continue
        for record in todo:
            pending.append((plan, record))
            if len(pending) >= size:
                yield pending
                pending = []
    if pending:
        yield pending


class _Writer:
    """The writer thread: adds embedded batches to the store in order, and marks a document
    complete (and reports progress) when its last record is written."""

    def __init__(self, sink: Sink, progress: Progress | None, files: int, chunks: int):
        self.sink, self.progress = sink, progress
        self.files_total, self.chunks_total = files, chunks
        self.files_done = self.chunks_done = 0
        self.remaining: dict[str, int] = {}
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE)
        self._thread = threading.Thread(target=self._run, name="index-writer", daemon=True)

    def start(self) -> None:
        self._report(None)
        self._thread.start()

    def put(self, items, vectors) -> None:
        while True:
            self._raise()
            try:
                self._queue.put((items, vectors), timeout=0.5)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Wait for every queued batch to be written; re-raise the writer's failure."""
        if self._thread.is_alive():
            while True:
                try:
                    self._queue.put(None, timeout=0.5)
                    break
                except queue.Full:
                    if not self._thread.is_alive():
                        break
            self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            while (job := self._queue.get()) is not None:
                self._write(*job)
        except BaseException as exc:  # handed to the embedding thread
            self.error = exc

    def _write(self, items: list[tuple[DocPlan, Record | None]], vectors: np.ndarray) -> None:
        """`vectors` has one row per record that is not None, in order."""
        for plan, _ in items:
            if plan.source not in self.remaining:
                self.sink.begin(plan)
                self.remaining[plan.source] = plan.pending
        rows = [r for _, r in items if r is not None]
        for part in ("sentences", "chunks"):
            picked = [n for n, r in enumerate(rows) if r.part == part]
            if picked:
                self.sink.add(part, [rows[n] for n in picked], vectors[picked])
        for plan, record in items:
            if record is not None:
                self.remaining[plan.source] -= 1
            if self.remaining[plan.source] == 0:
                self.remaining[plan.source] = -1  # done: never again
                self.sink.complete(plan.source)
                self.files_done += 1
                self.chunks_done += plan.chunks
                self._report(plan.source)

    def _report(self, current: str | None) -> None:
        if self.progress:
            self.progress(SyncProgress(self.files_done, self.files_total,
                                       min(self.chunks_done, self.chunks_total),
                                       self.chunks_total, current))
