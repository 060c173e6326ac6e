"""Benchmarks on the golden set: retrieval quality, answer quality, speed.

    python -m evals.benchmark retrieval                 # hit@k / MRR: dense, BM25, hybrid
    python -m evals.benchmark answers -g extractive     # grounded-correct, abstention, floor
    python -m evals.benchmark speed -g extractive       # index build, cold start, p50 latencies
    python -m evals.benchmark all -g extractive

Figures are printed and written to evals/results/benchmark-<part>-<generator>.json. Latencies
are medians over the golden questions, measured in one run on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant import Answer, Assistant
from assistant.answering.extractive import ExtractiveGenerator

from .golden import GoldenQuestion, gold_in, grounded_correct, load_golden, quote_is_verbatim
from .keyword_baseline import KeywordPicker

RESULTS = Path(__file__).with_name("results")


def retrieval(bot: Assistant, golden: list[GoldenQuestion], k: int = 5) -> dict:
    answerable = [g for g in golden if g.answerable]
    out = {}
    variants = {"dense": ("dense", None), "bm25": ("bm25", None),
                "hybrid": ("hybrid", "convex"), "hybrid-rrf": ("hybrid", "rrf")}
    for name, (mode, fusion) in variants.items():
        saved = bot.retriever.fusion
        bot.retriever.fusion = fusion or saved
        hits, doc_hits, rr = 0, 0, 0.0
        for g in answerable:
            ranked = bot.retrieve(g.question, k=20, mode=mode)
            rank = next((i for i, p in enumerate(ranked, 1) if gold_in(g, p, bot.source_text)), None)
            hits += bool(rank and rank <= k)
            rr += 1 / rank if rank else 0.0
            doc_hits += any(p.source in g.sources for p in ranked[:k])
        bot.retriever.fusion = saved
        n = len(answerable)
        out[name] = {f"hit@{k}": hits / n, "mrr": rr / n, f"doc_hit@{k}": doc_hits / n}
    return out


def score_answers(answers: dict, golden: list[GoldenQuestion], source_text) -> dict:
    rows, cites, verbatim = [], 0, 0
    for g in golden:
        a = answers[g.id]
        ok = grounded_correct(g, a, source_text)
        for c in a.citations:
            cites += 1
            verbatim += quote_is_verbatim(c.quote, source_text(c.source))
        rows.append({"id": g.id, "answerable": g.answerable, "abstained": a.abstained,
                     "grounded_correct": ok, "answer": a.text})
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    return {
        "grounded_correct": sum(r["grounded_correct"] for r in rows) / len(rows),
        "answerable_correct": sum(r["grounded_correct"] for r in ans) / len(ans),
        "answerable_abstained": sum(r["abstained"] for r in ans) / len(ans),
        "unanswerable_abstained": sum(r["abstained"] for r in una) / len(una),
        "citations": cites,
        "citations_verbatim": verbatim / cites if cites else 1.0,
        "rows": rows,
    }


def answers(bot: Assistant, golden: list[GoldenQuestion]) -> dict:
    got = {g.id: bot.ask(g.question) for g in golden}
    result = {"generator": bot.generator.name, **score_answers(got, golden, bot.source_text)}
    floor = KeywordPicker(bot.config.corpus)
    result["keyword_floor"] = {k: v for k, v in score_answers(
        {g.id: floor.ask(g.question) for g in golden}, golden, bot.source_text).items()
        if k != "rows"}
    result["abstain_sweep"] = sweep(bot, golden)
    return result


def sweep(bot: Assistant, golden: list[GoldenQuestion]) -> list[dict]:
    """Extractive answers at several abstention thresholds (evidence computed once)."""
    evidence = {g.id: bot.evidence(g.question) for g in golden}
    table = []
    for t in [round(0.10 + 0.05 * i, 2) for i in range(17)]:  # the judge's probability
        gen = ExtractiveGenerator(abstain_below=t)
        got = {g.id: gen.answer(g.question, evidence[g.id]) for g in golden}
        s = score_answers(got, golden, bot.source_text)
        table.append({"threshold": t, **{k: round(v, 3) for k, v in s.items()
                                         if k not in ("rows", "citations")}})
    return table


def timed(stream) -> tuple[Answer, float | None, float]:
    """Drain an answer stream: (final Answer, seconds to first visible text or None, total s)."""
    t0 = time.perf_counter()
    first = None
    answer = None
    for item in stream:
        if isinstance(item, str):
            if first is None and item.strip():
                first = time.perf_counter() - t0
        else:
            answer = item
    return answer, first, time.perf_counter() - t0


def speed(bot: Assistant, golden: list[GoldenQuestion], generator: str) -> dict:
    questions = [g.question for g in golden]
    t_retrieve, t_ask = [], []
    for q in questions:
        t0 = time.perf_counter()
        bot.retrieve(q, k=5)
        t_retrieve.append(time.perf_counter() - t0)
    t_first, t_checked, prompt_tokens, t_judge = [], [], [], []
    for q in questions:
        # as the API, MCP and CLI stream: checked sentences only; the model's first token is
        # timed inside (evidence, then the generator's own clock)
        answer, first, total = timed(bot.ask_stream(q, checked=True))
        t_ask.append(total)
        t_judge.append(answer.timings.get("judge_s", 0.0))
        if "first_token_s" in answer.timings:  # the model was asked (not an early abstention)
            t_first.append(answer.timings["retrieve_s"] + answer.timings["first_token_s"])
            t_checked.append(first if first is not None else total)
            prompt_tokens.append(answer.usage.get("prompt_tokens",
                                                  answer.usage.get("prompt_tokens_estimate", 0)))
    out = {"retrieve_p50_ms": 1000 * statistics.median(t_retrieve),
           "ask_p50_ms": 1000 * statistics.median(t_ask),
           "ask_p90_ms": 1000 * statistics.quantiles(t_ask, n=10)[-1],
           "ask_p95_ms": 1000 * statistics.quantiles(t_ask, n=20)[-1],
           "ask_max_ms": 1000 * max(t_ask),
           "judge_p50_ms": 1000 * statistics.median(t_judge),
           "judge_p95_ms": 1000 * statistics.quantiles(t_judge, n=20)[-1]}
    if t_first:
        out.update({"first_token_p50_s": statistics.median(t_first),
                    "first_token_p90_s": statistics.quantiles(t_first, n=10)[-1],
                    "first_token_p95_s": statistics.quantiles(t_first, n=20)[-1],
                    "first_checked_p50_s": statistics.median(t_checked),
                    "first_checked_p90_s": statistics.quantiles(t_checked, n=10)[-1],
                    "prompt_tokens_mean": statistics.mean(prompt_tokens),
                    "answers_from_model": len(t_first)})
    return {**out,
            "index_build_s": _index_build(bot.config.corpus),
            "cold_start_to_first_answer_s": _cold_start(bot.config.corpus, generator),
            "install_s": _install_seconds()}


def _index_build(corpus: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        code = ("import time; from assistant import Assistant; t=time.perf_counter(); "
                f"b=Assistant.load(corpus={str(corpus)!r}, index={tmp + '/index'!r}, "
                "generator='extractive'); print(b.sync_report.seconds)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return float(out.stdout.strip().splitlines()[-1])


def _cold_start(corpus: Path, generator: str) -> float:
    """A new process: import, open the existing index, answer one question."""
    code = ("from assistant import Assistant; "
            f"Assistant.load(corpus={str(corpus)!r}, generator={generator!r})"
            ".ask('What did it cost in agency staff?')")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t0


def _install_seconds() -> float | None:
    stamp = Path(".venv/.setup-seconds")
    return float(stamp.read_text()) if stamp.exists() else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.benchmark", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("part", choices=["retrieval", "answers", "speed", "all"])
    ap.add_argument("-g", "--generator", default="extractive")
    args = ap.parse_args(argv)
    golden = load_golden()
    bot = Assistant.load(generator=args.generator)
    bot.wait_until_ready()
    report: dict = {"generator": args.generator, "questions": len(golden)}
    if args.part in ("retrieval", "all"):
        report["retrieval"] = retrieval(bot, golden)
    if args.part in ("answers", "all"):
        report["answers"] = answers(bot, golden)
    if args.part in ("speed", "all"):
        report["speed"] = speed(bot, golden, args.generator)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"benchmark-{args.part}-{args.generator}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(render(report))
    print(f"\nwritten to {out}")
    return 0


def render(report: dict) -> str:
    lines = [f"golden set: {report['questions']} questions, generator {report['generator']}"]
    for mode, m in report.get("retrieval", {}).items():
        lines.append(f"retrieval {mode:11s} " + "  ".join(f"{k} {v:.3f}" for k, v in m.items()))
    if a := report.get("answers"):
        keys = ("grounded_correct", "answerable_correct", "answerable_abstained",
                "unanswerable_abstained", "citations_verbatim")
        lines.append("answers " + "  ".join(f"{k} {a[k]:.3f}" for k in keys))
        lines.append("floor   " + "  ".join(f"{k} {a['keyword_floor'][k]:.3f}" for k in keys))
        wrong = [r["id"] for r in a["rows"] if not r["grounded_correct"]]
        lines.append(f"not grounded-correct: {', '.join(wrong) or 'none'}")
        lines.append("threshold sweep (extractive): threshold grounded_correct "
                     "answerable_abstained unanswerable_abstained")
        for row in a["abstain_sweep"]:
            lines.append(f"  {row['threshold']:.2f}  {row['grounded_correct']:.3f}  "
                         f"{row['answerable_abstained']:.3f}  {row['unanswerable_abstained']:.3f}")
    for k, v in report.get("speed", {}).items():
        lines.append(f"speed {k}: {v if v is None else round(v, 3)}")
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
