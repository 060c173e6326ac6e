"""Plain-text helpers shared by indexing, retrieval and answering: sentence boundaries with
character offsets, the one tokeniser (BM25 and lexical overlap use the same), and extraction of
the facts a citation check cares about (numbers, money, dates, names)."""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "cllr", "st", "prof", "rev", "sr", "jr", "no", "vs", "co", "ltd",
    "inc", "gov", "dept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "e.g", "i.e", "approx", "cf", "fig", "mt", "u.k", "u.s",
}
_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘([«"
# A sentence ends at . ! ? (or …) plus any closing quotes/brackets, before whitespace.
_END = re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s)")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets inside text[start:end]; line breaks always end a sentence."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        spans.extend(_split_line(text, start + line.start(), start + line.end()))
    return spans


def _split_line(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    spans, begin = [], lo
    for m in _END.finditer(text, lo, hi):
        if not _is_boundary(text, m, hi):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
    spans.append((begin, hi))
    return [s for s in (_strip(text, a, b) for a, b in spans) if s[1] > s[0]]


def _is_boundary(text: str, m: re.Match, hi: int) -> bool:
    nxt = re.compile(r"\s+(\S)").match(text, m.end(), hi)
    if not nxt:
        return False
    ch = nxt.group(1)
    if not (ch.isupper() or ch.isdigit() or ch in _OPENERS or ch in "£$€"):
        return False
    if m.group(0).startswith("."):
        word = re.search(r"([\w.]+)$", text[max(0, m.start() - 12):m.start()])
        if word:
            w = word.group(1).lower()
            if w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                return False
    return True


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


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
def _stemmer():
    return Stemmer.Stemmer("english")


_BRITISH = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)\b")


def strip_accents(text: str) -> str:
    """Kücükdeveci -> Kucukdeveci: people type names without their diacritics."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
    return _stemmer().stemWords(toks)


# ---------------------------------------------------------------- facts

_MONTHS = ("january february march april may june july august september october november "
           "december").split()
MONTH_RE = "|".join(m.capitalize() for m in _MONTHS)
_MONEY = re.compile(r"[£$€]\s?\d+(?:[.,]\d+)*\s?(?:m|bn|k|million|billion|thousand)?\b", re.I)
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*(?=s?\b)")  # 1880 in "the 1880s" too
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
}


_DURATION_COUNTS = ("a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                    "ten", "several", "many", "few")

_ORDINALS = {
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
    "sixth": "6th", "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th",
}


def numbers(text: str) -> set[str]:
    """Every number stated in `text` (digits or simple number words), normalised."""
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    found |= {_NUMBER_WORDS[w] for w in words(text) if w in _NUMBER_WORDS}
    return {n.rstrip(".") for n in found}


def ordinals(text: str) -> set[str]:
    """Ranks stated in `text` ("third", "3rd"), normalised to 3rd."""
    found = {_ORDINALS[w] for w in words(text) if w in _ORDINALS}
    return found | {m.lower() for m in re.findall(r"\b\d+(?:st|nd|rd|th)\b", text)}


def has_money(text: str) -> bool:
    return bool(_MONEY.search(text))


_DATE = re.compile(
    rf"\b(?:{MONTH_RE})\b|\b(?:1\d{{3}}|20\d\d)s?\b|\b\d{{1,2}}(?:st|nd|rd|th) century\b|"
    rf"\b(?:{'|'.join(_DURATION_COUNTS)}|\d+(?:\.\d+)?) (?:years?|months?|weeks?|days?|hours?|"
    rf"decades?|centuries)\b|\b(?:last|next|this) (?:year|month|week)\b|\b(?:yesterday|today)\b",
    re.I)


def has_date(text: str) -> bool:
    """A date, year (1000-2099), decade, century or duration: what "when" and "how long"
    questions are answered with."""
    return bool(_DATE.search(text))


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial, stopwords or month names, and acronyms
    (two or more capitals) wherever they stand: a cheap NER. Names come back as `name_key`s,
    so GmbH and Gmbh, Kücükdeveci and Kucukdeveci are one."""
    found: set[str] = set()
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not word[0].isupper():
            continue
        low = word.lower()
        if low in STOPWORDS or low in _MONTHS:
            continue
        before = text[max(0, m.start() - 40):m.start()].rstrip()
        initial = not before or before[-1] in ".!?:\"“‘'(\n"
        if not initial or (len(word) > 1 and word.isupper()):
            found.add(name_key(word))
    return found


_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|unable|"
                       r"without)\b|\w(?:n['’]t)\b", re.I)


_EITHER_WAY = re.compile(r"\bor (?:\w+ )?no(?:t)?\b", re.I)


def negated(text: str) -> bool:
    """Whether the text says something is not so ("not", "never", "unable", "didn't", ...);
    "whether or not", "may or may not" say neither."""
    return bool(_NEGATION.search(_EITHER_WAY.sub(" ", text)))


def name_key(word: str) -> str:
    """The form names are compared in: no possessive, no diacritics, lower case, stemmed
    (Huguenots and Huguenot, Britain's and Britain are one name)."""
    bare = strip_accents(re.sub(r"['’]s?$", "", word.strip(".,;:'’\"“”()"))).lower()
    return _stemmer().stemWord(bare) if bare.isalpha() else bare


def mentions(text: str) -> set[str]:
    """Every name `text` could be said to mention: its `names`, and each of its words in
    `name_key` form (so a name written in lower case or sentence-initially still counts)."""
    return names(text) | {name_key(w) for w in text.split()}


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
