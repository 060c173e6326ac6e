"""Step `diagnose` of `python -m evals.retrieval_scale --diagnose`: on a built local index,
where the store-side time and memory of a question go, against alternatives."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from .scale_probes import loadavg, make_embedder, median_ms, pct, rss_mb


def step_diagnose(a: dict) -> dict:
    """Where the store-side time and memory of a question go on a built index, and what the
    alternatives would cost: evidence for changes to assistant/ (which this script never
    changes). Every alternative is checked to return the same records as the current code."""
    from assistant import Assistant

    emb = make_embedder("hashing")
    bot = Assistant.load(corpus=a["corpus"], index=a["index"], generator="extractive",
                         embedder=emb, **a["store"])
    index = bot.index
    chunks = index.parts()["chunks"]
    qs = [q["question"] for q in json.loads(Path(a["questions"]).read_text())][:a.get("n", 30)]
    out: dict = {"questions": len(qs), "loadavg_start": loadavg()}
    out.update(_dense_costs(index, emb, qs))  # 1.
    out.update(_evidence_reads(bot, emb, qs))  # 2.

    # 2b. the same searches without the count() first: Chroma 1.5 returns fewer results when
    #     n_results exceeds what a collection holds (and none from an empty one)
    out["query_n_over_count"] = {"chunks n=count+5": len(chunks.query(
        query_embeddings=[emb.embed(["x"])[0]], n_results=chunks.count() + 5,
        include=[])["ids"][0]) == chunks.count()} if chunks.count() < 5000 else "not tried (large)"
    if a.get("minilm", True):
        out["query_embed_threads_ms"] = _query_embed_threads(qs)  # 2c.
    out["verify_ms"] = _verify_parts(index)  # 3.
    out["corpus_read_s"] = _corpus_read_parts(Path(a["corpus"]))  # 4.
    out["heap_over_questions"] = _heap_over_questions(bot, qs)  # 5.
    out["bm25_build"] = _bm25_build(bot, qs)  # 6.
    out["loadavg_end"] = loadavg()
    bot.close()
    return out


def _dense_costs(index, emb, qs: list[str]) -> dict:
    """1. the count() each dense search makes before it queries."""
    chunks, sentences = index.parts()["chunks"], index.parts()["sentences"]
    out = {"count_ms": {"chunks": median_ms(chunks.count, 10)[0],
                        "sentences": median_ms(sentences.count, 10)[0]}}
    dense = defaultdict(list)
    for q in qs:
        v = emb.embed([q])[0]
        dense["dense_sentence_search (count + query)"].append(
            median_ms(lambda: index.dense_sentence_search(v, 120))[0])
        dense["sentences.query alone"].append(median_ms(lambda: sentences.query(
            query_embeddings=[v], n_results=120, include=["distances", "metadatas"]))[0])
        dense["dense_search (count + query)"].append(median_ms(lambda: index.dense_search(v, 30))[0])
        dense["chunks.query alone"].append(median_ms(lambda: chunks.query(
            query_embeddings=[v], n_results=30, include=["distances"]))[0])
    out["dense_ms_p50"] = {k: statistics.median(v) for k, v in dense.items()}
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


def _neighbours_by_source(chunks, ids: list[str]) -> dict:
    """The bordering chunks by one `source $in` read, seq picked in Python."""
    want = _wanted_neighbours(chunks, ids)
    near = chunks.get(where={"source": {"$in": sorted({s for s, _ in want})}},
                      include=["metadatas"])
    return {cid: want[(m["source"], m["seq"])]
            for cid, m in zip(near["ids"], near["metadatas"])
            if (m["source"], m["seq"]) in want}


def _neighbours_by_source_and_seq(chunks, ids: list[str]) -> dict:
    """The same by `source $in AND seq $in`: bounded by the rows wanted, even in a long
    document; the pairs picked in Python."""
    want = _wanted_neighbours(chunks, ids)
    near = chunks.get(where={"$and": [{"source": {"$in": sorted({s for s, _ in want})}},
                                      {"seq": {"$in": sorted({q for _, q in want})}}]},
                      include=["metadatas"])
    return {cid: want[(m["source"], m["seq"])]
            for cid, m in zip(near["ids"], near["metadatas"])
            if (m["source"], m["seq"]) in want}


def _evidence_reads(bot, emb, qs: list[str]) -> dict:
    """2. evidence reads: neighbours of the passages, and their sentences (the labels name the
    code measured at the time; _bordering_chunks is now the $in one)."""
    index = bot.index
    chunks, sentences = index.parts()["chunks"], index.parts()["sentences"]
    reads, same = defaultdict(list), {"bordering": 0, "sentences": 0}
    for q in qs:
        v = emb.embed([q])[0]
        ids = [p.chunk_id for p in bot.retriever.search(q, k=bot.config.passages, vector=v)]
        t_now, border = median_ms(lambda: index._bordering_chunks(ids))
        reads["_bordering_chunks ($or of source AND seq)"].append(t_now)
        t_alt, border_alt = median_ms(lambda: _neighbours_by_source(chunks, ids))
        reads["same, by source $in then seq in Python"].append(t_alt)
        same["bordering"] += border_alt == border
        t_alt2, border_alt2 = median_ms(lambda: _neighbours_by_source_and_seq(chunks, ids))
        reads["same, source $in AND seq $in, pairs in Python"].append(t_alt2)
        same["bordering (source AND seq $in)"] = same.get("bordering (source AND seq $in)", 0) + (
            border_alt2 == border)
        reads["chunks.get(ids=neighbour ids) (if ids were known)"].append(
            median_ms(lambda: chunks.get(ids=sorted(border), include=["metadatas"]))[0])
        wanted = ids + sorted(border)
        full = ["documents", "metadatas", "embeddings"]
        t_s, got = median_ms(lambda: sentences.get(where={"chunk_id": {"$in": wanted}}, include=full))
        reads["sentences.get where chunk_id $in (current)"].append(t_s)
        reads["  same, include=[] (ids only)"].append(median_ms(lambda: sentences.get(
            where={"chunk_id": {"$in": wanted}}, include=[]))[0])
        t_ids, by_ids = median_ms(lambda: sentences.get(ids=got["ids"], include=full))
        reads["sentences.get(ids=...) (if ids were known)"].append(t_ids)
        same["sentences"] += sorted(by_ids["ids"]) == sorted(got["ids"])
        sources = sorted({cid.split("#", 1)[0] for cid in wanted})
        t_src, got_src = median_ms(lambda: sentences.get(where={"source": {"$in": sources}},
                                                         include=full))
        reads["sentences.get where source $in (whole docs)"].append(t_src)
    return {"evidence_reads_ms_p50": {k: statistics.median(v) for k, v in reads.items()},
            "alternatives_agree": {k: f"{v}/{len(qs)}" for k, v in same.items()}}


def _query_embed_threads(qs: list[str]) -> dict:
    """2c. embedding one question with MiniLM: torch's threads (both cores) against one thread,
    alternating per question so both see the same neighbours."""
    import torch

    from assistant.embeddings import LocalEmbedder
    model, default = LocalEmbedder(), torch.get_num_threads()
    model.embed(qs[:4])
    per = defaultdict(list)
    for n, q in enumerate(qs * 2):
        for threads in ((default, 1) if n % 2 else (1, default)):
            torch.set_num_threads(threads)
            per[threads].append(median_ms(lambda: model.embed([q]))[0])
    torch.set_num_threads(default)
    return {f"{t} thread(s)": {"p50": statistics.median(v), "p95": pct(v, 95), "n": len(v)}
            for t, v in per.items()}


def _verify_parts(index) -> dict:
    """3. the start-up health check, part by part."""
    from assistant.store import health

    chunks, sentences = index.parts()["chunks"], index.parts()["sentences"]
    states = index.manifest.documents().values()
    out = {
        "whole quick_check": median_ms(lambda: health.quick_check(index))[0],
        "segment folders": median_ms(lambda: health._missing_folders(index))[0],
        "manifest documents()": median_ms(lambda: list(index.manifest.documents().values()))[0],
        "chunks.count": median_ms(chunks.count)[0], "sentences.count": median_ms(sentences.count)[0],
        "chunks.get(limit=1, embeddings)": median_ms(lambda: chunks.get(limit=1, include=["embeddings"]))[0],
        "sentences.get(limit=1, embeddings)": median_ms(lambda: sentences.get(
            limit=1, include=["embeddings"]))[0]}
    del states
    return out


def _corpus_read_parts(root: Path) -> dict:
    """4. reading the corpus at start-up, part by part (every file, as load_corpus does)."""
    import hashlib

    from assistant.corpus import parse_document
    from assistant.readers.encoding import decode

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
    return {**t, "files": len(files)}


def _heap_over_questions(bot, qs: list[str]) -> dict:
    """5. Python heap across questions: does anything accumulate?"""
    import tracemalloc

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
    out = {
        "questions": 3 * len(qs), "python_heap_growth_kb": sum(d.size_diff for d in grown) / 1024,
        "rss_growth_mb": rss1 - rss0,
        "top": [f"{d.traceback[0].filename.rsplit('/', 2)[-1]}:{d.traceback[0].lineno} "
                f"{d.size_diff / 1024:+.0f} KB" for d in grown[:5]]}
    tracemalloc.stop()
    return out


def _bm25_build(bot, qs: list[str]) -> dict:
    """6. the BM25 build at the end of every sync: peak Python heap, as now and with tokens
    interned (one str object per distinct token instead of one per occurrence)."""
    import tracemalloc

    from assistant.store.lexical import LexicalIndex

    titles = {d.source: d.meta.title for d in bot.corpus.documents}
    all_chunks = list(bot.index.iter_chunks())
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
    out = {k: {"peak_heap_mb": v["peak_heap_mb"], "seconds_traced": v["seconds_traced"]}
           for k, v in bm.items()}
    out["same_scores"] = bm["as now"]["probe"] == bm["tokens interned"]["probe"]
    return out
