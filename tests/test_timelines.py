"""Questions about what happened when, inside one document (a season's letter, release notes,
a lease): its dated sentences in document order, cited, from either backend (issue 28)."""

import pytest

from assistant.answering.overview import states_time
from assistant.language import facts as F
from assistant.language.questions import asks_for_timeline

LETTER = {"allotments.md": """# Allotment society: the 2025 season

Dear plot holders,

The committee met last week and agreed the plans below. Water is metered at every tap, and
the shed key is kept in the box by the gate. Members may bring guests to the open days.

The water will be turned on at the taps on 15 March, once the risk of frost has passed.
The seed swap is held in the village hall on Saturday 12 April from 10 am.
Plot inspections take place in the first week of July, and plots found neglected will get a
letter asking the holder to tidy them within a month.
The harvest show follows on Sunday 7 September in the marquee by the pond.
The water is turned off again on 31 October, before the first frosts.

Compost bins are free to members and can be collected from the shed.
""",
          "bakery.md": """# Bakery opening hours

The bakery opens at seven every morning and sells rye bread, pastries and coffee.
"""}

STORY = {"format.md": """# Where the format came from

The first tool wrote files in an older container that had no checksums.
Its authors wanted a format that could detect damaged files, so they designed a new one.
The new container was first called the second version of the old one.
Because the old name was already popular, the new one was renamed to avoid confusion.
The library kept its original name for compatibility.

Other programs can read both containers today.
"""}


@pytest.mark.parametrize("question", [
    "What happens when during the allotment society's 2025 season?",
    "Walk me through the tenancy from signing to the end: what happens when?",
    "Trace the museum's funding from 2010 to 2020.",
    "How did the format and its name come about?",
    "How does the bus timetable change over the winter?",
    "How did the opening date change over time?",
])
def test_questions_about_what_happened_when(question):
    assert asks_for_timeline(question)


@pytest.mark.parametrize("question", [
    "What happens when I press the reset button?", "When did the price change?",
    "What happened to the children's trust in 2021?", "Why did the format change?"])
def test_single_fact_questions_are_not_timelines(question):
    assert not asks_for_timeline(question)


def test_may_the_verb_is_not_a_date():
    assert F.DATE not in F.kinds("Members may bring guests to the open days.")
    assert F.DATE in F.kinds("The water is turned on in May.")
    assert F.DATE in F.kinds("MAY 2019 report")
    assert F.DATE not in F.kinds("We march on, and sat down.")
    assert states_time("Changed in version 3.3: text mode was added.")
    assert not states_time("Compost bins are free to members.")


def _bot(tmp_path, embedder, docs, generator="extractive", llm=None):
    from assistant import Assistant
    from conftest import write_corpus

    return Assistant.load(corpus=write_corpus(tmp_path / "docs", docs), index=tmp_path / "ix",
                          generator=generator, embedder=embedder, llm=llm)


def test_a_season_is_its_dated_sentences_in_order(tmp_path, real_embedder):
    with _bot(tmp_path, real_embedder, LETTER) as bot:
        ans = bot.ask("What happens when during the allotment society's 2025 season?")
        text = bot.source_text("allotments.md")
    quotes = [c.quote for c in ans.citations]
    assert not ans.abstained and len(quotes) >= 4, ans.text
    assert {c.source for c in ans.citations} == {"allotments.md"}
    starts = [c.start for c in ans.citations]
    assert starts == sorted(starts)  # document order
    assert all(states_time(q) for q in quotes)  # each point says when
    for date in ("15 March", "12 April", "7 September", "31 October"):
        assert any(date in q for q in quotes), (date, ans.text)
    assert not any("may bring guests" in q for q in quotes)  # "may" is not a month
    for c in ans.citations:
        assert text[c.start:c.end] == c.quote


def test_the_model_backend_quotes_the_same_timeline(tmp_path, real_embedder):
    from assistant.backends.fake import ScriptedLLM

    question = "What happens when during the allotment society's 2025 season?"
    with _bot(tmp_path / "a", real_embedder, LETTER) as bot:
        quoted = bot.ask(question)
    llm = ScriptedLLM()
    with _bot(tmp_path / "b", real_embedder, LETTER, generator="fake", llm=llm) as bot:
        ans = bot.ask(question)
    assert ans.generator == "fake" and llm.history == []
    assert [c.quote for c in ans.citations] == [c.quote for c in quoted.citations]
    assert all(s.supported for s in ans.sentences)


