"""The golden question set (`golden.jsonl`) and the checks every evaluation shares."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assistant.text import fold

GOLDEN = Path(__file__).with_name("golden.jsonl")


@dataclass(frozen=True)
class GoldenQuestion:
    id: str
    question: str
    category: str
    answerable: bool
    sources: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...]  # every group must be matched by one of its variants
    reference: str
    evidence: tuple[tuple[str, str], ...]  # (source, verbatim quote)
    comment: bool = False  # the answer relies on a reader comment and must say so


def load_golden(path: Path = GOLDEN) -> list[GoldenQuestion]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        rows.append(GoldenQuestion(
            id=r["id"], question=r["question"], category=r["category"],
            answerable=r["answerable"], sources=tuple(r["sources"]),
            facts=tuple(tuple(group) for group in r["facts"]), reference=r["reference"],
            evidence=tuple((s, q) for s, q in r["evidence"]), comment=r.get("comment", False)))
    return rows


def facts_found(facts, text: str) -> bool:
    """Every group of expected facts has one of its variants in `text` (case and quotes folded)."""
    folded = fold(text)
    return all(any(fold(v) in folded for v in group) for group in facts)


def quote_is_verbatim(quote: str, source_text: str) -> bool:
    return fold(quote) in fold(source_text)


def gold_in(g: GoldenQuestion, passage, source_text) -> list[int]:
    """Which of the question's gold evidence quotes (by index) lie within the passage."""
    text = source_text(passage.source)[passage.start:passage.end]
    return [n for n, (source, quote) in enumerate(g.evidence)
            if passage.source == source and quote_is_verbatim(quote, text)]


def grounded_correct(g: GoldenQuestion, answer, source_text) -> bool:
    """Answerable: not abstained, every expected fact in the answer text, every citation
    verbatim, at least one citation from a gold source, and a comment flagged as one.
    Unanswerable: abstained."""
    if not g.answerable:
        return answer.abstained
    if answer.abstained or not facts_found(g.facts, answer.text) or not answer.citations:
        return False
    if not all(quote_is_verbatim(c.quote, source_text(c.source)) for c in answer.citations):
        return False
    if not any(c.source in g.sources for c in answer.citations):
        return False
    return not g.comment or "comment" in answer.text.lower()
