"""Structure the non-PDF readers keep (issue 26, items 2 and 3): HTML list items that start
with a link, table cells, permalink marks, quotes; titles and dates from the document and never
from a template or an example; FAQ questions as the headings (sections) of their answers in
text, Markdown, HTML and Word, while a question asked inside prose stays body text."""

from __future__ import annotations

import datetime

import pytest

from assistant.corpus import read_file
from assistant.readers import HEADING, read_document, section_of
from assistant.readers.base import question_text
from assistant.types import BODY


def blocks(x, kind=None):
    return [x.text[b.start:b.end] for b in x.blocks if kind is None or b.kind == kind]


def page(tmp_path, body: str, head: str = "<title>Reference</title>", name: str = "page.html"):
    path = tmp_path / name
    path.write_text(f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>",
                    encoding="utf-8")
    return read_document(path)


PROSE = ("<p>This release of the toolkit brings faster start-up, a smaller download and a number "
         "of modules that make everyday scripting easier for people who maintain servers.</p>")

# ---------------------------------------------------------------- HTML


def reference_page(sections: int = 12) -> str:
    """A generated reference page in a documentation generator's markup: sections of list items
    that start with a link to a module and carry more links (a "What's New" page)."""
    def ref(name, href):
        return (f'<a class="reference internal" href="../library/{href}.html#{name}" title="{name}">'
                f'<code class="xref py py-mod"><span class="pre">{name}</span></code></a>')

    def pep(n, i):
        return (f'<span class="target" id="index-{i}{n}"></span><a class="pep reference external" '
                f'href="https://peps.example/pep-{n}/"><strong>PEP {n}</strong></a>')

    out = []
    for i in range(sections):
        items = "".join(
            f'<li><p>{ref(f"mod{i}_{k}", f"mod{i}")}: {pep(600 + k, i)} helpers for task {i}.{k}. '
            f'(Contributed by {ref("Someone", "people")} in <a class="reference external" '
            f'href="https://bugs.example/{i}{k}">bpo-{i}{k}</a>.)</p></li>' for k in range(3))
        out.append(f'<section id="s{i}"><h2>Section {i}<a class="headerlink" href="#s{i}" '
                   f'title="Permalink to this heading">¶</a></h2><p>Changes to {ref(f"pkg{i}", f"pkg{i}")} '
                   f'in this release, see {pep(500 + i, i)} for the rationale.</p>'
                   f'<ul class="simple">{items}</ul></section>')
    return (f'<div class="related" role="navigation"><ul><li><a href="/">Home</a></li></ul></div>'
            f'<div class="body" role="main"><section id="top"><h1>What is new in 4.0</h1><p>This '
            f'article explains the new features in 4.0, compared to 3.0, for people who maintain '
            f'servers and scripts.</p>{"".join(out)}</section></div>')


def test_list_items_that_start_with_a_link_are_kept(tmp_path):
    x = page(tmp_path, reference_page())  # trafilatura alone kept none of the 36 items
    text = " ".join(x.text.split())
    for i in range(12):
        for k in range(3):
            assert f"mod{i}_{k}: PEP {600 + k} helpers for task {i}.{k}." in text
    assert section_of(x, x.text.index("helpers for task 4.1")) == "What is new in 4.0 › Section 4"
    assert "¶" not in x.text


def test_a_menu_of_links_is_still_left_out(tmp_path):
    x = page(tmp_path, f"""<header><ul class="menu"><li><a href="/">Home page</a></li>
<li><a href="/docs">Read the documentation</a></li><li><a href="/dl">Download the installer</a></li></ul>
</header><main><h1>Notes</h1>{PROSE}</main>""")
    assert "Read the documentation" not in x.text and "Download the installer" not in x.text


def test_table_cells_are_not_glued_together(tmp_path):
    names = "".join(f"<tr><td><p><a href='#{n}'>{n}</a></p></td><td><p>{n}_old</p></td></tr>"
                    for n in ("aifc", "chunk", "msilib", "pipes"))
    x = page(tmp_path, f"""<main><h1>Deprecations</h1>{PROSE}<ul><li><p>These modules are
deprecated and will be removed in a later release of the toolkit:</p>
<table><tbody>{names}</tbody></table></li></ul>{PROSE}</main>""")
    words = x.text.split()
    for name in ("aifc", "chunk", "msilib", "pipes"):
        assert any(w.strip("|:") == name for w in words), x.text
    assert "aifcchunk" not in x.text


def test_permalink_marks_leave_headings_and_title(tmp_path):
    x = page(tmp_path, f"""<div class="body" role="main"><section><h1>General FAQ<a class="headerlink"
href="#general-faq" title="Permalink to this headline">¶</a></h1>{PROSE}<section><h2>Licences<a
class="headerlink" href="#licences" title="Permalink to this heading">¶</a></h2>{PROSE}
<h3 id="x">Mirrors<a href="#x">#</a></h3>{PROSE}</section></section></div>""", head="")
    headings = blocks(x, HEADING)
    assert "Licences" in headings and "Mirrors" in headings
    assert x.title == "General FAQ"
    assert "¶" not in x.text and "#" not in x.text


