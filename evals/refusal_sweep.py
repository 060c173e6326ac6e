"""When the local model refuses, from what judged score is the evidence quoted anyway?
Chosen on `tune` documents only (the judge's operating point's documents, evals/judge_sweep.py).

    python -m evals.refusal_sweep    # ~20 min quiet on 2 cores; evals/results/refusal-sweep.json
    python -m evals.refusal_sweep --unjudged   # the point for questions the judge does not read

Each tune question is asked of the local backend with `quote_above` at 0, so every refusal
with evidence above the judge's bar comes back quoted; the answer at a higher `quote_above`
is then that quote when its best sentence scores at least that much, else the decline.
Scored by each set's own scorer and pooled as evals.judge_sweep pools them (each set weighs
the same). The value shipped is the one with the most answerable questions right plus
unanswerable and look-alike ones declined (pooled; `balanced`): this knob trades one for the
other, so both count. (The judge's rule, the lowest value declining at least 0.6, is printed
too: it chose 0.45, which on the report split cost the local backend most of its declines,
SQuAD unanswerable 0.633 -> 0.333, so the criterion was changed after seeing that.) No
`report` question is asked.

`--unjudged` asks the same questions as if the judge did not read their language: the evidence
keeps its prior, scaled as `judging.judged` scales it, and the point chosen is the generator's
`unjudged_quote_above` (refusal-sweep-unjudged.json). The tune questions are English; what is
chosen is a point on the prior's scale, not a fit to any language.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.answering.generation import refusal_score  # noqa: E402

from . import squad  # noqa: E402
from .judge_sweep import _rates, choose, tune_arguments, tune_sets  # noqa: E402

RESULTS = Path(__file__).with_name("results")
VALUES = [round(0.30 + 0.05 * i, 2) for i in range(0, 12)]  # 0.30 (the judge's bar) .. 0.85
QUOTED = "the model found no answer in the sources; quoting"


UNREAD = "und"  # a language tag no question is identified as


def unjudged_flag(ap) -> None:
    ap.add_argument("--unjudged", action="store_true",
                    help="as if the judge did not read the questions' language")


def asked(bot, items, score_row) -> list[dict]:
    """Each question's row, whether it is a refusal quoted, and its best quoted score."""
    gen = bot.generator
    gen.quote_above = gen.unjudged_quote_above = 0.0
    rows = []
    for item in items:
        answer = bot.ask(item.question)
        evidence = bot.evidence(item.question)
        chosen = gen.fallback.select(evidence)
        row = score_row(item, answer)
        row["refused_quoted"] = QUOTED in (answer.fallback or "")
        row["best"] = refusal_score(evidence, chosen[0]) if chosen else None
        # what quoting would have answered, and whether the model's answer cites its first
        # sentence: for measuring when the judge's choice should stand over the model's
        quote = score_row(item, gen.fallback.answer(item.question, evidence))
        row["quote_right"], row["quote_abstained"] = quote["right"], quote["abstained"]
        row["cites_chosen"] = bool(chosen) and any(
            chosen[0].sentence.text.strip() in c.quote or c.quote in chosen[0].sentence.text
            for c in answer.citations)
        rows.append(row)
    return rows


def at(rows: list[dict], value: float) -> list[dict]:
    """The rows as `quote_above = value` would give them."""
    out = []
    for r in rows:
        if r["refused_quoted"] and (r["best"] or 0.0) < value:
            r = {**r, "abstained": True, "right": not r["answerable"]}
        out.append(r)
    return out


def balanced(pooled: dict) -> float:
    """The value with the most right plus declined (pooled); the lowest of equals."""
    return max(sorted(pooled), key=lambda v: round(pooled[v]["right"] + pooled[v]["declined"], 9))


def main(argv=None) -> int:
    args = tune_arguments(argv, __doc__.split("\n\n")[0], extra=unjudged_flag)
    from assistant.embeddings import LocalEmbedder

    embedder = LocalEmbedder()
    llm = squad._local_llm()
    rows = {}
    def open_bot(corpus, index):
        bot = squad.open_bot("local", embedder, llm, corpus, index)
        if args.unjudged:
            bot.judge.languages = (UNREAD,)  # no question reads as this: none is judged
        return bot

    for name, bot, questions, score_row in tune_sets(args, embedder, open_bot):
        rows[name] = asked(bot, questions, score_row)
        print(name, "asked", flush=True)
    per_set = {s: {v: _rates(at(r, v)) for v in VALUES} for s, r in rows.items()}
    pooled = {v: {k: sum(per_set[s][v][k] for s in per_set) / len(per_set)
                  for k in ("right", "declined", "precision")} for v in VALUES}
    chosen = balanced(pooled)
    RESULTS.mkdir(exist_ok=True)
    out = "refusal-sweep-unjudged.json" if args.unjudged else "refusal-sweep.json"
    (RESULTS / out).write_text(json.dumps(
        {"per_set": per_set, "pooled": pooled, "chosen": chosen, "rows": rows}, indent=1))
    print(" quote_above   " + "   ".join(f"{s:>22s}" for s in [*per_set, "pooled"]))
    for v in VALUES:
        cells = [per_set[s][v] for s in per_set] + [pooled[v]]
        print(f" {v:11.2f}   " + "   ".join(f"{c['right']:.3f} {c['declined']:.3f} "
                                            f"{c['precision']:.3f}" for c in cells))
    print("(cells: answerable right, unanswerable/look-alike declined, precision)")
    print(f"the judge's rule (lowest declining 0.6): {choose(pooled)}")
    print(f"chosen (most right + declined): "
          f"{'unjudged_quote_above' if args.unjudged else 'quote_above'} {chosen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
