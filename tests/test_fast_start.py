"""Start-up on an unchanged index reuses the saved BM25 index; indexing streams documents
through large embedding batches, reports progress, and resumes after a crash."""

import os
import subprocess
import sys

import bm25s
import pytest

from assistant import Assistant
from assistant.index import ChromaIndex, StoreConfig, SyncProgress
from assistant.store import lexical, writer

from conftest import ROOT, write_corpus
from helpers import CountingEmbedder

FILES = {f"doc{i}.txt": f"Report {i}\n\nThe bridge number {i} costs £{i} million to repair. "
                        f"Work on bridge {i} starts in May.\n" for i in range(6)}


def load(corpus, index, embedder=None, **kw):
    return Assistant.load(corpus=corpus, index=index, generator="extractive",
                          embedder=embedder or CountingEmbedder(), **kw)


@pytest.fixture
def spies(monkeypatch):
    """Counts BM25 builds and full reads of the chunk collection."""
    calls = {"bm25_index": 0, "iter_chunks": 0}
    real_index, real_iter = bm25s.BM25.index, ChromaIndex.iter_chunks

    def index(self, *a, **kw):
        calls["bm25_index"] += 1
        return real_index(self, *a, **kw)

    def iter_chunks(self):
        calls["iter_chunks"] += 1
        return real_iter(self)
    monkeypatch.setattr(bm25s.BM25, "index", index)
    monkeypatch.setattr(ChromaIndex, "iter_chunks", iter_chunks)
    return calls


def ranked(bot, question="How much does bridge 3 cost to repair?"):
    return {mode: [(p.chunk_id, round(p.score, 6), p.text) for p in bot.retrieve(question, 5, mode)]
            for mode in ("bm25", "hybrid")}


def test_unchanged_index_loads_the_saved_bm25(tiny_corpus, tmp_path, spies):
    with load(tiny_corpus, tmp_path / "ix") as bot:
        assert spies == {"bm25_index": 1, "iter_chunks": 1}  # built once, at the end of sync
        first, idf = ranked(bot), bot.retriever.idf("librari")
    with load(tiny_corpus, tmp_path / "ix") as bot:
        assert spies == {"bm25_index": 1, "iter_chunks": 1}  # nothing built, nothing read
        assert not bot.sync_report.changed
        assert ranked(bot) == first and bot.retriever.idf("librari") == idf
        fresh = lexical.LexicalIndex.build(bot.index.all_chunks(), {
            d.source: d.title for d in bot.documents})
        assert bot.retriever.lexical.ids == fresh.ids and bot.retriever.lexical.df == fresh.df


def test_a_bm25_copy_saved_by_another_tokeniser_is_rebuilt_at_the_next_load(tmp_path, spies,
                                                                              monkeypatch):
    """A saved copy names the tokeniser version that made it; after an upgrade that tokenises
    differently, the next sync rebuilds the copy (tokenising only: nothing is embedded)."""
    corpus = write_corpus(tmp_path / "docs", {"ru.txt": "Мост Лейна стоит 22 миллиона рублей.\n"})
    with load(corpus, tmp_path / "ix"):
        pass
    assert spies["bm25_index"] == 1
    monkeypatch.setattr(lexical, "TOKENS", "0")
    embedder = CountingEmbedder()
    with load(corpus, tmp_path / "ix", embedder=embedder) as bot:
        assert spies["bm25_index"] == 2 and not bot.sync_report.changed
        assert embedder.texts == 0  # nothing embedded again
        assert bot.retrieve("Сколько стоит мост Лейн?", 1, "bm25")  # the stems meet
    with load(corpus, tmp_path / "ix"):
        assert spies["bm25_index"] == 2  # saved again, under the new version


def test_an_unreadable_bm25_copy_is_rebuilt_not_fatal(tmp_path, spies):
    corpus = write_corpus(tmp_path / "docs", {"a.txt": "The bridge opened in 1931.\n"})
    with load(corpus, tmp_path / "ix"):
        pass
    for copy in (tmp_path / "ix").glob(f"{lexical.PREFIX}*"):
        (copy / lexical.TOKENS_FILE).write_bytes(b"\xff\xfe garbage")
        (copy / lexical.META).write_bytes(b"\xff\xfe not json")
    with load(corpus, tmp_path / "ix") as bot:
        assert spies["bm25_index"] == 2
        assert bot.retrieve("When did the bridge open?", 1, "bm25")