def test_a_quote_keeps_its_text_before_its_first_paragraph(tmp_path):
    x = page(tmp_path, """<h1>Frequently asked questions</h1>
<p><b>(1) What is the export classification of the library?</b></p>
<blockquote>After careful review of the control list, we are convinced the core library is not
described by any classification number.
<p>The above is true for the core library only; if you extend it, that might change.</p></blockquote>
<p><b>(2) Is the library thread-safe?</b></p><blockquote>Yes, when it is compiled with the
threading option, which is the default in every release.</blockquote>""")
    text = " ".join(x.text.split())
    assert "After careful review of the control list" in text
    assert "The above is true for the core library only" in text


def test_paragraphs_of_an_answer_are_not_glued(tmp_path):
    x = page(tmp_path, """<div id="content"><h2>Editors</h2><dl>
<dt>How do I configure a different editor?</dt><dd><p>Set the editor in your configuration file,
for example to nano.</p><p>If you use several editors, then set one per repository instead.</p></dd>
<dt>Why do I have a file that is always modified?</dt><dd><p>Line endings differ, so yes.</p>
<p>Then normalise them.</p></dd></dl></div>""")
    assert "nanoIf" not in x.text and "yes.Then" not in x.text


def test_a_date_in_example_code_is_not_the_pages_date(tmp_path):
    x = page(tmp_path, f"""<main><h1>datetime: dates and times</h1>{PROSE}
<pre>&gt;&gt;&gt; date.fromisoformat('2011-11-04')
datetime.date(2011, 11, 4)
&gt;&gt;&gt; datetime(2012, 5, 8).isoformat()
'2012-05-08T00:00:00'</pre>{PROSE}</main>""")
    assert x.date is None


def test_the_pages_last_updated_line_dates_it(tmp_path):
    x = page(tmp_path, f"""<main><h1>gzip</h1>{PROSE}<pre>print('2011-11-04')</pre></main>
<div class="footer">Copyright 2001-2023, a foundation. Please donate.<br/>
Last updated on October 07, 2026. <a href="/bugs">Found a bug</a>?<br/></div>""")
    assert x.date == "2026-10-07"


# ---------------------------------------------------------------- questions and answers


def test_question_text_rules():
    assert question_text("Q:  What do the letters XZ mean?") == "What do the letters XZ mean?"
    assert question_text("**Can I pay by card?**") == "Can I pay by card?"
    assert question_text("(27) Is this a bug?") == "(27) Is this a bug?"
    assert question_text("Nothing. They are just two letters.") is None
    assert question_text("Why?") is None  # one word: no entry's question
    long = "Did the council, which met on Tuesday " + "and debated for hours " * 10 + "agree?"
    assert question_text(long) is None


FAQ_TXT = """Shop help
=========

Q: Can I pay by card?

A: Yes. All major cards are accepted at the till, and contactless
   payments up to the usual limit.

Q: Do you deliver?

A: Only within the town, on Tuesdays and Fridays.

Opening hours are posted on the door. Why do we close on Mondays? The
staff restock the shelves then, and the bakery is cleaned.
"""


def test_text_faq_question_is_the_section_of_its_answer(tmp_path):
    (tmp_path / "help.txt").write_text(FAQ_TXT, encoding="utf-8")
    x = read_document(tmp_path / "help.txt")
    assert x.text == FAQ_TXT  # the file's own text, offsets into it
    assert x.title == "Shop help"
    assert section_of(x, x.text.index("All major cards")) == "Shop help › Can I pay by card?"
    assert section_of(x, x.text.index("Only within the town")) == "Shop help › Do you deliver?"
    heads = blocks(x, HEADING)
    assert "Q: Can I pay by card?" in heads
    assert not any("Why do we close" in h for h in heads)  # asked inside prose: body
    doc, _ = read_file(tmp_path / "help.txt", "help.txt")
    kinds = {doc.text[s.start:s.end]: s.kind for s in doc.spans}
    assert kinds["Q: Do you deliver?"] == "headline"
    assert doc.section_at(doc.text.index("Only within the town")) == "Shop help › Do you deliver?"


def test_text_questions_without_answers_stay_body(tmp_path):
    text = ("Things to ask the landlord\n\nIs the deposit protected?\n\nWho repairs the boiler?\n\n"
            "When is the rent reviewed?\n")
    (tmp_path / "list.txt").write_text(text, encoding="utf-8")
    x = read_document(tmp_path / "list.txt")
    assert blocks(x, HEADING) == []  # a list of questions, and the last with nothing after it


