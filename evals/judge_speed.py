"""How long judging a question's candidates takes, option by option, in one run.

    python -m evals.judge_speed                  # every golden question, every variant, 1 round
    python -m evals.judge_speed --limit 12 --rounds 2 --only before shipped

The candidate lists are the ones the assistant judges: an Assistant over seeds/ (the
extractive backend, the seeds index the other evaluations keep in evals/results/) answers
`evidence()` for each golden question with a recording judge in place of the trained one, so
the lists come from `judging.judged` itself (the 24 best by the prior, each with its title,
heading and sentence before). Then each variant of `OnnxJudge` scores every list, the variants
taking turns question by question (the order rotated each question), so a busy machine slows
each alike. Every variant's scores are compared with the plain session's (`before`: the
judge as it was, the session as ONNX Runtime sets it up): the largest absolute difference, and
how often the best candidate and the answer-or-decline call (its probability against the
threshold) stay the same. Variants that change what the judge reads (fewer candidates, fewer
tokens) are measured for comparison; only score-preserving ones ship.

Printed, and written to evals/results/judge-speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from assistant.answering.judge import Candidate, FakeJudge, OnnxJudge, default_threads, pair_text

from .golden import load_golden

RESULTS = Path(__file__).with_name("results")
OUT = RESULTS / "judge-speed.json"


class Recorder(FakeJudge):
    """Stands in for the judge while the candidate lists are gathered: keeps what it is asked."""

    def __init__(self):
        self.calls: list[tuple[str, list[Candidate]]] = []

    def score(self, question: str, candidates: Sequence[Candidate]) -> np.ndarray:
        self.calls.append((question, list(candidates)))
        return super().score(question, candidates)


def judged_lists(limit: int = 0) -> list[tuple[str, list[Candidate]]]:
    """(question as judged, candidates) for each golden question, through the assistant's own
    path: retrieval, `gather`, then `judged` handing its candidates to the recorder."""
    from assistant import Assistant
    from assistant.embeddings import LocalEmbedder

    from . import squad
    from .cases import SEEDS

    embedder = LocalEmbedder()
    recorder = Recorder()
    bot = Assistant.load(corpus=SEEDS, index=squad.index_dir(embedder, "seeds"),
                         generator="extractive", embedder=embedder, judge=recorder)
    golden = load_golden()
    for g in golden[:limit or len(golden)]:
        bot.evidence(g.question)
    return recorder.calls


@dataclass
class Variant:
    name: str
    run: Callable[[str, list[Candidate]], np.ndarray]
    note: str
    preserving: bool = True  # reads what the judge reads; its scores should not move
    prepare: Callable[[str, list[Candidate]], object] | None = None  # untimed, before each run
    times: list[float] = field(default_factory=list)
    scores: dict[int, np.ndarray] = field(default_factory=dict)


def _reading(judge: OnnxJudge, tokens: int | None = None, longest: bool = False) -> OnnxJudge:
    """The judge with its tokenizer cut at `tokens` (and padded to them), or padding each batch
    to its longest pair rather than to the tokenizer's fixed width."""
    if tokens:
        judge.tokenizer.enable_truncation(tokens, strategy="only_second")
    judge.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]",  # MiniLM's
                                   length=None if longest else tokens)
    return judge


