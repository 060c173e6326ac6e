"""What `python -m evals.retrieval_scale` prints: one result as aligned rows (`render`), and
result files side by side as Markdown (`markdown`, for `--table`)."""

from __future__ import annotations

import json
from pathlib import Path


def render(r: dict) -> str:
    """One result as aligned rows: the setting, the build, the disk, each query step."""
    rows = _setting_rows(r) + _build_rows(r) + _disk_rows(r)
    for emb in ("hashing", "minilm"):
        if emb in r:
            rows += _query_rows(emb, r[emb])
    if "server_queries" in r:
        sq = r["server_queries"]
        rows.append(("server during queries", f"RSS {sq['rss_mb']:.0f} MB (peak "
                                              f"{sq['peak_rss_mb']:.0f}), {sq.get('cpu_s', 0):.0f} CPU s"
                                              " (both query steps)"))
    return "\n".join(f"{k:30s} {v}" for k, v in rows)


def _setting_rows(r: dict) -> list[tuple[str, str]]:
    """The store, the machine's load, the corpus."""
    c = r["corpus"]
    return [("store", r["store"] + (" (chroma run, loopback HTTP)" if r["store"] == "server" else
                                    " (embedded PersistentClient)")),
            ("machine load (1-min avg)", f"{r['loadavg_start'][0]} at start, "
                                         f"{r['loadavg_end'][0]} at end, {r['cpus']} CPUs"),
            ("corpus", f"{c['documents']:,} synthetic docs + {c['seed_files']} seeds, "
                       f"{c['chunks']:,} chunks, {c['words']:,} words, {c['disk_mb']:.0f} MB")]


def _build_rows(r: dict) -> list[tuple[str, str]]:
    """The build step (none when the index was reused), and the server during it."""
    b = r.get("build")
    rows: list[tuple[str, str]] = []
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
    return rows


def _disk_rows(r: dict) -> list[tuple[str, str]]:
    """The index on disk, and the server's start."""
    d = r["disk"]
    rows = [("index on disk MB", f"{d['index_mb']:.0f} local dir ("
             + ", ".join(f"{k} {v:.0f}" for k, v in sorted(d['index_parts_mb'].items()))
             + ")" + (f"; server data {d['server_data_mb']:.0f}" if "server_data_mb" in d else ""))]
    if "server_start_s" in r:
        rows.append(("server start s", f"{r['server_start_s']:.1f}"))
    return rows


def _query_rows(emb: str, q: dict) -> list[tuple[str, str]]:
    """A query step: its start-up, first question, latencies, stages, memory, hits."""
    s = q["start"]
    ls = s["stages_s"]
    tag = "fake (hashing) queries" if emb == "hashing" else "MiniLM-embedded queries"
    rows = [
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
    return rows


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
    """p50 / p95 in ms, a decimal below 1 ms."""
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
