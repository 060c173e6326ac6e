"""How the fidelity set's files and references were made (run once, by hand; not by CI or tests).

    python evals/fidelity/make_refs.py DEBIAN_ROOT      # DEBIAN_ROOT: the packages' unpacked tree

DEBIAN_ROOT holds the Debian 12 packages named in SOURCES.md, unpacked with `dpkg-deb -x`
(python3.11-doc, sqlite3-doc, quilt, bzip2-doc, git-doc, tzdata). Each reference is the
producer's own source text of the same document (the HTML the PDF was printed from, the HTML
made from the same DocBook/LaTeX source, the CSV the spreadsheet was made from), turned into
plain text by `html_text` below: navigation, menus, search boxes, scripts, permalink signs and
page footers removed as listed per file, nothing added. The references were then read against
the files by hand (SOURCES.md notes what differs and why).
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree
from lxml import html as lh

HERE = Path(__file__).resolve().parent
REFS = HERE / "refs"
REALDOCS = HERE.parent / "realdocs" / "docs"
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "tr", "dt", "dd",
              "table", "blockquote", "section", "ul", "ol", "dl", "br", "caption", "figure",
              "title", "hr", "tbody", "thead"}
CELL_TAGS = {"td", "th"}
SPHINX_DROP = ["//a[@class='headerlink']", "//script", "//style"]
IN_PAGE_TOC = ["//nav[@class='contents']",  # Sphinx's "Contents" box of links to the sections
               "//h2[.='Frequently Asked Questions']/following-sibling::ol[1]"]  # SQLite FAQ's
SQLITE_DROP = ["//div[@class='nosearch']", "//script", "//style"]


def html_text(raw: bytes, keep: str, drop: list[str], printed: bool = False) -> str:
    """The text of the first element matching `keep`, without the elements matching `drop`:
    a line per block element, table cells separated by a tab, whitespace collapsed; `printed`:
    an ordered list's numbers as the browser prints them (they are not in the HTML's text)."""
    root = lh.fromstring(raw)
    for xp in drop:
        for el in root.xpath(xp):
            el.drop_tree()
    return node_text(root.xpath(keep)[0], printed)


def node_text(node, printed: bool = False) -> str:
    """html_text of one parsed element (changed in place)."""
    for ol in node.iter("ol") if printed else ():
        items = [li for li in ol if li.tag == "li"]
        for n, li in enumerate(items, int(ol.get("start", "1"))):
            li.text = f"{li.get('value', n)}. " + (li.text or "")
    for sup in node.iter("sup"):  # 2<sup>64</sup> is "2 64" as words, not "264"
        sup.text = " " + (sup.text or "")
    for el in node.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
        elif el.tag in CELL_TAGS:
            el.tail = "\t" + (el.tail or "")
    text = node.text_content()
    lines = (" ".join(line.replace("\u00b6", " ").split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def insert_after(text: str, anchor: str, new: str, nth: int = 1) -> str:
    """`new` as its own line right after the `nth` occurrence of `anchor` (which must exist)."""
    at = -1
    for _ in range(nth):
        at = text.index(anchor, at + 1)
    at += len(anchor)
    return text[:at] + "\n" + new.strip() + "\n" + text[at:].lstrip(" ")


def quilt_footnotes(text: str) -> str:
    """hevea puts the footnotes at the end; the PDF prints each at the foot of its page: move
    each after the last line of its page (found by hand in the PDF), drop hevea's colophon."""
    body, notes = text.split("\n*\n", 1)
    notes = notes.split("This document was translated from", 1)[0]
    parts = {"*": ""}
    key = "*"
    for line in notes.splitlines():
        if line in {"1", "2", "3", "4", "5"}:
            key = line
            parts[key] = ""
        else:
            parts[key] += line + "\n"
    anchors = {"*": ("The remaining patches", 1), "1": ("is not simplified.", 1),
               "2": ("And girls call it love-in-idleness.", 1), "3": ("@@ -2,6 +2,7 @@", 1),
               "4": ("refresh patches as needed.", 1), "5": ("Quilt will not use", 1)}
    for key, (anchor, nth) in anchors.items():
        body = insert_after(body, anchor, f"{key}\n{parts[key]}", nth)
    figure = body[body.index("work/ -+- ..."):body.index("in a source tree.") + 17]
    write_floats("quilt-introduction.pdf", [f"{k} {v}" for k, v in parts.items()] + [figure])
    return insert_after(body, "agruen@suse.de", "February 22, 2012")


