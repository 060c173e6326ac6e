"""Writes manifest.jsonl: one line per file of the fidelity set (run by hand after make_refs.py).

Fields: name; file (path from this folder); ref (its reference text); format; producer (the tool
that made the file); origin (package, version, path); licence; reference (how the reference was
made); title / date: the right value, or null for "none is right: must be absent";
titles_accepted / dates_accepted: other values that are also right; floats: a file of passages
(footnotes, figures), one a line, whose place is a layout convention: left out of the order; furniture: {page: [running
header/footer lines on that page]}; ignore_extra: a regex of reference-less tokens that do not
count against precision (with the reason in notes); split; notes.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL = "../realdocs/docs/"
PY = "Debian python3.11-doc 3.11.2-6+deb12u9: /usr/share/doc/python3.11/html/"
SQ = "Debian sqlite3-doc 3.40.1-2+deb12u2: /usr/share/doc/sqlite3/"
PSF = "PSF License Version 2 (Python documentation)"
CHROMIUM = "Chromium 156 headless --print-to-pdf (default header and footer kept)"
LIBRE = "LibreOffice 7.4.7 headless --convert-to"
FROM_HTML = "producer source: the HTML's main content as text (make_refs.py), read against the file"
PRINTED = ("producer source: the printed HTML's text (make_refs.py), read against the PDF by hand: "
           "the PDF prints the same words")
FHS = "Debian debian-policy 4.6.2.0: /usr/share/doc/debian-policy/fhs/"
PY_DATE = "2026-10-07"  # "Last updated on October 07, 2026." in every page's footer


def chromium_furniture(stamp: str, title: str, url: str, pages: int) -> dict:
    return {str(p): [f"{stamp} {title}", f"{url} {p}/{pages}"] for p in range(1, pages + 1)}


def fhs_furniture() -> dict:
    """Read from the PDF by hand: the page number alone atop a chapter's first page and the
    front matter's first pages, else the running title and the page number."""
    heads = {range(5, 8): "Filesystem Hierarchy Standard", range(11, 25): "The Root Filesystem",
             range(26, 37): "The /usr Hierarchy", range(38, 46): "The /var Hierarchy",
             range(47, 49): "Operating System Specific Annex", range(50, 51): "Appendix"}
    numbers = ["i", "ii", "iii", "iv", "v"] + [str(n) for n in range(1, 44)]
    pages = {}
    for page, number in zip(range(3, 51), numbers):
        pages[str(page)] = [t for r, t in heads.items() if page in r] + [number]
    return pages


def bzip2_furniture() -> dict:
    chapters = {range(6, 11): "How to use bzip2", range(12, 34): "Programming with libbzip2",
                range(35, 39): "Miscellanea"}
    pages = {"3": ["iii"]}
    for page in range(4, 39):
        head = [t for r, t in chapters.items() if page in r]
        pages[str(page)] = head + [str(page - 3)]
    return pages


def entry(name, file, fmt, producer, origin, licence, reference, title=None, titles=(),
          date=None, dates=(), furniture=None, ignore_extra=None, split="report", notes=""):
    ref = f"refs/{name}.ref.txt" if not reference.startswith("none") else None
    floats = f"refs/{name}.floats.txt" if (HERE / f"refs/{name}.floats.txt").exists() else None
    return {"name": name, "file": file, "ref": ref, "floats": floats, "format": fmt,
            "producer": producer, "origin": origin, "licence": licence, "reference": reference,
            "title": title, "titles_accepted": list(titles), "date": date,
            "dates_accepted": list(dates), "furniture": furniture or {},
            "ignore_extra": ignore_extra, "split": split, "notes": notes}


DOC = " — Python 3.11.2 documentation"
NUMBERS = r"^(\d{1,2}|[ivx]{1,4})$"  # a printed table of contents' page numbers
SORTING = dict(origin=PY + "howto/sorting.html (main content only: sources/sorting-howto.html)",
               licence=PSF, reference=FROM_HTML, title="Sorting HOW TO",
               titles=["Sorting HOW TO" + DOC])
TABLE = dict(origin="Debian tzdata 2025b-0+deb12u2: /usr/share/zoneinfo/iso3166.tab, comments "
                    "dropped, tab → CSV with a header row",
             licence="public domain",
             reference="producer source: the CSV, a line per row, cells tab-separated",
             titles=["iso3166-countries"])
ZEN = dict(origin="CPython 3.11 Lib/this.py (`python3 -c 'import this'`), laid out as a flat ODF "
                  "outline: sources/zen-of-python.fodp",
           licence="PSF License Version 2",
           reference="producer source: the outline's paragraphs in order",
           title="The Zen of Python", titles=["The Zen of Python, by Tim Peters"])
LICENCE = "the licence text (verbatim copying permitted)"
FROM_TEXT = " (from plain text: a paragraph per line)"


