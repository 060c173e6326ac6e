"""A list's answer as its document has it: the items of the marked list, table or section
that holds the most of the best evidence (a manual's steps, a table's rows, a licence's
lettered clauses), or the sections a question names by their headings. Used by
`overview.plan` for lists and comparisons."""

from __future__ import annotations

import bisect
import re
from typing import Callable

import numpy as np

from .. import text as T
from ..readers.base import SECTION_SEP
from ..types import BODY, ROW, Document, Sentence
from .evidence import Evidence, ScoredSentence

SECTION_ITEMS = (2, 12)  # a section with this many items can be a list's answer, whole
SECTION_VOTERS = 8  # the best ranked sentences that vote for the section they sit in
MAX_SECTIONS = 4  # sections one answer takes (each side of a comparison has its own)
KINDS = frozenset({BODY, ROW})  # what a point may be: no headlines, bylines, comments

ReadDocument = Callable[[str], tuple[list[Sentence], np.ndarray]]
DocumentOf = Callable[[str], "Document | None"]  # a source's Document (sections, text)


def section_points(evidence: Evidence, read_document: ReadDocument, document_of: DocumentOf,
                   bar: float, count: int | None, ordered: bool = False,
                   headed: str | None = None, only_named: bool = False
                   ) -> tuple[list[ScoredSentence], dict]:
    """The items of the one list or section that holds the most of the best evidence: steps,
    fees, options and rules are a section's list or table, whose items the judge scores one
    by one and each weakly (a step does not say it answers "what are the steps"). Votes are
    the scores of the best sentences that clear half the bar. A marked list (items opening
    with "-", "*", "•" or "1.") wins over the rest of its section, a numbered one when the
    question asks for steps (`ordered`); else the whole section, when it has a list's worth of
    items (SECTION_ITEMS). With `headed` (the question), the sections it names come first:
    those whose own heading's words (two or more) are all the question's ("Changes in 4.2.1"
    for "what changed in 4.2.1 compared with 4.2.0?"), in a document the evidence is from,
    all that it names; none named: the best voted, unless `only_named`."""
    votes: dict[tuple[str, int], float] = {}
    for s in evidence.ranked[:SECTION_VOTERS]:
        if s.score < bar / 2 or s.sentence.kind not in KINDS:
            continue
        document = document_of(s.source)
        if document is None:
            continue
        # -1: the text before the first heading (all of a document without headings)
        i = bisect.bisect_right([start for start, _ in document.sections], s.sentence.start) - 1
        votes[(s.source, i)] = votes.get((s.source, i), 0.0) + s.score
    named = _named_sections(headed, {s for s, _ in votes}, document_of)[:MAX_SECTIONS] \
        if headed is not None else []  # two when each side of a comparison has one
    keys = named or ([max(votes, key=votes.get)] if votes and not only_named else [])
    points: list[ScoredSentence] = []
    context: dict = {}
    for key in keys:
        items, inside = _section_items(evidence, read_document, document_of, key, bar, ordered)
        if not items:
            return [], {}
        points, context = points + items, {**context, **inside}
    return points[:count or SECTION_ITEMS[1]], context


