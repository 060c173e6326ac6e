"""A plain-text document's paragraphs told apart, as saved web articles need: headline,
byline, dateline, body, photo caption, page furniture (sign-up lines, promos, related links)
and reader comments; and what its header says (title, date, author, publisher). Everyday
documents (letters, notes, handbooks) come through as headline and body: every rule here
asks for the signs of a published article before it takes a paragraph out of the body."""

from __future__ import annotations

import re
from datetime import date as Date

from .language.names import MONTH_RE
from .language.sentences import sentences
from .types import BODY, BYLINE, CAPTION, COMMENT, DATELINE, FURNITURE, HEADLINE, Span

HEADER_LINES = 8  # bylines and datelines are looked for among the first lines only

_FURNITURE = re.compile(
    r"sign up|newsletter|subscribe|membership|click (?:the )?link|"
    r"related .{0,40}content|^advertisement|^share (?:this|on)|^follow us|^read more|"
    r"^picture:|^photo:|^image:|cookie",
    re.I,
)
_CREDIT = re.compile(r"^(?:picture|photo|image):", re.I)
_RELATED = re.compile(r"related .{0,40}content|click (?:the )?link", re.I)
_PUBLISHER = re.compile(r"^(?:click link below for )?(?:related )?(.{2,40}?)\s+(?:digital membership|"
                        r"magazine|content:?)$", re.I)
_DATE_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RE}),?\s+(\d{{4}})\b", re.I)
_DATE_MDY = re.compile(rf"\b({MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_BY = re.compile(r"^by\s+(.{2,60})$", re.I)
_PERSON = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}$")


def classify(text: str, paras: list[tuple[int, int]], preset: list[str | None],
             headline: bool = True) -> list[str]:
    strings = [text[a:b] for a, b in paras]
    kinds = [BODY] * len(paras)
    dated = [i < HEADER_LINES and _is_dateline(s) for i, s in enumerate(strings)]
    seen: dict[str, int] = {}
    for s in strings:
        seen[s] = seen.get(s, 0) + 1
    first_copy: set[str] = set()
    for i, s in enumerate(strings):
        n_words = len(s.split())
        if n_words <= 15 and _is_furniture(s):
            kinds[i] = FURNITURE
        elif dated[i]:
            kinds[i] = DATELINE
        elif i < HEADER_LINES and (_BY.match(s) or (i < 4 and seen[s] == 1 and _PERSON.match(s)
                                                    and any(dated[max(0, i - 1):i + 2]))):
            kinds[i] = BYLINE  # a bare name is a byline only beside the article's date
        elif seen[s] > 1:  # photo captions and name tags repeated as lone lines
            keep = n_words >= 8 and s not in first_copy
            first_copy.add(s)
            kinds[i] = CAPTION if keep else FURNITURE
    for i, kind in enumerate(preset):
        if kind is not None:
            kinds[i] = kind
    _spread_furniture(strings, kinds)
    if headline and HEADLINE not in kinds:  # a file known to have no title has no headline
        _mark_headline(strings, kinds)
    _mark_comments(strings, kinds)
    return kinds


def _is_furniture(s: str) -> bool:
    """Page furniture of a saved web page (sign-up lines, promos, related links, credits): a
    short paragraph with one of its phrases that does not end a sentence ("Membership costs
    EUR 40 a year." is the document's own text), or a photo credit."""
    return bool(_FURNITURE.search(s)) and (s.rstrip()[-1:] not in ".!?" or bool(_CREDIT.match(s)))


def _is_dateline(s: str) -> bool:
    return len(s.split()) <= 12 and bool(_DATE_DMY.search(s) or _DATE_MDY.search(s))


def _spread_furniture(strings: list[str], kinds: list[str]) -> None:
    """Short unpunctuated lines next to furniture (promo headings, prices, related links)
    are furniture too."""
    changed = True
    while changed:
        changed = False
        for i, s in enumerate(strings):
            if kinds[i] != BODY or len(s.split()) > 12 or s.rstrip()[-1:] in ".!?\"”’":
                continue
            near = [kinds[j] for j in (i - 1, i + 1) if 0 <= j < len(strings)]
            after_related = i > 0 and _RELATED.search(strings[i - 1])
            if FURNITURE in near or after_related:
                kinds[i] = FURNITURE
                changed = True


