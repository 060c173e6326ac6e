"""Questions that want a set of passages: a summary, a list, a comparison (issue 28)."""

from dataclasses import replace

import numpy as np
import pytest

from assistant.answering.points import LEAD, REDUNDANT, central
from assistant.language.questions import COMPARE, LIST, SUMMARY, overview_kind, search_text
from assistant.text import tokenize
from assistant.types import BODY, ROW, Sentence


@pytest.mark.parametrize("question, kind, count", [
    ("Summarise the article about the pier repair", SUMMARY, None),
    ("Briefly summarise the report", SUMMARY, 2),
    ("What are the documents about?", SUMMARY, None),
    ("Give me an overview of the tenancy agreement", SUMMARY, None),
    ("List the reasons the council gave for the delay", LIST, None),
    ("Give three reasons the plan was dropped", LIST, 3),
    ("Compare the 2015 and 2018 articles", COMPARE, None),
    ("What is the difference between git fetch and git pull?", COMPARE, None),
    ("How does xz differ from gzip?", COMPARE, None),
])
def test_questions_that_want_several_passages(question, kind, count):
    assert overview_kind(question) == (kind, count)


@pytest.mark.parametrize("question", [
    "What did it cost in agency staff?", "Why was the plan dropped?",
    "Western governments considered them the lesser of two evils when compared to whom?",
    "What are two examples of types of Turing machines?", "Different committees have what?",
    "When will the library open?", "What is the library about to announce?"])
def test_single_fact_questions_are_not_overviews(question):
    assert overview_kind(question) is None


def test_the_framing_of_a_summary_or_list_is_not_searched():
    assert search_text("Summarise the article about the pier repair", tokenize) == "the pier repair"
    assert search_text("List the reasons the council gave for the delay",
                       tokenize) == "reasons the council gave for the delay"
    assert search_text("What are the documents about?", tokenize) == "What are the documents about?"


def _sentences(texts):
    out, at = [], 0
    for t in texts:
        out.append(Sentence("d.txt", at, at + len(t), t, BODY, "c0"))
        at += len(t) + 1
    return out


def test_central_sentences_are_picked_without_repeats():
    rng = np.random.default_rng(0)
    theme = rng.normal(size=16)
    texts = [f"Sentence number {i} of the document about one theme." for i in range(6)]
    vectors = np.stack([theme + 0.8 * rng.normal(size=16) for _ in range(5)]
                       + [rng.normal(size=16)])  # the last is off the theme
    vectors[1] = vectors[0] * 1.01  # the same thing said twice
    picked = central(_sentences(texts), vectors, theme, 3, topic=False)
    ids = [s.text for s, _, _ in picked]
    assert len(ids) == 3 and texts[5] not in ids
    assert not {texts[0], texts[1]} <= set(ids)  # a repeat is not a second point
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert unit[0] @ unit[1] > REDUNDANT


def test_a_summary_leans_on_the_documents_opening_within_a_bound():
    """A document opens with what it is about: its first sentence leads a one-point summary
    over one a little more central, but not over the theme when it is off it (LEAD bounds the
    bonus); and a table row, out of its table, is no summary point while prose is enough."""
    rng = np.random.default_rng(1)
    theme = rng.normal(size=16)
    texts = [f"Sentence number {i} of the document about one theme." for i in range(5)]
    near = np.stack([theme + 0.05 * rng.normal(size=16) for _ in range(5)])
    near[0] = theme + 0.3 * rng.normal(size=16)  # the opening: a little less central
    unit = near / np.linalg.norm(near, axis=1, keepdims=True)
    centre = unit.mean(axis=0) / np.linalg.norm(unit.mean(axis=0))
    assert (unit[1:] @ centre).max() - unit[0] @ centre < LEAD  # a difference the lead outweighs
    assert int(np.argmax(unit @ centre)) != 0
    picked = central(_sentences(texts), near, theme, 1, topic=False)
    assert picked[0][0].text == texts[0]
    off = near.copy()
    off[0] = rng.normal(size=16)  # an opening off the theme is not a point for being first
    assert central(_sentences(texts), off, theme, 1, topic=False)[0][0].text != texts[0]
    rows = _sentences(texts)
    rows[2] = Sentence("d.txt", rows[2].start, rows[2].end, texts[2], ROW, "c0")
    exact = near.copy()
    exact[2] = theme * 3  # the most central of all, but a table's row
    assert texts[2] not in [s.text for s, _, _ in central(rows, exact, theme, 3, topic=False)]


def _listed(parts, sep, scored, ordered=False):
    """section_points over one document without headings, `scored` parts at 0.4 (bar 0.45)."""
    from types import SimpleNamespace

    from assistant.answering.evidence import Evidence, ScoredSentence
    from assistant.answering.overview import section_points

    text, sentences = "", []
    for i, t in enumerate(parts):
        sentences.append(Sentence("d.txt", len(text), len(text) + len(t), t, BODY, f"s{i}"))
        text += t + sep
    ranked = tuple(ScoredSentence(sentences[i], 0.4, 0.4, 0.0, None, title="d")
                   for i in scored)
    evidence = Evidence("q", None, (), ranked, {x.id: x for x in sentences})
    document = SimpleNamespace(sections=(), text=text)
    points, _ = section_points(evidence, lambda source: (sentences, None),
                               lambda source: document, 0.45, None, ordered=ordered)
    return [p.sentence.text for p in points]