def typeset() -> list[dict]:
    return [
        entry("bzip2-manual.pdf", REAL + "bzip2-manual.pdf", "pdf",
              "DocBook → PassiveTeX 1.25 / pdfTeX (typeset)",
              "Debian bzip2-doc 1.0.8-5: /usr/share/doc/bzip2/manual.pdf.gz",
              "bzip2 licence (BSD-style)",
              "producer source: manual.html of the same package (same DocBook source), as text, "
              "plus the PDF's second title block",
              "bzip2 and libbzip2, version 1.0.8",
              ["bzip2 and libbzip2, version 1.0.8: A program and library for data compression"],
              "2019-07-13", furniture=bzip2_furniture(), ignore_extra=NUMBERS,
              notes="ignore_extra: the PDF's table of contents prints page numbers the HTML has not"),
        entry("quilt-introduction.pdf", REAL + "quilt-introduction.pdf", "pdf",
              "LaTeX → pdfTeX-1.40.3 (typeset)",
              "Debian quilt 0.67+really0.66-1: /usr/share/doc/quilt/quilt.pdf", "GPL-2+",
              "producer source: quilt.html of the same package (hevea, same LaTeX source), "
              "footnotes moved to their pages and the title page's date added by hand "
              "(make_refs.py)",
              "How To Survive With Many Patches or Introduction to Quilt",
              ["How To Survive With Many Patches", "Introduction to Quilt"], "2012-02-22",
              furniture={str(p): [str(p)] for p in range(2, 13)},
              notes="LaTeX draws '_' as a rule: the text layer has a space (the metric splits "
                    "words at '_'); footnote marks are glued to the note's first word in the PDF"),
        entry("fhs-3.0.pdf", "docs/fhs-3.0.pdf", "pdf", "DocBook → Apache FOP 1.1 (typeset)",
              FHS + "fhs-3.0.pdf.gz, decompressed", "FHS (verbatim copies permitted)",
              "producer source: fhs-3.0.html of the same package (same DocBook source), laid out "
              "as the PDF prints it: footnotes renumbered per chapter and moved to their pages, "
              "chapter tables of contents dropped, title page order (make_fhs_ref.py)",
              "Filesystem Hierarchy Standard", (), "2015-03-19", ["2015-05-18"],
              furniture=fhs_furniture(), ignore_extra=NUMBERS,
              notes="date: the title page's publication date; the PDF's creation date (metadata) is "
                    "accepted. ignore_extra: the table of contents' page numbers. The PDF repeats a "
                    "table's header row atop each page it continues on (a few words the reference "
                    "has once) and breaks paths at line ends ('/usr/share/' + 'man')"),
    ]


def printed() -> list[dict]:
    secrets_t = "secrets — Generate secure random numbers for managing secrets"
    textwrap_t = "textwrap — Text wrapping and filling"
    url = "file:///tmp/rd/x/python3.11-doc/usr/share/doc/python3.11/html/library/secrets.html"
    return [
        entry("python-secrets.pdf", REAL + "python-secrets.pdf", "pdf", CHROMIUM,
              PY + "library/secrets.html", PSF, PRINTED, secrets_t, [secrets_t + DOC], None,
              ["2026-12-06"], chromium_furniture("12/6/26, 1:24 AM", secrets_t + DOC, url, 3),
              ignore_extra=r"^go$", split="tune",
              notes="date: the page states none; the print date (metadata, header) is accepted. "
                    "ignore_extra: the search box's 'Go' button is printed"),
        entry("sqlite-limits.pdf", REAL + "sqlite-limits.pdf", "pdf", CHROMIUM,
              SQ + "limits.html", "public domain",
              PRINTED + " (the site banner and menu are printed too)",
              "Implementation Limits For SQLite", ["Limits In SQLite"], "2022-01-20", (),
              chromium_furniture("12/6/26, 1:24 AM", "Implementation Limits For SQLite",
                                 "file:///tmp/rd/x/sqlite3-doc/usr/share/doc/sqlite3/limits.html",
                                 5),
              notes="date: the page's own 'last modified' date; the print date is not the "
                    "document's date"),
        entry("python-textwrap.pdf", "docs/python-textwrap.pdf", "pdf", CHROMIUM,
              PY + "library/textwrap.html", PSF, PRINTED, textwrap_t, [textwrap_t + DOC], None,
              ["2026-12-06"],
              chromium_furniture("12/6/26, 4:22 AM", textwrap_t + DOC,
                                 "file:///tmp/fid/x/usr/share/doc/python3.11/html/library/"
                                 "textwrap.html", 5),
              ignore_extra=r"^go$", split="tune",
              notes="printed here (SOURCES.md); date as python-secrets.pdf"),
        entry("fhs-3.0-chromium.pdf", "docs/fhs-3.0-chromium.pdf", "pdf", CHROMIUM,
              FHS + "fhs-3.0.html, printed here (SOURCES.md)", "FHS (verbatim copies permitted)",
              PRINTED + " (no print CSS: everything, tables of contents included, is printed)",
              "Filesystem Hierarchy Standard", (), "2015-03-19", (),
              chromium_furniture("12/6/26, 4:38 AM", "Filesystem Hierarchy Standard",
                                 "file:///tmp/fid/fhsprint/fhs-3.0.html", 48),
              notes="48 pages, 38 tables; on two pages Chromium wrote the header and footer a "
                    "character at a time. date: the document's own (its title page); the print "
                    "date is not it"),
        entry("sorting-howto.pdf", "docs/sorting-howto.pdf", "pdf",
              LIBRE + " pdf:writer_web_pdf_Export", SORTING["origin"], PSF, FROM_HTML,
              "Sorting HOW TO", ["Sorting HOW TO" + DOC], None, ["2026-12-06"],
              notes="date: none stated; LibreOffice's creation date (metadata) is accepted"),
    ]


