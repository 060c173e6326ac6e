"""The HTML reader's own walk of a page, for when trafilatura loses its text or structure.

A page that marks its main content (an element with role="main", or one <main>) has said
where its text is; reference pages (Sphinx, MkDocs, many documentation generators) do. On
such pages trafilatura's link-density and section pruning dropped whole sections (a "What's
New" page's entries about PEPs, an FAQ's answers with code), turned lists into paragraphs and
broke tables into loose cells. When trafilatura's text lost prose of the marked region
(`needs_own_walk`), `main_tree` converts that region instead into the same XML trafilatura writes
(head, p, list/item, table/row/cell, quote, code, lb), so the reader walks either the same
way. Inside the region, what is not text is left out as trafilatura would: scripts, styles,
forms and buttons, nav/aside/footer elements and navigation roles, hidden elements, lists
whose every item is only a link (a table of contents, a menu), and a container holding only
such a list and its short label ("Table of Contents").

A page that marks nothing can still lose structure: trafilatura dropped every heading of a
DocBook page while keeping its sections. When it dropped the headings of sections it kept
(`lost_headings`), the page's body is converted and cut down to trafilatura's own selection
(`Kept`, `keep_only`): its choice of what is content, with the page's headings, rows and items,
each section's text however short, and the whole of a chapter it kept part of.
"""

from __future__ import annotations

import re

PROSE_WORDS = 8  # a block this long that trafilatura dropped was text, not furniture...
LOST = 0.02  # ...and this share of the region's words lost that way: walk the region ourselves
LABEL_WORDS = 4  # the most words of a list of links' label ("Table of Contents", "On this page")

_SKIP = {"script", "style", "noscript", "template", "nav", "aside", "footer", "form", "button",
         "input", "select", "textarea", "svg", "iframe", "img", "picture", "video", "audio",
         "object", "canvas", "map"}
_SKIP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog"}
_HEADINGS = {f"h{n}" for n in range(1, 7)}
_CONTAINERS = {"div", "section", "article", "main", "figure", "header", "details", "center"}
_LABELS = _HEADINGS | {"p", "div", "span", "b", "strong"}
_WORD = re.compile(r"\w+")


def main_region(tree):
    """The element the page marks as its main content, or None."""
    marked = tree.xpath('//*[@role="main"]') or tree.xpath("//main")
    return marked[0] if len(marked) == 1 else None


def needs_own_walk(converted, extracted_text: str) -> bool:
    """Whether trafilatura's text (`extracted_text`) lost prose of the marked region (as
    `main_tree` converted it): blocks of at least `PROSE_WORDS` words, less than half of them
    in its text, holding at least `LOST` of the region's words. What trafilatura rightly
    leaves out of a marked region is short (a byline, a share bar, "Is this page useful?",
    a newsletter's call); what it wrongly drops is paragraphs, list items and code."""
    got = _shingles(extracted_text)
    total = lost = 0
    for block in _leaves(converted):
        text = "".join(block.itertext())
        words, shingles = len(_WORD.findall(text)), _shingles(text)
        total += words
        if words >= PROSE_WORDS and len(shingles & got) < len(shingles) / 2:
            lost += words
    return total > 0 and lost / total >= LOST


def _leaves(converted):
    """The converted tree's leaf blocks in order (a container's own blocks, not it)."""
    for block in converted.iter("p", "head", "item", "code", "row"):
        if not any(c.tag in ("p", "list", "code", "table", "div", "quote") for c in block):
            yield block


class Kept:
    """What of a converted tree trafilatura's text (`extracted_text`) holds: a block whose
    runs of three words are mostly in it, or, for a block of one or two words, whose words
    are; a heading is held when the block after it is (trafilatura reads many headings as
    the page's title or drops them, keeping their sections)."""

    def __init__(self, converted, extracted_text: str) -> None:
        self._runs = _shingles(extracted_text)
        self._words = {w.lower() for w in _WORD.findall(extracted_text)}
        self.leaves = list(_leaves(converted))
        self.held = [self._holds(b) for b in self.leaves]

    def _holds(self, block) -> bool:
        text = "".join(block.itertext())
        runs = _shingles(text)
        if runs:
            return len(runs & self._runs) >= len(runs) / 2
        words = {w.lower() for w in _WORD.findall(text)}
        return bool(words) and words <= self._words

    def heading_followed(self, i: int) -> bool:
        """Whether the first block after heading `i` that is not a heading is held."""
        for block, held in zip(self.leaves[i + 1:], self.held[i + 1:]):
            if block.tag != "head":
                return held
        return False