def test_a_list_nested_in_a_numbered_clause_is_the_answer_of_its_own():
    """A licence as plain text (no headings): "2. Redistribution ... (a) ... (c)" then "3.";
    the lettered conditions are the list, not the conditions and the next clause."""
    parts = ["1. Use.", "You may use the work.", "2. Redistribution.",
             "You may give copies to others if you meet these conditions:",
             "(a) give every recipient a copy of these terms;",
             "(b) mark the files you changed; and", "(c) keep every copyright notice.",
             "3. Warranty.", "There is none."]
    assert _listed(parts, "\n\n", scored=[4, 5, 6]) == parts[4:7]


def test_a_numbered_list_with_bullets_under_a_step_stays_one_list():
    parts = ["1. Download the installer for your system.", "- Linux: the archive file.",
             "- macOS: the disk image.", "2. Run the installer.", "3. Restart the computer."]
    assert _listed(parts, "\n", scored=[0, 3, 4], ordered=True) == parts


def _asked(tmp_path, embedder, files: dict, question: str):
    """The extractive answer to `question` over a corpus of `files` (name -> text)."""
    from assistant import Assistant
    from conftest import write_corpus

    bot = Assistant.load(corpus=write_corpus(tmp_path / "docs", files), index=tmp_path / "ix",
                         generator="extractive", embedder=embedder)
    try:
        return bot.ask(question)
    finally:
        bot.close()


RELEASE = {"notes.md": """# Widget 2 release notes

Widget is a small program for drawing charts. These notes cover version 2.0 and the fix
release 2.1 that followed it.

## Highlights of 2.0

- Charts can be exported as SVG files.
- Start-up is twice as fast as in version 1.

## Changes in 2.1

- The export no longer drops the legend of a chart.
- Dates on the axes follow the language of the system.
- The installer is 12 MB smaller than before.
"""}


def test_a_comparison_named_by_a_sections_heading_gets_that_section(tmp_path, real_embedder):
    """"What changed in 2.1 compared with 2.0?": the section headed "Changes in 2.1" is the
    answer, item by item, not the notes' opening that mentions both versions."""
    ans = _asked(tmp_path, real_embedder, RELEASE, "What changed in Widget 2.1 compared with 2.0?")
    quotes = [c.quote for c in ans.citations]
    assert len(quotes) == 3 and all(q.startswith("- ") for q in quotes), ans.text
    assert {"legend", "axes", "installer"} <= set(" ".join(quotes).split()) | {
        w for q in quotes for w in q.replace(".", " ").split()}, quotes


def test_a_comparison_naming_a_version_no_document_has_is_declined(tmp_path, real_embedder):
    """A look-alike comparison ("2.3", which no release note mentions) is declined, saying
    what is missing, rather than answered from the section of a version that does exist."""
    ans = _asked(tmp_path, real_embedder, RELEASE, "What changed in Widget 2.3 compared with 2.1?")
    assert ans.abstained and "2.3" in (ans.fallback or ""), (ans.text, ans.fallback)


def test_a_comparisons_terms_are_missing_only_when_no_document_holds_them():
    from assistant.language.terms import DocumentTerms, unstated_by_all

    notes = DocumentTerms.of(RELEASE["notes.md"])
    later = DocumentTerms.of("Widget 2.3 will bring a dark theme to the chart editor.")
    asked = "What changed in Widget 2.3 compared with 2.1?"
    assert unstated_by_all(asked, [notes]) == ("2.3",)
    assert unstated_by_all(asked, [notes, later]) == ()  # one of its documents states it
    assert unstated_by_all(asked, [notes], held=lambda t: t == "2.3") == ()  # another does
    assert unstated_by_all(asked, []) == ()
    # a qualifier another document states counts as stated, whatever that document is about
    lifetime = "How does the Widget lifetime licence compare with the yearly one?"
    licence = DocumentTerms.of("Widget is sold with a yearly licence for one computer.")
    assert "lifetime" in unstated_by_all(lifetime, [licence])
    other = DocumentTerms.of("A lifetime of work went into the museum's collection.")
    assert "lifetime" not in unstated_by_all(lifetime, [licence, other])


VERSIONS = {"versions.md": """# Widget versions

Widget is a small program for drawing charts on the desktop.

## Version 1

- Charts are drawn as bitmaps only.
- Data is read from CSV files.

## Version 2

- Charts are drawn as vector graphics.
- Data is read from CSV and spreadsheet files.
"""}


