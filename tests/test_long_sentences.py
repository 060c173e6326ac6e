"""A sentence is at most MAX_SENTENCE_CHARS long (`language.sentences.bounded`), so a quote is
at most 2,000 characters, whatever the document holds.

Before: a 5,000,000-character line without a full stop was one sentence, and an answer quoted
all 5 MB of it."""

from __future__ import annotations

import itertools

from assistant import Assistant
from assistant.chunking import MAX_GAP, chunk_document
from assistant.corpus import parse_document
from assistant.language.sentences import MAX_SENTENCE_CHARS, bounded, sentences

from conftest import write_corpus

# Each clause leans back ("this ...", which the extractive answerer joins with the sentence
# before it) and ends with a clause break, where a long sentence is cut.
CLAUSE = "this ferry leaves pier four for Kingston at nine every morning, "
QUESTION = "When does the ferry leave pier four for Kingston?"


def long_line(chars: int, clause: str = CLAUSE) -> str:
    return "".join(itertools.islice(itertools.cycle(clause), chars)).strip()


def assert_pieces(text: str, pieces: list[tuple[int, int]], start: int, end: int) -> None:
    """In order, each at most the bound, stripped, and together all of text[start:end] but
    the spaces between them."""
    assert all(0 < b - a <= MAX_SENTENCE_CHARS for a, b in pieces)
    assert all(text[a:b] == text[a:b].strip() for a, b in pieces)
    assert pieces[0][0] == start and pieces[-1][1] == end
    assert all(not text[b:a2].strip() for (_, b), (a2, _) in zip(pieces, pieces[1:]))


def test_a_line_of_a_million_characters_without_a_stop_is_cut_into_bounded_sentences():
    for clause in ("harbour council library budget ", "x"):  # words; one endless word
        text = long_line(1_000_000, clause)
        assert_pieces(text, sentences(text), 0, len(text))
    short = "A sentence of ordinary length stays whole, however long its words are."
    assert sentences(short) == [(0, len(short))]


def test_a_long_sentence_is_cut_at_a_clause_break_or_a_space():
    text = ("The plan, which the council approved after a long debate, covers the library, "
            "the pool and the park; it also covers the roads ") * 10
    pieces = bounded(text, 0, len(text.rstrip()), limit=200)
    assert_pieces(text, pieces, 0, len(text.rstrip()))
    assert all(text[b - 1] in ",;" for _, b in pieces[:-1])  # clause breaks, where there are some


def test_headings_and_table_rows_are_bounded_too_and_chunks_stop_at_long_gaps():
    row = "Item: " + long_line(5_000, "spare parts for the pump ")
    spaced = "First sentence here." + " " * (MAX_GAP + 1) + "Second sentence here."
    text = f"# {row}\n\n{spaced}\n"
    body = text.index(spaced)
    doc = parse_document("doc.md", text, blocks=[(0, len(row) + 2, "headline"),
                                                 (body, body + len(spaced), None)])
    chunks = chunk_document(doc)
    quoted = [s for c in chunks for s in c.sentences]
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in quoted) and len(quoted) > 9
    assert chunks[-2].text.endswith("First sentence here.")  # a heading keeps its paragraph
    assert chunks[-1].text == "Second sentence here."  # but not across the spaces


def test_no_quote_of_an_answer_exceeds_2000_characters(tmp_path, fake_embedder):
    corpus = write_corpus(tmp_path / "corpus", {
        "ferry.txt": "Ferry timetable\n\n" + long_line(300_000) + "\n",
        "alpha.txt": "The library will open in June 2022, said council leader Tom Reed.\n"})
    bot = Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                         embedder=fake_embedder, abstain_below=0.05)  # answer, however weakly
    try:
        answer = bot.ask(QUESTION)
        assert answer.citations, answer.text
        assert any(c.source == "ferry.txt" for c in answer.citations)
        for c in answer.citations:
            assert len(c.quote) <= 2000
            assert bot.source_text(c.source)[c.start:c.end] == c.quote
        assert len(answer.text) <= 2000 * len(answer.citations) + 200
        evidence = bot.evidence(QUESTION)
        assert max(len(s.text) for s in evidence.context.values()) <= MAX_SENTENCE_CHARS
    finally:
        bot.close()
