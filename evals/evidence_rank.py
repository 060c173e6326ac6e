"""Where the answering sentence ranks in the evidence both backends read: a fast check of
evidence selection (no language model), for tuning on tune splits before a full quality run.

    python -m evals.evidence_rank                        # SQuAD tune split, rewordings, golden
    python -m evals.evidence_rank --sets squad --split report --label why --only reason

For each answerable question, the rank (1-based) of the first sentence of `Evidence.ranked`
that holds a gold answer (SQuAD: a gold answer string; rewordings and golden: a variant of
the first fact group), or none. Prints, per set and per question label (`questions.expected`),
gold@1, gold@3, gold@5 and the share found at all, and writes
evals/results/evidence-rank-<label>.json with a row per question.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.language import questions as Q  # noqa: E402
from assistant.text import fold  # noqa: E402

from . import squad  # noqa: E402

RESULTS = Path(__file__).with_name("results")


def _squad(split: str, embedder):
    data = squad.load_data()
    squad.write_corpus(data)
    pool = [q for q in squad.questions(data) if q.answerable
            and (split == "all" or squad.split_of(q) == split)]
    bot = squad.open_bot("extractive", embedder)
    return bot, [(q.id, q.question, q.answers) for q in pool], squad.contains_answer


def _seeds(path: Path, embedder):
    from .cases import load_cases

    cases = [c for c in load_cases(path) if c.expect == "correct" and c.facts]
    bot = squad.open_bot("extractive", embedder, corpus=squad.HERE.parent / "seeds",
                         index=squad.index_dir(embedder, "seeds"))
    return bot, [(c.id, c.question, c.facts[0]) for c in cases], _folded_hit


def _golden(embedder):
    from .golden import load_golden

    items = [g for g in load_golden() if g.answerable and g.facts]
    bot = squad.open_bot("extractive", embedder, corpus=squad.HERE.parent / "seeds",
                         index=squad.index_dir(embedder, "seeds"))
    return bot, [(g.id, g.question, tuple(g.facts[0])) for g in items], _folded_hit


def _folded_hit(text: str, variants) -> bool:
    folded = fold(text)
    return any(fold(v) in folded for v in variants)


def ranks(bot, items, hit, only: str | None) -> list[dict]:
    rows = []
    for qid, question, gold in items:
        label = Q.expected(question)
        if only and label != only:
            continue
        evidence = bot.evidence(question)
        rank = next((i for i, s in enumerate(evidence.ranked, 1) if hit(s.sentence.text, gold)),
                    None)
        rows.append({"id": qid, "question": question, "label": label, "rank": rank,
                     "top": evidence.ranked[0].sentence.text if evidence.ranked else None})
    return rows


def summary(rows: list[dict]) -> dict:
    def at(rs, k):
        return round(sum(r["rank"] is not None and r["rank"] <= k for r in rs) / len(rs), 3)

    groups = defaultdict(list)
    for r in rows:
        groups["all"].append(r)
        groups[r["label"] or "other"].append(r)
    return {g: {"n": len(rs), "@1": at(rs, 1), "@3": at(rs, 3), "@5": at(rs, 5),
                "found": at(rs, 10**6)} for g, rs in sorted(groups.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.evidence_rank", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="squad,rewordings,golden")
    ap.add_argument("--split", choices=(*squad.SPLITS, "all"), default="tune")
    ap.add_argument("--only", default=None, help="one question label, e.g. reason")
    ap.add_argument("--label", default="latest")
    args = ap.parse_args(argv)
    from assistant.embeddings import LocalEmbedder

    from .cases import REWORDINGS

    embedder = LocalEmbedder()
    openers = {"squad": lambda: _squad(args.split, embedder),
               "rewordings": lambda: _seeds(REWORDINGS, embedder),
               "golden": lambda: _golden(embedder)}
    report = {}
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        t0 = time.perf_counter()
        bot, items, hit = openers[name]()
        try:
            rows = ranks(bot, items, hit, args.only)
        finally:
            bot.close()
        report[name] = {"summary": summary(rows), "rows": rows,
                        "seconds": round(time.perf_counter() - t0, 1)}
        for group, s in report[name]["summary"].items():
            print(f"{name:10s} {group:10s} n={s['n']:4d}  @1 {s['@1']:.3f}  @3 {s['@3']:.3f}  "
                  f"@5 {s['@5']:.3f}  found {s['found']:.3f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"evidence-rank-{args.label}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