def test_a_comparison_whose_sides_each_have_a_section_is_not_one_of_them(tmp_path,
                                                                         real_embedder):
    """"How does version 2 compare with version 1?" names both sections: the answer is not
    the items of only one of them."""
    ans = _asked(tmp_path, real_embedder, VERSIONS,
                 "How does Widget version 2 compare with version 1?")
    quoted = " ".join(c.quote for c in ans.citations)
    assert "bitmaps" in quoted and "vector" in quoted, ans.text


def test_short_fragments_and_headlines_are_not_points():
    texts = ["Too short to say much.", "A headline about the whole matter at hand today"]
    sentences = _sentences(texts)
    sentences[1] = Sentence("d.txt", sentences[1].start, sentences[1].end, texts[1], "headline", "c0")
    assert central(sentences, np.ones((2, 4)), np.ones(4), 2, topic=False) == []


def test_a_summary_quotes_the_named_documents_points_with_citations(two_documents_bot):
    ans = two_documents_bot.ask("Summarise the article about the harbour repairs being delayed")
    lines = ans.text.splitlines()
    assert not ans.abstained and len(lines) >= 2 and all(line.startswith("- ") for line in lines)
    assert {c.source for c in ans.citations} == {"harbour.txt"}
    for c in ans.citations:  # every point is verbatim from its document
        assert two_documents_bot.source_text(c.source)[c.start:c.end] == c.quote
    assert not any(c.quote.startswith("Harbour repairs delayed") for c in ans.citations)
    short = two_documents_bot.ask("Briefly summarise the article about the harbour repairs")
    assert len(short.citations) == 2


def test_what_the_documents_are_about_covers_each_document(two_documents_bot):
    ans = two_documents_bot.ask("What are the documents about?")
    assert {c.source for c in ans.citations} == {"harbour.txt", "library.txt"}
    assert len(ans.citations) == len(ans.text.splitlines()) <= 6
    assert ans.text.index("(4 May 2023)") < ans.text.index("(9 Jun 2023)")  # oldest first


def test_the_model_backend_gives_the_same_cited_points(tmp_path, fake_embedder):
    """Until the model writes points itself, a model backend quotes the chosen points: never
    fewer than quoting, and nothing unchecked."""
    from assistant import Assistant
    from assistant.backends.fake import ScriptedLLM
    from conftest import HARBOUR_LIBRARY, write_corpus

    llm = ScriptedLLM()
    bot = Assistant.load(corpus=write_corpus(tmp_path / "docs", HARBOUR_LIBRARY), index=tmp_path / "ix",
                         generator="fake", embedder=fake_embedder, llm=llm)
    try:
        ans = bot.ask("What are the documents about?")
        assert ans.generator == "fake" and len(ans.citations) >= 2 and llm.history == []
        assert all(s.supported for s in ans.sentences)
    finally:
        bot.close()


@pytest.mark.parametrize("question, kind", [
    ("What are the steps to reset the router?", LIST),
    ("What steps do I follow to renew a parking permit?", LIST),
    ("Which file formats does the converter accept?", LIST),
    ("What documents must a tenant show at the start?", LIST),
    ("How do the day and night tariffs differ?", COMPARE),
    ("How did sales in 2023 compare with 2022?", COMPARE),
    ("What are the fees at the clinic?", LIST),
    ("What are the museum's opening rules on weekends?", LIST),
    ("What are Tallyhub’s known issues?", LIST),
    ("What are the main fees at the clinic?", LIST),
    ("What are the 2019 fees for parking?", LIST),
    ("What changed in Widget 2.1?", LIST), ("What's new in Widget 2.1?", LIST),
    ("What has changed for plugins since version 3?", LIST),
    ("What should I bring on the boat trip?", LIST), ("What do we need to pack for camp?", LIST),
])
def test_lists_and_comparisons_asked_without_saying_list(question, kind):
    assert overview_kind(question) == (kind, None)


@pytest.mark.parametrize("question", [
    "What exit status does the program give for a corrupt file?",  # "status" is not a plural
    "Which class does the method belong to?", "What analysis was used?",
    "How many steps are there?", "What did the two plans have in common?",
    # what things are called or done by, and a count's one-span answer, stay single facts
    "What were the native inhabitants of the island called?",
    "What are two examples of types of engines?", "What are the three colours of the flag?",
    "What were the games in 1908 known for?", "What are the chances that it rains?",
    "What is new about the second proposal?", "What changed after the vote?",
    "What should I do if the boat is late?", "What did they bring back from the trip?",
    "What should I take for a headache?"])
def test_singular_questions_stay_single_facts(question):
    assert overview_kind(question) is None


SOUP = {"soup.md": """# Kitchen notes

## Tomato soup

For four bowls you need:

- 1 kg ripe tomatoes
- 1 onion
- 2 cloves of garlic
- 500 ml vegetable stock

The soup keeps for three days in the fridge.

1. Chop the onion and soften it in olive oil for ten minutes.
2. Add the garlic and the tomatoes and cook them for twenty minutes.
3. Pour in the stock and simmer the soup for another fifteen minutes.
4. Blend the soup until smooth and season it with salt.

Serve it with bread.

## Supported cookers

| Cooker | Status |
|---|---|
| Gas hob | Supported |
| Induction hob | Supported |
| Camping stove | Not supported |
"""}


