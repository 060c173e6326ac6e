"""The multi-passage benchmark's figures (`evals.multi`): rows pooled per kind, corpus and
split, the Markdown table, and the key points each answer missed."""

from __future__ import annotations

import statistics
from collections import defaultdict


def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def _p90(values) -> float | None:
    values = sorted(v for v in values if v is not None)
    return round(values[min(len(values) - 1, int(0.9 * len(values)))], 3) if values else None


def _part(rows: list[dict]) -> dict:
    points = sum(r["n_points"] for r in rows)
    return {"n": len(rows), "points": points,
            "recall": sum(r["cited"] for r in rows) / points if points else float("nan"),
            "recall_per_question": (sum(r["recall"] for r in rows) / len(rows)
                                    if rows else float("nan")),
            "present": sum(r["present"] for r in rows) / points if points else float("nan"),
            "declined": sum(r["abstained"] for r in rows),
            "unsupported": sum(r["unsupported"] for r in rows),
            "with_unsupported": sum(r["unsupported"] > 0 for r in rows),
            "all_points": sum(r["cited"] == r["n_points"] for r in rows),
            "first_checked_median_s": _median(r["first_checked_s"] for r in rows),
            "answer_median_s": _median(r["answer_s"] for r in rows),
            "answer_p90_s": _p90(r["answer_s"] for r in rows)}


def _lookalikes(rows: list[dict]) -> dict:
    """Set questions no document answers: declining is right; an answer is a false one."""
    n = len(rows)
    declined = sum(r["abstained"] for r in rows)
    return {"n": n, "declined": declined, "declined_share": declined / n if n else None,
            "unsupported": sum(r["unsupported"] for r in rows)}


def summarise(rows: list[dict]) -> dict:
    """The answerable questions pooled, then per kind, per corpus and per split (`recall`
    pools key points; the share of each question's points, averaged over questions, is
    `recall_per_question`); the look-alike ones (`answerable` False) apart, as `lookalikes`,
    pooled and per split."""
    answerable = [r for r in rows if r.get("answerable", True)]
    out = _part(answerable)
    for field, name in (("kind", "by_kind"), ("corpus", "by_corpus"), ("split", "by_split")):
        groups: dict[str, list[dict]] = defaultdict(list)
        for r in answerable:
            groups[r[field]].append(r)
        out[name] = {k: _part(v) for k, v in sorted(groups.items())}
    others = [r for r in rows if not r.get("answerable", True)]
    out["lookalikes"] = {**_lookalikes(others), "by_split": {
        k: _lookalikes([r for r in others if r["split"] == k])
        for k in sorted({r["split"] for r in others})}}
    out["lookalike_declined"] = out["lookalikes"]["declined_share"]
    return out


def _f(v) -> str:
    return "–" if v is None or v != v else f"{v:.3f}" if isinstance(v, float) else str(v)


COLUMNS = [("n", "n"), ("points", "points"), ("recall (cited)", "recall"),
           ("present", "present"), ("all points", "all_points"), ("declined", "declined"),
           ("unsupported", "unsupported"), ("first checked s (median)", "first_checked_median_s"),
           ("answer s (median)", "answer_median_s"), ("answer s (p90)", "answer_p90_s")]


def table(result: dict, generator: str) -> str:
    r = result[generator]
    lines = [f"### {generator}", "", "| part | " + " | ".join(c for c, _ in COLUMNS) + " |",
             "|---|" + "---:|" * len(COLUMNS)]
    parts = [("all", r)] + [(f"{group[3:]}: {k}", v) for group in ("by_kind", "by_corpus",
                                                                     "by_split")
                             for k, v in r[group].items()]
    for name, p in parts:
        lines.append(f"| {name} | " + " | ".join(_f(p[k]) for _, k in COLUMNS) + " |")
    lines += ["", "| look-alike set questions (none answerable) | n | declined | share | "
              "unsupported |", "|---|---:|---:|---:|---:|"]
    looks = r.get("lookalikes") or {}
    for name, p in [("all", looks)] + list(looks.get("by_split", {}).items()):
        if p.get("n"):
            lines.append(f"| {name} | {p['n']} | {p['declined']} | {_f(p['declined_share'])} | "
                         f"{p['unsupported']} |")
    return "\n".join(lines)


def misses(result: dict, generator: str) -> list[str]:
    out = []
    for row in result[generator]["rows"]:
        if not row.get("answerable", True):
            if not row["abstained"]:
                out.append(f"- `{row['id']}` (look-alike) answered: {row['answer'][:100]!r}")
            continue
        lost = [p["pattern"] + (" (stated, cites another file)" if p["wrong_source"] else
                                " (stated, uncited)" if p["present"] else "")
                for p in row["points"] if not p["cited"]]
        if lost or row["unsupported"]:
            flags = (", declined" if row["abstained"] else "") + (
                f", {row['unsupported']} unsupported" if row["unsupported"] else "")
            out.append(f"- `{row['id']}` {row['cited']}/{row['n_points']}{flags}: "
                       f"missing {', '.join(lost) or 'nothing'}")
    return out