CHILD = """
import sys
sys.path.insert(0, {tests!r})
from helpers import CountingEmbedder
from assistant import Assistant
Assistant.load(corpus={corpus!r}, index={index!r}, generator="extractive",
               embedder=CountingEmbedder()).close()
"""


def test_a_change_in_another_process_is_seen_at_the_next_load(tmp_path, spies):
    corpus = write_corpus(tmp_path / "c", FILES)
    with load(corpus, tmp_path / "ix") as bot:
        generation = bot.index.manifest.generation
        assert not [p for p in bot.retrieve("zeppelin hangar", 5, "bm25")]
    (corpus / "zeppelin.txt").write_text("Airships\n\nThe zeppelin hangar opened in 1931.\n")
    code = CHILD.format(tests=str(ROOT / "tests"), corpus=str(corpus), index=str(tmp_path / "ix"))
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    builds = spies["bm25_index"]
    with load(corpus, tmp_path / "ix") as bot:
        assert bot.index.manifest.generation == generation + 1
        assert spies["bm25_index"] == builds  # the other process saved the new BM25 index
        assert bot.retrieve("zeppelin hangar", 1, "bm25")[0].source == "zeppelin.txt"
        # a writer that died before saving leaves a generation with no saved copy: rebuilt
        bot.index.manifest.bump()
    with load(corpus, tmp_path / "ix") as bot:
        assert spies["bm25_index"] == builds + 1
        assert bot.retrieve("zeppelin hangar", 1, "bm25")[0].source == "zeppelin.txt"


def test_documents_are_embedded_together_in_large_batches(tmp_path):
    emb = CountingEmbedder()
    corpus = write_corpus(tmp_path / "c", FILES)
    with load(corpus, tmp_path / "ix", emb) as bot:
        assert emb.calls == 1  # all six documents' sentences and chunks in one batch
        assert emb.texts == sum(d.chunks + d.sentences
                                for d in bot.index.manifest.documents().values())


def test_progress_counts_rise_to_the_totals(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "BATCH", 3)  # several batches, so several updates
    corpus = write_corpus(tmp_path / "c", FILES)
    seen: list[SyncProgress] = []
    with load(corpus, tmp_path / "ix", progress=seen.append) as bot:
        chunks = bot.index.count()
    assert seen[0] == SyncProgress(0, len(FILES), 0, chunks, None)
    assert seen[-1].files_done == seen[-1].files_total == len(FILES)
    assert seen[-1].chunks_done == seen[-1].chunks_total == chunks
    for before, after in zip(seen, seen[1:]):
        assert after.files_done == before.files_done + 1
        assert after.chunks_done >= before.chunks_done and after.current in FILES
    assert sorted(p.current for p in seen[1:]) == sorted(FILES)


class Crash(Exception):
    pass


class CrashingEmbedder(CountingEmbedder):
    """Fails on its n-th call, as a killed build stops."""

    def __init__(self, crash_on: int):
        super().__init__()
        self.crash_on = crash_on

    def embed(self, texts):
        if self.calls + 1 == self.crash_on:
            raise Crash("killed")
        return super().embed(texts)


def test_a_crashed_build_resumes_with_the_documents_it_completed(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "BATCH", 4)  # each document has 4 texts: one batch each
    corpus = write_corpus(tmp_path / "c", FILES)
    with pytest.raises(Exception, match="killed"):
        load(corpus, tmp_path / "ix", CrashingEmbedder(crash_on=4))
    idx = ChromaIndex(StoreConfig(path=tmp_path / "ix"), CountingEmbedder())
    done = {s for s, d in idx.manifest.documents().items() if d.complete}
    idx.close()
    assert done == {"doc0.txt", "doc1.txt", "doc2.txt"}
    emb = CountingEmbedder()
    with load(corpus, tmp_path / "ix", emb) as bot:
        assert sorted(bot.sync_report.unchanged) == sorted(done)
        assert sorted(bot.sync_report.added) == ["doc3.txt", "doc4.txt", "doc5.txt"]
        assert emb.texts == 3 * 4
        assert bot.retrieve("bridge number 4", 1, "bm25")[0].source == "doc4.txt"