def write_floats(name: str, passages: list[str]) -> None:
    """The passages whose place is a layout convention (footnotes, a figure), one a line: the
    benchmark leaves them out when it measures order."""
    lines = (" ".join(p.split()) for p in passages)
    (REFS / f"{name}.floats.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write(name: str, text: str) -> None:
    (REFS / f"{name}.ref.txt").write_text(text, encoding="utf-8")
    print(f"{name}.ref.txt: {len(text.split())} words")


def main(debian: Path) -> None:
    py = debian / "usr/share/doc/python3.11/html"
    sq = debian / "usr/share/doc/sqlite3"
    main_ = "//div[@role='main']"
    write("python-gzip.html", html_text((REALDOCS / "python-gzip.html").read_bytes(), main_,
                                        SPHINX_DROP))
    write("python-general-faq.html", html_text((REALDOCS / "python-general-faq.html").read_bytes(),
                                               main_, SPHINX_DROP + IN_PAGE_TOC))
    write("sqlite-faq.html", html_text((REALDOCS / "sqlite-faq.html").read_bytes(), "//body",
                                       SQLITE_DROP + IN_PAGE_TOC
                                       + ["//p[@align='center'][.//a[@id='mtimelink']]"]))
    write("gitfaq.html", html_text((REALDOCS / "gitfaq.html").read_bytes(), "//body",
                                   ["//div[@id='footer']", "//script", "//style"]))
    # Chromium prints: what the page prints (print CSS hides Sphinx's sidebar and menus; the
    # SQLite banner and "last modified" line are printed), without Chromium's header/footer.
    write("python-secrets.pdf", html_text((py / "library/secrets.html").read_bytes(), main_,
                                          SPHINX_DROP, printed=True))
    write("sqlite-limits.pdf", html_text((sq / "limits.html").read_bytes(), "//body",
                                         ["//div[@class='menu submenu']", "//div[@id='searchmenu']",
                                          "//script", "//style", "//li[@class='search']"],
                                         printed=True))
    write("python-textwrap.pdf", html_text((py / "library/textwrap.html").read_bytes(), main_,
                                           SPHINX_DROP, printed=True))
    write("bzip2-manual.pdf", html_text(Path("/usr/share/doc/bzip2/manual.html").read_bytes(),
                                        "//body", ["//script", "//style"], printed=True))
    write("quilt-introduction.pdf", html_text(
        (debian / "usr/share/doc/quilt/quilt.html").read_bytes(), "//body", ["//script", "//style"],
        printed=True))
    # the PDF's second title block (page 2), which the HTML does not repeat
    bz = (REFS / "bzip2-manual.pdf.ref.txt").read_text(encoding="utf-8")
    write("bzip2-manual.pdf", insert_after(bz, "https://sourceware.org/bzip2/",
          "bzip2 and libbzip2, version 1.0.8: A program and library for data compression\n"
          "by Julian Seward"))
    quilt = (REFS / "quilt-introduction.pdf.ref.txt").read_text(encoding="utf-8")
    write("quilt-introduction.pdf", quilt_footnotes(quilt))
    made_here()
    write("fhs-3.0.html", html_text((HERE / "docs/fhs-3.0.html").read_bytes(), "//body",
                                    ["//div[@class='toc']", "//script", "//style"]))
    write("fhs-3.0-chromium.pdf", html_text((HERE / "docs/fhs-3.0.html").read_bytes(), "//body",
                                            ["//script", "//style"], printed=True))


def made_here() -> None:
    """The files LibreOffice made from sources/ and the packages' texts (SOURCES.md)."""
    sorting = html_text((HERE / "sources/sorting-howto.html").read_bytes(), "//body", [],
                        printed=True)
    for name in ("sorting-howto.docx", "sorting-howto.odt", "sorting-howto.pdf",
                 "sorting-howto.rtf", "sorting-howto.epub"):
        write(name, sorting)
    write("apache-2.0.docx", (REALDOCS / "apache-2.0.txt").read_text(encoding="utf-8"))
    write("mpl-2.0.odt", (REALDOCS / "mpl-2.0.txt").read_text(encoding="utf-8"))
    rows = (HERE / "docs/iso3166-countries.csv").read_text(encoding="utf-8").splitlines()
    table = "\n".join(r.replace(",", "\t", 1).replace('"', "") for r in rows) + "\n"
    for name in ("iso3166-countries.csv", "iso3166-countries.xlsx", "iso3166-countries.ods"):
        write(name, table)
    deck = etree.fromstring((HERE / "sources/zen-of-python.fodp").read_bytes())
    slides = "\n".join("".join(p.itertext()) for p in deck.iter("{*}p")) + "\n"
    for name in ("zen-of-python.odp", "zen-of-python.pptx"):
        write(name, slides)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
