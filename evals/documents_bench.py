"""Indexing benchmark for real documents: a long PDF, a folder of mixed files, a large text file.

    python -m evals.documents_bench                       # pdf, folder, text at 1, 2, 5 MB
    python -m evals.documents_bench --cases text --text-mb 1 2 5 20
    python -m evals.documents_bench --cases hashing --hashing-mb 1 5 20   # no model: overhead

Each case indexes a corpus through the public API, `Assistant.load(corpus=..., index=...,
generator="extractive", embedder=LocalEmbedder())`, on an empty index, in a child process of its
own (so its peak RSS is its own; the parent also samples the child's RSS every half second):

    pdf       a 300-page PDF of wrapped prose with a running header and footer
              (tests/fixtures_docs.long_pdf)
    folder    100 files cycling through .pdf, .docx, .html, .md, .txt as fixtures_docs.mixed_folder
              does, but each with different prose (30 Brown sentences under a title and two
              headings), so none is a duplicate
    fixture-folder   fixtures_docs.mixed_folder(100) itself: its files repeat 13 contents, so
              87 are skipped as duplicates (what a folder of copies costs)
    text      one plain-text file of N MB of real prose: the Brown corpus (evals/BROWN.md) as
              paragraphs of four sentences; past its 5.7 MB the sentences are dealt again in a
              shuffled order (seeded), so no paragraph repeats (a repeated line would be taken
              for page furniture), though a sentence may. Every size is a prefix of the same text.
    hashing   the text cases with the fake `HashingEmbedder` (dim 384) in place of MiniLM: the
              time and memory of everything but the model, at full size in minutes

and, for the MiniLM cases, the raw embedding rate of the same texts: every sentence and chunk
exactly as the writer hands them to the embedder, in its order, in calls of the writer's batch
size (`store.writer.BATCH`, with the embedder's own batch of 64 inside), encoded by MiniLM and
nothing else; above `--raw-max` texts, whole calls evenly spaced over the stream. The raw rate
is measured in a process of its own just before the index and again just after it, and the two
are averaged, so a change in the machine's load during a case weighs on both sides. Figures:

    index s            Assistant.load wall time (reading and parsing, chunking, embedding,
                       writing, BM25, the start-up check); the model is loaded before
    texts/s            sentences and chunks embedded per second of that
    raw texts/s        the raw embedding rate of the same texts (mean of before and after)
    ratio              texts/s over raw texts/s (target >= 0.8); also in CPU time (all threads),
                       the steadier figure when the machine is shared
    in embed s         wall time inside the embedder's calls during indexing; its share of the
                       index time is the load-independent view: everything else (parsing,
                       chunking, BM25, the check, writes not hidden behind embedding) is the
                       rest. The writer thread's Chroma `add` holds the GIL, so a write also
                       stalls the embedding call it overlaps: a share near 1 is an upper bound
                       on the ratio, not the ratio.
    parse              pages or files per second of `load_corpus` alone (timed after indexing)
    peak RSS MB        the index process's ru_maxrss when Assistant.load returned

Results go to evals/results/documents-bench.json (`--out`), and a table is printed. For a size
not run with MiniLM, the table extrapolates its index time from the largest text size run (time
per text x texts, with the text count from the hashing case of that size) and says so. Run it
under `nice`: it keeps both cores busy (every case at the default sizes: about an hour on an
idle 2-core machine, hours on a busy one). Cases run now replace theirs in the result file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
OUT = RESULTS / "documents-bench.json"
MB = 2**20


# ---------------------------------------------------------------- the files

def brown_sentences() -> list[str]:
    """Every Brown sentence, detagged, in catalogue order (see evals/scale.py)."""
    from evals.scale import brown_dir, detag

    brown = brown_dir()
    cats = dict(line.split() for line in (brown / "cats.txt").read_text().splitlines()
                if line.strip())
    out: list[str] = []
    for name in sorted(cats):
        out += [detag(line) for line in (brown / name).read_text(encoding="utf-8").splitlines()
                if line.strip()]
    return out


def write_text(path: Path, size: int, sentences: list[str]) -> int:
    """A text file of at most `size` bytes: a title line, then paragraphs of four sentences;
    each pass over the corpus after the first deals the sentences in a new shuffled order."""
    rng, order, written = random.Random(0), list(range(len(sentences))), 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        head = "The Brown corpus as one long text\n\n"
        f.write(head)
        written += len(head.encode())
        while True:
            for i in range(0, len(order), 4):
                para = " ".join(sentences[j] for j in order[i:i + 4]) + "\n\n"
                n = len(para.encode())
                if written + n > size:
                    return written
                f.write(para)
                written += n
            rng.shuffle(order)


FOLDER_SENTENCES = 30  # per file of the distinct folder: ~650 words, a page or two


def distinct_folder(folder: Path, n: int, sentences: list[str]) -> None:
    """n files cycling through .pdf, .docx, .html, .md and .txt like `mixed_folder`, but each
    holding different prose (the next 30 Brown sentences, as paragraphs of three, under a title
    and two section headings), so none is skipped as a duplicate of another."""
    import docx
    from reportlab.pdfbase.pdfmetrics import stringWidth

    import fixtures_docs as F

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        said = sentences[i * FOLDER_SENTENCES:(i + 1) * FOLDER_SENTENCES]
        paras = [" ".join(said[j:j + 3]) for j in range(0, len(said), 3)]
        title = f"Report {i}: " + " ".join(said[0].split()[:6]).rstrip(",;:")
        half = len(paras) // 2
        sections = [("Background", paras[:half]), ("Findings", paras[half:])]
        path = folder / f"{i:03d}.{('pdf', 'docx', 'html', 'md', 'txt')[i % 5]}"
        if path.suffix == ".pdf":
            c = F._canvas(str(path), title=title, author="Benchmark")
            page, y = 1, F.PAGE_H - 100
            F._furniture(c, page, 2)
            lines = [("VeraBd", 14, title)]
            for heading, body in sections:
                lines.append(("VeraBd", 12, heading))
                for para in body:
                    words, line = para.split(), []
                    for w in words:
                        if stringWidth(" ".join(line + [w]), "Vera", 11) > 450:
                            lines.append(("Vera", 11, " ".join(line)))
                            line = []
                        line.append(w)
                    lines.append(("Vera", 11, " ".join(line)))
                    lines.append(None)  # paragraph gap
            for item in lines:
                if y < 80:
                    c.showPage()
                    page, y = page + 1, F.PAGE_H - 100
                    F._furniture(c, page, 2)
                if item is None:
                    y -= 10
                    continue
                font, size, text = item
                c.setFont(font, size)
                c.drawString(F.MARGIN, y, text)
                y -= size + 4
            c.showPage()
            c.save()
        elif path.suffix == ".docx":
            d = docx.Document()
            d.core_properties.title = title
            d.add_heading(title, level=1)
            for heading, body in sections:
                d.add_heading(heading, level=2)
                for para in body:
                    d.add_paragraph(para)
            d.sections[0].footer.paragraphs[0].text = f"Benchmark document {i}"
            d.save(str(path))
        elif path.suffix == ".html":
            body = "".join(f"<h2>{h}</h2>" + "".join(f"<p>{p}</p>" for p in ps)
                           for h, ps in sections)
            path.write_text(
                f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
                f"<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
                f"<main><article><h1>{title}</h1>{body}</article></main>"
                f"<footer><p>© Benchmark pages. All rights reserved.</p></footer></body></html>",
                encoding="utf-8")
        elif path.suffix == ".md":
            path.write_text(f"# {title}\n\n" + "".join(
                f"## {h}\n\n" + "".join(f"{p}\n\n" for p in ps) for h, ps in sections),
                encoding="utf-8")
        else:
            path.write_text(f"{title}\n\n" + "".join(
                f"{h}\n\n" + "".join(f"{p}\n\n" for p in ps) for h, ps in sections),
                encoding="utf-8")


def build_files(work: Path, pages: int, files: int, text_mb: list[float]) -> dict:
    """Make the benchmark's corpora (a child process runs this: its memory is not counted)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import fixtures_docs as F

    made: dict = {}
    sentences = brown_sentences() if files or text_mb else []
    if pages:
        (work / "pdf").mkdir(parents=True, exist_ok=True)
        F.long_pdf(work / "pdf" / "long.pdf", pages)
        made["pdf"] = (work / "pdf" / "long.pdf").stat().st_size
    if files:
        distinct_folder(work / "folder", files, sentences)
        made["folder"] = sum(p.stat().st_size for p in (work / "folder").iterdir())
        F.mixed_folder(work / "fixture-folder", files)
        made["fixture-folder"] = sum(p.stat().st_size for p in (work / "fixture-folder").iterdir())
    if text_mb:
        for mb in text_mb:
            made[f"text-{mb:g}"] = write_text(work / f"text-{mb:g}" / "long.txt", int(mb * MB),
                                              sentences)
    return made


