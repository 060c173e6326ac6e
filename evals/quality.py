"""Answer quality, side by side per backend: golden set, adversarial traps, rewordings, SQuAD,
everyday documents, real documents made by others, questions that need several passages.

    python -m evals.quality                              # local + extractive, SQuAD 60+30, seed 0
    python -m evals.quality -g extractive --squad-answerable 100 --squad-unanswerable 50 --seed 1
    python -m evals.quality --split tune --label tuning  # SQuAD sample disjoint from `report`
    python -m evals.quality --compare BEFORE.json AFTER.json   # a before/after table
    python -m evals.quality --sets fidelity              # reading fidelity only (evals.fidelity)
    python -m evals.quality --sets multi                 # summaries, lists, comparisons (evals.multi)

Prints one table (rows: metrics per set; columns: backends) and writes
evals/results/quality-<label>.json (with per-question rows, for diagnosis) and .md. Tune on
`--split tune`; report on the default `report` split, which never shares a question with it
(the split applies to SQuAD and to the everyday-documents questions alike; the real documents
and the multi-passage questions are split by document, evals/realdocs.py and evals/multi.py).
All questions go through the public API; seeds/ is indexed in evals/results/seeds-index-*/ so
the working index/ is left alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from . import everyday, multi, realdocs, squad  # noqa: E402
from .benchmark import score_answers  # noqa: E402
from .cases import (ADVERSARIAL, REWORDINGS, SEEDS, ask_cases, load_cases,  # noqa: E402
                    run_cases, summarise_adversarial, summarise_rewordings)
from .golden import load_golden  # noqa: E402

RESULTS = Path(__file__).with_name("results")
BACKENDS = ("local", "extractive")
SETS = ("golden", "adversarial", "rewordings", "squad", "everyday", "realdocs", "multi")

# (set, metric key, label, kind): "rate" renders as 0.000, "count" as an integer.
ROWS = [
    ("golden", "grounded_correct", "golden: grounded-correct", "rate"),
    ("golden", "answerable_abstained", "golden: answerable false-abstain", "rate"),
    ("golden", "unanswerable_abstained", "golden: unanswerable abstain", "rate"),
    ("golden", "citations_verbatim", "golden: citation quotes verbatim", "rate"),
    ("adversarial", "pass_rate", "adversarial: pass rate", "rate"),
    ("adversarial", "affirmed_false_claims", "adversarial: affirmed false claims", "count"),
    ("rewordings", "right", "rewordings: right", "rate"),
    ("rewordings", "grounded", "rewordings: right + grounded", "rate"),
    ("squad", "answerable_right", "SQuAD: answerable right", "rate"),
    ("squad", "answerable_grounded", "SQuAD: answerable grounded", "rate"),
    ("squad", "answerable_false_abstain", "SQuAD: answerable false-abstain", "rate"),
    ("squad", "unanswerable_abstain", "SQuAD: unanswerable abstain", "rate"),
    ("squad", "overall_right", "SQuAD: all questions right (abstaining counts on unanswerable)", "rate"),
    ("everyday", "grounded", "everyday: answerable grounded", "rate"),
    ("everyday", "right", "everyday: answerable right", "rate"),
    ("everyday", "false_abstain", "everyday: answerable false-abstain", "rate"),
    ("everyday", "lookalike_abstain", "everyday: unanswerable (look-alike) abstain", "rate"),
    ("everyday", "precision", "everyday: precision (grounded / answered)", "rate"),
    ("everyday", "cut_quote_rate", "everyday: share of cited quotes cut mid-sentence", "rate"),
    ("realdocs", "grounded", "real documents: answerable grounded", "rate"),
    ("realdocs", "right", "real documents: answerable right", "rate"),
    ("realdocs", "false_abstain", "real documents: answerable false-abstain", "rate"),
    ("realdocs", "lookalike_abstain", "real documents: unanswerable (look-alike) abstain", "rate"),
    ("realdocs", "precision", "real documents: precision (grounded / answered)", "rate"),
    ("realdocs", "cut_quote_rate", "real documents: share of cited quotes cut mid-sentence",
     "rate"),
    ("realdocs", "label_answers", "real documents: answers quoting a question line or heading",
     "count"),
    ("multi", "recall", "multi-passage: key-point recall (stated and cited)", "rate"),
    ("multi", "present", "multi-passage: key points stated (cited or not)", "rate"),
    ("multi", "declined", "multi-passage: answerable questions declined", "count"),
    ("multi", "lookalike_declined", "multi-passage: unanswerable (look-alike) set questions "
     "declined", "rate"),
    ("multi", "unsupported", "multi-passage: unsupported sentences left in final answers", "count"),
    ("multi", "first_checked_median_s", "multi-passage: median seconds to first checked text",
     "rate"),
    ("multi", "answer_median_s", "multi-passage: median seconds to whole answer", "rate"),
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the sets, one backend

def golden_set(bot, golden) -> dict:
    """Scored by evals.benchmark's own `score_answers`, so figures match its README table."""
    answers = {}
    for i, g in enumerate(golden, 1):
        answers[g.id] = bot.ask(g.question)
        log(f"[golden {i}/{len(golden)}] {g.id}")
    scored = score_answers(answers, golden, bot.source_text)
    scored["n"] = len(golden)
    return scored