def test_markdown_faq_question_heads_its_answer(tmp_path):
    (tmp_path / "faq.md").write_text("""# Shop help

## Payments

**Q: Can I pay by card?**

Yes, all major cards are accepted at the till.

We take cash too. Why would anyone still pay cash these days? Many people do, and we welcome it.

What about cheques?
""", encoding="utf-8")
    x = read_document(tmp_path / "faq.md")
    at = x.text.index("all major cards")
    assert section_of(x, at) == "Shop help › Payments › Can I pay by card?"
    heading = [b for b in x.blocks if b.kind == HEADING and "card" in x.text[b.start:b.end]][0]
    assert heading.level == 3
    assert section_of(x, x.text.index("Why would anyone")) == "Shop help › Payments › Can I pay by card?"
    assert not any("cheques" in h or "Why would" in h for h in blocks(x, HEADING))
    assert x.title == "Shop help"


def test_markdown_with_only_lower_headings_has_no_title(tmp_path):
    (tmp_path / "readme.md").write_text("<p align='center'><img src='logo.png' alt='Zed'></p>\n\n"
                                        "Zed is a fast compressor.\n\n## Benchmarks\n\nIt is fast.\n",
                                        encoding="utf-8")
    assert read_document(tmp_path / "readme.md").title == ""
    doc, _ = read_file(tmp_path / "readme.md", "readme.md")
    assert doc.meta.title == ""


def test_html_faq_paragraph_heads_its_answer(tmp_path):
    x = page(tmp_path, """<h1>Library FAQ</h1>
<p><b>(1) How do I create an automatic key?</b></p>
<blockquote>Declare the column as the table's integer primary key; it then counts up by itself
whenever a row is inserted without one.</blockquote>
<p>Some readers ask why the library is small. Is it because of its age? No, it was designed that
way from the start, and every feature is weighed against its size.</p>
<p><b>(2) Is the library thread-safe?</b></p><blockquote>Yes, when it is compiled with the
threading option, which is the default in every release since the first.</blockquote>""")
    assert section_of(x, x.text.index("Declare the column")).endswith(
        "(1) How do I create an automatic key?")
    assert section_of(x, x.text.index("compiled with the")).endswith("(2) Is the library thread-safe?")
    assert not any("Is it because" in h for h in blocks(x, HEADING))


def test_html_definition_term_question_heads_its_answer(tmp_path):
    entries = [("What should I put in <code>user.name</code>?", "You should put your personal name, "
                "generally a given name and a family name, as it should appear in every commit."),
               ("How do I configure a different editor?", "Set the core editor in your configuration "
                "file; otherwise the editor from your environment is used for every message."),
               ("Why do I have a file that is always modified?", "Internally the tool stores files "
                "with line feeds, and a file with other line endings looks modified each time.")]
    dl = "".join(f'<dt class="hdlist1">{q}</dt><dd><p>{a}</p></dd>' for q, a in entries)
    x = page(tmp_path, f"""<div id="header"><h1>toolfaq(7) Manual Page</h1></div><div id="content">
<div class="sect1"><h2 id="_description">DESCRIPTION</h2><div class="sectionbody"><div class="paragraph">
<p>The examples in this FAQ assume a standard shell and a user who has an account on the
hosting provider used throughout these pages.</p></div></div></div>
<div class="sect1"><h2 id="_configuration">Configuration</h2><div class="sectionbody">
<div class="dlist"><dl>{dl}</dl></div></div></div></div>""")
    assert section_of(x, x.text.index("You should put")).endswith(
        "Configuration › What should I put in user.name?")
    assert section_of(x, x.text.index("Internally the tool")).endswith(
        "Configuration › Why do I have a file that is always modified?")


# ---------------------------------------------------------------- Word


def test_docx_template_properties_give_no_date_and_a_question_heads_its_answer(tmp_path):
    import docx

    d = docx.Document()  # python-docx's template: created 2013-12-23, author "python-docx"
    d.add_heading("Tenant questions", level=1)
    d.add_paragraph("Who repairs the boiler?")
    d.add_paragraph("The landlord arranges and pays for repairs to the boiler and the heating.")
    d.add_paragraph("Some tenants wonder whether the rent can rise. Can it? Only once a year, "
                    "with two months' notice in writing.")
    d.save(tmp_path / "faq.docx")
    x = read_document(tmp_path / "faq.docx")
    assert (x.date, x.author) == (None, None)
    assert section_of(x, x.text.index("The landlord arranges")) == "Tenant questions › Who repairs the boiler?"
    assert blocks(x, HEADING) == ["Tenant questions", "Who repairs the boiler?"]


