"""Checking each answer sentence against the evidence it cites.

A sentence is supported when
  * every number (amounts, years, counts), month and name it states appears in the evidence it
    cites (or, for names and dates, in that evidence's passage and document header), and
  * it means what the evidence says: its embedding is close to a cited item's, or most of its
    content words are in the cited items.
Sentences that fail are reported with the reasons, so they can be dropped or shown as marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from .. import text as T
from ..language import names as N
from ..language.identify import language_of
from ..language.questions import asks_yes_no
from ..language.sentences import sentences
from ..types import COMMENT, Answer, Document, SentenceSupport

# cosine between sentence and its best cited item, under MiniLM; each embedder carries its own
# (`semantic_floor`, matched on tune documents: python -m evals.semantic_floor)
SEMANTIC_MIN = 0.55
LEXICAL_MIN = 0.6  # share of the sentence's content words found in the cited items
_MARKERS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_YES_NO = re.compile(r"^\s*(?:yes|no)[.,!]?\s*$", re.I)


@dataclass(frozen=True)
class EvidenceItem:
    """One numbered piece of evidence shown to the model (one or two adjacent sentences)."""

    number: int
    source: str
    start: int
    end: int
    text: str
    kind: str
    title: str
    date: str | None
    context: str  # the whole passage plus title and date: where names and dates may be found
    vector: np.ndarray
    fits_question: bool | None = None  # holds the kind of fact asked for (see evidence.fits)
    score: float = 0.0  # its evidence score
    fits_type: bool | None = None  # states the kind of fact asked for, whatever kind it is


def split_answer(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Answer text -> [(sentence without markers, cited numbers)]. Markers trailing a sentence
    ("... a year. [1]") belong to it."""
    pieces: list[tuple[str, tuple[int, ...]]] = []
    # Markers are masked (same length, so offsets hold) before splitting: "[2][3]." confuses
    # the segmenter, and a marker is never a sentence's content.
    spans = sentences(_MARKERS.sub(lambda m: " " * len(m.group(0)), text))
    for i, (a, b) in enumerate(spans):
        if i and _YES_NO.match(text[spans[i - 1][0]:spans[i - 1][1]]):
            a = spans[i - 1][0]  # "No. It would be ..." is one claim
        elif _YES_NO.match(text[a:b]) and i + 1 < len(spans):
            continue
        chunk = text[a:b]
        nums = tuple(int(n) for m in _MARKERS.finditer(chunk)
                     for n in re.split(r"\s*[,;]\s*", m.group(1)))
        clean = T.normalise_space(_MARKERS.sub("", chunk))
        if not clean.strip(" .") and pieces:  # a lone "[2]" after the full stop
            prev, prev_nums = pieces[-1]
            pieces[-1] = (prev, prev_nums + nums)
        elif clean.strip(" ."):
            pieces.append((clean, tuple(dict.fromkeys(nums))))
    return pieces


def check_facts(sentence: str, items: list[EvidenceItem], question: str = "") -> list[str]:
    problems = []
    cited = " ".join(i.text for i in items)
    around = " ".join(f"{i.text} {i.context}" for i in items)
    for n in sorted(N.numbers(sentence) - N.numbers(cited) - _date_numbers(around)):
        problems.append(f"number {n} is not in the cited source")
    for rank in sorted(N.ordinals(sentence) - N.ordinals(cited)):
        problems.append(f"rank {rank} is not in the cited source")
    for month in sorted(N.months(sentence) - N.months(around)):
        problems.append(f"date {month} is not in the cited source")
    for when in sorted(N.month_years(sentence) - N.month_years(around)):
        problems.append(f"date {when} is not in the cited source")
    # A name must be in the cited text or its document's title. The rest of the passage
    # counts only for names the question gives too ("he" in the cited sentence is the
    # passage's "Bismarck"); a name found only there is as likely a look-alike ("TEU" for the
    # source's "TFEU"), and one the passage lacks is a premise the sources do not support.
    said = f"{cited} {' '.join(i.title for i in items)}"
    lang = language_of(question)
    known = N.mentions(said) | (N.names(question, lang) & N.mentions(around))
    for name in sorted(N.names(sentence, lang) - known):
        problems.append(f"name {name} is not in the cited source")
    return problems