def adversarial_set(bot, cases, open_bot) -> dict:
    rows = run_cases(bot, open_bot, cases, log)
    return {**summarise_adversarial(rows), "rows": rows}


def rewordings_set(bot, cases) -> dict:
    rows = ask_cases(bot, cases, log)
    return {**summarise_rewordings(rows), "rows": rows}


def squad_set(generator, sample, data, embedder, llm) -> dict:
    """The shared embedder and model are passed on: a second copy would not fit beside them."""
    result = squad.run([generator], sample, embedder=embedder, llm=llm, data=data, log=log)
    return result[generator]


def everyday_set(generator, questions, embedder, llm) -> dict:
    """Its own corpus (evals/everyday/docs) and index; the shared embedder and model passed on."""
    return everyday.run([generator], questions, embedder=embedder, llm=llm, log=log)[generator]


def realdocs_set(generator, questions, embedder, llm) -> dict:
    """Like everyday_set, on evals/realdocs/docs (split by document, not by question)."""
    return realdocs.run([generator], questions, embedder=embedder, llm=llm, log=log)[generator]


def multi_set(generator, questions, embedder, llm) -> dict:
    """evals.multi: each question on a bot of its own corpus (seeds, everyday, realdocs)."""
    return multi.run([generator], questions, embedder=embedder, llm=llm, log=log)[generator]


def timed(name: str, fn, *args) -> dict:
    """Run one set; a set that crashes is recorded (with its error) and the others still run."""
    t0 = time.perf_counter()
    try:
        out = fn(*args)
    except Exception as exc:  # noqa: BLE001 - a broken set must not hide the other figures
        traceback.print_exc()
        out = {"error": f"{type(exc).__name__}: {exc}"}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    log(f"{name}: done in {out['seconds']} s")
    return out


def run_backend(generator: str, sets: dict, embedder, llm) -> dict:
    """Every set for one backend, on one seeds bot (the planted cases, SQuAD and the everyday
    documents open their own)."""
    from assistant import Assistant

    def open_bot(corpus=SEEDS, index=None):
        bot = Assistant.load(corpus=corpus, index=index or squad.index_dir(embedder, "seeds"),
                             generator=generator, embedder=embedder,
                             llm=llm if generator == "local" else None)
        bot.wait_until_ready()
        return bot

    runs = {
        "golden": lambda: timed(f"{generator} golden", golden_set, bot, sets["golden"]),
        "adversarial": lambda: timed(f"{generator} adversarial", adversarial_set, bot,
                                     sets["adversarial"], open_bot),
        "rewordings": lambda: timed(f"{generator} rewordings", rewordings_set, bot,
                                    sets["rewordings"]),
        "squad": lambda: timed(f"{generator} squad", squad_set, generator, sets["squad"],
                               sets["squad_data"], embedder, llm),
        "everyday": lambda: timed(f"{generator} everyday", everyday_set, generator,
                                  sets["everyday"], embedder, llm),
        "realdocs": lambda: timed(f"{generator} realdocs", realdocs_set, generator,
                                  sets["realdocs"], embedder, llm),
        "multi": lambda: timed(f"{generator} multi", multi_set, generator, sets["multi"],
                               embedder, llm),
    }
    bot = open_bot()
    try:
        return {name: run() for name, run in runs.items() if name in sets.get("chosen", runs)}
    finally:
        bot.close()