# ---------------------------------------------------------------- one case, in a child process

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
    import resource

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    out: dict = {"pid": os.getpid()}
    t = time.perf_counter()
    from assistant import Assistant
    from assistant.corpus import load_corpus
    from assistant.embeddings import HashingEmbedder, LocalEmbedder

    base = LocalEmbedder() if spec["embedder"] == "minilm" else HashingEmbedder(dim=384)
    base.embed(["A sentence to warm the model up."] * 8)
    out["model_s"] = time.perf_counter() - t
    out["rss_after_model_mb"] = peak_mb()

    class Timed:
        """The embedder, counting texts and the time spent inside its calls."""
        identity, dim = base.identity, base.dim
        texts = calls = 0
        wall = 0.0

        def embed(self, texts):
            t0 = time.perf_counter()
            try:
                return base.embed(texts)
            finally:
                self.wall += time.perf_counter() - t0
                self.calls += 1
                self.texts += len(texts)

    timed, events = Timed(), []
    out["index_started_at"] = time.time()
    c0, t0 = time.process_time(), time.perf_counter()
    bot = Assistant.load(corpus=spec["corpus"], index=spec["index"], generator="extractive",
                         embedder=timed, progress=lambda p: events.append(
                             (time.perf_counter() - t0, p.files_done, p.chunks_done)))
    out["index_s"] = time.perf_counter() - t0
    out["index_cpu_s"] = time.process_time() - c0
    out["index_ended_at"] = time.time()
    out["peak_rss_mb"] = peak_mb()
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

    t = time.perf_counter()
    corpus = load_corpus(Path(spec["corpus"]))  # no extraction cache: every file parsed again
    out["parse_s"] = time.perf_counter() - t
    out["files"] = len(corpus.documents) + len(corpus.skipped)
    out["loadavg_end"] = os.getloadavg()
    return out