def test_a_document_with_nothing_to_index_is_recorded_complete(tmp_path):
    files = {**FILES, "promo.txt": "Sign up to our daily newsletter\n"}
    corpus = write_corpus(tmp_path / "c", files)
    with load(corpus, tmp_path / "ix") as bot:
        assert bot.index.manifest.documents()["promo.txt"].complete
    with load(corpus, tmp_path / "ix") as bot:
        assert "promo.txt" in bot.sync_report.unchanged and not bot.sync_report.changed


KILLED = """
import sys
sys.path.insert(0, {tests!r})
from helpers import CountingEmbedder
from assistant import Assistant
from assistant.store import writer
writer.BATCH = 4  # one document per batch
Assistant.load(corpus={corpus!r}, index={index!r}, generator="extractive",
               embedder=CountingEmbedder(delay=0.5))
"""


def test_a_killed_build_resumes_where_it_stopped(tmp_path):
    import signal
    import sqlite3
    import time

    files = {f"doc{i}.txt": f"Report {i}\n\nBridge {i} costs £{i} million.\n" for i in range(30)}
    corpus = write_corpus(tmp_path / "c", files)
    code = KILLED.format(tests=str(ROOT / "tests"), corpus=str(corpus), index=str(tmp_path / "ix"))
    proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)})
    manifest, done = tmp_path / "ix" / "manifest.sqlite3", []
    deadline = time.time() + 120
    while len(done) < 3 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if manifest.exists():
            with sqlite3.connect(manifest) as db:
                done = [r[0] for r in db.execute(
                    "SELECT source FROM documents WHERE status = 'complete'")]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 3 <= len(done) < len(files)
    emb = CountingEmbedder()
    with load(corpus, tmp_path / "ix", emb) as bot:
        r = bot.sync_report
        assert set(done) <= set(r.unchanged) and len(r.unchanged) + len(r.added) == len(files)
        states = bot.index.manifest.documents()
        assert all(s.complete for s in states.values())
        assert emb.texts == sum(states[s].chunks + states[s].sentences for s in r.added)
        assert bot.index.count() == len(files)
        assert len({c.id for c in bot.index.all_chunks()}) == len(files)


def test_bm25_built_from_token_numbers_scores_as_from_token_strings():
    """`LexicalIndex.build` hands bm25s arrays of token numbers (4 bytes a token) rather than
    lists of strings: the same rows, document frequencies and scores, and saved and loaded
    the same way."""
    from assistant.chunking import chunk_document
    from assistant.corpus import load_corpus
    from assistant.text import tokenize

    from conftest import SEEDS

    docs = load_corpus(SEEDS).documents
    titles = {d.source: d.meta.title for d in docs}
    chunks = [c for d in docs for c in chunk_document(d)]
    built = lexical.LexicalIndex.build(reversed(chunks), titles)  # any order: rows sorted by id
    rows = sorted((c.id, lexical.bm25_tokens(c, titles[c.source])) for c in chunks)
    plain = bm25s.BM25()
    plain.index([toks for _, toks in rows], show_progress=False)
    assert built.ids == [cid for cid, _ in rows]
    assert built.df == {tok: sum(tok in toks for _, toks in rows)
                        for tok in {t for _, toks in rows for t in toks}}
    questions = ["How much does the bridge cost to repair?", "reader comments on the library",
                 "Who opposed the plans?", "an unknownword"] + [c.text[:60] for c in chunks[::7]]
    for q in questions:
        ids, scores = plain.retrieve([tokenize(q)], k=len(rows), show_progress=False)
        want = {rows[i][0]: float(s) for i, s in zip(ids[0], scores[0]) if s > 0}
        assert built.scores(tokenize(q), len(rows)) == pytest.approx(want, abs=1e-6), q
