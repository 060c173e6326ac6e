"""Eval reports: Markdown and JSON, and one PNG chart per metric (score per question, a bar
per backend)."""

from __future__ import annotations

import json
import math
from pathlib import Path


def write_report(report: dict, out: Path, metrics: tuple[str, ...]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False,
                                                default=_nan_to_none))
    charts = [name for name in (_chart(report, m, out) for m in metrics) if name]
    (out / "report.md").write_text(_markdown(report, metrics, charts), encoding="utf-8")


def _nan_to_none(value):
    return None


def _fmt(value) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"


def _markdown(report: dict, metrics: tuple[str, ...], charts: list[str]) -> str:
    summary = report["summary"]
    backends = list(summary)
    lines = ["# Eval report", "",
             f"{len(report['questions'])} golden questions, backends: {', '.join(backends)}; "
             f"run time {report['seconds'] / 60:.1f} min.", "",
             f"Judge check: faithful answers scored {report['judge']['faithful']:.2f}, "
             f"unfaithful ones {report['judge']['unfaithful']:.2f} "
             f"({'ok' if report['judge']['ok'] else 'FAILED'}).", "",
             "| metric | " + " | ".join(backends) + " |",
             "|---|" + "---|" * len(backends)]
    for m in metrics:
        lines.append(f"| {m} | " + " | ".join(
            f"{_fmt(summary[b][m])} (n={summary[b][m + '_n']})" for b in backends) + " |")
    lines.append("| mean answer time (s) | " + " | ".join(
        f"{summary[b]['answer_seconds_mean']:.2f}" for b in backends) + " |")
    failures = report["gates"]["failures"]
    lines += ["", "## Gates", "",
              f"Faithfulness of generative backends ≥ {report['gates']['faithfulness_min']}; "
              f"no metric more than {report['gates']['tolerance']} below the baseline.", ""]
    lines += [f"- FAILED: {f}" for f in failures] or ["- all gates passed"]
    lines += ["", "## Charts", ""] + [f"![{c}]({c})" for c in charts]
    for backend, rows in report["rows"].items():
        lines += ["", f"## Answers: {backend}", "",
                  "| question | faithfulness | relevancy | grounded | answer |", "|---|---|---|---|---|"]
        for r in rows:
            text = r["answer"].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {r['id']} | {_fmt(r.get('faithfulness'))} | "
                         f"{_fmt(r.get('answer_relevancy'))} | {int(r['grounded_correct'])} | "
                         f"{text[:160]}{'…' if len(text) > 160 else ''} |")
    return "\n".join(lines) + "\n"


def _chart(report: dict, metric: str, out: Path) -> str | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ids = report["questions"]
    series = {b: [next((r.get(metric) for r in rows if r["id"] == q), None) for q in ids]
              for b, rows in report["rows"].items()}
    if not any(v is not None for vals in series.values() for v in vals):
        return None
    fig, ax = plt.subplots(figsize=(max(6, 0.32 * len(ids) + 2), 3.6), dpi=110)
    width = 0.8 / len(series)
    for k, (backend, values) in enumerate(series.items()):
        xs = [i + k * width for i in range(len(ids))]
        ys = [0 if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]
        ax.bar(xs, ys, width=width, label=backend)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(ids))])
    ax.set_xticklabels(ids, rotation=75, ha="right", fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{metric} per question (no bar: not applicable)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    name = f"{metric.replace('@', 'at')}.png"
    fig.savefig(out / name)
    plt.close(fig)
    return name
