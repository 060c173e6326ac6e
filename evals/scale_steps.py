"""Steps `build` and `query` of `python -m evals.retrieval_scale`, each run in a fresh
interpreter: building the index, then asking the questions, timed per stage."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from .scale_probes import (DIM, RssSampler, Stages, loadavg, make_embedder, peak_rss_mb, rss_mb,
                           summary)

WARM_UP = "What did the committee decide about the new budget?"


def step_build(a: dict) -> dict:
    """Step `build`: `Assistant.load` on an empty index with the hashing embedder, timed by
    stage, with its progress and RSS over time."""
    sampler = RssSampler("build")
    sampler.start()
    t0, c0 = time.perf_counter(), time.process_time()
    load0 = loadavg()
    from assistant import Assistant

    emb = make_embedder("hashing")
    st = _build_stages(emb)
    timeline: list[tuple[float, int, int, float]] = []
    t1 = time.perf_counter()
    bot = Assistant.load(corpus=a["corpus"], index=a["index"], generator="extractive",
                         embedder=emb, progress=_progress(t0, timeline), **a["store"])
    t_load = time.perf_counter() - t1
    docs = bot.index.manifest.documents().values()
    out = {"seconds": time.perf_counter() - t0, "load_seconds": t_load,
           "sync_seconds": bot.sync_report.seconds, "cpu_s": time.process_time() - c0,
           "documents": len(docs), "chunks": sum(d.chunks for d in docs),
           "sentences": sum(d.sentences for d in docs), "stages_s": st.take(),
           "peak_rss_mb": peak_rss_mb(), "rss_end_mb": rss_mb(),
           "progress_timeline": timeline, "rss_timeline": sampler.timeline,
           "loadavg_start": load0, "loadavg_end": loadavg()}
    out["embedded"] = out["chunks"] + out["sentences"]
    bot.close()
    sampler.stop()
    return out


def _build_stages(emb) -> Stages:
    """Timers on the calls a build spends its time in (this process only)."""
    import assistant.core
    import assistant.store.chroma
    import assistant.store.sync
    import assistant.store.writer  # noqa: F401

    st = Stages()
    st.patch(emb, "embed", "embed")
    st.patch(assistant.core, "_read_corpus", "corpus_read")
    st.patch(assistant.store.sync, "write_documents", "embed_and_write")
    st.patch(assistant.store.sync, "save_lexical", "bm25_build_and_save")
    st.patch(assistant.store.chroma._Sink, "add", "store_add (writer thread)")
    st.patch(assistant.store.chroma.ChromaIndex, "verify", "verify")
    return st


def _progress(t0: float, timeline: list):
    """A progress callback: a point in `timeline` every 2% of the files and at the last, a
    line on stderr every 10%."""
    last = [0.0]

    def progress(p) -> None:
        t = time.perf_counter() - t0
        if p.files_done == p.files_total or p.files_done * 50 // max(1, p.files_total) > last[0]:
            last[0] = p.files_done * 50 // max(1, p.files_total)
            timeline.append((round(t, 1), p.files_done, p.chunks_done, round(rss_mb())))
            if p.files_done * 10 // max(1, p.files_total) != (p.files_done - 1) * 10 // max(1, p.files_total):
                print(f"[build] {t:.0f} s: {p.files_done:,}/{p.files_total:,} files, "
                      f"{p.chunks_done:,} chunks, RSS {rss_mb():.0f} MB", file=sys.stderr,
                      flush=True)
    return progress


def step_query(a: dict) -> dict:
    """Step `query`: `Assistant.load` on the unchanged index, timed part by part, a warm-up
    question, then each question's retrieve and evidence, timed per stage."""
    sampler = RssSampler(f"query-{a['embedder']}")
    sampler.start()
    load0 = loadavg()
    bot, started = _start_up(a)
    q = _question_stages(bot)
    first = _first_question(bot, q)
    questions = json.loads(Path(a["questions"]).read_text())
    from evals.golden import load_golden
    golden = load_golden()
    items = ([{"question": g.question, "golden": g} for g in golden]
             + [{"question": s["question"], "phrase": s["phrase"]} for s in questions])
    c1 = time.process_time()
    t_all = time.perf_counter()
    rows, rss_points = _ask(bot, items, q, a["embedder"])
    wall = time.perf_counter() - t_all
    cpu = time.process_time() - c1
    quality = _quality(rows)
    corpus_get_ms = _corpus_get_ms(bot)
    out = {"embedder": a["embedder"], "start": started, "corpus_get_last_ms": corpus_get_ms,
           "first_question": first,
           "questions": len(rows), "golden": len(golden), "synthetic": len(questions),
           **_latencies(rows),
           "questions_wall_s": wall, "questions_cpu_s": cpu,
           "primitives": primitives(bot, a),
           "peak_rss_mb": peak_rss_mb(), "rss_end_mb": rss_mb(), "rss_every_10": rss_points,
           "quality": quality, "loadavg_start": load0, "loadavg_end": loadavg(),
           "rows": [{k: v for k, v in r.items() if not k.endswith("stages_s")} for r in rows]}
    bot.close()
    sampler.stop()
    return out


