"""Index health: is what the manifest says is indexed really in the store, and searchable?

Chroma counts records from its SQLite tables, but searches and returns vectors from each
collection's HNSW segment (see `segments.py`). When a segment folder is deleted or damaged,
counts still agree with the manifest, `index` found nothing to do, and questions failed
("Error finding id") or silently missed the lost records. So:

- `quick_check` (every start, from `ChromaIndex.verify`): the manifest's totals against each
  collection's count, every persisted segment folder present, and the oldest record of each
  collection returned with its vector (the oldest are the ones a lost segment loses).
- `check` (`python -m assistant index --check`): every record read, a page at a time, with its
  vector; per document, the ids found against the manifest's counts; a dense search per
  collection; the embedder and vector size; the saved BM25 index of the settled generation.
- `repair` (`--repair`): drops the damaged documents' records and re-embeds just those, then
  brings the index up to date with the corpus. When a collection cannot be read or searched at
  all, or was built by another embedder, it rebuilds everything and says why. A storage fault
  (disk full, read-only) never leads to a rebuild: that would delete what it cannot rewrite.

Checks and repairs hold the writer lock. Chroma types stay inside the store package.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..corpus import Corpus
from .base import PAGE, SCHEMA, SyncReport
from .faults import storage_fault
from .lexical import LexicalIndex
from .segments import vector_segments
from .sync import sync_locked
from .writer import Progress

if TYPE_CHECKING:  # pragma: no cover
    from .chroma import ChromaIndex

PARTS = ("chunks", "sentences")
REPAIR = "run `python -m assistant index --repair`"


@dataclass
class HealthReport:
    documents: int = 0
    chunks: int = 0
    sentences: int = 0
    damaged: dict[str, list[str]] = field(default_factory=dict)  # document -> what is wrong
    index: list[str] = field(default_factory=list)  # wrong with the index as a whole
    rebuild: list[str] = field(default_factory=list)  # what only a full rebuild fixes

    @property
    def ok(self) -> bool:
        return not (self.damaged or self.index or self.rebuild)

    def add(self, source: str, what: str) -> None:
        self.damaged.setdefault(source, []).append(what)

    def describe(self) -> list[str]:
        """What is wrong, one line per document (and per problem of the whole index)."""
        return ([f"index: {what}" for what in self.rebuild + self.index]
                + [f"{source}: {'; '.join(whats)}" for source, whats in sorted(self.damaged.items())])

    def summary(self) -> str:
        if self.ok:
            return f"ok: {self.documents} documents, {self.chunks} chunks, {self.sentences} sentences"
        whole = len(self.rebuild) + len(self.index)
        wrong = ([f"{len(self.damaged)} of {self.documents} documents"] if self.damaged else []) + (
            [f"{whole} problem{'s' * (whole > 1)} with the whole index"] if whole else [])
        return f"damaged: {', '.join(wrong)}; {REPAIR}"


@dataclass(frozen=True)
class RepairReport:
    before: HealthReport
    sync: SyncReport  # what was re-embedded (and why everything was, if it was)
    after: HealthReport


# ---------------------------------------------------------------- the cheap check, at start-up

def quick_check(index: "ChromaIndex") -> list[str]:
    """What is visibly wrong, at the cost of a few small reads."""
    problems = [] if index.cfg.host else _missing_folders(index)
    states = index.manifest.documents().values()
    problems += [f"{s.source} is half-written" for s in states if not s.complete]
    for part, collection in index.parts().items():
        expected = sum(getattr(s, part) for s in states)
        try:
            count = collection.count()
            if count != expected:
                problems.append(f"the store holds {count} {part}, the manifest {expected}")
            if count:
                _dims(collection.get(limit=1, include=["embeddings"]), index.embedder.dim)
        except Exception as exc:  # a lost vector: "Error finding id"; a damaged segment fails
            problems.append(f"the {part} cannot be read with their vectors ({exc})")
    return problems


def _missing_folders(index: "ChromaIndex") -> list[str]:
    return [f"the vector segment folder of {s.collection} ({s.folder.name}/) is missing"
            for s in vector_segments(index.cfg.path) or [] if s.persisted and not s.folder.is_dir()]


def _dims(got, dim: int) -> None:
    sizes = {len(v) for v in got["embeddings"]}
    if sizes - {dim}:
        raise ValueError(f"vectors of {sorted(sizes)} dimensions, not {dim}")


# ---------------------------------------------------------------- the full check

@dataclass
class _Scan:
    counts: Counter = field(default_factory=Counter)  # source -> records
    ids: set[str] = field(default_factory=set)
    unsearchable: set[str] = field(default_factory=set)  # sources with records lacking a vector


def check_locked(index: "ChromaIndex") -> HealthReport:
    """Every document's records present and searchable; call with the writer lock held."""
    states = index.manifest.documents()
    report = HealthReport(documents=len(states))
    report.rebuild += _embedder_problems(index)
    report.index += [] if index.cfg.host else _missing_folders(index)
    scans: dict[str, _Scan] = {}
    for part, collection in index.parts().items():
        try:
            scans[part] = _scan(collection, index.embedder.dim)
            _search(collection, index.embedder.dim)
        except Exception as exc:
            report.rebuild.append(f"the {part} cannot be read or searched ({exc})")
    if len(scans) < len(PARTS):
        return report
    report.chunks, report.sentences = (sum(scans[p].counts.values()) for p in PARTS)
    _compare(report, states, scans)
    report.index += _lexical_problems(index, scans["chunks"].ids)
    return report


