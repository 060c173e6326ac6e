"""Choose the judge's operating point, and measure the rules beside it, on `tune` documents only.

    python -m evals.judge_sweep                      # SQuAD tune articles, everyday + real tune docs
    python -m evals.judge_sweep --squad-answerable 200 --squad-unanswerable 100

Every question's evidence is gathered through the public API (extractive backend) with the
judge's probability at each weight against the prior (1, 0.75, 0.5, 0.25, 0: meta.json's
`weight` is set aside); the extractive answer is then remade at each threshold and, for the
judge alone, with each rule left out, and scored by its set's own scorer. The shipped
(weight, threshold), `choose_weight`: for each weight the lowest threshold declining at least
0.6 of the pooled unanswerable and look-alike questions, then the weight whose threshold answers
the most answerable ones. Figures per set and pooled (each set weighs the
same): answerable right, look-alike / unanswerable declined, precision. Written to
evals/results/judge-sweep.json. No `report` question is ever asked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from . import everyday, realdocs, squad  # noqa: E402

RESULTS = Path(__file__).with_name("results")
THRESHOLDS = [round(0.05 * i, 2) for i in range(2, 19)]
DECLINE_TARGET = 0.6  # the least share of unanswerable / look-alike questions to decline


def choose(pooled: dict) -> float:
    """A score's threshold: the lowest at which the pooled tune sets decline at least
    DECLINE_TARGET of what they should decline (every higher one answers fewer)."""
    ok = [t for t, r in pooled.items() if r["declined"] >= DECLINE_TARGET]
    return float(min(ok)) if ok else float(max(pooled))


def choose_weight(pooled: dict) -> tuple[float, float]:
    """The shipped (weight, threshold): each weight's threshold by `choose`, then the weight
    whose threshold answers the most answerable questions (pooled)."""
    best = max(WEIGHTS, key=lambda v: pooled[v][choose(pooled[v])]["right"])
    return WEIGHTS[best], choose(pooled[best])


def _with_misfits(gen):
    """The extractive generator without its answer-kind filter (a rule the judge may cover)."""
    from assistant.answering.extractive import ExtractiveGenerator

    class Open(ExtractiveGenerator):
        def select(self, evidence):
            return super().select(replace(evidence, ranked=tuple(
                replace(s, fits_type=None if s.fits_type is False else s.fits_type)
                for s in evidence.ranked)))
    return Open(abstain_below=gen.abstain_below, margin=gen.margin)


def _same(ev, gen):
    return ev, gen


# variant: (the judge's weight the evidence is gathered with, what is then changed)
VARIANTS = {
    "judge": (1.0, _same),
    "blend 0.75": (0.75, _same),
    "blend 0.5": (0.5, _same),
    "blend 0.25": (0.25, _same),
    "prior alone": (0.0, _same),
    "judge - look-alike terms": (1.0, lambda ev, gen: (replace(ev, unstated=()), gen)),
    "judge - kind filter": (1.0, lambda ev, gen: (ev, _with_misfits(gen))),
}
WEIGHTS = {v: w for v, (w, change) in VARIANTS.items() if change is _same}  # the candidates


def judged_questions(bot, items, ask_text) -> dict[float, list]:
    """{weight: [(item, evidence)]}: each question's evidence gathered through the public API
    with the judge at each weight (score = weight * probability + (1 - weight) * prior), so
    what follows the ranking (the best sentence's document, whose terms a look-alike must
    state; a summary's plan) is what that weight would ship. The judge reads the same 24
    candidates at every weight, so after the first it answers from its cache."""
    out = {w: [] for w in sorted({w for w, _ in VARIANTS.values()}, reverse=True)}
    for item in items:
        for w in out:
            bot.judge.weight = w
            out[w].append((item, bot.evidence(ask_text(item))))
    return out


def sweep(evidence, score_row, thresholds=THRESHOLDS) -> dict:
    """{variant: {threshold: (right, declined, precision, n_answerable, n_unanswerable)}}"""
    from assistant.answering.extractive import ExtractiveGenerator

    out = {}
    for name, (weight, variant) in VARIANTS.items():
        out[name] = {}
        for t in thresholds:
            rows = []
            for item, ev in evidence[weight]:
                e, gen = variant(ev, ExtractiveGenerator(abstain_below=t))
                rows.append(score_row(item, gen.answer(e.question, e)))
            out[name][t] = _rates(rows)
    return out


def _rates(rows) -> dict:
    yes = [r for r in rows if r["answerable"]]
    no = [r for r in rows if not r["answerable"]]
    answered = [r for r in rows if not r["abstained"]]
    good = sum(bool(r["right"]) for r in answered if r["answerable"])
    return {"right": sum(bool(r["right"]) for r in yes) / max(1, len(yes)),
            "declined": sum(bool(r["abstained"]) for r in no) / max(1, len(no)),
            "precision": good / max(1, len(answered)), "answerable": len(yes),
            "unanswerable": len(no)}


class Weighted:
    """The shipped judge at the weight `judged_questions` sets instead of meta.json's (gathered
    at the shipped weight, every variant would be measured on that weight's ranking)."""

    def __init__(self, judge, weight: float = 1.0):
        self.judge, self.name, self.threshold = judge, judge.name, judge.threshold
        self.weight = weight

    def score(self, question, candidates):
        return self.judge.score(question, candidates)


def open_bot(corpus: Path, index: Path, embedder, judge_dir: Path | None = None):
    from assistant import Assistant
    from assistant.answering.judge import load_judge

    return Assistant.load(corpus=corpus, index=index, generator="extractive", embedder=embedder,
                          judge=Weighted(load_judge(judge_dir)))


def tune_arguments(argv, description: str, extra=None):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--squad-answerable", type=int, default=120)
    ap.add_argument("--squad-unanswerable", type=int, default=60)
    if extra:
        extra(ap)
    return ap.parse_args(argv)


def tune_sets(args, embedder, open_bot):
    """(name, bot, questions, score_row) for each tune set: SQuAD's tune articles (a seeded
    sample), the everyday and the real documents' tune questions; `open_bot(corpus, index)`
    opens each set's bot, which is closed once its set is done."""
    data = squad.load_data()
    squad.write_corpus(data)
    sample = squad.sample(squad.questions(data), args.squad_answerable, args.squad_unanswerable,
                          0, "tune")
    sets = [("squad", squad.CORPUS, squad.index_dir(embedder), sample)]
    for name, module in (("everyday", everyday), ("realdocs", realdocs)):
        sets.append((name, module.DOCS, module.index_dir(embedder),
                     module.select(module.load_questions(), "tune")))
    for name, corpus, index, questions in sets:
        bot = open_bot(corpus, index)
        try:
            if name == "squad":
                yield name, bot, questions, squad.score_answer
            else:
                text = lru_cache(maxsize=None)(bot.source_text)
                yield name, bot, questions, lambda q, a, text=text: everyday.score(q, a, text)
        finally:
            bot.close()


def main(argv=None) -> int:
    args = tune_arguments(argv, __doc__.split("\n\n")[0], extra=lambda ap: ap.add_argument(
        "--judge-dir", type=Path, default=None, help="a candidate judge's folder (from "
        "python -m training.train_judge --out) instead of the shipped one"))
    from assistant.embeddings import LocalEmbedder

    embedder = LocalEmbedder()
    results = {}
    for name, bot, questions, score_row in tune_sets(
            args, embedder,
            lambda corpus, index: open_bot(corpus, index, embedder, args.judge_dir)):
        results[name] = sweep(judged_questions(bot, questions, lambda q: q.question), score_row)
    pooled = {v: {t: {k: sum(results[s][v][t][k] for s in results) / len(results)
                      for k in ("right", "declined", "precision")} for t in THRESHOLDS}
              for v in VARIANTS}
    results["pooled"] = pooled
    RESULTS.mkdir(exist_ok=True)
    name = f"judge-sweep-{args.judge_dir.name}.json" if args.judge_dir else "judge-sweep.json"
    (RESULTS / name).write_text(json.dumps(results, indent=1))
    for v in VARIANTS:
        print(f"\n{v}\n threshold   " + "   ".join(f"{s:>24s}" for s in results))
        for t in THRESHOLDS:
            cells = []
            for s in results:
                r = results[s][v][t]
                cells.append(f"{r['right']:.3f} {r['declined']:.3f} {r['precision']:.3f}")
            print(f" {t:9.2f}   " + "   ".join(f"{c:>24s}" for c in cells))
    print("\n(cells: answerable right, unanswerable/look-alike declined, precision)")
    for v in WEIGHTS:
        r = pooled[v][choose(pooled[v])]
        print(f"{v}: threshold {choose(pooled[v])} (lowest whose pooled decline >= "
              f"{DECLINE_TARGET}): right {r['right']:.3f}, declined {r['declined']:.3f}, "
              f"precision {r['precision']:.3f}")
    weight, threshold = choose_weight(pooled)
    print(f"chosen (the weight whose threshold answers most): weight {weight}, "
          f"threshold {threshold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
