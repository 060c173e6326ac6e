"""The persisted index: incremental, embedder-aware, self-healing, safe under concurrency."""

import os
import subprocess
import sys

import pytest

from assistant import Assistant, EmbedderMismatch
from assistant.embeddings import HashingEmbedder
from assistant.index import ChromaIndex, StoreConfig

from conftest import ROOT, write_corpus
from helpers import CountingEmbedder


def load(corpus, index, embedder, **kw):
    return Assistant.load(corpus=corpus, index=index, generator="extractive", embedder=embedder, **kw)


def test_reindexing_unchanged_documents_embeds_nothing(tiny_corpus, tmp_path):
    emb = CountingEmbedder()
    load(tiny_corpus, tmp_path / "ix", emb).close()
    first = emb.texts
    assert first > 0
    bot = load(tiny_corpus, tmp_path / "ix", emb)
    assert emb.texts == first  # nothing re-embedded
    assert bot.sync_report.unchanged == ["alpha.txt", "beta.md"] and not bot.sync_report.changed


def test_added_changed_removed_documents_update_incrementally(tiny_corpus, tmp_path):
    emb = CountingEmbedder()
    bot = load(tiny_corpus, tmp_path / "ix", emb)
    before = {c.source for c in bot.index.all_chunks()}
    bot.close()
    (tiny_corpus / "beta.md").unlink()
    (tiny_corpus / "alpha.txt").write_text("Riverton council cancels the library.\n")
    (tiny_corpus / "gamma.txt").write_text("A bridge will be repaired in May 2023.\n")
    emb.texts = 0
    bot = load(tiny_corpus, tmp_path / "ix", emb)
    r = bot.sync_report
    assert (r.added, r.updated, r.removed) == (["gamma.txt"], ["alpha.txt"], ["beta.md"])
    assert emb.texts == 4  # one chunk + one sentence for each of the two new texts
    assert before == {"alpha.txt", "beta.md"}
    assert {c.source for c in bot.index.all_chunks()} == {"alpha.txt", "gamma.txt"}
    [p] = bot.retrieve("cancels the library", k=1)
    assert p.source == "alpha.txt" and p.text == "Riverton council cancels the library."


def test_half_written_document_is_reindexed(tiny_corpus, tmp_path):
    bot = load(tiny_corpus, tmp_path / "ix", HashingEmbedder())
    state = bot.index.manifest.documents()["beta.md"]
    # as a writer that died midway leaves it: begun in the manifest, records half there
    bot.index.manifest.begin("beta.md", state.sha256, state.chunks, state.sentences)
    bot.index._sentences.delete(where={"source": "beta.md"})
    bot.close()
    bot = load(tiny_corpus, tmp_path / "ix", HashingEmbedder())
    assert bot.sync_report.updated == ["beta.md"]
    sentences, _ = bot.index.sentences_of([c.id for c in bot.index.all_chunks()])
    assert any(s.source == "beta.md" for s in sentences)


def test_other_embedder_is_a_clear_error_then_rebuild_works(tiny_corpus, tmp_path):
    load(tiny_corpus, tmp_path / "ix", HashingEmbedder()).close()
    other = HashingEmbedder(salt="v2")
    with pytest.raises(EmbedderMismatch, match=r"built with embedder 'hashing-embedder/dim=256'.*--rebuild"):
        load(tiny_corpus, tmp_path / "ix", other)
    bot = load(tiny_corpus, tmp_path / "ix", other, rebuild=True)
    assert bot.sync_report.rebuilt == "requested"
    assert bot.index._chunks.metadata["embedder"] == other.identity
    assert bot.retrieve("library", k=1)


def test_corrupted_index_is_set_aside_and_rebuilt(tiny_corpus, tmp_path):
    index = tmp_path / "ix"
    load(tiny_corpus, index, HashingEmbedder()).close()
    db = index / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    bot = load(tiny_corpus, index, HashingEmbedder())
    assert bot.sync_report.rebuilt == "corrupt index"
    kept = list(tmp_path.glob("ix.corrupt-*"))
    assert len(kept) == 1 and (kept[0] / "chroma.sqlite3").read_bytes().startswith(b"this is not")
    assert bot.retrieve("library", k=1)[0].source in ("alpha.txt", "beta.md")