def variants(cores: int, only: Sequence[str] = ()) -> list[Variant]:
    """The variants, `before` first; with `only`, those named (and `before`). Each session is
    opened only when chosen."""
    def judge(**kw) -> Callable[[], OnnxJudge]:
        """As the judge ran before it judged one pair at a time: one batch, padded to 128."""
        return lambda: _reading(OnnxJudge(**{"cache": 0, "batch_size": 32, **kw}), 128)

    def top(n: int):
        return lambda: (lambda j: lambda q, c: j.score(q, c[:n]))(judge()())

    plain = {"spinning": True, "trim": False}  # as ONNX Runtime sets a session up
    table = [
        ("before", judge(threads=cores, **plain), True,
         f"the judge as it was: {cores} threads, spinning, graph as shipped"),
        ("no-spin", judge(threads=cores, trim=False), True,
         f"{cores} threads, session.intra_op.allow_spinning 0"),
        ("1-thread", judge(threads=1, **plain), True, "1 thread"),
        ("trimmed", judge(threads=cores, spinning=True), True,
         f"NaN guards taken out at load, {cores} threads, spinning"),
        ("trimmed-no-spin", judge(threads=cores), True,
         f"NaN guards taken out, {cores} threads, no spinning"),
        ("trimmed-1-thread", judge(threads=1), True, "NaN guards taken out, 1 thread"),
        ("batched-24", judge(), True, f"{default_threads()} threads, spinning off, trimmed, "
         f"cache off, one batch padded to 128 (as shipped until one pair at a time)"),
        ("shipped", lambda: OnnxJudge(cache=0), False, f"OnnxJudge() as it ships: one pair at a "
         f"time at its own length, {default_threads()} threads, spinning off, trimmed, cache off"),
        ("shipped-asked-again", lambda: OnnxJudge(), False,
         "the same question and candidates again: served from the cache"),
        ("batches-of-8", judge(batch_size=8), False, "batched-24 in 3 batches of 8 (each padded "
         "to 128)"),
        ("pad-to-longest", lambda: _reading(OnnxJudge(cache=0, batch_size=32), longest=True),
         False, "batched-24, padded to its longest pair instead of to 128"),
        ("sorted-8s-pad-to-longest", lambda: _reading(OnnxJudge(cache=0, batch_size=8),
                                                      longest=True), False,
         "batched-24, batches of 8 by length, each padded to its longest"),
        ("max-96-tokens", lambda: _reading(OnnxJudge(cache=0, batch_size=32), 96), False,
         "batched-24, question + pair cut (and padded) to 96 tokens"),
        ("max-64-tokens", lambda: _reading(OnnxJudge(cache=0, batch_size=32), 64), False,
         "batched-24, cut to 64 tokens"),
        ("top-16", top(16), False, "batched-24, the 16 best by the prior only"),
        ("top-12", top(12), False, "batched-24, the 12 best only"),
    ]
    out = []
    for name, make, preserving, note in table:
        if name == "before" or not only or name in only:
            made = make()
            run = made.score if isinstance(made, OnnxJudge) else made
            out.append(Variant(name, run, note, preserving,
                               prepare=run if name == "shipped-asked-again" else None))
    return out


def question_once(judge: OnnxJudge, question: str, candidates: Sequence[Candidate]):
    """The encodings `_logits` builds, with the question encoded once rather than once a pair:
    [CLS] question [SEP] pair [SEP], the pair cut to fit (only_second truncation)."""
    from tokenizers import Tokenizer

    plain = getattr(judge, "_plain", None)
    if plain is None:
        plain = judge._plain = Tokenizer.from_str(judge.tokenizer.to_str())
        plain.no_truncation()
        plain.no_padding()
    cls, sep = plain.token_to_id("[CLS]"), plain.token_to_id("[SEP]")
    q = plain.encode(question.strip(), add_special_tokens=False).ids
    room = judge.max_tokens - len(q) - 3
    out = []
    for e in plain.encode_batch([pair_text(c) for c in candidates], add_special_tokens=False):
        second = e.ids[:room]
        out.append(([cls, *q, sep, *second, sep], [0] * (len(q) + 2) + [1] * (len(second) + 1)))
    return out


def tokenising(judge: OnnxJudge, calls) -> dict:
    """Tokenising a question's pairs: as `_logits` does, and with the question encoded once."""
    pairs_t, once_t, same = [], [], True
    for q, cands in calls:
        t0 = time.perf_counter()
        encs = judge.tokenizer.encode_batch([(q.strip(), pair_text(c)) for c in cands])
        t1 = time.perf_counter()
        once = question_once(judge, q, cands)
        t2 = time.perf_counter()
        pairs_t.append(t1 - t0)
        once_t.append(t2 - t1)
        real = [sum(e.attention_mask) for e in encs]  # the tokenizer pads to a fixed width
        same &= [(e.ids[:n], e.type_ids[:n]) for e, n in zip(encs, real)] == once
    return {"pairs_p50_ms": 1000 * statistics.median(pairs_t),
            "question_once_p50_ms": 1000 * statistics.median(once_t), "same_ids": same}