def _scan(collection, dim: int) -> _Scan:
    """Every record of a collection, a page at a time, with its vector; a page whose vectors
    cannot all be read is read again without them, and its documents one by one."""
    scan = _Scan()
    for offset in range(0, collection.count(), PAGE):
        try:
            got = collection.get(include=["metadatas", "embeddings"], limit=PAGE, offset=offset)
            _dims(got, dim)
        except Exception:
            got = collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            scan.unsearchable |= _without_vectors(collection, got)
        scan.ids.update(got["ids"])
        scan.counts.update(m.get("source") for m in got["metadatas"])
    return scan


def _without_vectors(collection, got) -> set[str]:
    by_source: dict[str, list[str]] = {}
    for rid, meta in zip(got["ids"], got["metadatas"]):
        by_source.setdefault(meta.get("source"), []).append(rid)
    missing = set()
    for source, ids in by_source.items():
        try:
            collection.get(ids=ids, include=["embeddings"])
        except Exception:
            missing.add(source)
    return missing


def _search(collection, dim: int) -> None:
    """A dense search must work and find something (raises otherwise)."""
    count = collection.count()
    if count:
        probe = np.full(dim, 1 / math.sqrt(dim), dtype=np.float32)
        got = collection.query(query_embeddings=[probe], n_results=min(5, count), include=[])
        if not got["ids"][0]:
            raise ValueError("a dense search found nothing")


def _compare(report: HealthReport, states, scans: dict[str, _Scan]) -> None:
    """Per document: the records found against the manifest's counts."""
    for source, state in states.items():
        if not state.complete:
            report.add(source, "half-written (its indexing did not finish)")
        for part in PARTS:
            found, expected = scans[part].counts.get(source, 0), getattr(state, part)
            if found != expected:
                report.add(source, f"{found} of its {expected} {part} are in the store")
            if source in scans[part].unsearchable:
                report.add(source, f"its {part} are missing from the vector index (not searchable)")
    for part in PARTS:
        for source in sorted(set(scans[part].counts) - set(states), key=str):
            report.add(source, f"{scans[part].counts[source]} {part} in the store, "
                               f"but not in the manifest")


def _embedder_problems(index: "ChromaIndex") -> list[str]:
    want = (index.embedder.identity, index.embedder.dim)
    problems = []
    for part, collection in index.parts().items():
        meta = collection.metadata or {}
        if (meta.get("embedder"), meta.get("dim")) != want:
            problems.append(f"the {part} were embedded by {meta.get('embedder')!r} "
                            f"({meta.get('dim')} dimensions), not {want[0]!r} ({want[1]})")
        elif meta.get("schema") != SCHEMA:
            problems.append(f"the {part} are in an old format ({meta.get('schema')}, now {SCHEMA})")
    recorded = index.manifest.get("embedder")
    if recorded not in (None, want[0]):
        problems.append(f"the manifest records embedder {recorded!r}, not {want[0]!r}")
    return problems


def _lexical_problems(index: "ChromaIndex", chunk_ids: set[str]) -> list[str]:
    generation = index.manifest.generation
    saved = LexicalIndex.load(index.cfg.path, generation)
    if saved is None:
        return [f"the saved BM25 index of generation {generation} (lexical-{generation}/) "
                f"is missing or unreadable"]
    if set(saved.ids) != chunk_ids:
        return [f"the saved BM25 index (lexical-{generation}/) does not match the chunks"]
    return []


# ---------------------------------------------------------------- repair

def repair_locked(index: "ChromaIndex", corpus: Corpus, progress: Progress | None) -> RepairReport:
    """Re-embed the damaged documents (everything, when only that helps), then bring the index
    up to date with `corpus`; call with the writer lock held."""
    before = check_locked(index)
    rebuild = "; ".join(before.rebuild) or None
    if not rebuild and not before.ok:
        try:
            index.manifest.bump()  # readers reload; a stale BM25 copy is built anew
            for source in before.damaged:
                index.delete(source)
        except Exception as exc:
            if storage_fault(index.cfg.path, exc):
                raise
            rebuild = f"removing the damaged documents failed ({exc})"
    try:
        sync = sync_locked(index, corpus, bool(rebuild), progress)
    except Exception as exc:
        if rebuild or storage_fault(index.cfg.path, exc):
            raise
        rebuild = f"re-embedding the damaged documents failed ({exc})"
        sync = sync_locked(index, corpus, True, progress)
    if rebuild:
        sync.rebuilt = rebuild
    else:  # the damaged documents were dropped, so the sync saw them as new
        sync.repaired = [s for s in sync.added if s in before.damaged]
        sync.added = [s for s in sync.added if s not in before.damaged]
    return RepairReport(before, sync, check_locked(index))
