"""How the look-alike check (`assistant/language/terms.py`) sorts questions, without a language
model: for each question, whether the best evidence's document leaves a specific term of the
question unstated (the check then declines). A good check flags unanswerable questions and
leaves answerable ones alone.

    python -m evals.lookalike                  # everyday, SQuAD (200 + 150 per split), golden, adversarial
    python -m evals.lookalike --split tune     # choose on tune only

Prints, per set and split: answerable flagged (a false decline) and unanswerable flagged (a
right one), with the terms; writes evals/results/lookalike.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from . import everyday, squad  # noqa: E402
from .cases import ADVERSARIAL, load_cases  # noqa: E402
from .golden import load_golden  # noqa: E402

RESULTS = Path(__file__).with_name("results")
SEEDS = Path(__file__).parent.parent / "seeds"


def _squad_items(split: str, n_yes: int, n_no: int):
    data = squad.load_data()
    squad.write_corpus(data)
    pool = [q for q in squad.questions(data) if split == "all" or squad.split_of(q) == split]
    rng = random.Random(1)
    yes = [q for q in pool if q.answerable]
    no = [q for q in pool if not q.answerable]
    chosen = rng.sample(yes, min(n_yes, len(yes))) + rng.sample(no, min(n_no, len(no)))
    return [(q.id, q.question, q.answerable) for q in chosen]


def sets(split: str, embedder) -> dict:
    """name -> (open a bot, [(id, question, answerable)])"""
    seeds = lambda: squad.open_bot("extractive", embedder, corpus=SEEDS,  # noqa: E731
                                   index=squad.index_dir(embedder, "seeds"))
    return {
        "everyday": (lambda: squad.open_bot("extractive", embedder, corpus=everyday.DOCS,
                                            index=everyday.index_dir(embedder)),
                     [(q.id, q.question, q.answerable) for q in everyday.load_questions()
                      if split == "all" or squad.split_of(q) == split]),
        "squad": (lambda: squad.open_bot("extractive", embedder), _squad_items(split, 200, 150)),
        "golden": (seeds, [(g.id, g.question, g.answerable) for g in load_golden()]),
        "adversarial": (seeds, [(c.id, c.question, c.expect == "correct")
                                for c in load_cases(ADVERSARIAL) if c.corpus == "seeds"]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.lookalike", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=(*squad.SPLITS, "all"), default="all")
    args = ap.parse_args(argv)
    from assistant.embeddings import LocalEmbedder

    report = {}
    for name, (opener, items) in sets(args.split, LocalEmbedder()).items():
        bot = opener()
        counts = defaultdict(lambda: {"n": 0, "flagged": 0, "terms": []})
        try:
            for qid, question, answerable in items:
                flagged = bot.evidence(question).unstated
                row = counts["answerable" if answerable else "unanswerable"]
                row["n"] += 1
                if flagged:
                    row["flagged"] += 1
                    row["terms"].append([qid, question, list(flagged)])
        finally:
            bot.close()
        report[name] = dict(counts)
        cells = [f"{k} flagged {v['flagged']}/{v['n']}" for k, v in sorted(counts.items())]
        print(f"{name:12s} ({args.split}) " + ", ".join(cells))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"lookalike-{args.split}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