def test_nothing_is_opened_or_moved_while_another_process_writes(tiny_corpus, tmp_path):
    """Opening creates collections and may set a damaged index aside: both wait for the writer's
    lock, so a reader never moves an index out from under a process that is building it."""
    from filelock import FileLock
    from assistant import IndexBusy

    index = tmp_path / "ix"
    load(tiny_corpus, index, HashingEmbedder()).close()
    (index / "chroma.sqlite3").write_bytes(b"mid-write garbage" * 100)
    with FileLock(str(tmp_path / ".ix.lock")):  # another writer holds the index
        with pytest.raises(IndexBusy, match="indexing"):
            ChromaIndex(StoreConfig(path=index, lock_timeout=0.5), HashingEmbedder())
    assert not list(tmp_path.glob("ix.corrupt-*")) and (index / "chroma.sqlite3").exists()


def test_missing_index_is_built(tiny_corpus, tmp_path):
    bot = load(tiny_corpus, tmp_path / "does" / "not" / "exist", HashingEmbedder())
    assert bot.sync_report.added == ["alpha.txt", "beta.md"]


CHILD = """
import sys
sys.path.insert(0, {tests!r})
from helpers import CountingEmbedder
from assistant import Assistant
emb = CountingEmbedder(delay=0.3)
bot = Assistant.load(corpus={corpus!r}, index={index!r}, generator="extractive", embedder=emb)
print(emb.texts, bot.index.count())
"""


def test_two_processes_indexing_at_once(tmp_path):
    files = {f"doc{i}.txt": f"Document {i} says the bridge costs £{i} million.\n" for i in range(8)}
    corpus = write_corpus(tmp_path / "c", files)
    code = CHILD.format(tests=str(ROOT / "tests"), corpus=str(corpus), index=str(tmp_path / "ix"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    results = sorted(tuple(map(int, o.split())) for o, _ in outs)
    # one process embedded everything, the other found it done; both see all 8 chunks once
    assert results[0][0] == 0 and results[1][0] == 16
    assert results[0][1] == results[1][1] == 8
    idx = ChromaIndex(StoreConfig(path=tmp_path / "ix"), HashingEmbedder())
    assert len({c.id for c in idx.all_chunks()}) == 8
    idx.close()


def test_sentences_across_a_chunk_edge_come_with_the_chunk(tmp_path):
    """A chunk edge can split sentences that belong together: asking for a chunk's sentences
    with `edges` adds the one just before and just after it (from chunks not asked for),
    labelled with the chunk they border, and nothing else of those chunks."""
    paragraphs = [" ".join(f"Paragraph {p} sentence {i} mentions the {p * 10 + i}th bridge."
                           for i in range(8)) for p in range(3)]
    corpus = write_corpus(tmp_path / "c", {"long.txt": "Bridges\n\n" + "\n\n".join(paragraphs) + "\n"})
    bot = load(corpus, tmp_path / "ix", HashingEmbedder())
    chunks = sorted(bot.index.all_chunks(), key=lambda c: c.start)
    assert len(chunks) >= 3
    middle = chunks[1]
    plain, _ = bot.index.sentences_of([middle.id])
    wide, vectors = bot.index.sentences_of([middle.id], edges=True)
    assert len(wide) == len(plain) + 2 and len(vectors) == len(wide)
    before, after = wide[0], wide[-1]
    assert before.end <= middle.start and after.start >= middle.end
    assert before.id == bot.index.sentences_of([chunks[0].id])[0][-1].id
    assert after.id == bot.index.sentences_of([chunks[2].id])[0][0].id
    assert {s.chunk_id for s in wide} == {middle.id}
    # chunks that are both asked for add nothing between them; the outer edges still come
    both, _ = bot.index.sentences_of([chunks[0].id, middle.id], edges=True)
    assert len(both) == len(bot.index.sentences_of([chunks[0].id, middle.id])[0]) + 1
