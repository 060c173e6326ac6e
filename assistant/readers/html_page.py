"""What the HTML reader does to a page before and beside trafilatura (`html`): the page tree
made ready for extraction (permalink marks out, list items that start with a link kept), the
page's date, and permalink marks taken out of a title or heading.

- Permalink marks: the "¶", "#" or "§" anchor a documentation generator puts after each
  heading (Sphinx, AsciiDoc, MkDocs, GitHub) is an <a> whose text is only that mark, or whose
  class or title says "headerlink"/"anchor"/"permalink"; it is removed before extraction, and
  `strip_marks` takes one off the end of a title that still carries it.
- List items that start with a link ("<li><a>tomllib</a>: for parsing TOML…</li>"):
  trafilatura drops a list whose text is mostly links as navigation, which took whole
  sections of reference pages with it. In an item whose own words, outside its links, are
  at least three, the links are unwrapped to plain text (links are not kept anyway); a menu or
  a list of related links, whose items are only links, is left for trafilatura to drop.
- The date is the page's own: its metadata (article:published_time, DC.date, JSON-LD
  datePublished…), a <time datetime> outside code, an element classed as the date
  (class="pubdate"), or a "last updated/modified/published" line of the page; never a date in
  a code block or an example, and none rather than a guess.
"""

from __future__ import annotations

import re

from .base import iso_date, text_date

_MARK = re.compile(r"^\s*[¶#§🔗]\s*$")
_MARK_CLASS = re.compile(r"headerlink|anchor|permalink", re.I)
_TRAILING_MARK = re.compile(r"\s*[¶§🔗]+\s*$")


def strip_marks(text: str) -> str:
    """`text` without a permalink mark at its end ("General Python FAQ¶" -> "General Python FAQ")."""
    return _TRAILING_MARK.sub("", text)


def prepare(raw: bytes):
    """The page's lxml tree, made ready for extraction (module docstring); None when it
    cannot be parsed (trafilatura then reads the bytes itself)."""
    from trafilatura.utils import load_html

    try:
        tree = load_html(raw)
    except Exception:  # a page lxml cannot parse: left to trafilatura as it was
        return None
    if tree is None:
        return None
    for a in tree.iter("a"):
        if _is_permalink(a):
            _drop(a)
    for li in tree.iter("li", "dd"):
        links = [a for a in li.iter("a")]
        if links and _own_words(li, links) >= 3:
            for a in links:
                a.drop_tag()
    return tree


def _is_permalink(a) -> bool:
    text = a.text_content()
    href = a.get("href") or ""
    if _MARK.match(text) and (not href or href.startswith("#")):
        return True
    hint = " ".join(a.get(k) or "" for k in ("class", "title", "aria-label"))
    return bool(_MARK_CLASS.search(hint)) and len(text.split()) <= 1


def _drop(element) -> None:
    """Remove an element but keep its tail text."""
    if element.getparent() is not None:
        element.drop_tree()


def _own_words(element, links) -> int:
    total = len(element.text_content().split())
    return total - sum(len(a.text_content().split()) for a in links)


# ---------------------------------------------------------------- the page's date

_META_DATES = ("article:published_time", "og:published_time", "datepublished", "dc.date.issued",
               "dc.date", "dcterms.issued", "dcterms.created", "date", "pubdate", "publish-date",
               "article:modified_time", "datemodified", "dcterms.modified", "last-modified")
_CODE = {"pre", "code", "kbd", "samp", "script", "style", "textarea", "var"}
# "Last updated on", "This page last modified on", "Posted in Club news, 8 January 2024": a
# date within a few words after, in a short line of its own (a sentence of the text that
# mentions an update is not the page's date).
_STAMP = re.compile(r"(?i)\b(?:last\s+)?(?:updated|modified|changed|revised|published|posted)\b([^.;]{0,40})")
_STAMP_WORDS = 30  # the most words of the paragraph, or of the text between line breaks
_PARAGRAPHS = {"p", "li", "td", "dd", "blockquote"}


def page_date(tree) -> str | None:
    """The page's date (module docstring), ISO yyyy-mm-dd, or None."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _META_DATES and key not in found and (date := iso_date(meta.get("content"))):
            found[key] = date
    for key in _META_DATES:
        if key in found:
            return found[key]
    return _json_ld_date(tree) or _time_date(tree) or _class_date(tree) or _stamp_date(tree)


def _json_ld_date(tree) -> str | None:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        m = re.search(r'"date(?:Published|Created|Modified)"\s*:\s*"([^"]+)"', script.text)
        if m and (date := iso_date(m.group(1))):
            return date
    return None


def _in_code(element) -> bool:
    return any(a.tag in _CODE for a in element.iterancestors())


def _time_date(tree) -> str | None:
    for time in tree.iter("time"):
        if not _in_code(time) and (date := iso_date(time.get("datetime"))):
            return date
    return None


_DATE_CLASS = re.compile(r"(?i)^(?:pubdate|published|date|dateline|post-?date|entry-date|updated|modified)$")


def _class_date(tree) -> str | None:
    """The date an element marked as the page's date holds (DocBook's class="pubdate")."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or _in_code(element):
            continue
        if any(_DATE_CLASS.match(c) for c in (element.get("class") or "").split()):
            if date := text_date(element.text_content()):
                return date
    return None


def _stamp_date(tree) -> str | None:
    """The date of a "Last updated on 7 October 2026" line, outside code and examples."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _CODE or _in_code(element):
            continue
        for text, is_tail in ((element.text, False), (element.tail, True)):
            if not text or not _STAMP.search(text):
                continue
            holder = element.getparent() if is_tail else element
            line = holder.text_content() if holder is not None and holder.tag in _PARAGRAPHS else text
            if len(line.split()) > _STAMP_WORDS:
                continue
            for m in _STAMP.finditer(" ".join(_following(element, text, is_tail).split())):
                if date := _first_date(m.group(1) + m.string[m.end():m.end() + 30]):
                    return date
    return None


def _first_date(s: str) -> str | None:
    """The first date written in `s` (`text_date` at each word)."""
    for m in re.finditer(r"\S+", s):
        if date := text_date(s[m.start():]):
            return date
    return None


def _following(element, text: str, is_tail: bool) -> str:
    """`text` and, when the date sits in the next element ("modified on <a>2021-07-27</a>"),
    that element's text."""
    nxt = element.getnext() if is_tail else (element[0] if len(element) else None)
    return text + " " + (nxt.text_content() if nxt is not None and nxt.tag not in _CODE else "")
