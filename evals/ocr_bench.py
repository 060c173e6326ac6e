"""OCR benchmark: engines on pages made here (`evals.ocr_pages`), a long scan, the highlight on
a scanned page, and questions answered from scanned documents.

    python -m evals.ocr_bench                          # everything (~15 min on 2 busy cores)
    python -m evals.ocr_bench --engines tesseract      # leave RapidOCR out
    python -m evals.ocr_bench --long-pages 50 --no-llm

engines     every page of `ocr_pages.DOCUMENTS` (5 A4 pages, 11 pt) under each condition:
            300 and 150 dpi, rotated 1.5° (at 300 and 150), speckled (1% of pixels at 300,
            0.4% at 150) and set in two columns; each engine's lines go through the project's
            layout (`readers.pdf._layout`) so reading order is judged alike. CER = Levenshtein
            distance / gold length, whitespace collapsed. Engines: `tesseract` (the project's
            `readers.ocr.recognise`: Tesseract, a median-filtered second reading for pages read
            with low confidence), `tesseract-plain` (one reading), `rapidocr`
            (rapidocr-onnxruntime 1.4, PP-OCRv4) and `rapidocr3` (rapidocr 3, PP-OCRv6), each
            measured when installed (`pip install rapidocr-onnxruntime`; rapidocr 3 in a venv
            of its own, see Rapid3Engine).
            Each engine runs in a child process of its own: its peak RSS is its own.
long scan   a PDF of --long-pages image-only pages (150 dpi scans of the five pages in turn)
            read by the PDF reader (`read_document`) in a child process: pages/s, peak RSS.
highlight   `render_page` of a scanned PDF page with a quote (the page is OCR'd again to find
            it) against the same call on a PDF with a text layer.
questions   QUESTIONS over the three scanned documents (a 2-page PDF at 300 dpi, a speckled,
            rotated 150 dpi PNG, a two-column 2-page TIFF) through the public API, with the
            extractive and the local backend: right = the expected text in the answer,
            grounded = also in a cited quote.

Writes evals/results/ocr-bench.json (`--out`) and prints the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "evals" / "results"
CONDITIONS = {  # name: page_image keywords
    "300 dpi": dict(dpi=300),
    "150 dpi": dict(dpi=150),
    "rotated 1.5° 300": dict(dpi=300, rotate=1.5),
    "rotated 1.5° 150": dict(dpi=150, rotate=1.5),
    "noise 1% 300": dict(dpi=300, noise=0.01),
    "noise 0.4% 150": dict(dpi=150, noise=0.004),
    "two columns 300": dict(dpi=300, columns=2),
}
ENGINES = ("tesseract", "tesseract-plain", "rapidocr", "rapidocr3")
MODULES = {"rapidocr": "rapidocr_onnxruntime", "rapidocr3": "rapidocr"}  # measured when installed


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cer(gold: str, got: str) -> float:
    from rapidfuzz.distance import Levenshtein

    gold, got = " ".join(gold.split()), " ".join(got.split())
    return Levenshtein.distance(gold, got) / max(len(gold), 1)


# ---------------------------------------------------------------- engines (child processes)

class RapidEngine:
    """rapidocr-onnxruntime (PaddleOCR's PP-OCRv4 models in ONNX, inside its wheel) as an
    `ocr.Engine`: one line per detected text box (it gives no word boxes)."""

    name = "rapidocr"

    def __init__(self):
        from rapidocr_onnxruntime import RapidOCR

        self._ocr = RapidOCR()

    def recognise(self, image, dpi: float):
        import numpy as np

        from assistant.readers.ocr import Line, OcrPage, Word

        found, _ = self._ocr(np.array(image.convert("RGB")))
        lines = []
        for points, text, score in found or []:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            box = (min(xs), min(ys), max(xs), max(ys))
            lines.append(Line((Word(text, box, 100 * float(score)),), box[3] - box[1]))
        return OcrPage(image.width, image.height, dpi, tuple(lines))


class Rapid3Engine(RapidEngine):
    """rapidocr 3 (PP-OCRv6 small models in ONNX, inside its wheel): the same shape of result.
    It wants opencv-python-headless, which shares the `cv2` folder with rapidocr-onnxruntime's
    opencv-python: measure it in a virtual environment of its own."""

    name = "rapidocr3"

    def __init__(self):
        from rapidocr import RapidOCR

        self._v3 = RapidOCR()

    def _ocr(self, array):
        found = self._v3(array)
        return list(zip(found.boxes if found.boxes is not None else [], found.txts or (),
                        found.scores or ())), None


def _reader(name: str):
    """page image, dpi -> OcrPage, for engine `name`, loaded now."""
    from assistant.readers import ocr

    if name in ("rapidocr", "rapidocr3"):
        engine = RapidEngine() if name == "rapidocr" else Rapid3Engine()
        return engine.recognise
    engine = ocr.TesseractEngine()
    if name == "tesseract-plain":
        return engine.recognise

    def recognise(image, dpi):
        with ocr.using(engine):
            return ocr.recognise(image, dpi)
    return recognise


def engine_child(name: str) -> dict:
    from assistant.readers.pdf import _layout
    from evals.ocr_pages import DOCUMENTS, page_image

    t0 = time.perf_counter()
    read = _reader(name)
    load_s = time.perf_counter() - t0
    conditions = {}
    for condition, options in CONDITIONS.items():
        errors, seconds = [], []
        for doc in DOCUMENTS:
            for i, page in enumerate(doc.pages):
                image, gold = page_image(page, seed=i, **options)
                t = time.perf_counter()
                found = read(image, options["dpi"])
                seconds.append(time.perf_counter() - t)
                errors.append(cer(gold, _layout([found.pieces()]).text))
        conditions[condition] = {"cer": statistics.mean(errors), "cer_max": max(errors),
                                 "s_per_page": statistics.median(seconds), "pages": len(errors)}
    return {"engine": name, "load_s": load_s, "conditions": conditions,
            "peak_rss_mb": peak_rss_mb()}


def long_child(pages: int) -> dict:
    """Read a `pages`-page image-only PDF with the PDF reader, sampling nothing but the time
    and this process's peak RSS."""
    from assistant.readers import ocr, read_document
    from evals.ocr_pages import DOCUMENTS, page_image, scanned_pdf

    flat = [p for doc in DOCUMENTS for p in doc.pages]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long-scan.pdf"
        scanned_pdf(path, (page_image(flat[i % len(flat)], dpi=150, seed=i)[0]
                           for i in range(pages)))
        size_mb = path.stat().st_size / 2**20
        ocr.engine()  # loaded before the baseline
        base = peak_rss_mb()
        t0 = time.perf_counter()
        extracted = read_document(path)
        seconds = time.perf_counter() - t0
    return {"pages": pages, "file_mb": size_mb, "seconds": seconds, "pages_per_s": pages / seconds,
            "characters": len(extracted.text), "pages_with_text": len(extracted.pages),
            "rss_before_mb": base, "peak_rss_mb": peak_rss_mb()}


def _child(arg: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "evals.ocr_bench", "--child", arg], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def engines_available(wanted: list[str]) -> list[str]:
    import importlib.util

    return [e for e in wanted
            if e not in MODULES or importlib.util.find_spec(MODULES[e]) is not None]


# ---------------------------------------------------------------- highlight, questions

def highlight(folder: Path) -> dict:
    """Seconds to show a cited page with its quote highlighted: a scanned page (OCR'd again)
    against a page with a text layer."""
    from assistant.pages import render_page
    from evals.ocr_pages import DOCUMENTS, page_image, scanned_pdf

    sys.path.insert(0, str(ROOT / "tests"))
    from fixtures_docs import FACT, report_pdf

    page = DOCUMENTS[0].pages[1]
    scan = scanned_pdf(folder / "scan.pdf", [page_image(page, dpi=300)[0]])
    text = report_pdf(folder / "text.pdf")
    quote = page.paragraphs[0].split(". ")[1]
    out = {}
    for name, path, page_no, q in (("scanned", scan, 1, quote), ("text layer", text, 2, FACT)):
        t = time.perf_counter()
        shown = render_page(path, page_no, q)
        out[name] = {"seconds": time.perf_counter() - t, "found": shown.found,
                     "lines": len(shown.boxes)}
    return out


def questions(folder: Path, backends: list[str]) -> dict:
    from assistant import Assistant
    from assistant.embeddings import LocalEmbedder
    from evals.ocr_pages import DOCUMENTS, QUESTIONS, save_doc

    corpus = folder / "corpus"
    corpus.mkdir()
    for doc in DOCUMENTS:
        save_doc(doc, corpus)
    embedder = LocalEmbedder()
    results = {}
    for backend in backends:
        t0 = time.perf_counter()
        try:
            bot = Assistant.load(corpus=corpus, index=folder / "index", generator=backend,
                                 embedder=embedder)
        except Exception as exc:  # a missing model: say so, measure the rest
            results[backend] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        load_s = time.perf_counter() - t0
        rows = []
        with bot:
            for question, expected in QUESTIONS:
                answer = bot.ask(question)
                right = expected in answer.text
                grounded = right and any(expected in c.quote for c in answer.citations)
                rows.append({"question": question, "expected": expected, "right": right,
                             "grounded": grounded, "answer": answer.text,
                             "where": [c.where for c in answer.citations]})
        results[backend] = {"load_s": load_s, "right": sum(r["right"] for r in rows),
                            "grounded": sum(r["grounded"] for r in rows), "n": len(rows),
                            "rows": rows}
    return results


# ---------------------------------------------------------------- report

def print_tables(result: dict) -> None:
    engines = result.get("engines", {})
    if engines:
        names = list(CONDITIONS)
        print("CER per condition (mean over 5 pages), seconds per page (median), peak RSS")
        print(f"{'engine':<16}" + "".join(f"{n:>18}" for n in names) + f"{'s/page':>8}{'RSS MB':>8}")
        for engine, r in engines.items():
            if "error" in r:
                print(f"{engine:<16} {r['error']}")
                continue
            cells = "".join(f"{r['conditions'][n]['cer']:>18.3f}" for n in names)
            speed = statistics.median(c["s_per_page"] for c in r["conditions"].values())
            print(f"{engine:<16}{cells}{speed:>8.2f}{r['peak_rss_mb']:>8.0f}")
    if long := result.get("long_scan"):
        if "error" in long:
            print(f"long scan: {long['error']}")
        else:
            print(f"long scan: {long['pages']} pages ({long['file_mb']:.1f} MB) in "
                  f"{long['seconds']:.0f} s = {long['pages_per_s']:.2f} pages/s; peak RSS "
                  f"{long['peak_rss_mb']:.0f} MB ({long['rss_before_mb']:.0f} MB before reading)")
    for name, h in result.get("highlight", {}).items():
        print(f"highlight, {name} page: {h['seconds']:.2f} s, found={h['found']}, {h['lines']} lines")
    for backend, r in result.get("questions", {}).items():
        if "error" in r:
            print(f"questions, {backend}: {r['error']}")
            continue
        print(f"questions, {backend}: right {r['right']}/{r['n']}, grounded {r['grounded']}/{r['n']}")
        for row in r["rows"]:
            if not row["grounded"]:
                print(f"    missed: {row['question']} -> {row['answer'][:100]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--long-pages", type=int, default=500, help="0 leaves the long scan out")
    ap.add_argument("--no-llm", action="store_true", help="questions with extractive only")
    ap.add_argument("--out", type=Path, default=RESULTS / "ocr-bench.json")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, _, value = args.child.partition(":")
        print(json.dumps(engine_child(value) if kind == "engine" else long_child(int(value))))
        return 0
    result: dict = {"machine": {"cpus": os.cpu_count(), "load": os.getloadavg()}}
    result["engines"] = {e: _child(f"engine:{e}")
                         for e in engines_available(args.engines.split(","))}
    if args.long_pages:
        result["long_scan"] = _child(f"long:{args.long_pages}")
    with tempfile.TemporaryDirectory() as tmp:
        result["highlight"] = highlight(Path(tmp))
        backends = ["extractive"] + ([] if args.no_llm else ["local"])
        result["questions"] = questions(Path(tmp), backends)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print_tables(result)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
