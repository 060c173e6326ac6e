"""A kill -9 while one large text file is being indexed resumes where it stopped (issue 12,
"Large files": "after a kill restarted from zero").

`python -m assistant index` runs in a child process with the fake embedder (a slowed-down
`HashingEmbedder` that logs how many texts each call embeds), on a corpus of one large file of
varied prose: 6,000 sentences, 16 embedding batches. The child is killed with
SIGKILL once several batches have been embedded; the records the store then holds are counted
(the child is dead, nothing moves). The restart, again the CLI, must complete, embed none of the
records stored before the kill (it embeds at most the texts the store was missing), and leave
the same index as a clean build of the same corpus (built in this process with the same fake
embedder): the same manifest entry, the same chunk and sentence records with the same vectors,
and a clean full health check (`index --check`).

Timing-free: the kill waits for the child's embedding log, and the evidence is counts read from
the store and the log, not durations.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from assistant import Assistant
from assistant.embeddings import HashingEmbedder
from assistant.index import ChromaIndex, StoreConfig

from conftest import ROOT
from helpers import CountingEmbedder

# The CLI, with the fake embedder in place of MiniLM. Each embedding call appends the number of
# texts it embedded to $EMBED_LOG (one line per call, flushed at once, so a kill loses nothing
# that was logged), after sleeping $EMBED_DELAY seconds (so the kill lands mid-file).
CHILD = f"""
import os, sys, time
sys.path.insert(0, {str(ROOT / "tests")!r})
from assistant import core
from assistant.embeddings import HashingEmbedder

class Logged(HashingEmbedder):
    def embed(self, texts):
        time.sleep(float(os.environ.get("EMBED_DELAY", "0")))
        vectors = super().embed(texts)
        with open(os.environ["EMBED_LOG"], "a") as log:
            log.write(f"{{len(texts)}}\\n")
        return vectors

core.LocalEmbedder = Logged
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""

SENTENCES = 6000  # 7,715 texts to embed (sentences and chunks): 16 batches of 512
PAGE = 2000  # records per read of the store