def lost_headings(kept: Kept) -> bool:
    """Whether trafilatura dropped the headings of sections it kept: at least three such
    headings, and at least half of all the headings over kept sections."""
    over = [i for i, b in enumerate(kept.leaves) if b.tag == "head" and kept.heading_followed(i)]
    lost = [i for i in over if not kept.held[i]]
    return len(lost) >= 3 and len(lost) >= len(over) / 2


def keep_only(kept: Kept) -> None:
    """Remove from the converted tree what trafilatura did not keep (`Kept`): its selection
    of the page, with the page's own structure. The selection runs from the first to the last
    block trafilatura kept, widened to the whole of a section it kept only part of
    (`_section_bounds`: trafilatura dropped a chapter's first section, or its last, a heading
    over a table of names). In it, headings, table rows, list items and code are kept too
    (trafilatura drops headings and whole tables and lists of reference pages), and so is a
    paragraph right under a heading: a section's text, which trafilatura drops when it is
    short and the section's only one ("This is the primary directory of executable commands
    on the system."). A heading before what is kept is kept when the block after it is."""
    leaves, held = kept.leaves, kept.held
    start, end = _section_bounds(leaves, held)
    keep = [h or (start <= i <= end and (b.tag in ("row", "item", "code", "head")
                                         or b.tag == "p" and i > 0 and leaves[i - 1].tag == "head"))
            for i, (b, h) in enumerate(zip(leaves, held))]
    for i in range(len(leaves) - 1, -1, -1):  # backwards: a heading sees the block after it
        if leaves[i].tag == "head" and not keep[i]:
            after = next((j for j in range(i + 1, len(leaves)) if leaves[j].tag != "head"), None)
            keep[i] = after is not None and keep[after]
    for block, k in zip(leaves, keep):
        if not k and block.getparent() is not None:
            block.getparent().remove(block)


def _section_bounds(leaves: list, held: list[bool]) -> tuple[int, int]:
    """The first and the last block of trafilatura's selection (blocks `held`), each widened
    to the outermost section container (an element whose first block is a heading) that holds
    it but not the other end: what trafilatura kept of a section (a chapter) is that section.
    (len, -1) when nothing is held."""
    first = next((i for i, h in enumerate(held) if h), len(held))
    last = max((i for i, h in enumerate(held) if h), default=-1)
    if first > last:
        return first, last
    index = {id(b): i for i, b in enumerate(leaves)}

    def widest(at: int, other: int) -> tuple[int, int]:
        lo = hi = at
        for box in leaves[at].iterancestors():
            inner = [index[id(b)] for b in _leaves(box) if id(b) in index]
            if not inner or other in inner:
                break
            if leaves[inner[0]].tag == "head":
                lo, hi = min(lo, inner[0]), max(hi, inner[-1])
        return lo, hi

    return widest(first, last)[0], widest(last, first)[1]


def _header_row(row) -> bool:
    return any(cell.get("role") == "head" for cell in row)


def _shingles(text: str) -> set[tuple[str, ...]]:
    """The text's runs of three words (lower case): a block is in a text when its runs are."""
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def main_tree(region):
    """The region as trafilatura-style XML: a <body> of head/p/list/table/quote/code."""
    from lxml import etree

    body = etree.Element("body")
    _convert(region, body)
    return body


def _skipped(element) -> bool:
    if not isinstance(element.tag, str):
        return True
    tag = element.tag.lower()
    if tag in _SKIP or element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if (element.get("role") or "").lower() in _SKIP_ROLES:
        return True
    if tag in ("ul", "ol", "dl"):
        return _links_only(element)
    return tag in _CONTAINERS and _labelled_links(element)


def _labelled_links(element) -> bool:
    """A container holding only a list of links and a short label for it: a table of contents
    or a menu with its title ("Table of Contents"), left out with it."""
    children = [c for c in element if isinstance(c.tag, str)]
    if (element.text or "").strip() or any((c.tail or "").strip() for c in children):
        return False
    lists = [c for c in children if c.tag.lower() in ("ul", "ol", "dl") and _links_only(c)]
    labels = [c for c in children if c.tag.lower() in _LABELS]
    return (bool(lists) and len(lists) + len(labels) == len(children)
            and sum(len(c.text_content().split()) for c in labels) <= LABEL_WORDS)