@pytest.fixture
def soup_bot(tmp_path, real_embedder):
    from assistant import Assistant
    from conftest import write_corpus

    bot = Assistant.load(corpus=write_corpus(tmp_path / "docs", SOUP), index=tmp_path / "ix",
                         generator="extractive", embedder=real_embedder)
    yield bot
    bot.close()


def test_the_steps_asked_for_are_the_documents_numbered_list_whole(soup_bot):
    ans = soup_bot.ask("What are the steps to make the tomato soup?")
    quotes = [c.quote for c in ans.citations]
    assert [q[:2] for q in quotes] == ["1.", "2.", "3.", "4."], ans.text  # in order, every step
    assert not any("tomatoes\n" in q or q.startswith("-") for q in quotes)  # not the ingredients


def test_a_list_question_about_a_table_gets_its_rows(soup_bot):
    ans = soup_bot.ask("Which cookers are supported?")
    assert len(ans.citations) == 3 and all("hob" in c.quote or "stove" in c.quote
                                           for c in ans.citations), ans.text


def test_a_list_of_what_the_documents_lack_is_declined_as_a_look_alike(soup_bot):
    ans = soup_bot.ask("List the steps to make the 2019 version of the tomato soup.")
    assert ans.abstained and "2019" in ans.fallback, (ans.text, ans.fallback)


def test_a_summary_named_by_its_month_is_of_that_months_documents_only():
    from assistant.answering.overview import _named
    from assistant.types import DocumentMeta

    docs = {n: DocumentMeta(n, t, d) for n, t, d in [
        ("a.txt", "Bridge repair plan criticised", "2015-02-23"),
        ("b.txt", "Bridge repair plan published", "2015-12-08"),
        ("c.txt", "Bridge repair shelved", "2018-08-24")]}
    assert _named("Summarise the announcement of December 2015.", docs) == ["b.txt"]
    assert _named("Summarise the announcement of december 2015.", docs) == ["b.txt"]
    assert _named("Summarise the 2015 articles.", docs) == ["a.txt", "b.txt"]
    # a month no document is dated falls back to its year
    assert _named("What did the June 2015 article say?", docs) == ["a.txt", "b.txt"]
    # a month and another year: that month's documents and that year's
    assert _named("How did the December 2015 announcement compare with the 2018 one?",
                  docs) == ["b.txt", "c.txt"]


def test_with_a_gate_a_list_no_sentence_answers_as_asked_is_declined(soup_bot, monkeypatch):
    """The judge's gate on set answers (shipped off) declines a list whose evidence the judge
    finds no sentence answering, saying why; steps are left to the other rules (the judge
    reads a step as not answering "what are the steps")."""
    from assistant.answering import judging

    monkeypatch.setattr(judging, "SET_GATE", 0.35)
    ans = soup_bot.ask("List the ingredients for the chocolate cake.")
    assert ans.abstained and "as asked" in (ans.fallback or ""), (ans.text, ans.fallback)
    steps = soup_bot.ask("What are the steps to make the tomato soup?")
    assert not steps.abstained and len(steps.citations) == 4, steps.text



TABLED = {"notes.md": """# Widget 3 release notes

Widget is a small program for drawing charts. These notes cover version 3.0.

## Highlights

- Charts can be exported as SVG files.
- Start-up is twice as fast as in version 2.

## Supported systems

| System | Status in 3.0 |
|---|---|
| Windows 11 | Supported |
| Windows 8.1 | Not supported |
| macOS 14 | Supported |
| Ubuntu 22.04 | Supported (community package) |

Support for Windows 8.1 was dropped because it no longer receives security updates.
"""}


def test_a_list_named_by_a_sections_heading_gets_that_sections_table_whole(tmp_path,
                                                                          real_embedder):
    """"Which systems does Widget 3.0 support?" names the section "Supported systems": its
    table is the answer, every row (not only those the judge finds answering) and not the
    header row, though the table sits in a part of its own after the heading."""
    ans = _asked(tmp_path, real_embedder, TABLED, "Which systems does Widget 3.0 support?")
    rows = [c.quote for c in ans.citations if c.quote.startswith("| ")]
    assert len(rows) == 4 and any("Not supported" in q for q in rows), ans.text
    assert not any("Status" in q for q in rows), ans.text