def large_text(sentences: int = SENTENCES) -> str:
    """A long report of distinct sentences (numbers vary, so no line or sentence repeats:
    repeated lines would be taken for page furniture), in paragraphs of five."""
    places = ["Northport", "Gull Island", "Eastwick", "Harbour Row", "Millbrook", "Saltmarsh"]
    things = ["bridge", "pier", "culvert", "footpath", "sea wall", "slipway", "lock gate"]
    paras, para = [], []
    for i in range(sentences):
        place, thing = places[i % len(places)], things[(i // 3) % len(things)]
        para.append(f"Inspection {i} found that the {thing} at {place} needs repairs costing "
                    f"£{(i * 37) % 9000 + 100:,} before {1 + i % 12}/{2025 + i % 7}, "
                    f"and crew {i % 41} will start after {(i * 13) % 60} days.")
        if len(para) == 5:
            paras.append(" ".join(para))
            para = []
    if para:
        paras.append(" ".join(para))
    return "Harbour works register\n\n" + "\n\n".join(paras) + "\n"


def run_cli(args, log, delay=0.0, **popen):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMBED_LOG": str(log),
           "EMBED_DELAY": str(delay), "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.Popen([sys.executable, "-c", CHILD, *map(str, args)], env=env, **popen)


def logged(log) -> list[int]:
    try:
        return [int(n) for n in log.read_text().split()]
    except FileNotFoundError:
        return []


def snapshot(index) -> dict:
    """Everything the index holds, in a comparable form: the manifest's documents (without
    their times), and per collection every record's id, text, metadata and vector."""
    store = ChromaIndex(StoreConfig(path=index), HashingEmbedder(), recover=False)
    try:
        docs = {s: (d.sha256, d.chunks, d.sentences, d.status)
                for s, d in store.manifest.documents().items()}
        parts = {}
        for part, collection in store.parts().items():
            got = {"ids": [], "documents": [], "metadatas": [], "embeddings": []}
            for offset in range(0, collection.count(), PAGE):  # paged, as the store reads
                page = collection.get(include=["documents", "metadatas", "embeddings"],
                                      limit=PAGE, offset=offset)
                for key, values in got.items():
                    values.extend(page[key])
            order = np.argsort(got["ids"])
            parts[part] = {
                "ids": [got["ids"][i] for i in order],
                "texts": [got["documents"][i] for i in order],
                "metas": [got["metadatas"][i] for i in order],
                "vectors": np.asarray(got["embeddings"], dtype=np.float32)[order],
            }
        return {"documents": docs, "parts": parts}
    finally:
        store.close()


def stored(index) -> tuple[int, str | None]:
    """(records in the store, the large file's manifest status) after the child died."""
    store = ChromaIndex(StoreConfig(path=index), HashingEmbedder(), recover=False)
    try:
        count = sum(c.count() for c in store.parts().values())
        state = store.manifest.documents().get("register.txt")
        return count, state.status if state else None
    finally:
        store.close()


def test_a_kill_during_a_large_file_resumes_where_it_stopped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "register.txt").write_text(large_text(), encoding="utf-8")

    # the reference: a clean build of the same corpus, with the same fake embedder
    clean = tmp_path / "clean"
    counting = CountingEmbedder()  # HashingEmbedder's identity and vectors: the child's too
    Assistant.load(corpus=corpus, index=clean, generator="extractive", embedder=counting).close()
    reference = snapshot(clean)
    total = counting.texts
    (state,) = reference["documents"].values()
    assert total == state[1] + state[2]  # every chunk and sentence embedded exactly once
    assert counting.calls >= 10, "the file must take many batches to embed"

    # the run that is killed mid-file
    index, log = tmp_path / "ix", tmp_path / "killed.log"
    proc = run_cli(["index", "--corpus", corpus, "--index", index, "-g", "extractive"], log,
                   delay=0.3, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while len(logged(log)) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, f"the indexer ended before the kill: {proc.stderr.read()!r}"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    before, status = stored(index)
    assert status != "complete", "the kill must land inside the file"
    assert 0 < before < total, f"{before} of {total} records stored at the kill"

    # the restart completes, and embeds only what the store was missing
    restart_log = tmp_path / "restart.log"
    done = run_cli(["index", "--corpus", corpus, "--index", index, "-g", "extractive"],
                   restart_log, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    again = sum(logged(restart_log))
    assert again <= total - before, (
        f"the restart embedded {again} texts: the {before} records stored before the kill "
        f"were embedded again (a resume embeds at most the {total - before} missing)")

    # ... and leaves the index a clean build makes
    resumed = snapshot(index)
    assert resumed["documents"] == reference["documents"]
    for part in ("chunks", "sentences"):
        want, got = reference["parts"][part], resumed["parts"][part]
        assert got["ids"] == want["ids"], part
        assert got["texts"] == want["texts"] and got["metas"] == want["metas"], part
        np.testing.assert_allclose(got["vectors"], want["vectors"], atol=1e-6, err_msg=part)
    store = ChromaIndex(StoreConfig(path=index), HashingEmbedder(), recover=False)
    try:
        health = store.check()
    finally:
        store.close()
    assert health.ok, health.describe()


class InFlight:
    """A sink (the writer's `Sink` protocol) that, at every write, counts what the indexing
    holds at that moment: Record, Chunk and Sentence objects alive anywhere in the process
    (by walking the garbage collector's objects), and the embedder's result arrays not yet
    freed. Counts, not bytes or seconds: the same on a loaded machine as on an idle one."""

    def __init__(self):
        self.written: list[str] = []
        self.events: list[tuple[str, str]] = []
        self.vectors: list = []  # weak references to every array the embedder returned
        self.peak = {"records": 0, "chunks": 0, "sentences": 0, "vectors": 0}

    def add(self, part, records, vectors) -> None:
        import gc

        from assistant.store.writer import Record
        from assistant.types import Chunk, Sentence

        alive = {"records": 0, "chunks": 0, "sentences": 0}
        for obj in gc.get_objects():
            if isinstance(obj, Record):
                alive["records"] += 1
            elif isinstance(obj, Chunk):
                alive["chunks"] += 1
            elif isinstance(obj, Sentence):
                alive["sentences"] += 1
        alive["vectors"] = sum(ref() is not None for ref in self.vectors)
        for key, n in alive.items():
            self.peak[key] = max(self.peak[key], n)
        self.written += [r.id for r in records]

    def begin(self, plan) -> None:
        self.events.append(("begin", plan.source))

    def complete(self, source) -> None:
        self.events.append(("complete", source))


def test_memory_while_writing_a_large_file_follows_the_batch_not_the_file():
    """Issue 12, "memory bounded by batch size (not file size)": while one large document is
    embedded and written, the writer holds at most the batches in flight (the one being cut,
    the one embedding, the queue, the one writing), never the document's records, chunks,
    sentences or vectors all at once."""
    import weakref

    from assistant.chunking import layout
    from assistant.corpus import parse_document
    from assistant.store.writer import QUEUE, records, write_documents

    doc = parse_document("register.txt", large_text(3000), "sha")
    everything = [r.id for r in records(doc, layout(doc))]
    batch = 40
    bound = (QUEUE + 3) * batch
    assert len(everything) > 10 * bound, "the file must be many times what may be in flight"

    sink, base = InFlight(), HashingEmbedder(dim=32)

    class Watched:
        identity, dim = base.identity, base.dim

        def embed(self, texts):
            vectors = base.embed(texts)
            sink.vectors.append(weakref.ref(vectors))
            return vectors

    write_documents([doc], sink, Watched(), batch=batch)
    assert sink.written == everything  # every record, once, in the order a resume relies on
    assert sink.events == [("begin", "register.txt"), ("complete", "register.txt")]
    assert sink.peak["records"] <= bound, sink.peak
    assert sink.peak["vectors"] <= QUEUE + 3, sink.peak
    assert sink.peak["chunks"] <= 2 and sink.peak["sentences"] <= 20, sink.peak