def _links_only(element) -> bool:
    """A list whose items are all only links: a menu or a table of contents."""
    items = [li for li in element if isinstance(li.tag, str) and li.tag.lower() in ("li", "dt", "dd")]
    if not items:
        return False
    for li in items:
        links = " ".join(a.text_content() for a in li.iter("a"))
        if li.tag.lower() == "dd" and not li.text_content().strip() or (
                li.tag.lower() == "dd" and not links.strip() and li.find(".//dl") is not None):
            continue  # an empty description, or one holding a nested list of links
        if not links.strip() or len(li.text_content().split()) > len(links.split()):
            return False
    return True


def _convert(element, out) -> None:
    """Append `element`'s children to `out` as trafilatura-style blocks; loose text of a
    container becomes a <p> of its own."""
    from lxml import etree

    loose = [element.text or ""]

    def flush():
        text = "".join(loose)
        loose.clear()
        if text.strip():
            etree.SubElement(out, "p").text = text

    for child in element:
        if _skipped(child):
            loose.append(child.tail or "")
            continue
        tag = child.tag.lower()
        block = _block(child, tag)
        if block is None:
            loose.append(_inline(child))
        else:
            flush()
            out.append(block)
        loose.append(child.tail or "")
    flush()


def _block(child, tag: str):
    """The XML block for a block-level element, or None for an inline one."""
    from lxml import etree

    if tag in _HEADINGS:
        head = etree.Element("head", rend=tag)
        head.text = _inline(child)
        return head
    if tag == "p":
        p = etree.Element("p")
        p.text = _inline(child)
        return p
    if tag == "pre":
        code = etree.Element("code")
        code.text = child.text_content()
        return code
    if tag in ("ul", "ol", "dl"):
        return _list(child, tag)
    if tag == "table":
        return _table(child)
    if tag in _CONTAINERS or tag == "blockquote" or tag in ("li", "dd", "dt"):
        box = etree.Element("quote" if tag == "blockquote" else "div")
        _convert(child, box)
        return box
    return None


def _inline(element) -> str:
    """An inline element's text, a <br> as a line break."""
    if _skipped(element):
        return ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append("\n" if child.tag.lower() == "br" else _inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _list(element, tag: str):
    from lxml import etree

    out = etree.Element("list", rend="dl" if tag == "dl" else tag)
    for item in element:
        if _skipped(item):
            continue
        name = item.tag.lower()
        if name not in ("li", "dt", "dd"):
            continue
        node = etree.SubElement(out, "item", rend=name if name != "li" else "li")
        _convert(item, node)
        if len(node) == 1 and node[0].tag == "p" and not node.text:  # a lone paragraph: its text
            node.text, node[0].text = node[0].text, None
            node.remove(node[0])
    return out


def _table(element):
    """Rows and cells (th as role="head"), a cell spanning columns padded with empty cells, a
    caption as a paragraph before the table."""
    from lxml import etree

    out = etree.Element("div")
    for caption in element.iter("caption"):
        etree.SubElement(out, "p").text = caption.text_content()
        break
    table = etree.SubElement(out, "table")
    for tr in element.iter("tr"):
        if next(tr.iterancestors("table")) is not element:
            continue  # a nested table's row: its text is in its cell
        row = etree.SubElement(table, "row")
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            head = {"role": "head"} if cell.tag.lower() == "th" else {}
            etree.SubElement(row, "cell", **head).text = " ".join(_spaced(cell).split())
            for _ in range(1, _span(cell)):
                etree.SubElement(row, "cell", **head)
    return out


_BREAKS = {"p", "div", "br", "li", "dt", "dd", "pre", "tr", "table", "ul", "ol", "dl"} | _HEADINGS


def _spaced(element) -> str:
    """An element's text with a space where a block inside it ends (cells holding paragraphs
    or a list of names are not glued into one word); inline markup joins as written."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and not _skipped(child):
            brk = " " if child.tag.lower() in _BREAKS else ""
            parts.append(f"{brk}{_spaced(child)}{brk}")
        parts.append(child.tail or "")
    return "".join(parts)


def _span(cell) -> int:
    try:
        return min(max(int(cell.get("colspan") or 1), 1), 100)
    except ValueError:
        return 1
