"""Bringing the index in line with a corpus: what to remove, what to (re)write, and the saved
BM25 index that must match the result. Runs under the writer lock (see `ChromaIndex.sync`).

Nothing is changed until the file system is known to have room for the change (`faults.py`): a
rebuild deleted the old index before finding it had no room for the new one. A sync with nothing
to change writes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..corpus import Corpus
from ..types import Document
from .base import SCHEMA, SyncReport
from .faults import folder_size, require_room, text_space
from .lexical import PREFIX, LexicalIndex
from .writer import Progress, write_documents

if TYPE_CHECKING:  # pragma: no cover
    from .chroma import ChromaIndex


def sync_locked(index: "ChromaIndex", corpus: Corpus, rebuild: bool,
                progress: Progress | None) -> SyncReport:
    report = SyncReport(rebuilt=getattr(index, "recovered_from", None) and "corrupt index")
    if not rebuild:
        index.check_embedder()  # never silently mix embedders
    why = index.needs_rebuild(rebuild)
    indexed = {} if why else index.manifest.documents()  # a rebuild starts from nothing
    todo, stored = _plan(index, indexed, corpus, report)
    if why or todo or report.removed:
        _require_room(index, todo, "rebuilding the index" if why else None)
    if why:
        report.rebuilt = report.rebuilt or why
        index.reset()
    if report.removed or todo:
        index.manifest.bump()  # before the first change: a killed sync still leaves a new number
    for source in report.removed + [d.source for d in todo if d.source in indexed]:
        if source not in stored:
            index.delete(source)
    # recorded before writing, so a build killed midway resumes instead of starting over
    settings = {"schema": SCHEMA, "embedder": index.embedder.identity, "dim": index.embedder.dim}
    if any(index.manifest.get(key) != str(value) for key, value in settings.items()):
        index.manifest.set(**settings)
    write_documents(todo, index.sink(), index.embedder, progress, stored=stored)
    save_lexical(index, {d.source: d.meta.title for d in corpus.documents})
    return report


def _plan(index: "ChromaIndex", indexed: dict, corpus: Corpus, report: SyncReport
          ) -> tuple[list[Document], dict[str, set[str]]]:
    """The documents to (re)write, and the records already stored of those a killed sync left
    half-written; fills in the report (reads only)."""
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
    return todo, stored


def _require_room(index: "ChromaIndex", todo: list[Document], what: str | None) -> None:
    """Room for the documents to write and a new saved BM25 copy (written before the old one is
    deleted), or an `IndexDiskFull` before anything has changed."""
    if index.cfg.host:  # the store's disk is the server's
        return
    need = sum(text_space(doc.text, index.embedder.dim) for doc in todo)
    need += folder_size(*index.cfg.path.glob(f"{PREFIX}*"))
    what = what or (f"indexing {len(todo)} document{'s' * (len(todo) != 1)}" if todo
                    else "updating the index")
    require_room(index.cfg.path, need, what)


def save_lexical(index: "ChromaIndex", titles: dict[str, str]) -> None:
    """Build and save the BM25 index of the current generation, unless it is there already:
    readers then load it instead of reading and tokenising every chunk at start-up."""
    generation = index.manifest.generation
    if not LexicalIndex.exists(index.cfg.path, generation):
        LexicalIndex.build(index.iter_chunks(), titles).save(index.cfg.path, generation)