def test_a_story_without_dates_is_told_by_its_answering_sentences_in_order(tmp_path,
                                                                           real_embedder):
    with _bot(tmp_path, real_embedder, STORY) as bot:
        ans = bot.ask("How did the new format and its name come about?")
    assert not ans.abstained and len(ans.citations) >= 2, ans.text
    starts = [c.start for c in ans.citations]
    assert starts == sorted(starts)
    assert any("renamed" in c.quote for c in ans.citations), ans.text


def test_the_model_answer_keeps_every_account_quoting_would_give():
    """Over several dated sources, what the model left out is added back by quoting's own
    rule (an account that states the asked kind of fact needs half the bar, any other the
    bar), so the default backend never holds fewer accounts than the extractive one."""
    import numpy as np

    from assistant.answering.citations import EvidenceItem
    from assistant.answering.reply import untold_accounts
    from assistant.types import SentenceSupport

    def item(n, source, date, score, fits):
        return EvidenceItem(n, source, 0, 10, f"Account {n} of the opening.", "body", source,
                            date, "", np.zeros(1), None, score, fits)

    items = [item(1, "a.txt", "2015-01-01", 0.9, True),  # the model cited this one
             item(2, "b.txt", "2016-01-01", 0.3, True),  # states a date: half the bar will do
             item(3, "c.txt", "2017-01-01", 0.4, None),  # states none: under the bar
             item(4, "d.txt", None, 0.9, True),  # undated: no account of a time
             item(5, "e.txt", "2018-01-01", 0.5, None)]
    kept = [SentenceSupport("It opened late [1].", (1,), True, 1.0)]
    extra = untold_accounts(kept, items, bar=0.45, most=5)
    assert [s.citations for s in extra] == [(2,), (5,)]
    assert extra[0].text.startswith("(1 Jan 2016) Account 2")
    assert untold_accounts(kept, items, bar=0.45, most=2) == extra[:1]


def test_a_sentence_quoted_with_the_one_it_leans_on_is_not_quoted_twice():
    """Two points whose quotes overlap (the second leans on the first: "It is ...") are one
    quote, the longer, where the first stood."""
    from assistant.answering.evidence import Evidence, ScoredSentence
    from assistant.answering.extractive import compose
    from assistant.types import BODY, Passage, Sentence

    text = ("LZQ stands for a chain algorithm. It is the name of the method its author designed."
            " LZQ2 is an updated version of it.")
    cut = [0, text.index("It is"), text.index("LZQ2")]
    ends = [cut[1] - 1, cut[2] - 1, len(text)]
    sentences = [Sentence("faq.txt", a, b, text[a:b], BODY, "c0") for a, b in zip(cut, ends)]
    points = [ScoredSentence(s, 0.5, 0.5, 0.5, None, title="FAQ") for s in sentences]
    passage = Passage("faq.txt", text, 0, len(text), 1.0, title="FAQ", chunk_id="c0")
    evidence = Evidence("What is the difference between LZQ and LZQ2?", None, (passage,),
                        tuple(points), {s.id: s for s in sentences})
    ans = compose(evidence.question, evidence, points, points=True)
    quotes = [c.quote for c in ans.citations]
    assert quotes == [text[:ends[1]], sentences[2].text], quotes
    assert len(ans.text.splitlines()) == 2


def test_a_listed_point_keeps_one_bullet(tmp_path, real_embedder):
    docs = {"notes.md": "# Release notes\n\n## Highlights\n\n"
            "- **Dark mode:** the whole application follows the system's dark setting.\n"
            "- **Receipts:** photos of receipts can be attached to any transaction.\n"
            "- **Bank import:** statements in the CAMT format can now be imported.\n"}
    with _bot(tmp_path, real_embedder, docs) as bot:
        ans = bot.ask("List the highlights of the release.")
    lines = ans.text.splitlines()
    assert len(lines) >= 2 and all(line.startswith("- **") for line in lines), ans.text
    assert all(c.quote.startswith("- **") for c in ans.citations)  # the quote stays verbatim
