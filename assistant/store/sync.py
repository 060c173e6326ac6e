"""Bringing the index in line with a corpus: what to remove, what to (re)write, and the saved
BM25 index that must match the result. Runs under the writer lock (see `ChromaIndex.sync`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..corpus import Corpus
from .base import SCHEMA, SyncReport
from .lexical import LexicalIndex
from .writer import Progress, write_documents

if TYPE_CHECKING:  # pragma: no cover
    from .chroma import ChromaIndex


def sync_locked(index: "ChromaIndex", corpus: Corpus, rebuild: bool,
                progress: Progress | None) -> SyncReport:
    report = SyncReport(rebuilt=getattr(index, "recovered_from", None) and "corrupt index")
    if not rebuild:
        index.check_embedder()  # never silently mix embedders
    why = index.needs_rebuild(rebuild)
    if why:
        report.rebuilt = report.rebuilt or why
        index.reset()
    indexed = index.manifest.documents()
    wanted = {doc.source: doc for doc in corpus.documents}
    report.removed = sorted(set(indexed) - set(wanted))
    todo, stored = [], {}
    for source, doc in wanted.items():
        state = indexed.get(source)
        if state and state.complete and state.sha256 == doc.meta.sha256:
            report.unchanged.append(source)
            continue
        todo.append(doc)
        (report.updated if state else report.added).append(source)
        if state and state.sha256 == doc.meta.sha256:  # half-written, same content: resume it
            stored[source] = index.stored_ids(source)
    if report.removed or todo:
        index.manifest.bump()  # before the first change: a killed sync still leaves a new number
    for source in report.removed + [d.source for d in todo if d.source in indexed]:
        if source not in stored:
            index.delete(source)
    # recorded before writing, so a build killed midway resumes instead of starting over
    index.manifest.set(schema=SCHEMA, embedder=index.embedder.identity, dim=index.embedder.dim)
    write_documents(todo, index.sink(), index.embedder, progress, stored=stored)
    save_lexical(index, {d.source: d.meta.title for d in corpus.documents})
    return report


def save_lexical(index: "ChromaIndex", titles: dict[str, str]) -> None:
    """Build and save the BM25 index of the current generation, unless it is there already:
    readers then load it instead of reading and tokenising every chunk at start-up."""
    generation = index.manifest.generation
    if not LexicalIndex.exists(index.cfg.path, generation):
        LexicalIndex.build(index.iter_chunks(), titles).save(index.cfg.path, generation)