def _before_load(a: dict) -> tuple[object, dict]:
    """The embedder, and the seconds of what comes before `Assistant.load`: imports, the
    embedder, chromadb's import, reading the corpus alone."""
    t0 = time.perf_counter()
    import assistant.core  # noqa: F401
    from assistant import Assistant  # noqa: F401
    from assistant.corpus import load_corpus
    from assistant.retrieval import HybridRetriever  # noqa: F401
    from assistant.store.chroma import ChromaIndex  # noqa: F401
    from assistant.store.lexical import LexicalIndex  # noqa: F401
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
    return emb, {"imports_s": t_import, "embedder_s": t_embedder, "chromadb_import_s": t_chroma,
                 "models_s": t_import + t_embedder, "corpus_read_alone_s": t_corpus,
                 "documents": n_docs}


def _start_up(a: dict):
    """(the assistant, what its start-up cost): `Assistant.load` on the built index, timed by
    stage, after what comes before it (the imports among it, timed there)."""
    emb, before = _before_load(a)
    import assistant.core
    from assistant import Assistant
    from assistant.retrieval import HybridRetriever
    from assistant.store.chroma import ChromaIndex

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
    started = {k: before[k] for k in ("imports_s", "embedder_s", "chromadb_import_s", "models_s",
                                      "corpus_read_alone_s")}
    started.update({"assistant_load_s": t_load, "assistant_load_cpu_s": cpu_load,
                    "index_work_s": t_load - load_stages.get("corpus_read", 0.0),
                    "stages_s": load_stages, "documents": before["documents"],
                    "rss_before_load_mb": rss_before_load, "rss_after_load_mb": rss_mb(),
                    "peak_rss_load_mb": peak_rss_mb()})
    return bot, started


def _question_stages(bot) -> Stages:
    """Per-stage timers for questions (class-level patches: this process only)."""
    import assistant.core
    from assistant.retrieval import HybridRetriever
    from assistant.store.chroma import ChromaIndex
    from assistant.store.lexical import LexicalIndex

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
    return q


def _first_question(bot, q: Stages) -> dict:
    """The cold first question: its retrieve, then its evidence."""
    t1 = time.perf_counter()
    bot.retrieve(WARM_UP)
    first = {"seconds": time.perf_counter() - t1, "stages_s": q.take(),
             "rss_after_mb": rss_mb()}
    t1 = time.perf_counter()
    bot.evidence(WARM_UP + " ")
    first["evidence_seconds"] = time.perf_counter() - t1
    first["evidence_stages_s"] = q.take()
    return first


def _ask(bot, items: list[dict], q: Stages, embedder: str) -> tuple[list[dict], list]:
    """Retrieve and evidence for every question, alternating which runs first: a row each,
    and the RSS every 10 questions."""
    rows, rss_points = [], []
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
        row["evidence_sentences"] = len(ev.ranked)  # sentences scored for the answer
        if embedder == "hashing":  # a ranking check; meaningless with MiniLM queries
            row.update(_hit(bot, item, passages))
        rows.append(row)
        if n % 10 == 9:
            rss_points.append((n + 1, round(rss_mb())))
    return rows, rss_points


def _hit(bot, item: dict, passages) -> dict:
    """A golden question's evidence, or a synthetic one's phrase, among the top-5 passages."""
    from evals.golden import gold_in

    if "golden" in item:
        g = item["golden"]
        if g.answerable:
            return {"gold_hit": bool(any(gold_in(g, p, bot.source_text) for p in passages))}
        return {}
    folded = item["phrase"].lower()
    return {"phrase_hit": any(folded in p.text.lower() for p in passages)}


def _latencies(rows: list[dict]) -> dict:
    """Retrieve and evidence times, with and without the query embedding, and per stage."""
    def stage_summary(kind: str) -> dict:
        names = sorted({k for r in rows for k in r[kind + "_stages_s"]})
        return {name: summary([r[kind + "_stages_s"].get(name, 0.0) for r in rows])
                for name in names}

    retrieve = [r["retrieve_s"] for r in rows]
    evidence = [r["evidence_s"] for r in rows]
    no_embed_r = [r["retrieve_s"] - r["retrieve_stages_s"].get("embed", 0.0) for r in rows]
    no_embed_e = [r["evidence_s"] - r["evidence_stages_s"].get("embed", 0.0) for r in rows]
    embed = [r["retrieve_stages_s"].get("embed", 0.0) for r in rows]
    return {"retrieve": summary(retrieve), "evidence": summary(evidence),
            "query_embed": summary(embed),
            "retrieve_without_embed": summary(no_embed_r),
            "evidence_without_embed": summary(no_embed_e),
            "retrieve_stages": stage_summary("retrieve"),
            "evidence_stages": stage_summary("evidence")}


def _quality(rows: list[dict]) -> dict:
    """hit@5 of the golden and the synthetic questions (hashing queries only; else empty)."""
    gold = [r["gold_hit"] for r in rows if "gold_hit" in r]
    phrase = [r["phrase_hit"] for r in rows if "phrase_hit" in r]
    if not gold:
        return {}
    return {"gold_hit@5": sum(gold) / len(gold), "gold_answerable": len(gold),
            "phrase_hit@5": sum(phrase) / len(phrase), "phrase_questions": len(phrase)}


def _corpus_get_ms(bot) -> float:
    """ms to read the last document's text (Corpus.get once scanned the documents in order)."""
    last = bot.corpus.documents[-1].source
    t = time.perf_counter()
    for _ in range(20):
        bot.source_text(last)
    return 1000 * (time.perf_counter() - t) / 20


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