def _date_numbers(text: str) -> set[str]:
    """Years and days from dates (a document's date may be cited as "in 2018")."""
    return {n for n in N.numbers(text) if len(n) == 4 and n[:1] in "12"} | set(
        re.findall(r"\b(\d{4})-\d\d-\d\d\b", text))


def lexical_support(sentence: str, items: list[EvidenceItem]) -> float:
    words = set(T.tokenize(sentence))
    if not words:
        return 1.0
    have = set(T.tokenize(" ".join(i.text for i in items)))
    return len(words & have) / len(words)


def said_around(items: list[EvidenceItem]) -> set[str]:
    """The words the cited items and their surroundings (passage, title, date) say."""
    return set(T.tokenize(" ".join(f"{i.text} {i.context}" for i in items)))


def _words(text: str) -> set[str]:
    """The text's tokens that are words: not the character pairs Chinese and Japanese are cut
    into, which a faithful restatement changes at every join ("该工厂在…" against "该工厂生产…").
    The checks that ask which words a sentence adds leave those scripts to the meaning check."""
    return {t for t in T.tokenize(text) if not T.unspaced(t)}


def echoed_question(sentence: str, items: list[EvidenceItem], question: str) -> list[str]:
    """Words the sentence takes from the question that its sources never say, when they are
    most of what it takes: a model pinning the question onto unrelated evidence ("The
    inspection cost £62m" from "£62m into services"). A restatement that keeps the question's
    subject ("Henry IV was known as Henry of Navarre before taking the throne") passes."""
    from_question = _words(sentence) & _words(question)
    missing = sorted(from_question - said_around(items))
    return missing if len(missing) >= 2 and len(missing) > len(from_question) / 2 else []


# A clause that gives a cause, purpose or comparison: checked on its own, since a sentence can
# be close to its source as a whole while its "because ..." is invented.
_CLAUSE = re.compile(r"\b(?:because(?: of)?|due to|owing to|as a result of|thanks to|in order to|"
                     r"so that|rather than|more than|less than|instead of|unlike|caused by|"
                     r"led to|following)\b", re.I)
CLAUSE_MIN = 0.5  # share of a clause's content words its cited sources must hold


def unsupported_clauses(sentence: str, items: list[EvidenceItem]) -> list[str]:
    """Cause/purpose/comparison clauses whose content words the cited sources mostly lack."""
    said = said_around(items)
    found = []
    for m in _CLAUSE.finditer(sentence):
        clause = re.split(r"[,;:.]", sentence[m.end():], maxsplit=1)[0]
        words = set(T.tokenize(clause))
        if words and len(words & said) / len(words) < CLAUSE_MIN:
            found.append(f"{m.group(0)}{clause}".strip())
    return found


NEW_MIN = 0.5  # share of what a sentence adds to the question that its cited text must hold


def unsupported_addition(sentence: str, items: list[EvidenceItem], question: str) -> str | None:
    """What a sentence adds to the question is its answer, and that part must stand in the text
    it cites, not merely near it: a right fact cited to the neighbouring sentence, or a question
    restated with nothing added ("Sadat was seeking to release Islamists"), fails. The cited
    items' titles, dates and kind count as said (an answer may name its source's date)."""
    if not question:
        return None
    new = set(T.tokenize(sentence)) - set(T.tokenize(question))
    added = {t for t in new if not T.unspaced(t)}
    if not added:
        if new:
            return None  # it adds only Chinese or Japanese: left to the meaning check
        return None if asks_yes_no(question) else "restates the question without answering it"
    said = " ".join(f"{i.text} {i.context.rsplit(chr(10), 1)[-1]}"
                    f"{' reader comment' if i.kind == COMMENT else ''}" for i in items)
    missing = sorted(added - set(T.tokenize(said)))
    if len(missing) > len(added) * (1 - NEW_MIN):
        return f"adds what its cited source does not say ({', '.join(missing)})"
    return None