def html() -> list[dict]:
    sphinx = "Sphinx (Python 3.11 docs)"
    return [
        entry("python-gzip.html", REAL + "python-gzip.html", "html", sphinx,
              PY + "library/gzip.html", PSF, FROM_HTML, "gzip — Support for gzip files",
              ["gzip — Support for gzip files" + DOC], PY_DATE, split="tune"),
        entry("python-general-faq.html", REAL + "python-general-faq.html", "html", sphinx,
              PY + "faq/general.html", PSF, FROM_HTML, "General Python FAQ",
              ["General Python FAQ" + DOC], PY_DATE),
        entry("sqlite-faq.html", REAL + "sqlite-faq.html", "html", "SQLite's docs generator",
              SQ + "faq.html", "public domain",
              FROM_HTML + " (menu and 'last modified' line removed)",
              "SQLite Frequently Asked Questions", (), "2021-07-27"),
        entry("gitfaq.html", REAL + "gitfaq.html", "html", "AsciiDoc (git man page)",
              "Debian git-doc 1:2.39.5-0+deb12u3: /usr/share/doc/git-doc/gitfaq.html", "GPL-2",
              FROM_HTML + " (footer removed)", "gitfaq(7)",
              ["gitfaq(7) Manual Page", "gitfaq - Frequently asked questions about using Git"],
              "2024-05-31"),
        entry("fhs-3.0.html", "docs/fhs-3.0.html", "html", "DocBook XSL (one page)",
              FHS + "fhs-3.0.html", "FHS (verbatim copies permitted)",
              FROM_HTML + " (tables of contents removed)", "Filesystem Hierarchy Standard", (),
              "2015-03-19", notes="long single-page HTML: 38 tables, footnotes per chapter"),
    ]


def office() -> list[dict]:
    return [
        entry("sorting-howto.docx", "docs/sorting-howto.docx", "docx", LIBRE + " docx (from HTML)",
              split="tune", **SORTING),
        entry("sorting-howto.odt", "docs/sorting-howto.odt", "odt", LIBRE + " odt (from HTML)",
              **SORTING),
        entry("sorting-howto.rtf", "docs/sorting-howto.rtf", "rtf",
              LIBRE + " 'rtf:Rich Text Format' (from the .odt)", dates=["2026-12-06"],
              notes="date: none stated; LibreOffice's creation time (\\creatim) is accepted",
              **SORTING),
        entry("sorting-howto.epub", "docs/sorting-howto.epub", "epub",
              LIBRE + " epub:EPUB (from the .odt)", **SORTING),
        entry("apache-2.0.docx", "docs/apache-2.0.docx", "docx", LIBRE + " docx" + FROM_TEXT,
              "Debian base-files 12.4+deb12u11: /usr/share/common-licenses/Apache-2.0", LICENCE,
              "producer source: the text file itself", None,
              ["Apache License", "Apache License Version 2.0, January 2004"]),
        entry("mpl-2.0.odt", "docs/mpl-2.0.odt", "odt", LIBRE + " odt" + FROM_TEXT,
              "Debian base-files 12.4+deb12u11: /usr/share/common-licenses/MPL-2.0", LICENCE,
              "producer source: the text file itself", None, ["Mozilla Public License Version 2.0"]),
        entry("iso3166-countries.csv", "docs/iso3166-countries.csv", "csv",
              "tzdata's table as CSV (made here)", **TABLE),
        entry("iso3166-countries.xlsx", "docs/iso3166-countries.xlsx", "xlsx",
              LIBRE + " xlsx (from the CSV)", **TABLE),
        entry("iso3166-countries.ods", "docs/iso3166-countries.ods", "ods",
              LIBRE + " ods (from the CSV)", **TABLE),
        entry("zen-of-python.odp", "docs/zen-of-python.odp", "odp",
              LIBRE + " odp (Impress, from the flat outline)", **ZEN),
        entry("zen-of-python.pptx", "docs/zen-of-python.pptx", "pptx",
              LIBRE + " pptx (Impress, from the .odp)", **ZEN),
    ]


def main() -> None:
    rows = typeset() + printed() + html() + office()
    with open(HERE / "manifest.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"manifest.jsonl: {len(rows)} files")


if __name__ == "__main__":
    main()