def _mark_headline(strings: list[str], kinds: list[str]) -> None:
    for i, s in enumerate(strings[:HEADER_LINES]):
        if kinds[i] != BODY:
            continue
        quoted = s[:1] in "\"“'‘" and s[-1:] in "\"”'’"
        if quoted or (len(s.split()) <= 25 and s.rstrip()[-1:] not in ".!?:"):
            kinds[i] = HEADLINE
        return


# Cues of a reader comment rather than reporting, with weights. A trailing run of lines that
# each score at least 2 (and attribute nothing to a source) is tagged as reader comments.
_COMMENT_CUES = (
    (re.compile(r"!"), 1),
    (re.compile(r"\?"), 1),
    (re.compile(r"^(?:wow|lol|pity|shame|sadly|agreed|well said|rubbish|disgraceful)\b", re.I), 2),
    (re.compile(r"\b(?:i|i'm|i’m|my|me|imho|imo)\b", re.I), 1),
    (re.compile(r"^[A-Z][a-z]+,?\s+(?:arn|aren|isn|don|you|your)\w*\b"), 2),  # "Marilyn, you..."
    (re.compile(r"\b(?:arn’t|arn't|lol|u|ur)\b", re.I), 1),
)
_ATTRIBUTION = re.compile(r"(?<!well )\b(?:said|says|according to|stated|added|told)\b", re.I)


def _comment_score(s: str) -> int:
    if _ATTRIBUTION.search(s) or s[:1] in "\"“":
        return 0
    return sum(weight for cue, weight in _COMMENT_CUES if cue.search(s))


def _mark_comments(strings: list[str], kinds: list[str]) -> None:
    """Reader comments end a published article: a trailing run of paragraphs that read like
    comments, of at least two paragraphs unless the document has a byline or dateline (a
    letter that ends "Any questions? Call me!" has no reader comments)."""
    article = any(k in (BYLINE, DATELINE) for k in kinds)
    i = len(strings) - 1
    while i >= 0 and kinds[i] == FURNITURE:
        i -= 1
    last_comment = None
    while i >= 0 and kinds[i] == BODY and _comment_score(strings[i]) >= 2:
        last_comment = i
        i -= 1
    run = sum(kinds[j] == BODY for j in range(last_comment or 0, len(strings)))
    if last_comment is not None and last_comment > 0 and (article or run >= 2):
        for j in range(last_comment, len(strings)):
            if kinds[j] == BODY:
                kinds[j] = COMMENT


# ---------------------------------------------------------------- metadata

# A line that only underlines or overlines a heading (reStructuredText, setext Markdown).
_RULE_LINE = re.compile(r"^\s*([=\-~^*#+_`:.'\"])\1{2,}\s*$")


def title(text: str, spans: tuple[Span, ...]) -> str:
    for span in spans:
        if span.kind == HEADLINE:
            lines = text[span.start:span.end].splitlines()
            words = " ".join(x.strip() for x in lines if not _RULE_LINE.match(x))
            return words.strip("\"“”'‘’ ")
    for span in spans:
        if span.kind == BODY:
            first = sentences(text, span.start, span.end)[0]
            words = text[first[0]:first[1]].rstrip(".").split()
            return " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    return ""


def date(text: str, spans: tuple[Span, ...]) -> str | None:
    for span in spans:
        if span.kind != DATELINE:
            continue
        s = text[span.start:span.end]
        if m := _DATE_DMY.search(s):
            day, month, year = m.group(1), m.group(2), m.group(3)
        elif m := _DATE_MDY.search(s):
            month, day, year = m.group(1), m.group(2), m.group(3)
        else:
            continue
        try:
            return Date(int(year), _month(month), int(day)).isoformat()
        except ValueError:
            continue
    return None


def _month(name: str) -> int:
    return [m.lower() for m in MONTH_RE.split("|")].index(name.lower()) + 1


def author(text: str, spans: tuple[Span, ...]) -> str | None:
    for span in spans:
        if span.kind == BYLINE:
            s = text[span.start:span.end]
            m = _BY.match(s)
            return (m.group(1) if m else s).strip()
    return None


def publisher(text: str, spans: tuple[Span, ...]) -> str | None:
    for span in spans:
        if span.kind == FURNITURE and (m := _PUBLISHER.match(text[span.start:span.end].strip())):
            return m.group(1).strip()
    return None