def test_docx_dates_set_by_the_author_are_kept(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.created = datetime.datetime(2023, 9, 1, 10, 0, 0)
    d.core_properties.author = "Riverton Council"
    d.add_paragraph("Opening hours change on the first of October.")
    d.save(tmp_path / "notice.docx")
    x = read_document(tmp_path / "notice.docx")
    assert (x.date, x.author) == ("2023-09-01", "Riverton Council")


@pytest.mark.parametrize("title", ["Word Document", "Document1", "Microsoft Word - notes.doc"])
def test_docx_placeholder_titles_are_no_title(tmp_path, title):
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.add_paragraph("Opening hours change on the first of October.")
    d.save(tmp_path / "notice.docx")
    assert read_document(tmp_path / "notice.docx").title is None


# ---------------------------------------------------------------- text titles


COPYRIGHT_FIRST = ("Copyright 2014 Pallets\n\nRedistribution and use in source and binary forms, "
                   "with or without\nmodification, are permitted provided that the following "
                   "conditions are\nmet:\n")


@pytest.mark.parametrize("text, title", [
    # a short first line, not three lines with an address
    ("\n                                 Tree Licence\n"
     "                           Version 2.0, January 2004\n"
     "                        http://www.example.org/licences/\n\n"
     "   TERMS AND CONDITIONS FOR USE\n\n   1. Definitions.\n", "Tree Licence"),
    # reStructuredText read as text: a target line before the heading, so the reader takes no
    # title and the headline is the title, without its underline
    (".. _faq:\n\nFrequently Asked Questions\n==========================\n\n"
     "This part of the documentation answers common questions about the library.\n",
     "Frequently Asked Questions"),
    (COPYRIGHT_FIRST, ""),  # a text that opens with a copyright line has no title
])
def test_a_text_files_title(tmp_path, text, title):
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    doc, _ = read_file(tmp_path / "doc.txt", "doc.txt")
    assert doc.meta.title == title


def test_a_copyright_line_that_opens_a_text_is_a_sentence_not_a_headline(tmp_path):
    # it answers "who holds the copyright?"; a short headline names a section and is never
    # quoted
    (tmp_path / "LICENSE.txt").write_text(COPYRIGHT_FIRST, encoding="utf-8")
    doc, _ = read_file(tmp_path / "LICENSE.txt", "LICENSE.txt")
    first = doc.spans[0]
    assert doc.text[first.start:first.end] == "Copyright 2014 Pallets"
    assert first.kind == BODY


# ---------------------------------------------------------------- the real documents

REAL = {  # evals/realdocs/docs: (title, date) the corpus gives each; "" is no title
    "apache-2.0.txt": ("Apache License", None),
    "click-license.txt": ("", None),
    "mpl-2.0.txt": ("Mozilla Public License Version 2.0", None),
    "xz-faq.txt": ("XZ Utils FAQ", None),
    "xz-readme.txt": ("XZ Utils", None),
    "tomli-readme.md": ("Tomli", None),
    "zstd-readme.md": ("", None),
    "gitfaq.html": ("gitfaq(7) Manual Page", "2024-05-31"),
    "python-general-faq.html": ("General Python FAQ", "2026-10-07"),
    "python-gzip.html": ("gzip — Support for gzip files", "2026-10-07"),
    "sqlite-faq.html": ("SQLite Frequently Asked Questions", "2021-07-27"),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_documents_titles_and_dates(name):
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "evals" / "realdocs" / "docs" / name
    doc, why = read_file(path, name)
    assert (doc.meta.title, doc.meta.date) == REAL[name], why


def test_real_faq_answers_are_located_by_their_questions():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "evals" / "realdocs" / "docs"
    doc, _ = read_file(docs / "xz-faq.txt", "xz-faq.txt")
    assert doc.section_at(doc.text.index("Nothing. They are just two letters")) == \
        "XZ Utils FAQ › What do the letters XZ mean?"
    doc, _ = read_file(docs / "sqlite-faq.html", "sqlite-faq.html")
    assert doc.section_at(doc.text.index("After careful review of the Commerce Control List")).endswith(
        "What is the Export Control Classification Number (ECCN) for SQLite?")


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_question_line_with_its_answer_on_the_next_line(tmp_path, suffix):
    text = ("Shop help\n=========\n\nQ: Can I pay by card?\nA: Yes, all major cards are accepted "
            "at the till.\n\nQ: Do you deliver?\nA: Only within the town.\n")
    (tmp_path / f"qa{suffix}").write_text(text, encoding="utf-8")
    x = read_document(tmp_path / f"qa{suffix}")
    assert x.text == text
    assert blocks(x, HEADING)[1:] == ["Q: Can I pay by card?", "Q: Do you deliver?"]
    assert section_of(x, x.text.index("A: Yes")) == "Shop help › Can I pay by card?"
    assert section_of(x, x.text.index("A: Only")) == "Shop help › Do you deliver?"
