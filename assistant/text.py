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
    """Kücükdeveci -> Kucukdeveci: people type names without their diacritics. In Cyrillic
    only ё loses its mark (Russian writes it as е as often as not): й is a letter of its own
    (и with a breve), and "Лейн" must not become "Леин"."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    out: list[str] = []
    cyrillic = False
    for c in decomposed:
        if unicodedata.combining(c):
            if cyrillic and c == _BREVE:
                out.append(c)
            continue
        cyrillic = "\u0400" <= c <= "\u04ff"
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out)) if _BREVE in out else "".join(out)


_BREVE = "\u0306"  # й = и + breve


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


# Bump when `tokenize` changes what it returns: a saved BM25 copy made with other tokens is
# rebuilt at the next sync (`assistant.store.lexical`).
TOKENS = "2"
# A word's script names its stemmer (Snowball, from PyStemmer): a word in Cyrillic, Greek or
# Arabic letters gets its language's rules, any other the English ones, as before. Chinese and
# Japanese are written without spaces: a run of Han or kana becomes its overlapping character
# pairs (as Lucene's CJK bigrams), so that a question's words can meet a sentence's.
_SCRIPTS = (("russian", re.compile(r"[\u0400-\u04ff]")), ("greek", re.compile(r"[\u0370-\u03ff]")),
            ("arabic", re.compile(r"[\u0600-\u06ff\u0750-\u077f]")))
KANA = "\u3040-\u30ff"  # hiragana and katakana, for [...]
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # unified and compatibility ideographs
CJK_LETTERS = KANA + HAN
_CJK = re.compile(f"[{CJK_LETTERS}]+")


def unspaced(token: str) -> bool:
    """Whether a token is a character pair (or lone character) of Han or kana: a piece of a
    word, not a word."""
    return bool(_CJK.match(token))


@functools.lru_cache(maxsize=None)
def _stemmer_of(language: str):
    return Stemmer.Stemmer(language)


def _stem(word: str) -> list[str]:
    """A word's tokens: one stem; or, for a run of Han or kana, its character pairs (a lone
    character stands as itself)."""
    if _CJK.search(word):
        out: list[str] = []
        for part in re.split(f"({_CJK.pattern})", word):
            if _CJK.fullmatch(part):
                out += [part[i:i + 2] for i in range(max(1, len(part) - 1))]
            elif part:
                out += _stem(part)
        return out
    for language, letters in _SCRIPTS:
        if letters.match(word):
            return [_stemmer_of(language).stemWord(word)]
    return [stemmer().stemWord(word)]


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
    """Stemmed content tokens (stopwords removed): the one tokeniser for BM25 and overlap. A
    word's script chooses its stemmer; Han and kana are cut into character pairs (`_stem`)."""
    toks = [w for w in words(text) if w not in STOPWORDS]
    if all(w.isascii() for w in toks):  # the common case: English rules throughout
        return stemmer().stemWords(toks)
    return [t for w in toks for t in _stem(w)]


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