# ---------------------------------------------------------------- tables

def _cell(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{int(value)}" if kind == "count" else f"{value:.3f}"


def _label(label: str, set_name: str, meta: dict) -> str:
    if set_name == "squad":
        n = meta["squad"]["answerable" if "unanswerable" not in label else "unanswerable"]
        return f"{label} (n={n}, seed {meta['squad']['seed']}, {meta['squad']['split']})"
    n = meta.get("n", {})
    part = next((k for k in ("unanswerable", "answerable") if f" {k} " in label), None)
    count = n.get(f"{set_name}_{part}") if part else n.get(set_name)
    return f"{label} (n={count})" if count else label


def table(report: dict) -> str:
    backends = list(report["results"])
    lines = ["| metric | " + " | ".join(backends) + " |", "|---|" + "---:|" * len(backends)]
    for set_name, key, label, kind in ROWS:
        cells = [_value(report["results"][b], set_name, key, kind) for b in backends]
        lines.append(f"| {_label(label, set_name, report['meta'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _value(result: dict, set_name: str, key: str, kind: str) -> str:
    part = result.get(set_name, {})
    return "error" if "error" in part else _cell(part.get(key), kind)


def compare(a: dict, b: dict, names: tuple[str, str]) -> str:
    """A before/after table: for every backend in both files, each metric and its change."""
    backends = [x for x in a["results"] if x in b["results"]]
    head = "| metric | " + " | ".join(f"{x}: {names[0]} | {x}: {names[1]} | Δ" for x in backends)
    lines = [head + " |", "|---|" + "---:|" * (3 * len(backends))]
    for set_name, key, label, kind in ROWS:
        cells = []
        for x in backends:
            va = a["results"][x].get(set_name, {}).get(key)
            vb = b["results"][x].get(set_name, {}).get(key)
            cells += [_cell(va, kind), _cell(vb, kind), _delta(va, vb, kind)]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    notes = [f"{names[0]}: {a['meta'].get('label')} ({a['meta'].get('when')}), "
             f"SQuAD {_squad_note(a)}", f"{names[1]}: {b['meta'].get('label')} "
             f"({b['meta'].get('when')}), SQuAD {_squad_note(b)}"]
    return "\n".join(lines + [""] + notes)


def _delta(before, after, kind: str) -> str:
    numbers = all(isinstance(v, (int, float)) and not math.isnan(v) for v in (before, after))
    if not numbers:
        return "–"
    return f"{after - before:+d}" if kind == "count" else f"{after - before:+.3f}"


def _squad_note(report: dict) -> str:
    s = report["meta"]["squad"]
    return f"{s['answerable']}+{s['unanswerable']} questions, seed {s['seed']}, split {s['split']}"


def markdown(report: dict) -> str:
    meta = report["meta"]
    out = [f"# Answer quality: {meta['label']}", "",
           f"{meta['when']}, backends {', '.join(report['results'])}, "
           f"run time {meta['seconds'] / 60:.1f} min, code at {meta.get('code')}.", "",
           table(report), ""]
    for backend, result in report["results"].items():
        failed = ([("adversarial", r) for r in result.get("adversarial", {}).get("rows", [])
                   if not r["passed"]]
                  + [("rewordings", r) for r in result.get("rewordings", {}).get("rows", [])
                     if not r["grounded"]])
        out += [f"## {backend}: adversarial and rewording cases that failed", ""]
        out += [f"- `{r['id']}` ({s}{_affirmed(r)}): {r['answer'][:200].replace(chr(10), ' ')}"
                for s, r in failed] or ["- none"]
        out.append("")
    out += ["SQuAD 2.0 questions: CC BY-SA 4.0, Rajpurkar, Jia and Liang (2018); "
            "see evals/SQUAD.md.", ""]
    return "\n".join(out)


def _affirmed(row: dict) -> str:
    return f", affirmed {row['affirmed']}" if row.get("affirmed") else ""


# ---------------------------------------------------------------- command line

def load_sets(args) -> dict:
    data = squad.load_data()
    sample = squad.sample(squad.questions(data), args.squad_answerable, args.squad_unanswerable,
                          args.seed, args.split)
    return {"golden": load_golden(), "adversarial": load_cases(ADVERSARIAL),
            "rewordings": load_cases(REWORDINGS), "squad": sample, "squad_data": data,
            "everyday": everyday.select(everyday.load_questions(), args.split),
            "realdocs": realdocs.select(realdocs.load_questions(), args.split),
            "multi": multi.select(multi.load_questions(), args.split)
            + multi.select(multi.load_lookalikes(), args.split)}


def _code_version() -> str | None:
    import subprocess

    import assistant

    root = Path(assistant.__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "assistant"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return f"{root} @ {head}{' (assistant/ modified)' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        return str(root)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.quality", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-g", "--generators", default=",".join(BACKENDS))
    ap.add_argument("--squad-answerable", type=int, default=60)
    ap.add_argument("--squad-unanswerable", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", choices=squad.SPLITS, default="report")
    ap.add_argument("--label", default="latest")
    ap.add_argument("--sets", default=",".join(SETS),
                    help=f"comma-separated, of {', '.join(SETS)} (default: all), or fidelity: "
                         "the readers against reference texts (python -m evals.fidelity), "
                         "which needs no model")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args(argv)
    if args.compare:
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        print(compare(a, b, (args.compare[0].stem, args.compare[1].stem)))
        return 0

    chosen = [x.strip() for x in args.sets.split(",") if x.strip()]
    if "fidelity" in chosen:  # no backend: the readers alone, written to results/fidelity.json
        from . import fidelity

        chosen.remove("fidelity")
        fidelity.main([])
        if not chosen:
            return 0

    from assistant.embeddings import LocalEmbedder

    t0 = time.perf_counter()
    gens = [g.strip() for g in args.generators.split(",") if g.strip()]
    sets = load_sets(args)
    sets["chosen"] = chosen
    embedder = LocalEmbedder()
    llm = squad._local_llm() if "local" in gens else None
    results = {g: run_backend(g, sets, embedder, llm) for g in gens}
    answerable_multi = sum(isinstance(q, multi.Question) for q in sets["multi"])
    report = {"meta": {"label": args.label, "when": time.strftime("%Y-%m-%d %H:%M"),
                       "code": _code_version(), "seconds": round(time.perf_counter() - t0, 1),
                       "n": {**{k: len(sets[k]) for k in ("golden", "adversarial", "rewordings")},
                             "golden_answerable": sum(g.answerable for g in sets["golden"]),
                             "golden_unanswerable": sum(not g.answerable for g in sets["golden"]),
                             "everyday": len(sets["everyday"]),
                             # recall's rows count the answerable ones (no look-alike has points)
                             "multi": answerable_multi, "multi_answerable": answerable_multi,
                             "multi_unanswerable": sum(isinstance(q, multi.Lookalike)
                                                       for q in sets["multi"]),
                             "everyday_answerable": sum(q.answerable for q in sets["everyday"]),
                             "everyday_unanswerable": sum(not q.answerable
                                                          for q in sets["everyday"]),
                             "realdocs_answerable": sum(q.answerable for q in sets["realdocs"]),
                             "realdocs_unanswerable": sum(not q.answerable
                                                          for q in sets["realdocs"])},
                       "squad": {"answerable": sum(q.answerable for q in sets["squad"]),
                                 "unanswerable": sum(not q.answerable for q in sets["squad"]),
                                 "seed": args.seed, "split": args.split}},
              "results": results}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"quality-{args.label}"
    out.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False,
                                                   default=lambda v: None), encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    print(table(report))
    print(f"\nwritten to {out}.json and {out}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
