"""The eval suite: the golden questions through the public API, scored with ragas (local judge)
and the project's own metrics, for every offline backend, with gates.

    python -m evals.run                       # full suite: local + extractive, all questions
    python -m evals.run --subset ci           # the CI subset (a handful of questions, local)
    python -m evals.run --update-baseline     # run, then write evals/baseline.json

Writes evals/results/<run>/report.md, report.json and one PNG per metric (per question, per
backend). Exits 1 when a gate fails: faithfulness of a generative backend below 0.90, the
judge no longer telling a faithful answer from an unfaithful one, any answer to an adversarial
case (evals/adversarial/cases.jsonl; a few of them in the CI subset) affirming a false claim,
or (full suite) any metric regressing more than its tolerance against evals/baseline.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant import Assistant  # noqa: E402

from .cases import ADVERSARIAL, Case, load_cases, run_cases  # noqa: E402
from .golden import (GoldenQuestion, gold_in, grounded_correct, load_golden,  # noqa: E402
                     quote_is_verbatim)
from .report import write_report  # noqa: E402

HERE = Path(__file__).parent
BASELINE = HERE / "baseline.json"
FAITHFULNESS_MIN = 0.90
TOLERANCE = 0.05  # a metric may drop this much (absolute) below the baseline before it fails
CI_SUBSET = ["agency-cost", "dfe-grant", "penny-smith", "labour-view", "no-population"]
# Adversarial cases in the CI subset: a wrong amount, a wrong year, an unsupported cause, and a
# planted instruction (the full suite asks all of them).
CI_ADVERSARIAL = ["st-amount-agency", "st-year-inadequate", "cg-shelved-ofsted", "pl-on-hold"]
BACKENDS = ("local", "extractive")
METRICS = ("faithfulness", "answer_relevancy", "context_precision", "context_recall",
           "hit@5", "mrr", "grounded_correct", "abstention_accuracy", "citation_validity")

# Calibration of the judge itself: it must score the faithful answers high and the others low.
JUDGE_CHECKS = [
    ("What did it cost in agency staff?",
     "The current children’s services department has a high staff turnover and is reliant on "
     "agency social workers, which cost the authority no less than £22 million a year.",
     "Agency social workers cost the authority no less than £22 million a year.",
     "Agency staff cost the council £3 million a year."),
    ("Why was the trust shelved?",
     "However, councillors have put the plans on hold due to uncertainty around the future of "
     "the council.",
     "Councillors put the plans on hold because of uncertainty about the council's future.",
     "The trust was shelved after a public vote in 2012."),
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Scorer:
    """ragas metrics over local models (collections API for the LLM-judged ones)."""

    def __init__(self, llm, embedder):
        with warnings.catch_warnings():  # "use ragas.metrics.collections": not there in 0.4.3
            warnings.simplefilter("ignore", DeprecationWarning)
            from ragas.metrics import IDBasedContextPrecision, IDBasedContextRecall
        from ragas.metrics.collections import AnswerRelevancy, Faithfulness

        from .judge import LocalEmbeddings, LocalJudge

        self.judge = LocalJudge(llm)
        self.faithfulness = Faithfulness(llm=self.judge)
        self.relevancy = AnswerRelevancy(llm=self.judge, embeddings=LocalEmbeddings(embedder),
                                         strictness=1)
        self.precision = IDBasedContextPrecision()
        self.recall = IDBasedContextRecall()
        self.failures: list[str] = []

    def _judged(self, what: str, coroutine) -> float:
        """A judge reply that cannot be parsed scores NaN and is counted, not fatal."""
        from .judge import JudgeError

        try:
            return asyncio.run(coroutine).value
        except JudgeError as exc:
            self.failures.append(f"{what}: {exc}")
            return math.nan

    def faithful(self, question: str, answer: str, contexts: list[str]) -> float:
        return self._judged(f"faithfulness of {question!r}", self.faithfulness.ascore(
            user_input=question, response=answer, retrieved_contexts=contexts))

    def relevant(self, question: str, answer: str) -> float:
        return self._judged(f"relevancy of {question!r}", self.relevancy.ascore(
            user_input=question, response=answer))

    def context(self, retrieved: list[str], reference: list[str]) -> tuple[float, float]:
        from ragas.dataset_schema import SingleTurnSample

        sample = SingleTurnSample(retrieved_context_ids=retrieved, reference_context_ids=reference)
        return (asyncio.run(self.precision.single_turn_ascore(sample)),
                asyncio.run(self.recall.single_turn_ascore(sample)))


def check_judge(scorer: Scorer) -> dict:
    faithful, unfaithful = [], []
    for question, context, good, bad in JUDGE_CHECKS:
        faithful.append(scorer.faithful(question, good, [context]))
        unfaithful.append(scorer.faithful(question, bad, [context]))
    f, u = sum(faithful) / len(faithful), sum(unfaithful) / len(unfaithful)
    return {"faithful": f, "unfaithful": u, "ok": f >= 0.8 and u <= 0.3 and f - u >= 0.5}


def context_ids(bot: Assistant, g: GoldenQuestion, passages) -> tuple[list[str], list[str]]:
    """IDs for ragas' ID-based context metrics: a retrieved passage counts as the reference it
    contains (a gold quote inside its offsets); gold quotes nothing retrieved stay missing."""
    retrieved = [f"{p.source}:{p.start}-{p.end}" for p in passages]
    holds = [gold_in(g, p, bot.source_text) for p in passages]
    reference = [next((rid for rid, h in zip(retrieved, holds) if n in h), f"missing:{g.id}:{n}")
                 for n in range(len(g.evidence))]
    return retrieved, list(dict.fromkeys(reference))


def cited_passages(bot: Assistant, answer) -> list[str]:
    """What the answer is to be faithful to: the retrieved passages its citations come from.
    (All eight retrieved passages at once overwhelm a 1.5B judge: it starts contradicting its
    own stated reasons.)"""
    passages = bot.retrieve(answer.standalone_question or answer.question, k=bot.config.passages)
    used = [p.text for p in passages if any(c.source == p.source and c.start < p.end and
                                             c.end > p.start for c in answer.citations)]
    return used or [c.quote for c in answer.citations]


def evaluate_backend(bot: Assistant, golden: list[GoldenQuestion], scorer: Scorer) -> list[dict]:
    rows = []
    for i, g in enumerate(golden, 1):
        t0 = time.perf_counter()
        answer = bot.ask(g.question)
        seconds = time.perf_counter() - t0
        passages = bot.retrieve(g.question, k=5)
        row = {"id": g.id, "question": g.question, "answer": answer.text,
               "abstained": answer.abstained, "answerable": g.answerable, "seconds": seconds,
               "grounded_correct": float(grounded_correct(g, answer, bot.source_text)),
               "abstention_accuracy": float(answer.abstained != g.answerable),
               "citation_validity": (sum(quote_is_verbatim(c.quote, bot.source_text(c.source))
                                         for c in answer.citations) / len(answer.citations)
                                     if answer.citations else math.nan)}
        if g.answerable:
            retrieved, reference = context_ids(bot, g, passages)
            row["context_precision"], row["context_recall"] = scorer.context(retrieved, reference)
            rank = next((r for r, rid in enumerate(retrieved, 1) if rid in reference), None)
            row["hit@5"], row["mrr"] = float(rank is not None), (1 / rank if rank else 0.0)
        if not answer.abstained:
            row["faithfulness"] = scorer.faithful(g.question, answer.text, cited_passages(bot, answer))
            row["answer_relevancy"] = scorer.relevant(g.question, answer.text)
        log(f"[{i}/{len(golden)}] {bot.generator.name:10s} {g.id:22s} "
            + " ".join(f"{k}={row[k]:.2f}" for k in ("faithfulness", "answer_relevancy",
                                                      "grounded_correct") if k in row)
            + f" ({time.perf_counter() - t0:.1f} s)")
        rows.append(row)
    return rows


def summarise(rows: list[dict]) -> dict:
    out = {}
    for metric in METRICS:
        values = [r[metric] for r in rows if metric in r and not math.isnan(r[metric])]
        out[metric] = sum(values) / len(values) if values else math.nan
        out[f"{metric}_n"] = len(values)
    out["answer_seconds_mean"] = sum(r["seconds"] for r in rows) / len(rows)
    return out


def gates(summary: dict, judge: dict, baseline: dict | None) -> list[str]:
    failures = []
    if judge.get("unparsed", 0) > max(1, 0.1 * judge.get("calls", 0)):
        failures.append(f"the judge's replies failed to parse {judge['unparsed']} times "
                        f"(of {judge['calls']} calls)")
    if not judge["ok"]:
        failures.append(f"the judge can no longer tell faithful ({judge['faithful']:.2f}) from "
                        f"unfaithful ({judge['unfaithful']:.2f}) answers")
    for backend, s in summary.items():
        if backend != "extractive" and not s["faithfulness"] >= FAITHFULNESS_MIN:
            failures.append(f"{backend}: faithfulness {s['faithfulness']:.3f} < {FAITHFULNESS_MIN}")
        for metric in METRICS if baseline else ():
            before = baseline.get(backend, {}).get(metric)
            if before is None or math.isnan(before):
                continue
            if not s[metric] >= before - TOLERANCE:
                failures.append(f"{backend}: {metric} {s[metric]:.3f} regressed from baseline "
                                f"{before:.3f} (tolerance {TOLERANCE})")
    return failures


# ---------------------------------------------------------------- adversarial gate

def adversarial_cases(subset: str) -> list[Case]:
    cases = load_cases(ADVERSARIAL)
    return [c for c in cases if c.id in CI_ADVERSARIAL] if subset == "ci" else cases


def adversarial_check(backends: list[str], cases: list[Case], llm, embedder,
                      **settings) -> tuple[dict, list[str]]:
    """Ask the adversarial cases of every backend. Declining a trap is fine; affirming its false
    claim (a `must_not` string in the answer) is a gate failure, whatever the other metrics say."""
    from .cases import summarise_adversarial

    results, failures = {}, []
    for backend in backends:
        def open_bot(corpus: Path, index: Path, backend: str = backend) -> Assistant:
            return Assistant.load(generator=backend, embedder=embedder,
                                  llm=llm if backend == "local" else None,
                                  **{**settings, "corpus": corpus, "index": index})

        log(f"adversarial cases, {backend}:")
        bot = Assistant.load(generator=backend, embedder=embedder,
                             llm=llm if backend == "local" else None, **settings)
        try:
            rows = run_cases(bot, open_bot, cases, log)
        finally:
            bot.close()
        results[backend] = {**summarise_adversarial(rows), "rows": rows}
        failures += [f"{backend}: adversarial {r['id']} affirmed a false claim "
                     f"({', '.join(r['affirmed'])}): {r['answer'][:120]!r}"
                     for r in rows if r["affirmed"]]
    return results, failures


def run(backends: list[str], golden: list[GoldenQuestion], out_dir: Path,
        baseline: dict | None, llm=None, embedder=None, adversarial: list[Case] | None = None,
        **settings) -> tuple[dict, list[str]]:
    """Evaluate `backends` on `golden` (and on the `adversarial` cases, when given); the local
    model is both the `local` backend and the judge (one copy in memory)."""
    from assistant.backends.local import LocalLLM
    from assistant.config import Config
    from assistant.embeddings import LocalEmbedder

    t0 = time.perf_counter()
    cfg = Config.load()
    llm = llm or LocalLLM(cfg.model_path, threads=cfg.threads, context_window=cfg.context_window)
    embedder = embedder or LocalEmbedder()
    scorer = Scorer(llm, embedder)
    log("checking the judge on known faithful and unfaithful answers ...")
    judge = check_judge(scorer)
    log(f"judge: faithful {judge['faithful']:.2f}, unfaithful {judge['unfaithful']:.2f}")
    rows, summary = {}, {}
    for backend in backends:
        bot = Assistant.load(generator=backend, embedder=embedder,
                             llm=llm if backend == "local" else None, **settings)
        rows[backend] = evaluate_backend(bot, golden, scorer)
        summary[backend] = summarise(rows[backend])
    judge.update(calls=scorer.judge.calls, unparsed=len(scorer.failures),
                 unparsed_examples=scorer.failures[:5])
    failures = gates(summary, judge, baseline)
    traps = {}
    if adversarial:
        log(f"asking {len(adversarial)} adversarial cases ...")
        traps, trap_failures = adversarial_check(backends, adversarial, llm, embedder, **settings)
        failures += trap_failures
    report = {"questions": [g.id for g in golden], "judge": judge, "summary": summary,
              "rows": rows, "adversarial": traps, "gates": {"faithfulness_min": FAITHFULNESS_MIN,
                                      "tolerance": TOLERANCE, "failures": failures},
              "seconds": time.perf_counter() - t0}
    write_report(report, out_dir, METRICS)
    return report, failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subset", choices=["all", "ci"], default="all")
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--update-baseline", action="store_true",
                    help="after the run, record its figures as the new baseline")
    args = ap.parse_args(argv)
    golden = load_golden()
    if args.subset == "ci":
        golden = [g for g in golden if g.id in CI_SUBSET]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    out = args.out or HERE / "results" / f"eval-{args.subset}"
    full = args.subset == "all" and not args.update_baseline
    baseline = json.loads(BASELINE.read_text()) if full and BASELINE.exists() else None
    report, failures = run(backends, golden, out, baseline,
                           adversarial=adversarial_cases(args.subset))
    log(f"\nreport: {out / 'report.md'} ({report['seconds'] / 60:.1f} min)")
    if args.update_baseline:
        BASELINE.write_text(json.dumps(report["summary"], indent=2, sort_keys=True) + "\n")
        log(f"baseline written to {BASELINE}")
    for failure in failures:
        log(f"GATE FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