def _post(date: str, title: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n"


FERRY_POSTS = {  # dated posts, one story told over three years, and one of another story
    "plan.md": _post("2019-04-02", "Island ferry plan announced", (
        "The county announced a plan to run an electric ferry between the harbour and the island. "
        "The ferry is meant to carry its first passengers in the summer of 2021. "
        "The harbour master welcomed the plan at a meeting on Tuesday.")),
    "delay.md": _post("2020-09-15", "Electric ferry delayed", (
        "The electric ferry to the island has been delayed by a year because its batteries "
        "failed sea trials. "
        "Engineers are now testing a second battery design at the shipyard. "
        "Passengers will keep using the old diesel boat until then.")),
    "launch.md": _post("2022-06-20", "Electric ferry enters service", (
        "The electric ferry between the harbour and the island carried its first passengers on "
        "Monday. "
        "The crossing now takes twenty minutes and is free of fumes. "
        "The old diesel boat will be sold at auction in the autumn.")),
    "library.md": _post("2021-03-01", "Library opening hours", (
        "The town library will open on Sundays from March. "
        "Its reading room has been repainted and has new chairs. "
        "Children's story time moves to Saturday mornings.")),
}


def test_a_history_told_by_dated_posts_gives_each_posts_account_oldest_first(tmp_path,
                                                                            real_embedder):
    """"What happened to X over time?" over news or a blog: each dated document about X has
    its say, oldest first (not only the one or two posts whose sentences ranked best), and a
    document about something else has none."""
    ans = _asked(tmp_path, real_embedder, FERRY_POSTS,
                 "What happened to the electric ferry to the island over time?")
    cited = [c.source for c in ans.citations]
    assert not ans.abstained and "library.md" not in cited, ans.text
    assert list(dict.fromkeys(cited)) == ["plan.md", "delay.md", "launch.md"], ans.text


def test_a_history_spanning_documents_holds_a_year_that_dates_one():
    """A history's years are stated when a document is dated that year (a post's date is in
    its metadata, not always its text); a single fact's are checked against its best
    document alone, as before."""
    from assistant.answering.evidence import ScoredSentence
    from assistant.answering.lookalike import unstated_terms
    from assistant.language.questions import TIMELINE
    from assistant.language.terms import DocumentTerms

    terms = {"a.md": DocumentTerms.of("The ferry plan was announced in 2019 by the county.")}
    best = ScoredSentence(Sentence("a.md", 0, 30, "The ferry plan was announced in 2019.", BODY,
                                   "c0"), 0.9, 0.9, 0.0, None)
    asked = "How did the ferry plan develop from 2019 to 2022?"
    args = ([best], terms.get, lambda w: False)
    assert unstated_terms(asked, TIMELINE, *args, ["2019-04-02", "2022-06-20"]) == ()
    assert unstated_terms(asked, TIMELINE, *args, ["2019-04-02"]) == ("2022",)
    assert unstated_terms(asked, None, *args, ["2019-04-02", "2022-06-20"]) == ("2022",)


def test_a_dated_history_reads_the_documents_the_evidence_missed_when_they_are_on_topic():
    """The evidence holds one post's sentences only (its passages ranked best); the history
    also takes the posts a wider search finds that are about the topic (their sentences close
    to the question), each with its central sentence, oldest first, and leaves out a post
    about something else even though it is dated and was found."""
    from assistant.answering.evidence import Evidence, ScoredSentence
    from assistant.answering.overview import dated_points
    from assistant.types import DocumentMeta

    topic, other = np.array([1.0, 0.1, 0.0, 0.0]), np.array([0.0, 0.0, 1.0, 0.2])
    dates = {"a.md": "2019-04-02", "b.md": "2020-09-15", "c.md": "2022-06-20",
             "x.md": "2021-03-01"}
    docs = {}
    for name, date in dates.items():
        texts = [f"{name} tells its part of the story in one long sentence number {i}."
                 for i in range(3)]
        sentences = [Sentence(name, s.start, s.end, s.text, BODY, "c0") for s in _sentences(texts)]
        rows = np.array([other if name == "x.md" else topic + 0.05 * i for i in range(3)])
        docs[name] = (sentences, rows)
    meta = {n: DocumentMeta(n, n, d) for n, d in dates.items()}
    best = ScoredSentence(docs["a.md"][0][0], 0.9, 0.9, 0.0, None, title="a.md",
                          date=dates["a.md"])
    evidence = Evidence("What happened over time?", None, (), (best,),
                        {x.id: x for x in docs["a.md"][0]},
                        {x.id: v for x, v in zip(*docs["a.md"])})

    def wider():  # the wider search's sentences: parts of the other posts
        found = [(x, v) for n in ("x.md", "c.md", "b.md") for x, v in zip(*docs[n])]
        return [x for x, _ in found], np.array([v for _, v in found])

    q = np.array([1.0, 0.0, 0.0, 0.0])
    points, context = dated_points(evidence, docs.__getitem__, q, 0.45, None, meta, wider)
    assert list(dict.fromkeys(p.source for p in points)) == ["a.md", "b.md", "c.md"]
    assert all(p.sentence.id in context for p in points)
    assert dated_points(evidence, docs.__getitem__, q, 0.45, None, meta) == ([], {})  # one date
    weak = replace(evidence, ranked=(replace(best, score=0.2),))
    assert dated_points(weak, docs.__getitem__, q, 0.45, None, meta, wider) == ([], {})
    # how one kind of fact changed (a date, an amount): each source's value, not its story
    valued = replace(evidence, expects="date")
    assert dated_points(valued, docs.__getitem__, q, 0.45, None, meta, wider) == ([], {})


ANNOUNCEMENTS = {
    "widget-21.md": "# Widget 2.1 is released\n\nWidget 2.1 draws charts twice as fast as before. "
                    "It adds a legend editor and a dark theme for the chart window. "
                    "The installer now also runs on older laptops without a graphics card.\n",
    "widget-20.md": "# Widget 2.0 is released\n\nWidget 2.0 is the first release with vector "
                    "charts and spreadsheet import. "
                    "It replaces the bitmap renderer that shipped with every earlier version.\n",
}


def test_a_summary_of_a_release_no_title_names_is_declined_saying_which_titles_are_there(
        tmp_path, real_embedder):
    """"Summarise the Widget 2.3 announcement" over the announcements of 2.0 and 2.1: the
    closest documents are titled with other versions, so there is nothing to summarise; the
    announcement of a version that is there is summarised as before."""
    from assistant import Assistant
    from conftest import write_corpus

    bot = Assistant.load(corpus=write_corpus(tmp_path / "docs", ANNOUNCEMENTS),
                         index=tmp_path / "ix", generator="extractive", embedder=real_embedder)
    try:
        missing = bot.ask("Summarise the Widget 2.3 release announcement.")
        there = bot.ask("Summarise the Widget 2.1 release announcement.")
    finally:
        bot.close()
    assert missing.abstained and "2.3" in (missing.fallback or ""), missing.text
    assert "Widget 2.1 is released" in (missing.fallback or ""), missing.fallback
    assert not there.abstained and {c.source for c in there.citations} == {"widget-21.md"}


@pytest.mark.parametrize("question, title, wrong", [
    ("Summarise the Go 1.17 release announcement.", "Go 1.18 is released!", True),
    ("Summarise the Go 1.18 release announcement.", "Go 1.18 is released!", False),
    ("Summarise the annual report for 2019.", "Annual report 2020", True),
    ("Summarise the annual report.", "Annual report 2020", False),  # names no number
    ("Summarise the 2019 report.", "The council's report", False),  # the title states none
    ("Summarise the Go 1.17 release notes.", "Go 1.17.0 release notes", False),  # a prefix
    ("Summarise the report in 10 points.", "Annual report 2020", False),  # a count, not a year
    ("Summarise the 2019 article.", "Storm damages 30 homes", False),
])
def test_a_title_is_misnumbered_only_when_it_states_other_numbers_than_the_question(
        question, title, wrong):
    from assistant.answering.overview import _misnumbered

    assert _misnumbered(question, title) is wrong
    # a year is a document's when it is dated that year, whatever its title says
    assert not _misnumbered("Summarise the 2019 report.", "Annual report 2020", "2019-03-01")


CHANGES = {
    "changes-21.md": """# Changes in Widget 2.1

Widget 2.1 is a small release that follows the spring survey of our users. Over four hundred
people answered the survey, most of them teachers and students who draw charts every week.
They asked above all for speed, for easier legends and for an installer that just works.
We thank everyone who wrote to us with ideas, and the volunteers who tested early builds.
The release is free for everyone who bought Widget 2.0 or any later version of it.
Widget 2.1 keeps every file format of 2.0, so nothing needs converting after the update.

## Faster charts

Charts with a million points now draw in under a second on an ordinary laptop.

## Legend editor

A new legend editor lets you rename, reorder and hide series without touching the data.

## Installer

The installer now runs on older laptops that have no graphics card at all.
""",
    "handbook.md": """# Widget handbook

Widget reads spreadsheets and draws charts from their columns. Save a chart as a picture or as
a document that other people can open and edit later on their own computers.
"""}


def test_a_list_of_what_a_document_is_titled_with_takes_each_of_its_parts(tmp_path,
                                                                          real_embedder):
    """"What changed in Widget 2.1?" over a document titled "Changes in Widget 2.1": the
    answer is the document, part by part (each section's point, though its long opening
    alone would fill the answer and a Markdown title heads every section), not the few
    sentences that best match the words "changed in Widget 2.1"."""
    ans = _asked(tmp_path, real_embedder, CHANGES, "What changed in Widget 2.1?")
    quoted = " ".join(c.quote for c in ans.citations)
    assert {c.source for c in ans.citations} == {"changes-21.md"}, ans.text
    assert all(w in quoted for w in ("million points", "legend editor", "graphics card")), quoted


@pytest.mark.parametrize("question, titled", [
    ("What changed in Widget 2.1?", "changes-21.md"),
    ("List the changes in Widget 2.1.", "changes-21.md"),
    ("What are the fees for Widget 2.1?", None),  # the title lacks "fees": not the document
    ("What changed?", None),  # too little to name a document by
])
def test_a_list_question_is_of_a_document_itself_only_when_its_title_holds_every_word(
        question, titled):
    from assistant.answering.overview import _of_itself
    from assistant.types import DocumentMeta

    documents = {"changes-21.md": DocumentMeta("changes-21.md", "Changes in Widget 2.1"),
                 "handbook.md": DocumentMeta("handbook.md", "Widget handbook")}
    assert _of_itself(question, documents) == titled


def test_a_change_since_a_year_stays_a_history_not_a_list():
    from assistant.language.questions import asks_for_timeline

    assert overview_kind("What has changed since 2015?") is None
    assert asks_for_timeline("What has changed since 2015?")


def test_a_historys_names_are_looked_for_in_its_documents_not_the_whole_corpus():
    """A comparison's sides may sit in documents its evidence missed (the corpus's words
    count); a history's names may not: "the history of the Golden Gate Bridge" beside a
    document on the Brooklyn Bridge stays a look-alike even if some other file says "gate"."""
    from assistant.answering.evidence import ScoredSentence
    from assistant.answering.lookalike import unstated_terms
    from assistant.language.questions import COMPARE, TIMELINE
    from assistant.language.terms import DocumentTerms

    terms = {"b.md": DocumentTerms.of("The Brooklyn Bridge opened in 1883 over the East River.")}
    best = ScoredSentence(Sentence("b.md", 0, 30, "The Brooklyn Bridge opened in 1883.", BODY,
                                   "c0"), 0.9, 0.9, 0.0, None)
    everywhere = (lambda w: True)
    history = "What is the history of the Golden Gate Bridge?"
    assert unstated_terms(history, TIMELINE, [best], terms.get, everywhere, []) != ()
    sides = "How does the Golden Gate Bridge compare with the Brooklyn Bridge?"
    assert unstated_terms(sides, COMPARE, [best], terms.get, everywhere, []) == ()
    assert unstated_terms(sides, COMPARE, [best], terms.get, lambda w: False, []) != ()


def test_central_sentences_hear_from_each_part_of_a_document_before_a_second_of_one():
    """A release note's opening outweighs its later sections (LEAD); with the parts known (a
    list that is the document itself), the second point comes from a section not yet heard
    from."""
    texts = [f"The opening paragraph says a general thing about release number {i} today."
             for i in range(3)] + ["Fuzzing is now part of the standard toolchain for tests."]
    sentences = _sentences(texts)
    vectors = np.array([[1.0, 0.3, 0.0], [1.0, -0.3, 0.0], [1.0, 0.0, 0.3], [0.3, 0.0, -1.0]])
    q = np.array([1.0, 0.0, 0.0])
    plain = [s.text for s, _, _ in central(sentences, vectors, q, 2, topic=False)]
    assert texts[3] not in plain  # the opening's sentences win without the parts
    parts = [None, None, None, "Fuzzing"]
    picked = [s.text for s, _, _ in central(sentences, vectors, q, 2, topic=False, parts=parts)]
    assert picked[1] == texts[3] and picked[0] in texts[:3]
    every = central(sentences, vectors, q, 3, topic=False, parts=parts)
    assert len(every) == 3  # once each part has spoken, the rest may follow


def test_a_documents_parts_are_cut_below_the_title_every_section_shares():
    from assistant.answering.points import parts_of as _parts

    class Doc:
        sections = ((0, "Guide"), (10, "Guide › Fees"), (20, "Guide › Fees › Children"),
                    (30, "Guide › Hours"))

        def section_at(self, offset):
            return [p for start, p in self.sections if start <= offset][-1]

    at = [Sentence("d", o, o + 1, "x", BODY, "c0") for o in (0, 12, 25, 31)]
    assert _parts(Doc(), at) == ["Guide", "Guide › Fees", "Guide › Fees", "Guide › Hours"]


def test_a_list_takes_a_misfit_only_when_the_judge_is_sure_it_answers():
    """A list's points follow the single answer's rule (`ScoredSentence.may_answer`): a
    sentence without the asked kind of fact is a point when the judge's own probability is at
    least SURE, and never when it states an amount of something else."""
    from assistant.answering.evidence import SURE, Evidence, ScoredSentence
    from assistant.answering.points import listed_points

    texts = ["The fee for a boat is 40 euros a season.",
             "Members also pay two per cent of the club's repair costs.",
             "Rowing on the lake is allowed from dawn to dusk.",
             "Parking a trailer costs 10 euros a day."]
    s = _sentences(texts)

    def scored(i, fits, answers, of_other=False):
        return ScoredSentence(s[i], 0.8 - 0.05 * i, 0.5, 0.5, fits, answers=answers,
                              of_other=of_other)

    ranked = (scored(0, True, 0.9), scored(1, False, SURE + 0.2), scored(2, False, SURE - 0.3),
              scored(3, False, 0.95, of_other=True))
    evidence = Evidence("What fees do members pay?", "money", (), ranked,
                        {x.id: x for x in s})
    points = [p.sentence.text for p in listed_points(evidence, 6, bar=0.3)]
    assert points == texts[:2]
    # and the rule is the one the extractive backend quotes by
    assert [r.may_answer for r in ranked] == [True, True, False, False]


def test_a_one_document_summary_gives_six_points_in_the_documents_order(tmp_path, fake_embedder):
    """A summary of one document quotes SUMMARY_POINTS (6) of its sentences, chosen on the
    tune summaries, where 4 had missed key points, in the order the document gives them."""
    from assistant import Assistant
    from conftest import write_corpus

    text = ("Ferry timetable changes for the winter\n\n2 November 2023\n\n"
            "The island ferry will sail four times a day from the first of December. "
            "Tickets for cars will cost twelve pounds each way during the winter months. "
            "The morning sailing leaves the mainland pier at seven o'clock sharp. "
            "Passengers on foot can buy tickets on board with cash or a card. "
            "The cafe on the upper deck stays closed until the spring season begins. "
            "Bicycles travel free of charge on every sailing through the winter. "
            "Storm warnings may cancel crossings at short notice on any day. "
            "The summer timetable returns at the start of April next year.\n")
    bot = Assistant.load(corpus=write_corpus(tmp_path / "docs", {"ferry.txt": text}),
                         index=tmp_path / "ix", generator="extractive", embedder=fake_embedder)
    try:
        ans = bot.ask("Summarise the article about the ferry timetable")
        assert len(ans.citations) == 6 and len(ans.text.splitlines()) == 6, ans.text
        starts = [c.start for c in ans.citations]
        assert starts == sorted(starts)
        assert len(bot.ask("Briefly summarise the ferry timetable article").citations) < 6
    finally:
        bot.close()


BRIDGE = {
    "footbridge-plan.txt": """12 March 2019

Council approves a footbridge over the Wenn

The council has approved plans for a footbridge across the River Wenn near the station.
It will cost £4 million, most of it from a regional transport grant.
Residents asked for a crossing after the old ferry stopped running in 2017.
The design has a single steel arch and a ramp on each bank.
Councillors said the bridge would link the new housing to the town centre.
The footbridge is expected to open to walkers and cyclists in spring 2021.
""",
    "footbridge-delay.txt": """3 May 2022

Footbridge over the Wenn delayed again

Work on the footbridge across the River Wenn has stopped after the winter floods.
The cost has risen to £6.5 million because the foundations must go deeper.
Local cycling groups said the delay was disappointing but expected.
Contractors will return to the site in June, once the river level has fallen.
The council now says the footbridge will open in autumn 2023 at the earliest.
""",
}


def test_a_comparison_of_what_named_sources_say_about_one_thing(tmp_path, real_embedder):
    """"Compare what the 2019 and 2022 articles say about when the footbridge would open": the
    question of one fact (when does it open?) asked of each dated article, each answered from
    its own sentences, not the articles' openings; a thing neither article mentions is
    declined with the reason."""
    from assistant.language.questions import compared_on

    asked = "Compare what the 2019 and 2022 articles say about when the footbridge would open."
    assert compared_on(asked, tokenize) == "When the footbridge would open?"
    assert compared_on("Compare the 2019 and 2022 articles.", tokenize) == (
        "Compare the 2019 and 2022 articles.")  # nothing in particular: their summaries
    ans = _asked(tmp_path, real_embedder, BRIDGE, asked)
    quotes = {c.source: c.quote for c in ans.citations}
    assert not ans.abstained and set(quotes) == set(BRIDGE), ans.text
    assert "spring 2021" in " ".join(c.quote for c in ans.citations
                                     if c.source == "footbridge-plan.txt"), ans.text
    assert "autumn 2023" in " ".join(c.quote for c in ans.citations
                                     if c.source == "footbridge-delay.txt"), ans.text
    other = _asked(tmp_path, real_embedder, BRIDGE,
                   "Compare what the 2019 and 2022 articles say about the ferry timetable.")
    assert other.abstained, other.text


def test_a_comparison_of_four_documents_hears_each_before_any_twice():
    """Four named documents, two answering sentences each, six points at most: every
    document's best comes before any document's second (the cut was by date, which dropped
    the latest document's best)."""
    from assistant.answering.evidence import Evidence, ScoredSentence
    from assistant.answering.points import compared_points
    from assistant.types import DocumentMeta

    names = ["a.txt", "b.txt", "c.txt", "d.txt"]
    documents = {n: DocumentMeta(source=n, title=n, date=f"202{i}-01-01")
                 for i, n in enumerate(names)}

    def ask_in(source):
        i = names.index(source)
        ranked = tuple(ScoredSentence(
            Sentence(source, 100 * k, 100 * k + 40, [
                f"The bridge in {source} was first planned to open in the spring of year {i}.",
                f"Flooding at the site delayed the builders of {source} by {i + 3} months."][k],
                     BODY, f"{source}-c"), 0.9 - 0.1 * k - 0.01 * i, 0.5, 0.0, None,
            title=source, date=documents[source].date) for k in range(2))
        return Evidence(question="When?", expects=None, passages=(), ranked=ranked,
                        context={s.sentence.id: s.sentence for s in ranked})

    points, _, why = compared_points(names, documents, None, ask_in, bar=0.3)
    assert why is None and len(points) == 6
    assert {p.source for p in points} == set(names)  # each document heard
    seconds = [p.source for p in points if p.sentence.start == 100]
    assert seconds == ["a.txt", "b.txt"]  # the two best seconds, in date order
    assert [p.date for p in points] == sorted(p.date for p in points)
