"""Italian beside XQuAD: the XQuAD paragraphs and questions that SQuAD-it also holds.

    python -m evals.xquad_it SQuAD_it-test.json.gz       # writes evals/xquad/xquad.it.json

XQuAD (evals/xquad/README.md) has no Italian. SQuAD-it (Croce, Zelenanska and Basili, 2018;
https://github.com/crux82/squad-it, CC BY-SA 4.0) is SQuAD v1.1 translated into Italian, and its
test file is SQuAD v1.1's development set, the set XQuAD's 240 paragraphs were drawn from,
with the same question ids. So the Italian text of an XQuAD paragraph is the SQuAD-it paragraph
that holds its questions, and its questions are those of its question ids SQuAD-it kept (the
translation dropped a question whose answer it could not place in the translated paragraph).

The file written has XQuAD's layout: the same 48 articles and 240 paragraphs, in XQuAD's order
(a paragraph's index is its place in every language), each with its Italian context and the
questions SQuAD-it holds, with every answer SQuAD-it gives; a paragraph SQuAD-it lacks has an
empty context and no questions. For evaluation only, as XQuAD is.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from pathlib import Path

from . import multilingual as ml

OUT = ml.HERE / "xquad.it.json"


def build(english: dict, italian: dict) -> tuple[dict, dict[str, int]]:
    """XQuAD's articles and paragraphs (from `english`, XQuAD's own file) in Italian, from
    `italian` (SQuAD-it's file), and counts of what was found."""
    where: dict[str, tuple[dict, dict]] = {}
    for article in italian["data"]:
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                where[qa["id"]] = (para, qa)
    data, counts = [], {"paragraphs": 0, "found": 0, "questions": 0, "english_questions": 0}
    for article in english["data"]:
        paragraphs = []
        for para in article["paragraphs"]:
            counts["paragraphs"] += 1
            counts["english_questions"] += len(para["qas"])
            held = [where[qa["id"]] for qa in para["qas"] if qa["id"] in where]
            sources = {id(p) for p, _ in held}
            if len(sources) > 1:
                raise ValueError(f"the questions of one XQuAD paragraph of {article['title']} "
                                 f"lie in {len(sources)} SQuAD-it paragraphs")
            context = held[0][0]["context"] if held else ""
            qas = [{"id": qa["id"], "question": qa["question"], "answers": qa["answers"]}
                   for _, qa in held if any(a["text"] in context for a in qa["answers"])]
            counts["found"] += bool(held)
            counts["questions"] += len(qas)
            paragraphs.append({"context": context, "qas": qas})
        data.append({"title": article["title"], "paragraphs": paragraphs})
    return {"version": "xquad-it-from-squad-it", "data": data}, counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("squad_it", type=Path, help="SQuAD_it-test.json.gz (or .json)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    raw = args.squad_it.read_bytes()
    italian = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    english = json.loads((ml.HERE / "xquad.en.json").read_text(encoding="utf-8"))
    out, counts = build(english, italian)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{args.squad_it.name} (sha256 {hashlib.sha256(raw).hexdigest()}): "
          f"{counts['found']} of {counts['paragraphs']} XQuAD paragraphs, "
          f"{counts['questions']} of {counts['english_questions']} questions -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