def measure(calls, chosen: list[Variant], rounds: int) -> None:
    for v in chosen:  # warm-up: the first run of a session allocates its buffers
        v.run(*calls[0])
    for _ in range(rounds):
        for i, (q, cands) in enumerate(calls):
            k = i % len(chosen)
            for v in chosen[k:] + chosen[:k]:
                if v.prepare:
                    v.prepare(q, cands)
                t0 = time.perf_counter()
                s = v.run(q, cands)
                v.times.append(time.perf_counter() - t0)
                v.scores.setdefault(i, s)


def summary(v: Variant, reference: Variant | None, threshold: float) -> dict:
    out = {"p50_ms": 1000 * statistics.median(v.times),
           "p95_ms": 1000 * statistics.quantiles(v.times, n=20)[-1] if len(v.times) > 1 else None,
           "mean_ms": 1000 * statistics.mean(v.times), "note": v.note,
           "reads_what_the_judge_reads": v.preserving}
    if reference is not None:
        diff, top, answered = 0.0, 0, 0
        for i, s in v.scores.items():
            r = reference.scores[i]
            diff = max(diff, float(np.max(np.abs(s - r[:len(s)]))))
            top += int(np.argmax(s)) == int(np.argmax(r))
            answered += (s.max() >= threshold) == (r.max() >= threshold)
        n = len(v.scores)
        out.update({"max_abs_diff": diff, "same_best": top / n, "same_answer_or_decline": answered / n})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.judge_speed", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="golden questions (0: all)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--only", nargs="*", help="variant names (before is always measured)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    calls = judged_lists(args.limit)
    cores = default_threads()
    chosen = variants(cores, args.only or ())
    judge = OnnxJudge(cache=0)
    encs = [judge.tokenizer.encode_batch([(q.strip(), pair_text(c)) for c in cands])
            for q, cands in calls]
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    measure(calls, chosen, args.rounds)
    report = {
        "questions": len(calls), "rounds": args.rounds,
        "candidates_per_question": statistics.median(len(c) for _, c in calls),
        "tokens_per_question": statistics.median(sum(sum(e.attention_mask) for e in es)
                                                 for es in encs),
        "tokens_padded_per_question": statistics.median(sum(len(e.ids) for e in es) for es in encs),
        "longest_pair_p50": statistics.median(max(sum(e.attention_mask) for e in es) for es in encs),
        "machine": {"cpus": os.cpu_count(), "threads_default": cores,
                    "load_average_before": load_before, "load_average_after": os.getloadavg(),
                    "processor": platform.processor() or platform.machine(),
                    "onnxruntime": __import__("onnxruntime").__version__},
        "seconds": round(time.perf_counter() - t0, 1),
        "tokenise": tokenising(judge, calls),
        "variants": {v.name: summary(v, chosen[0] if v is not chosen[0] else None, judge.threshold)
                     for v in chosen},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(render(report))
    print(f"\nwritten to {args.out}")
    return 0


def render(report: dict) -> str:
    m = report["machine"]
    lines = [f"{report['questions']} questions x {report['rounds']} round(s), "
             f"{report['candidates_per_question']} candidates and {report['tokens_per_question']} "
             f"tokens a question ({report['tokens_padded_per_question']} padded; longest pair "
             f"{report['longest_pair_p50']}); {m['cpus']} cpus, "
             f"load {m['load_average_before'][0]:.2f} -> {m['load_average_after'][0]:.2f}",
             f"tokenising a question's pairs: {report['tokenise']['pairs_p50_ms']:.2f} ms, question "
             f"once {report['tokenise']['question_once_p50_ms']:.2f} ms "
             f"(same ids: {report['tokenise']['same_ids']})",
             f"{'variant':22s} {'p50 ms':>8s} {'p95 ms':>8s} {'max diff':>9s} {'best':>5s} {'call':>5s}"]
    for name, v in report["variants"].items():
        p95 = f"{v['p95_ms']:8.1f}" if v["p95_ms"] is not None else f"{'-':>8s}"
        diff = (f"{v['max_abs_diff']:9.2e} {v['same_best']:5.2f} {v['same_answer_or_decline']:5.2f}"
                if "max_abs_diff" in v else f"{'(ref)':>9s}")
        lines.append(f"{name:22s} {v['p50_ms']:8.1f} {p95} {diff}")
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
