"""Plain-text helpers shared by indexing, retrieval and answering: the one tokeniser (BM25 and
lexical overlap use the same), text folding for comparisons, and the recognition of text
addressed to a language model. Sentence boundaries and the facts a text states are in
`assistant.language`."""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer


def strip_accents(text: str) -> str:
    """Kücükdeveci -> Kucukdeveci: people type names without their diacritics."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Lower-case, straight quotes, single spaces: for comparing quotes with source text."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return normalise_space(text).lower()


# ---------------------------------------------------------------- tokens

STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing for from had has have
    having he her hers him his how i if in into is it its itself me my of on or our ours she should
    so than that the their theirs them then there these they this those to too was we were what
    when where which while who whom why will with would you your yours about after again against
    all also am any because before between both during each few further here just more most no nor
    not now off once only other out over own same some such through under until up very s t
    said says tell told according""".split()
)
_UNITS = {"m": "million", "mn": "million", "bn": "billion", "k": "thousand", "%": "percent"}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|%")


@functools.lru_cache(maxsize=1)
def stemmer():
    return Stemmer.Stemmer("english")


_BRITISH = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)\b")


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens; £22m, £22million and £22 million agree, and so do
    British and American spellings (criticised, criticized) and accented and plain letters."""
    text = _BRITISH.sub(r"iz\1", strip_accents(fold(text)).replace("per cent", "percent"))
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if out and out[-1][0].isdigit() and tok in _UNITS:
            tok = _UNITS[tok]
        elif tok == "%":
            tok = "percent"
        out.append(tok.replace(",", "") if tok[0].isdigit() else tok)
    return out


def near_duplicate(a: str, b: str, threshold: float = 0.6) -> bool:
    """Two texts sharing most of their content words (the same quote in two articles)."""
    ta, tb = set(tokenize(a)), set(tokenize(b))
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) > threshold


def tokenize(text: str) -> list[str]:
    """Stemmed content tokens (stopwords removed): the one tokeniser for BM25 and overlap."""
    toks = [w for w in words(text) if w not in STOPWORDS]
    return stemmer().stemWords(toks)


# Text addressed to a language model (or to whoever answers) rather than to a reader: a prompt
# injection. Such sentences are never evidence: neither quoted, nor shown to a model, nor
# accepted as the support of an answer. Imperatives count only where a statement would not use
# them: at the start of a sentence, or after "you must" / "the assistant should".
_INSTRUCTIONS = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|sources|"
    r"documents?|passages?|context|guidelines)\b|\bsystem prompt\b|\byou are (?:now )?(?:an?|the) "
    r"(?:ai|assistant|language model|chatbot)\b|\b(?:reply|respond|answer) (?:only )?with\b.{0,10}:|"
    r"\b(?:tell|inform) the (?:user|reader)\b|\bas an ai\b|"
    r"^\W*(?:please\s+)?(?:ignore|disregard|forget|pretend)\b|"
    r"^\W*(?:please\s+)?(?:say|state|claim|answer|reply|respond)\s+(?:that|with|only|every|all)\b|"
    r"\byou (?:must|should|will|have to|need to)\s+(?:always\s+|now\s+|only\s+)?"
    r"(?:answer|say|reply|respond|state|tell|ignore|claim|mention|write)\b|"
    r"\b(?:the|an?) (?:assistant|ai|chatbot|language model|model)\s+(?:must|should|will|has to)\b",
    re.I,
)


def looks_like_instructions(text: str) -> bool:
    return bool(_INSTRUCTIONS.search(text))