class RssSampler(threading.Thread):
    """Samples a process's resident set size every `every` seconds from /proc."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples = pid, every, []
        self.stop = threading.Event()
        self.t0 = time.time()

    def run(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        while not self.stop.is_set():
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.samples.append((time.time(), int(line.split()[1]) / 1024))
            except OSError:
                return
            self.stop.wait(self.every)


def spawn(mode: str, spec: dict, sample: bool = False) -> tuple[dict, list]:
    """Run one step in a fresh interpreter; its JSON result and (when `sample`) its RSS."""
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(ROOT),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "evals.documents_bench", f"--{mode}",
                             json.dumps(spec)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            text=True)
    sampler = RssSampler(proc.pid)
    if sample:
        sampler.start()
    stdout, _ = proc.communicate()
    sampler.stop.set()
    if sample:
        sampler.join()
    if proc.returncode:
        raise SystemExit(f"{mode} step failed ({proc.returncode})")
    return json.loads(stdout.strip().splitlines()[-1]), sampler.samples


def run_case(name: str, corpus: Path, index: Path, embedder: str, raw_max: int) -> dict:
    """The raw rate before and after (MiniLM cases), the index between: a change in the
    machine's load during the case weighs on both sides."""
    spec = {"corpus": str(corpus), "index": str(index), "embedder": embedder, "raw_max": raw_max}
    load_before = os.getloadavg()
    raws = []
    if embedder == "minilm":
        raws.append(spawn("raw", spec)[0])
    r, samples = spawn("index", spec, sample=True)
    if embedder == "minilm":
        raws.append(spawn("raw", spec)[0])
        r["raw"] = raws
        r.update({k: raws[0][k] for k in ("texts", "batch", "raw_texts", "raw_batches")})
        r["raw_s"] = sum(x["raw_s"] for x in raws) / 2  # the same texts each time
        r["raw_cpu_s"] = sum(x["raw_cpu_s"] for x in raws) / 2
    r.update(case=name, embedder=embedder, loadavg_start=load_before)
    during = [mb for at, mb in samples if r["index_started_at"] <= at <= r["index_ended_at"]]
    r["sampled_peak_rss_mb"] = max(during, default=None)
    r["rss_timeline"] = thin([(round(at - r["index_started_at"], 1), round(mb))
                              for at, mb in samples], 120)
    return derive(r)


