"""The HTML reader on a one-page DocBook-style manual (issue 26): trafilatura drops its headings,
so the reader cuts the page's own structure down to trafilatura's selection (`html_main`).
A section whose only text is one short paragraph keeps it, the chapter trafilatura kept only
part of is read whole (its first section, and its last: a heading over a table of names), the
table of contents stays out with its label, and a table the page left unmarked on a page that
marks its headers with <th> has no header (names are not column names)."""

from __future__ import annotations

from pathlib import Path

from assistant.readers import read_document

LONG = ("Programs must keep their {w} files in the directory named here, and a site that shares "
        "the filesystem between hosts reads the same {w} files on every one of them, so that "
        "nothing has to be copied when a host is added or replaced by the administrator.")


def _title(tag: str, anchor: str, text: str) -> str:
    return (f'<div class="titlepage"><div><div><{tag} class="title"><a name="{anchor}"></a>'
            f"{text}</{tag}></div></div></div>")


def _section(num: str, title: str, blocks: list[str]) -> str:
    body = "".join(b if b.startswith("<") else f"<p>{b}</p>" for b in blocks)
    return f'<div class="section">{_title("h3", "s" + num, f"{num}. {title}")}{body}</div>'


COMMANDS = ('<div class="informaltable"><table border="0"><thead><tr><th>Command</th>'
            "<th>Description</th></tr></thead><tbody><tr><td>tar</td><td>Archiving utility</td>"
            "</tr><tr><td>gzip</td><td>The GNU compression utility</td></tr></tbody></table></div>")
NAMES = ('<div class="informaltable"><table border="0"><tbody>'
         "<tr><td>Ada Quillfeather</td><td>Bram Ostrander</td></tr>"
         "<tr><td>Cleo Vantongeren</td><td>Dov Marchetti</td></tr></tbody></table></div>")
TOC = ('<div class="toc"><p><b>Table of Contents</b></p><dl class="toc">'
       + "".join(f'<dt><span class="section"><a href="#s1.{i}">1.{i}. Part {i}</a></span></dt>'
                 for i in range(1, 6)) + "</dl></div>")

PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Directory Layout</title></head>'
        '<body><div class="book">' + _title("h1", "top", "Directory Layout")
        + '<div class="chapter">' + _title("h2", "c1", "Chapter 1. Directories") + TOC
        + _section("1.1", "/srv : Served data", ["This directory holds the data the site serves."])
        + _section("1.2", "/opt : Add-on packages", [LONG.format(w="package"), LONG.format(w="add-on")])
        + _section("1.3", "/bin : Commands", [LONG.format(w="command"), COMMANDS, LONG.format(w="binary")])
        + _section("1.4", "/var/mail : Mailboxes", ["This directory holds the users' mailboxes."])
        + _section("1.5", "/home : Home directories", [LONG.format(w="user"), LONG.format(w="profile")])
        + '</div><div class="chapter">' + _title("h2", "c2", "Chapter 2. Appendix")
        + _section("2.1", "Background", [LONG.format(w="history"), LONG.format(w="background")])
        + _section("2.2", "Contributors", [NAMES])
        + "</div></div></body></html>")


def _read(tmp_path):
    path = tmp_path / "layout.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = read_document(path, path.read_bytes())
    return doc, [(b.kind, doc.text[b.start:b.end]) for b in doc.blocks if b.kind != "furniture"]


def test_a_sections_only_short_paragraph_is_kept(tmp_path):
    doc, blocks = _read(tmp_path)
    texts = [t for _, t in blocks]
    mail = texts.index("1.4. /var/mail : Mailboxes")
    assert texts[mail + 1] == "This directory holds the users' mailboxes."
    srv = texts.index("1.1. /srv : Served data")  # the chapter's first section, before the rest
    assert texts[srv + 1] == "This directory holds the data the site serves."
    assert blocks[srv] == ("heading", "1.1. /srv : Served data")


def test_the_last_section_and_its_table_are_kept(tmp_path):
    doc, blocks = _read(tmp_path)
    assert ("heading", "2.2. Contributors") in blocks
    rows = [t for k, t in blocks if k == "table"]
    assert "Ada Quillfeather | Bram Ostrander" in rows  # no header: names, not column names
    assert "Cleo Vantongeren | Dov Marchetti" in rows
    assert "Command: tar | Description: Archiving utility" in rows  # a marked header still names


def test_the_table_of_contents_stays_out_with_its_label(tmp_path):
    doc, blocks = _read(tmp_path)
    text = "\n".join(t for _, t in blocks)
    assert "Table of Contents" not in text
    assert "Part 3" not in text
    assert [t for k, t in blocks if k == "heading"][:2] == ["Directory Layout", "Chapter 1. Directories"]
