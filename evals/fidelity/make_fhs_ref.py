"""The word reference of fhs-3.0.pdf (run by hand after make_refs.py, like it):

    python evals/fidelity/make_fhs_ref.py

The text is the HTML's (docs/fhs-3.0.html, the same DocBook source), laid out as the PDF prints
it: the chapters' own tables of contents (not printed) dropped; footnotes numbered per chapter
(the HTML numbers them through the document) and each moved from its chapter's end to the foot
of the page that prints it, found in the PDF; the cover's repeated title and the "Publication
date" label added; the date and the abstract moved up to where the title page prints them.
Only the order and the footnote numbers come from the PDF, never a word.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pypdfium2
from lxml import html as lh

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from evals.fidelity import words  # noqa: E402
from make_refs import HERE, insert_after, node_text, write, write_floats  # noqa: E402

_TOKEN = re.compile(r"\S+")


def footnotes_out(root) -> list[tuple[str, str]]:
    """Renumber footnotes per chapter, take their texts out: [(number, text)] in order."""
    notes = []
    for chapter in root.xpath("//div[@class='chapter']"):
        for k, ref in enumerate(chapter.xpath(".//a[@class='footnote']"), 1):
            note = root.xpath(f"//div[@id='{ref.get('href')[1:]}']")[0]
            ref.xpath("sup")[0].text = str(k)
            note.xpath(".//sup")[0].text = f"{k} "
            notes.append((str(k), node_text(note)))
            note.drop_tree()
    return notes


def page_of(note: str, pages: list[list[str]]) -> int:
    head = words(note)[1:7]
    for n, page in enumerate(pages):
        joined = " ".join(page)
        if " ".join(head) in joined:
            return n
    raise LookupError(f"footnote not found in the PDF: {note[:60]!r}")


def words_before(page_words: list[str], first_note: str) -> list[str]:
    """The words the page prints before its first footnote (whose mark may be glued to the
    note's first word: "16if")."""
    number, *rest = words(first_note)
    joined = " ".join(page_words)
    at = joined.rfind(" ".join(rest[1:5]))
    before = joined[:at].split()[:-1]  # the note's first word, glued to its mark or not
    return before[:-1] if before and before[-1] == number else before


def insert_at_words(text: str, before: list[str], new: str, start: int) -> tuple[str, int]:
    """`new` after the first run of the last 4 words of `before` found in `text` after
    `start`; a run that is not found (a path the PDF broke at a line's end) moves back a word."""
    tokens = [(m.start(), m.end(), words(m.group())) for m in _TOKEN.finditer(text)]
    flat = [(e, w) for s, e, ws in tokens if s >= start for w in ws]
    seq = [w for _, w in flat]
    for back in range(12):
        anchor = before[len(before) - 4 - back:len(before) - back]
        for i in range(len(seq) - len(anchor) + 1):
            if seq[i:i + len(anchor)] == anchor:
                end = flat[i + len(anchor) - 1][0]
                return text[:end] + "\n" + new.strip() + "\n" + text[end:].lstrip(" "), end
    raise LookupError(f"none of the words {before[-16:]} found after offset {start}")


def main() -> None:
    root = lh.fromstring((HERE / "docs/fhs-3.0.html").read_bytes())
    for el in root.xpath("//div[@class='toc']")[1:] + root.xpath("//script|//style"):
        el.drop_tree()
    notes = footnotes_out(root)
    write_floats("fhs-3.0.pdf", [note for _, note in notes])
    text = node_text(root.xpath("//body")[0], printed=True)
    pdf = pypdfium2.PdfDocument(HERE / "docs/fhs-3.0.pdf")
    pages = [words(pdf[i].get_textpage().get_text_range().replace("\ufffe", ""))
             for i in range(len(pdf))]
    by_page: dict[int, list[str]] = {}
    for number, note in notes:
        by_page.setdefault(page_of(note, pages), []).append(note)
    start = 0
    for page in sorted(by_page):
        before = words_before(pages[page], by_page[page][0])
        text, start = insert_at_words(text, before, "\n".join(by_page[page]), start)
    text = insert_after(text, "LSB Workgroup, The Linux Foundation",
                        "Filesystem Hierarchy Standard\nLSB Workgroup, The Linux Foundation")
    # page 2 prints the date (labelled) after the version, the abstract after the copyrights
    front, rest = text.split("\nMarch 19, 2015\n", 1)
    abstract, rest = rest.split("\nDedication\n", 1)
    front = front.replace("\nVersion 3.0\n", "\nVersion 3.0\nPublication date March 19, 2015\n")
    front = front.replace("\nAll trademarks", f"\n{abstract.strip()}\nAll trademarks", 1)
    text = f"{front}\nDedication\n{rest}"
    write("fhs-3.0.pdf", text)


if __name__ == "__main__":
    main()
