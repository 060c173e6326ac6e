"""The steps of `python -m evals.documents_bench` that run in a child process of their own:
indexing a corpus through the public API (`index_child`), and the raw embedding rate of the
texts that index embeds (`raw_child`, also used by evals/scale.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def raw_child(spec: dict) -> dict:
    """The raw embedding rate of the texts an index of `spec["corpus"]` embeds: every sentence
    and chunk as the writer hands it to the embedder, in its order, cut into calls of its batch
    size; above `raw_max` texts, whole calls evenly spaced over the stream (a document's
    sentences come before its chunks). Encoded with MiniLM and nothing else."""
    from assistant.corpus import load_corpus
    from assistant.embeddings import LocalEmbedder
    from assistant.store import writer

    texts: list[str] = []
    for doc in load_corpus(Path(spec["corpus"])).documents:
        texts += [r.to_embed for r in writer.records(doc, writer.layout(doc))]
    batch = writer.BATCH
    blocks = [texts[i:i + batch] for i in range(0, len(texts), batch)]
    want = min(len(blocks), max(1, -(-spec["raw_max"] // batch)))
    picked = [blocks[i * len(blocks) // want] for i in range(want)]
    out = {"texts": len(texts), "batch": batch, "raw_texts": sum(map(len, picked)),
           "raw_batches": f"{want} of {len(blocks)}"}
    del texts, blocks
    emb = LocalEmbedder()
    emb.embed(["A sentence to warm the model up."] * 8)
    c0, t0 = time.process_time(), time.perf_counter()
    for block in picked:
        emb.embed(block)
    out["raw_s"] = time.perf_counter() - t0
    out["raw_cpu_s"] = time.process_time() - c0
    out["loadavg_end"] = os.getloadavg()
    return out


def index_child(spec: dict) -> dict:
    """Index `spec["corpus"]` into an empty `spec["index"]` through the public API, then time
    parsing alone."""
    out: dict = {"pid": os.getpid()}
    t = time.perf_counter()
    from assistant import Assistant
    from assistant.embeddings import HashingEmbedder, LocalEmbedder

    base = LocalEmbedder() if spec["embedder"] == "minilm" else HashingEmbedder(dim=384)
    base.embed(["A sentence to warm the model up."] * 8)
    out["model_s"] = time.perf_counter() - t
    out["rss_after_model_mb"] = _peak_mb()
    timed, events = TimedEmbedder(base), []
    out["index_started_at"] = time.time()
    c0, t0 = time.process_time(), time.perf_counter()
    bot = Assistant.load(corpus=spec["corpus"], index=spec["index"], generator="extractive",
                         embedder=timed, progress=lambda p: events.append(
                             (time.perf_counter() - t0, p.files_done, p.chunks_done)))
    out["index_s"] = time.perf_counter() - t0
    out["index_cpu_s"] = time.process_time() - c0
    out["index_ended_at"] = time.time()
    out["peak_rss_mb"] = _peak_mb()
    docs = bot.index.manifest.documents().values()
    out.update(documents=len(docs), chunks=sum(d.chunks for d in docs),
               sentences=sum(d.sentences for d in docs), sync_s=bot.sync_report.seconds,
               embedded=timed.texts, embed_calls=timed.calls, in_embed_s=timed.wall,
               skipped=len(bot.corpus.skipped),
               first_progress_s=next((e[0] for e in events if e[1]), None),
               progress_events=len(events))
    out["pages"] = sum(d.meta.page_count or 0 for d in bot.corpus.documents) or None
    bot.close()
    del bot
    out.update(_parse_alone(Path(spec["corpus"])))
    out["loadavg_end"] = os.getloadavg()
    return out


def _peak_mb() -> float:
    """This process's peak RSS so far, MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TimedEmbedder:
    """An embedder, counting texts and the time spent inside its calls."""

    def __init__(self, base):
        self.base, self.identity, self.dim = base, base.identity, base.dim
        self.texts = self.calls = 0
        self.wall = 0.0

    def embed(self, texts):
        t0 = time.perf_counter()
        try:
            return self.base.embed(texts)
        finally:
            self.wall += time.perf_counter() - t0
            self.calls += 1
            self.texts += len(texts)


def _parse_alone(corpus: Path) -> dict:
    """`load_corpus` timed alone, with no extraction cache: every file parsed again."""
    from assistant.corpus import load_corpus

    t = time.perf_counter()
    loaded = load_corpus(corpus)
    return {"parse_s": time.perf_counter() - t,
            "files": len(loaded.documents) + len(loaded.skipped)}
