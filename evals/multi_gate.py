"""Choose the judge's gate on set answers (assistant.answering.judging.SET_GATE) on the tune
questions of the multi-passage benchmark and its look-alikes only.

    python -m evals.multi_gate                 # extractive, tune split; writes the sweep

A list, comparison or history is answered only when one sentence of its evidence is one the
judge itself (its own probability, not the blend with the prior) finds answering the question
as asked. Without the gate a look-alike set question ("the fees for hiring a boat" beside a
club's membership fees, the steps of a downgrade beside the steps of an upgrade) is answered
with the nearest list. The rule, fixed before the sweep and the same as the judge's threshold
(`evals.judge_sweep`): the lowest gate that declines at least DECLINE of the tune look-alikes;
key-point recall on the tune questions is what it costs, and whether to use the gate at all
is decided on that cost (tune only). Report questions are never asked. Writes
evals/results/multi-gate-sweep.json.

At 2026-12-06 (the judge of assistant/answering/judge/model, questions asking for steps left
to the other rules since the judge reads a step as not answering "what are the steps"): the
rule chose 0.5, where 3 of the 20 answerable tune questions were declined (recall 0.733 ->
0.611) for 3 more of the 11 look-alikes (0.364 -> 0.636); the gate ships off (0.0).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from . import multi

GATES = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)  # a regular grid
DECLINE = 0.6  # the share of look-alikes a gate must decline (evals.judge_sweep's rule)


def sweep(gates=GATES, generator: str = "extractive", log=lambda m: None) -> dict:
    from assistant.answering import judging

    questions = multi.select(multi.load_questions(), "tune") + \
        multi.select(multi.load_lookalikes(), "tune")
    shipped, rows = judging.SET_GATE, []
    try:
        for gate in gates:
            judging.SET_GATE = gate
            s = multi.run([generator], questions, log=log)[generator]
            rows.append({"gate": gate, "recall": round(s["recall"], 3), "declined": s["declined"],
                         "lookalike_declined": round(s["lookalike_declined"], 3),
                         "lookalikes": s["lookalikes"]["n"], "answerable": s["n"]})
            log(f"gate {gate}: {rows[-1]}")
    finally:
        judging.SET_GATE = shipped
    chosen = next((r["gate"] for r in rows if r["lookalike_declined"] >= DECLINE), None)
    return {"rule": f"lowest gate declining >= {DECLINE} of the tune look-alikes",
            "chosen": chosen, "shipped": shipped, "generator": generator, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.multi_gate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-g", "--generator", default="extractive")
    args = ap.parse_args(argv)
    result = sweep(generator=args.generator, log=lambda m: print(m, file=sys.stderr, flush=True))
    result["when"] = time.strftime("%Y-%m-%d %H:%M")
    print("| gate | tune recall | answerable declined | look-alikes declined |")
    print("|---:|---:|---:|---:|")
    for r in result["rows"]:
        print(f"| {r['gate']} | {r['recall']:.3f} | {r['declined']} of {r['answerable']} | "
              f"{r['lookalike_declined']:.3f} |")
    print(f"\nchosen by the rule: {result['chosen']} (shipped: {result['shipped']})")
    multi.RESULTS.mkdir(exist_ok=True)
    (multi.RESULTS / "multi-gate-sweep.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