NEGATION_PROBLEM = "says something is not so where its cited source says no such thing"
YES_NO_LEAD = re.compile(r"^\s*(?:yes|no)\s*[.,!:]\s*", re.I)  # "Yes." / "No," before a claim


def unsupported_negation(sentence: str, items: list[EvidenceItem]) -> bool:
    """A claim that something is not so ("MPs are unable to vote on ...") cited to text that
    negates nothing ("MPs are able to vote on ...") states the opposite of its source, however
    close the two are in words and meaning. (A "No." lead to a yes/no answer is the answer's
    verdict, not part of the claim.)"""
    return N.negated(YES_NO_LEAD.sub("", sentence)) and not any(N.negated(i.text) for i in items)


def verify(sentence: str, cited: tuple[int, ...], items: dict[int, EvidenceItem],
           vector: np.ndarray, question: str = "", floor: float = SEMANTIC_MIN
           ) -> SentenceSupport:
    """`floor`: the embedder's cosine under which two sentences say different things."""
    known = [items[n] for n in cited if n in items]
    if not known:
        reason = "cites no source" if not cited else f"cites unknown source {cited}"
        return SentenceSupport(sentence, cited, False, 0.0, (reason,))
    problems = check_facts(sentence, known, question)
    if any(T.looks_like_instructions(i.text) for i in known):
        problems.append("its source is an instruction to the reader, not a statement")
    if question and (echo := echoed_question(sentence, known, question)):
        problems.append(f"puts the question's words ({', '.join(echo)}) on a source that lacks them")
    for clause in unsupported_clauses(sentence, known):
        problems.append(f"the cited source does not say “{clause}”")
    if unsupported_negation(sentence, known):
        problems.append(NEGATION_PROBLEM)
    if addition := unsupported_addition(sentence, known, question):
        problems.append(addition)
    if N.numbers(sentence) and known and all(i.fits_question is False for i in known):
        problems.append("states an amount from a source that is not about what was asked")
    semantic = max(float(vector @ i.vector) for i in known)
    lexical = lexical_support(sentence, known)
    if semantic < floor and lexical < LEXICAL_MIN:
        problems.append(f"does not say what the cited source says (similarity {semantic:.2f})")
    return SentenceSupport(sentence, tuple(i.number for i in known), not problems,
                           round(semantic, 3), tuple(problems))


def recite(sentence: str, cited: tuple[int, ...], items: dict[int, EvidenceItem],
           vector: np.ndarray, question: str = "", floor: float = SEMANTIC_MIN
           ) -> SentenceSupport | None:
    """For a sentence cited wrongly or not at all: its support by the one item that supports
    it best (most similar first), if any does, noting the re-citation."""
    for number in sorted(items, key=lambda n: -float(vector @ items[n].vector)):
        support = verify(sentence, (number,), items, vector, question, floor)
        if support.supported:
            return replace(support, problems=(f"cited {list(cited) or 'nothing'}; "
                                              f"re-cited to [{number}]",))
    return None


def located(answer: Answer, document_of: Callable[[str], Document]) -> Answer:
    """Each citation with its page (PDFs) and section heading, from its document
    (`document_of(source)`; a KeyError leaves a citation as it is)."""
    out = []
    for c in answer.citations:
        try:
            doc = document_of(c.source)
        except KeyError:
            out.append(c)
            continue
        out.append(replace(c, page=doc.page_at(c.start), section=doc.section_at(c.start)))
    return replace(answer, citations=tuple(out))
