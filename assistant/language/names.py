"""Names, numbers, ranks, months and negation as the citation check compares them: the facts an
answer sentence must share with the text it cites. Every comparison goes through one
normal form (`name_key`: no diacritics, no possessive, lower case, stemmed; numbers without
separators), so "Kücükdeveci" and "Kucukdeveci", "Britain's" and "Britain", "1,200" and
"1200" agree."""

from __future__ import annotations

import re

from ..text import CJK_LETTERS, STOPWORDS, stemmer, strip_accents
from .facts import NUMBER_WORDS

MONTHS = ("january february march april may june july august september october november "
           "december").split()
MONTH_RE = "|".join(m.capitalize() for m in MONTHS)
# 1880 in "the 1880s", 22 in "£22m"; and 999 in "在999年" (Chinese and Japanese write numbers
# against their words: a Han or kana character either side of one is a boundary)
_NUMBER = re.compile(rf"(?<![^\W{CJK_LETTERS}])\d+(?:[.,]\d+)*(?=[^\W\d_]*\b|[{CJK_LETTERS}])")
# Number words a sentence and its source may use for the same figure ("six" and "6"). Scale
# words are left out: "£22m" and "£22 million" must agree.
_COUNT_WORDS = {w: n for w, n in NUMBER_WORDS.items()
                if w not in ("thousand", "million", "billion", "dozen", "zero")}
_ORDINALS = {
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
    "sixth": "6th", "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_LOWER_WORD = re.compile(r"[^\W\d_]+")


def _lower_words(text: str) -> list[str]:
    return _LOWER_WORD.findall(strip_accents(text).lower())


def numbers(text: str) -> set[str]:
    """Every number stated in `text` (digits or simple number words), normalised."""
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    found |= {_COUNT_WORDS[w] for w in _lower_words(text) if w in _COUNT_WORDS}
    return {n.rstrip(".") for n in found}


def ordinals(text: str) -> set[str]:
    """Ranks stated in `text` ("third", "3rd"), normalised to 3rd."""
    found = {_ORDINALS[w] for w in _lower_words(text) if w in _ORDINALS}
    return found | {m.lower() for m in re.findall(r"\b\d+(?:st|nd|rd|th)\b", text)}


def months(text: str) -> set[str]:
    return set(re.findall(rf"\b(?:{MONTH_RE})\b", text))


def month_years(text: str) -> set[str]:
    return set(re.findall(rf"\b(?:{MONTH_RE})\s+(?:19|20)\d\d\b", text))


def names(text: str, lang: str = "en") -> set[str]:
    """Capitalised words that are not sentence-initial, stopwords or month names, and acronyms
    (two or more capitals) wherever they stand: a cheap NER. Names come back as `name_key`s,
    so GmbH and Gmbh, Kücükdeveci and Kucukdeveci are one. German capitalises every noun, so
    when `lang` (the question's language) is German ("Die Pest traf Oslo im Jahr 1654.") only
    acronyms count: a capital says nothing there about "Jahr" being a name."""
    found: set[str] = set()
    german = lang == "de"
    for m in _WORD.finditer(text):
        word = m.group(0)
        acronym = len(word) > 1 and word.isupper()
        if not word[0].isupper() or (german and not acronym):
            continue
        low = word.lower()
        if low in STOPWORDS or low in MONTHS:
            continue
        before = text[max(0, m.start() - 40):m.start()].rstrip()
        initial = not before or before[-1] in ".!?:\"“‘'(\n"
        if not initial or acronym:
            found.add(name_key(word))
    return found


def name_key(word: str) -> str:
    """The form names are compared in: no possessive, no diacritics, lower case, stemmed
    (Huguenots and Huguenot, Britain's and Britain are one name)."""
    bare = strip_accents(re.sub(r"['’]s?$", "", word.strip(".,;:'’\"“”()"))).lower()
    return stemmer().stemWord(bare) if bare.isalpha() else bare


def mentions(text: str) -> set[str]:
    """Every name `text` could be said to mention: its `names`, and each of its words in
    `name_key` form (so a name written in lower case or sentence-initially still counts)."""
    return names(text) | {name_key(w) for w in text.split()}


_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|unable|"
                       r"without)\b|\w(?:n['’]t)\b", re.I)
_EITHER_WAY = re.compile(r"\bor (?:\w+ )?no(?:t)?\b", re.I)


def negated(text: str) -> bool:
    """Whether the text says something is not so ("not", "never", "unable", "didn't", ...);
    "whether or not", "may or may not" say neither."""
    return bool(_NEGATION.search(_EITHER_WAY.sub(" ", text)))