def _section_items(evidence: Evidence, read_document: ReadDocument, document_of: DocumentOf,
                   key: tuple, bar: float, ordered: bool) -> tuple[list[ScoredSentence], dict]:
    """One section's answer (`section_points`): its heaviest marked list, else all of it, when
    that has a list's worth of items; and the sentences inside it. `key`: (source, section
    index), or (source, first, last index) for a span of sections."""
    source, i, *rest = key
    last = rest[0] if rest else i
    document = document_of(source)
    sections = document.sections
    start = sections[i][0] if i >= 0 else 0
    end = sections[last + 1][0] if last + 1 < len(sections) else len(document.text)
    sentences, _ = read_document(source)
    inside = [x for x in sentences if start <= x.start < end]
    items = [x for x in inside if x.kind in KINDS and not (
        x.kind == ROW and _RULE_BELOW.match(document.text, x.end))]  # a table's header row
    score = {s.sentence.id: s.score for s in evidence.ranked if s.score >= bar / 2}
    low, high = SECTION_ITEMS
    runs = [r for r in _runs(items, document.text)
            if sum(1 for x in r if _ITEM.match(x.text)) >= 2 and len(r) <= high]
    if ordered and any(_NUMBERED.match(r[0].text) for r in runs):  # steps are numbered
        runs = [r for r in runs if _NUMBERED.match(r[0].text)]
    # the heaviest; of equal weight, the shorter (a nested list, not the clauses around it)
    weight, best_run = max(((sum(score.get(x.id, 0.0) for x in r), r) for r in runs),
                           key=lambda wr: (wr[0], -len(wr[1])), default=(0.0, None))
    if weight > 0:
        items = best_run
    elif i < 0:  # no heading to bound it: only a marked list is a list's answer
        return [], {}
    if not low <= len(items) <= high:
        return [], {}
    best = {s.sentence.id: s for s in evidence.ranked}
    meta = next(s for s in evidence.ranked if s.source == source)
    return [best.get(x.id) or ScoredSentence(x, 0.0, 0.0, 0.0, None, title=meta.title,
                                             date=meta.date) for x in items], \
        {x.id: x for x in inside}


def _named_sections(question: str, sources: set[str], document_of: DocumentOf
                    ) -> list[tuple[str, int, int]]:
    """(source, first, last section index) of the sections of `sources` whose own heading
    (the last part of its path; not the first, the document's title) has two or more words,
    all of them the question's; each with the parts after it that sit under the same heading
    (a table's own header row, the text after the table)."""
    asked = set(T.tokenize(question))
    out = []
    for source in sorted(sources):
        document = document_of(source)
        sections = document.sections if document else ()
        last = -1
        for i, (_, path) in enumerate(sections):
            own = set(T.tokenize(path.split(SECTION_SEP)[-1]))
            if i > last and (i > 0 or SECTION_SEP in path) and len(own) >= 2 and own <= asked:
                last = i
                while last + 1 < len(sections) and (sections[last + 1][1] == path or sections[
                        last + 1][1].startswith(path + SECTION_SEP)):
                    last += 1
                out.append((source, i, last))
    return out


_RULE_BELOW = re.compile(r"[ \t]*\n[ \t]*\|?[ \t]*:?-{3,}")  # a Markdown table's rule line
_ITEM = re.compile(r"\s*(?:[-*•▪‣◦]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")  # a list item's mark
_NUMBERED = re.compile(r"\s*\(?\d{1,2}[.)]\s")
_LETTERED = re.compile(r"\s*\(?[a-z][.)]\s")


def _mark(text: str) -> str | None:
    """A list item's kind of mark: "number", "letter", "bullet"; None for no item."""
    if not _ITEM.match(text):
        return None
    return "number" if _NUMBERED.match(text) else "letter" if _LETTERED.match(text) else "bullet"


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _runs(items: list[Sentence], text: str) -> list[list[Sentence]]:
    """The marked lists among `items`: from a marked item, every sentence up to a paragraph
    break that no marked item follows (an item's second sentence stays with it); and within
    each, the lists of one kind of mark (numbers, letters, bullets) when it has several: a
    list nested in an item ("4. Redistribution" and its "(a)" to "(d)") is a list of its own,
    and a numbered list with bullets under a step is still one list too."""
    runs: list[list[Sentence]] = []
    run: list[Sentence] = []  # a run opens with a marked item
    for x in items:
        marked = _ITEM.match(x.text) is not None
        if run and (marked or not _PARAGRAPH_BREAK.search(text[run[-1].end:x.start])):
            run.append(x)
        else:
            if run:
                runs.append(run)
            run = [x] if marked else []
    if run:
        runs.append(run)
    return runs + [part for r in runs for part in _by_mark(r) if len(part) < len(r)]


def _by_mark(run: list[Sentence]) -> list[list[Sentence]]:
    """A run cut where its kind of mark changes (an item's other sentences stay with it)."""
    parts: list[list[Sentence]] = []
    style = None
    for x in run:
        mark = _mark(x.text)
        if parts and (mark is None or mark == style):
            parts[-1].append(x)
        else:
            parts.append([x])
            style = mark
    return parts
