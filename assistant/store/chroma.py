"""The Chroma store: chunks and sentences with their embeddings.

Two collections per index (`<name>-chunks`, `<name>-sentences`). The chunk collection's metadata
records the embedder identity and vector size. The manifest (`assistant/manifest.py`, a small
table of its own) records each document's sha256, counts and status, so `sync` can tell
unchanged, changed, added, removed and half-written documents apart without reading the store,
and only re-embed what changed (`sync.py`, `writer.py`). Every read of the store is paged: one
unpaged read of a large store overflows SQLite's limit on query variables. A file lock
serialises every write: opening (which creates the store and its collections), corruption
recovery and `sync`. An index this process may not write is refused before it is opened, one
the file system refuses to write (full, read-only) is an `IndexStorageError` that changes
nothing (`faults.py`), and a damaged one is set aside, never deleted (`files.py`); `health.py`
checks and repairs what the store holds against the manifest. Chroma types stay inside the
store package.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Iterator, Literal, Mapping, Sequence

import numpy as np
from filelock import FileLock, Timeout

from ..corpus import Corpus
from ..embeddings import Embedder
from ..errors import EmbedderMismatch, IndexBusy, IndexDamaged, IndexUnusable
from ..manifest import Manifest
from ..types import Chunk, Sentence
from . import health, sentences
from .base import PAGE, READ_PAGE, SCHEMA, StoreConfig, SyncReport, store_errors
from .client import chroma_client, forget_system, precomputed_ef
from .faults import not_restarted, records_space, require_room, storage_fault
from .files import looks_damaged, require_access, set_aside
from .lexical import LexicalIndex
from .segments import remove_orphans
from .sync import sync_locked
from .writer import DocPlan, Progress, Record

log = logging.getLogger(__name__)
Recover = Literal["never", "damaged", "always"]


class ChromaIndex:
    def __init__(self, cfg: StoreConfig, embedder: Embedder,
                 recover: Recover | bool = "damaged", switch_embedder: bool = False):
        """Open (creating if need be) the index. An index that cannot be opened is moved aside
        (kept) and started anew: when the store says its files are damaged ("damaged"), or
        whatever the failure ("always" or True: `index --repair`); with "never" (or False), and
        otherwise, it is an `IndexUnusable`. A storage fault (disk full, read-only) never is:
        it is an `IndexStorageError`, and nothing changes. `switch_embedder`: the embedder was
        chosen by a setting (a collection's, ASSISTANT_EMBEDDER), so an index built by another
        one is rebuilt, saying why, instead of being an `EmbedderMismatch`."""
        self.cfg = cfg
        self.embedder = embedder
        self.switch_embedder = switch_embedder
        self._recover = {False: "never", True: "always"}.get(recover, recover)
        lock = cfg.path.parent / f".{cfg.path.name}.lock"
        require_access(cfg.path, lock)  # before anything is opened: a refusal changes nothing
        cfg.path.parent.mkdir(parents=True, exist_ok=True)
        # one lock per index directory, shared with every other process that opens it
        self._lock = FileLock(str(lock))
        if cfg.host:
            self._open()
        else:
            # Opening writes (first use creates the database and collections), and a failed open
            # may move the directory aside: neither may race another process's writes.
            with self.locked():
                self._open()

    @contextmanager
    def locked(self):
        """Hold the writer lock (every write, and a health check, happens under it)."""
        try:
            with self._lock.acquire(timeout=self.cfg.lock_timeout):
                yield
        except Timeout as exc:
            raise IndexBusy(f"Another process has been indexing {self.cfg.path} for over "
                            f"{self.cfg.lock_timeout:.0f} s; try again when it finishes.") from exc

    # ------------------------------------------------------------ opening

    def _open(self) -> None:
        self.manifest = None
        try:
            self._client = chroma_client(self.cfg)
            self._chunks = self._collection("chunks")
            self._sentences = self._collection("sentences")
            self._chunks.count()
            self.manifest = Manifest(self.cfg.path)
            self.manifest.documents()
        except IndexUnusable:
            raise
        except Exception as exc:
            if self.cfg.host:
                raise IndexUnusable(f"The Chroma server at {self.cfg.host}:{self.cfg.port} "
                                    f"failed: {exc}") from exc
            fault = storage_fault(self.cfg.path, exc)  # refused, not damaged: nothing moves
            if fault is not None or self._recover == "never" or (
                    self._recover == "damaged" and not looks_damaged(exc)):
                self.close()  # this process's cached client of the store goes too
                raise fault or IndexUnusable(
                    f"The index at {self.cfg.path} cannot be opened ({type(exc).__name__}: "
                    f"{exc}). Run `python -m assistant index --repair` to set it aside and "
                    f"rebuild it.") from exc
            self._recover_corrupt(exc)

    def _collection(self, part: str):
        meta = {"embedder": self.embedder.identity, "dim": self.embedder.dim, "schema": SCHEMA}
        return self._client.get_or_create_collection(
            f"{self.cfg.name}-{part}", metadata=meta, embedding_function=precomputed_ef(),
            configuration={"hnsw": {"space": "cosine"}},
        )

    def _recover_corrupt(self, exc: Exception) -> None:
        """The index is derived data: keep the damaged copy aside (the assistant never deletes
        it) and start a new one. Said to be moved only once it has been."""
        if self.manifest is not None:
            self.manifest.close()
        forget_system(self.cfg.path)
        aside = set_aside(self.cfg.path, exc)
        log.warning("index at %s is unreadable (%s); moved it to %s and rebuilding (set-aside "
                    "copies are kept until you run `python -m assistant index "
                    "--purge-quarantined`)", self.cfg.path, exc, aside)
        self.recovered_from = str(aside)
        try:
            self._client = chroma_client(self.cfg)
            self._chunks = self._collection("chunks")
            self._sentences = self._collection("sentences")
            self.manifest = Manifest(self.cfg.path)
        except Exception as err:
            raise not_restarted(self.cfg.path, aside, err) from err

    def other_embedder(self) -> str | None:
        """The embedder that built this index, when it is not this one (None when it is, or
        when nothing is stored yet)."""
        built = (self._chunks.metadata or {}).get("embedder")
        return built if built and built != self.embedder.identity else None

    def check_embedder(self) -> None:
        meta = self._chunks.metadata or {}
        if self.switch_embedder and self.other_embedder():
            return  # needs_rebuild says why, and the sync rebuilds
        if meta.get("embedder") != self.embedder.identity:
            raise EmbedderMismatch(
                f"The index at {self.cfg.path} was built with embedder "
                f"{meta.get('embedder')!r}, but this assistant embeds with "
                f"{self.embedder.identity!r}. Their vectors are not comparable: rebuild the "
                f"index with `python -m assistant index --rebuild` (or load with rebuild=True)."
            )

    def reset(self) -> None:
        for part in ("chunks", "sentences"):
            try:
                self._client.delete_collection(f"{self.cfg.name}-{part}")
            except Exception:  # not there
                pass
        self._chunks = self._collection("chunks")
        self._sentences = self._collection("sentences")
        self.manifest.clear()
        if not self.cfg.host:
            remove_orphans(self.cfg.path)  # Chroma leaves a deleted collection's vectors behind

    # ------------------------------------------------------------ writing

    @store_errors
    def sync(self, corpus: Corpus, rebuild: bool = False,
             progress: Progress | None = None) -> SyncReport:
        """Bring the index in line with `corpus`, re-embedding only what changed. `progress`
        is called with a `SyncProgress` as documents complete (from the writer thread)."""
        t0 = time.perf_counter()
        with self.locked():
            report = sync_locked(self, corpus, rebuild, progress)
        report.seconds = time.perf_counter() - t0
        return report

    def needs_rebuild(self, requested: bool) -> str | None:
        """Why the whole index must be rebuilt, if it must."""
        if requested:
            return "requested"
        if (self._chunks.metadata or {}).get("schema") != SCHEMA:
            return "index format changed"
        if self.switch_embedder and (built := self.other_embedder()):
            log.warning("index at %s was built with embedder %s; this collection now uses %s: "
                        "re-indexing every document", self.cfg.path, built,
                        self.embedder.identity)
            return (f"embedder changed: the index was built with {built}, this collection "
                    f"now uses {self.embedder.identity}; every document re-embedded")
        if self.manifest.is_new and self._chunks.count():
            return "index manifest missing"
        return None

    def delete(self, source: str) -> None:
        """Drop a document's records, a page at a time (a large document has many)."""
        for collection in (self._sentences, self._chunks):
            while ids := collection.get(where={"source": source}, limit=PAGE, include=[])["ids"]:
                collection.delete(ids=ids)
        self.manifest.remove(source)

    def stored_ids(self, source: str) -> set[str]:
        """The ids of a document's records already in the store (both parts), a page at a time:
        what a sync killed half-way through this document does not need to embed again."""
        ids: set[str] = set()
        for collection in (self._sentences, self._chunks):
            for offset in range(0, collection.count(), PAGE):
                got = collection.get(where={"source": source}, limit=PAGE, offset=offset,
                                     include=[])["ids"]
                if not got:
                    break
                ids.update(got)
        return ids

    def sink(self) -> "_Sink":
        return _Sink(self)

    # ------------------------------------------------------------ health

    def parts(self) -> dict:
        """The collections by part ("chunks", "sentences"), for the health checks."""
        return {"chunks": self._chunks, "sentences": self._sentences}

    @store_errors
    def verify(self) -> None:
        """The cheap health check (counts, segment folders, a vector per collection): raise
        `IndexDamaged` saying to repair, rather than answer from a damaged index. Under the
        writer lock: another process's sync in progress is not damage."""
        with self.locked():
            problems = health.quick_check(self)
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise IndexDamaged(
                f"The index at {self._where()} is damaged: {'; '.join(problems[:3])}{more}. "
                f"Run `python -m assistant index --repair` to re-embed what is damaged "
                f"(`python -m assistant index --check` lists it).")

    @store_errors
    def check(self) -> "health.HealthReport":
        """The full health check: every document's records present and searchable."""
        with self.locked():
            return health.check_locked(self)

    @store_errors
    def repair(self, corpus: Corpus, progress: Progress | None = None) -> "health.RepairReport":
        """Re-embed the damaged documents (or everything, when only that helps), then bring
        the index up to date with `corpus`."""
        t0 = time.perf_counter()
        with self.locked():
            report = health.repair_locked(self, corpus, progress)
        report.sync.seconds = time.perf_counter() - t0
        return report

    def _where(self) -> str:
        return (f"chroma://{self.cfg.host}:{self.cfg.port} (manifest in {self.cfg.path})"
                if self.cfg.host else str(self.cfg.path))

    # ------------------------------------------------------------ reading

    @store_errors
    def count(self) -> int:
        return self._chunks.count()

    @store_errors
    def iter_chunks(self) -> Iterator[Chunk]:
        """Every chunk, a page at a time (without vectors)."""
        for offset in range(0, self.count(), READ_PAGE):
            got = self._chunks.get(include=["documents", "metadatas"], limit=READ_PAGE,
                                   offset=offset)
            yield from (Chunk(cid, m["source"], m["start"], m["end"], text, m["kind"])
                        for cid, text, m in zip(got["ids"], got["documents"], got["metadatas"]))

    @store_errors
    def all_chunks(self) -> list[Chunk]:
        return list(self.iter_chunks())

    @store_errors
    def chunks_by_id(self, ids: list[str]) -> dict[str, Chunk]:
        """The chunks with these ids that the store holds (a search hit's text and offsets)."""
        found: dict[str, Chunk] = {}
        for at in range(0, len(ids), PAGE):
            got = self._chunks.get(ids=list(ids[at:at + PAGE]), include=["documents", "metadatas"])
            found.update((cid, Chunk(cid, m["source"], m["start"], m["end"], text, m["kind"]))
                         for cid, text, m in zip(got["ids"], got["documents"], got["metadatas"]))
        return found

    @store_errors
    def settled_generation(self) -> int | None:
        """The manifest's generation when its sync has finished (its BM25 copy is saved), else
        None: another process is still writing, and its change is not to be served in part."""
        generation = self.manifest.generation
        return generation if LexicalIndex.saved(self.cfg.path, generation) else None

    @store_errors
    def lexical(self, titles: Mapping[str, str]) -> LexicalIndex:
        """The BM25 index: the saved copy for the manifest's generation when there is one
        (no chunk is read), else built in memory from the store."""
        saved = LexicalIndex.load(self.cfg.path, self.manifest.generation)
        return saved if saved is not None else LexicalIndex.build(self.iter_chunks(), titles)

    @store_errors
    def dense_search(self, vector: np.ndarray, k: int, sources: Sequence[str] | None = None
                     ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first; only of `sources` when given."""
        if k <= 0:  # no count() first: Chroma returns what it has (35 ms saved at 100k chunks)
            return []
        got = self._chunks.query(query_embeddings=[vector], n_results=k, include=["distances"],
                                 where=_of(sources))
        return [(cid, 1.0 - d) for cid, d in zip(got["ids"][0], got["distances"][0])]

    @store_errors
    def dense_sentence_search(self, vector: np.ndarray, k: int,
                              sources: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine of its best sentence), best first: small-to-big retrieval."""
        if k <= 0:
            return []
        got = self._sentences.query(query_embeddings=[vector], n_results=k,
                                    include=["distances", "metadatas"], where=_of(sources))
        best: dict[str, float] = {}
        for m, d in zip(got["metadatas"][0], got["distances"][0]):
            best.setdefault(m["chunk_id"], 1.0 - d)
        return list(best.items())

    @store_errors
    def sentences_of(self, chunk_ids: list[str], edges: bool = False
                     ) -> tuple[list[Sentence], np.ndarray]:
        """The sentences of the given chunks, in document order, with their vectors (with
        `edges`, each chunk's neighbours across a chunk edge too: `sentences.of_chunks`)."""
        return sentences.of_chunks(self._chunks, self._sentences, self.embedder.dim,
                                   chunk_ids, edges)

    @store_errors
    def document_sentences(self, source: str, limit: int = sentences.DOCUMENT_LIMIT
                           ) -> tuple[list[Sentence], np.ndarray]:
        """A document's sentences in order (the first `limit`), with their vectors."""
        return sentences.of_document(self._sentences, self.embedder.dim, source, limit)

    def reopen(self) -> None:
        """Open the store anew: this process's Chroma client keeps the vector index in memory,
        so records another process added or deleted are seen only by a new client."""
        if self.manifest is not None:
            self.manifest.close()
        if not self.cfg.host:
            forget_system(self.cfg.path)
        self._open()

    def close(self) -> None:
        if self.manifest is not None:
            self.manifest.close()
        if not self.cfg.host:
            forget_system(self.cfg.path)


class _Sink:
    """The writer's view of the store: add embedded records, record documents' progress."""

    def __init__(self, index: ChromaIndex):
        self.index = index
        self.parts = {"sentences": index._sentences, "chunks": index._chunks}

    def add(self, part: str, records: list[Record], vectors: np.ndarray) -> None:
        if not self.index.cfg.host:  # Chroma rewrites its files in place: never start short
            need = records_space(len(records), sum(len(r.text) for r in records),
                                 vectors.shape[1])
            require_room(self.index.cfg.path, need, "writing the next records", changed=True)
        self.parts[part].add(ids=[r.id for r in records], documents=[r.text for r in records],
                             embeddings=vectors, metadatas=[r.meta for r in records])

    def begin(self, plan: DocPlan) -> None:
        self.index.manifest.begin(plan.source, plan.sha256, plan.chunks, plan.sentences)

    def complete(self, source: str) -> None:
        self.index.manifest.complete(source)


def _of(sources: Sequence[str] | None) -> dict | None:
    """A Chroma filter to the given documents (None: every document)."""
    if sources is None:
        return None
    sources = sorted(set(sources))
    return {"source": sources[0]} if len(sources) == 1 else {"source": {"$in": sources}}
