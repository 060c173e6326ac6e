"""Checked streaming: each answer sentence is checked as the model completes it and sent then
(or dropped), so the streamed text is the non-streamed answer, and it starts before the model
has finished."""

import re

import pytest

from assistant import Answer, Assistant
from assistant.answering.reply import complete_upto
from assistant.backends.fake import ScriptedLLM
from assistant.backends.base import TokenLogprob
from assistant.types import Checked

from test_generation import sources_of

QUESTION = "How much will the new library cost?"


def _number(messages, needle: str) -> int:
    return next(n for n, t in sources_of(messages[-1]["content"]).items() if needle in t)


def two_claims(messages) -> str:
    n = _number(messages, "£4")
    return (f"The library will cost £4 million [{n}]. It will have 900 seats [{n}]. "
            f"The new library will cost £4 million in all [{n}].")


class CountingLLM(ScriptedLLM):
    """Records how many pieces of each reply were read, and reports a fixed log-probability
    for every token read so far (as the local backend does mid-reply)."""

    def __init__(self, replies, chunk=4, logprob=None):
        super().__init__(replies, chunk=chunk)
        self.read = 0
        self.logprob = logprob
        self.last_logprobs = []

    def stream(self, messages, **kw):
        self.read = 0
        self.last_logprobs = tokens = []
        for piece in super().stream(messages, **kw):
            self.read += 1
            if self.logprob is not None:
                tokens.append(TokenLogprob(piece, self.logprob, ()))
            yield piece


@pytest.fixture
def bot_with(tiny_corpus, tmp_path, fake_embedder):
    opened = []

    def make(llm):
        bot = Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="fake",
                             embedder=fake_embedder, llm=llm)
        opened.append(bot)
        return bot
    yield make
    for bot in opened:
        bot.close()


@pytest.mark.parametrize("text, done", [
    ("It costs £4m. [1] It opens", "It costs £4m. [1] "),  # the marker goes with its sentence
    ("It costs £4m. [1", ""),  # a marker still being written is not a new sentence
    ("It costs £4m.", ""),  # the last sentence may go on
    ("No. It would", ""),  # a lone "No." waits for the claim it leads
    ("No. It would cost £4m. [2] And", "No. It would cost £4m. [2] "),
])
def test_a_sentence_is_complete_when_the_next_one_has_begun(text, done):
    assert text[:complete_upto(text, 0)] == done


def test_checked_sentences_are_sent_before_the_model_finishes(bot_with):
    llm = CountingLLM([two_claims, two_claims], chunk=4)
    bot = bot_with(llm)
    events = list(bot._answer_stream(QUESTION, None, None))
    drafts = [i for i, e in enumerate(events) if isinstance(e, str)]
    checked = [i for i, e in enumerate(events) if isinstance(e, Checked)]
    assert checked and checked[0] < drafts[-1]  # sent while the model was still writing
    answer = events[-1]
    assert isinstance(answer, Answer) and "900" not in answer.text
    assert "".join(events[i].text for i in checked) == answer.text
    assert [s.supported for s in answer.sentences] == [True, False, True]
    assert answer.timings["first_checked_s"] <= answer.timings["generate_s"]

    streamed = list(bot.ask_stream(QUESTION, checked=True))
    assert "".join(streamed[:-1]) == streamed[-1].text == answer.text
    assert not any("900" in piece for piece in streamed[:-1])  # the struck claim never went out


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_how_the_reply_arrives_does_not_change_the_answer(bot_with, chunk):
    whole = bot_with(CountingLLM([two_claims], chunk=100_000)).ask(QUESTION)
    streamed = list(bot_with(CountingLLM([two_claims], chunk=chunk)).ask_stream(QUESTION,
                                                                                checked=True))
    assert "".join(streamed[:-1]) == streamed[-1].text == whole.text
    assert streamed[-1].sentences == whole.sentences


def test_an_unsure_model_is_stopped_and_quoted_before_anything_is_sent(bot_with):
    written = []

    def long_reply(messages):
        n = _number(messages, "£4")
        written.append(" ".join([f"The library will cost £4 million [{n}]."] * 20))
        return written[-1]
    llm = CountingLLM([long_reply], chunk=4, logprob=-3.0)
    bot = bot_with(llm)
    streamed = list(bot.ask_stream(QUESTION, checked=True))
    answer = streamed[-1]
    assert "unsure" in (answer.fallback or "") and "".join(streamed[:-1]) == answer.text
    assert all(c.quote in bot.source_text(c.source) for c in answer.citations)
    assert llm.read * 4 < len(written[0]) / 4  # the model was stopped at its first claim


def test_a_sure_model_is_not_stopped(bot_with):
    llm = CountingLLM([two_claims], chunk=4, logprob=-0.01)
    answer = bot_with(llm).ask(QUESTION)
    assert answer.fallback is None and answer.text.count("£4 million") == 2


def test_a_refusal_sentence_is_never_sent(bot_with):
    def reply(messages):
        n = _number(messages, "£4")
        return f"The documents do not say how many seats it has. It will cost £4 million [{n}]."
    streamed = list(bot_with(CountingLLM([reply], chunk=5)).ask_stream(QUESTION, checked=True))
    assert "".join(streamed[:-1]) == streamed[-1].text
    assert streamed[-1].text.startswith("It will cost £4 million") and "do not say" not in streamed[-1].text


def test_the_draft_stream_is_unchanged_for_the_chat(bot_with):
    llm = CountingLLM([two_claims], chunk=4)
    items = list(bot_with(llm).ask_stream(QUESTION))
    draft = "".join(i for i in items if isinstance(i, str))
    assert "900 seats" in draft and "900" not in items[-1].text  # the chat strikes it
    assert not any(isinstance(i, Checked) for i in items)


def test_every_streamed_answer_of_a_session_equals_its_text(bot_with):
    replies = [two_claims, "Bananas are yellow [1].", "NOT_IN_SOURCES",
               lambda m: f"Yes. It will cost £4 million [{_number(m, '£4')}]."]
    bot = bot_with(CountingLLM(list(replies), chunk=2))
    for _ in replies:
        streamed = list(bot.ask_stream(QUESTION, checked=True))
        assert "".join(streamed[:-1]) == streamed[-1].text, streamed
        assert not re.search(r"Checked answer|NOT_IN", "".join(streamed[:-1]))