def thin(points: list, n: int) -> list:
    step = max(1, len(points) // n)
    return points[::step]


def derive(r: dict) -> dict:
    r["rate"] = r["embedded"] / r["index_s"]
    r["cpu_rate"] = r["embedded"] / r["index_cpu_s"]
    r["outside_embed_s"] = r["index_s"] - r["in_embed_s"]
    r["embed_share"] = r["in_embed_s"] / r["index_s"]
    if r.get("raw_s"):
        r["raw_rate"] = r["raw_texts"] / r["raw_s"]
        r["raw_cpu_rate"] = r["raw_texts"] / r["raw_cpu_s"]
        r["ratio"] = r["rate"] / r["raw_rate"]
        r["cpu_ratio"] = r["cpu_rate"] / r["raw_cpu_rate"]
    if r.get("pages"):
        r["pages_per_s"] = r["pages"] / r["parse_s"]
        r["pages_indexed_per_s"] = r["pages"] / r["index_s"]
    r["files_per_s"] = r["files"] / r["parse_s"]
    r["files_indexed_per_s"] = r["files"] / r["index_s"]
    r["chunks_per_s"] = r["chunks"] / r["index_s"]
    return r


# ---------------------------------------------------------------- report

def extrapolate(results: dict, mb: float) -> dict | None:
    """MiniLM index time of a text size not run with the model: seconds per text of the largest
    MiniLM text case, times the text count of that size (from its hashing case)."""
    runs = [r for r in results.values() if r["case"].startswith("text-") and r.get("raw_rate")]
    counted = results.get(f"hashing-{mb:g}")
    if not runs or not counted:
        return None
    big = max(runs, key=lambda r: r["embedded"])
    per_text = big["index_s"] / big["embedded"]
    raw_per_text = 1 / big["raw_rate"]
    return {"mb": mb, "from_case": big["case"], "texts": counted["embedded"],
            "index_s": per_text * counted["embedded"],
            "raw_s": raw_per_text * counted["embedded"], "ratio": big["ratio"],
            "rss_note": "peak RSS measured with the hashing embedder at this size, plus the "
                        "model's share measured at the largest MiniLM size"}


def table(results: dict, extrapolated: list[dict]) -> str:
    cols = list(results.values())
    rows = [
        ("embedder", lambda r: r["embedder"]),
        ("input", lambda r: r.get("input", "")),
        ("files / pages", lambda r: f"{r['files']}" + (f" / {r['pages']}" if r.get("pages") else "")),
        ("documents indexed / skipped", lambda r: f"{r['documents']} / {r['skipped']}"),
        ("chunks / sentences", lambda r: f"{r['chunks']:,} / {r['sentences']:,}"),
        ("index s (Assistant.load)", lambda r: f"{r['index_s']:.1f}"),
        ("  in embed s", lambda r: f"{r['in_embed_s']:.1f}"),
        ("  outside embed s", lambda r: f"{r['outside_embed_s']:.1f}"),
        ("texts embedded/s", lambda r: f"{r['rate']:.1f}"),
        ("raw texts/s (same texts)", lambda r: f"{r['raw_rate']:.1f} ({r['raw_texts']:,})" if r.get("raw_rate") else "n/a"),
        ("  raw before / after", lambda r: " / ".join(f"{x['raw_texts'] / x['raw_s']:.1f}" for x in r["raw"])),
        ("ratio (wall)", lambda r: f"{r['ratio']:.2f}" if r.get("ratio") else "n/a"),
        ("ratio (CPU time)", lambda r: f"{r['cpu_ratio']:.2f}" if r.get("cpu_ratio") else "n/a"),
        ("share of index in embed calls", lambda r: f"{r['in_embed_s'] / r['index_s']:.3f}"),
        ("chunks/s", lambda r: f"{r['chunks_per_s']:.1f}"),
        ("parse: pages/s", lambda r: f"{r['pages_per_s']:.0f}" if r["case"] == "pdf" else ""),
        ("parse: files/s", lambda r: f"{r['files_per_s']:.1f}"),
        ("indexed files/s", lambda r: f"{r['files_indexed_per_s']:.2f}"),
        ("peak RSS MB", lambda r: f"{r['peak_rss_mb']:.0f}"),
        ("RSS after model MB", lambda r: f"{r['rss_after_model_mb']:.0f}"),
        ("first progress s", lambda r: f"{r['first_progress_s']:.0f}" if r.get("first_progress_s") else "-"),
        ("load avg start/end", lambda r: f"{r['loadavg_start'][0]:.1f}/{r['loadavg_end'][0]:.1f}"),
    ]
    lines = ["| | " + " | ".join(r["case"] for r in cols) + " |",
             "|---|" + "---:|" * len(cols)]
    for label, fmt in rows:
        cells = []
        for r in cols:
            try:
                cells.append(fmt(r))
            except (KeyError, TypeError):
                cells.append("n/a")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for e in extrapolated:
        lines.append(
            f"\nEXTRAPOLATED, not run with MiniLM: {e['mb']:g} MB text ({e['texts']:,} texts): "
            f"index ~{e['index_s'] / 60:.0f} min at the {e['from_case']} rate "
            f"(raw encoding alone ~{e['raw_s'] / 60:.0f} min; ratio {e['ratio']:.2f})")
    return "\n".join(lines)


def save(out: Path, results: dict, extrapolated: list, argv) -> None:
    report = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": len(os.sched_getaffinity(0)),
              "cases": results, "extrapolated": extrapolated,
              "argv": sys.argv[1:] if argv is None else argv}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.documents_bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="pdf,folder,text,hashing",
                    help="comma-separated: pdf, folder, text, hashing")
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--text-mb", type=float, nargs="+", default=[1, 2, 5])
    ap.add_argument("--hashing-mb", type=float, nargs="+", default=[1, 2, 5, 20])
    ap.add_argument("--raw-max", type=int, default=6000,
                    help="texts encoded for the raw rate, at most (whole batches, strided)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--table", action="store_true", help="print the table of --out and stop")
    ap.add_argument("--keep", type=Path, help="work in this directory and keep it")
    ap.add_argument("--fresh", action="store_true",
                    help="start a new result file (default: cases run now replace theirs in it)")
    ap.add_argument("--index", help=argparse.SUPPRESS)  # the steps, in child processes
    ap.add_argument("--raw", help=argparse.SUPPRESS)
    ap.add_argument("--build", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.index or args.raw:
        step = index_child if args.index else raw_child
        print(json.dumps(step(json.loads(args.index or args.raw))))
        return 0
    if args.build:
        spec = json.loads(args.build)
        print(json.dumps(build_files(Path(spec["work"]), spec["pages"], spec["files"],
                                     spec["text_mb"])))
        return 0

    if args.table:
        saved = json.loads(args.out.read_text())
        print(table(saved["cases"], saved.get("extrapolated", [])))
        return 0
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    sizes = sorted(set((args.text_mb if "text" in cases else [])
                       + (args.hashing_mb if "hashing" in cases else [])))
    work = args.keep or Path(tempfile.mkdtemp(prefix="documents-bench-"))
    previous = json.loads(args.out.read_text()) if args.out.exists() and not args.fresh else {}
    results: dict = previous.get("cases", {})
    try:
        spec = {"work": str(work), "pages": args.pages if "pdf" in cases else 0,
                "files": args.files if "folder" in cases else 0, "text_mb": sizes}
        t = time.perf_counter()
        made = json.loads(subprocess.run(
            [sys.executable, "-m", "evals.documents_bench", "--build", json.dumps(spec)],
            cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        print(f"files made in {time.perf_counter() - t:.0f} s: {made}", flush=True)
        plan = []
        if "pdf" in cases:
            plan.append(("pdf", work / "pdf", "minilm", f"{args.pages}-page PDF, {made['pdf'] / MB:.1f} MB"))
        if "folder" in cases:
            plan.append(("folder", work / "folder", "minilm",
                         f"{args.files} distinct files, 5 formats, {made['folder'] / MB:.1f} MB"))
            plan.append(("fixture-folder", work / "fixture-folder", "minilm",
                         f"fixtures_docs.mixed_folder({args.files}), "
                         f"{made['fixture-folder'] / MB:.1f} MB"))
        for kind, mbs, emb in (("hashing", args.hashing_mb, "hashing"), ("text", args.text_mb, "minilm")):
            if kind in cases:
                plan += [(f"{kind}-{mb:g}", work / f"text-{mb:g}", emb,
                          f"text, {made[f'text-{mb:g}'] / MB:.1f} MB") for mb in mbs]
        for name, corpus, embedder, what in plan:
            index = work / f"index-{name}"
            shutil.rmtree(index, ignore_errors=True)
            print(f"{name}: indexing {what} with {embedder} ...", flush=True)
            r = run_case(name, corpus, index, embedder, args.raw_max)
            r["input"] = what
            r["when"] = time.strftime("%Y-%m-%d %H:%M:%S")
            results[name] = r
            save(args.out, results, [], argv)
            shutil.rmtree(index, ignore_errors=True)
            print(f"  {r['embedded']:,} texts in {r['index_s']:.1f} s = {r['rate']:.1f}/s"
                  + (f", raw {r['raw_rate']:.1f}/s, ratio {r['ratio']:.2f} (CPU {r['cpu_ratio']:.2f})"
                     if r.get("raw_rate") else "")
                  + f", peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    hashed = {r["case"][len("hashing-"):] for r in results.values() if r["case"].startswith("hashing-")}
    extrapolated = [e for size in sorted(hashed, key=float) if f"text-{size}" not in results
                    and (e := extrapolate(results, float(size)))]
    save(args.out, results, extrapolated, argv)
    print(table(results, extrapolated))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
