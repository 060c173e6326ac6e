"""The public API: what `import assistant` offers, and how bad input is met."""

import json

import pytest

import assistant
from assistant import Answer, InvalidQuestion


def test_public_surface_is_exactly_all():
    public = {n for n in dir(assistant) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(assistant, n)).__name__ == "module"}
    assert public - modules == set(assistant.__all__)
    for name in assistant.__all__:
        assert getattr(assistant, name).__module__.startswith("assistant")
    ui_needs = {"Assistant", "Answer", "Citation", "AssistantError", "InvalidQuestion", "ConfigError",
                "DocumentInfo", "FileOutcome", "SyncProgress", "PageImage", "cited_page",
                "render_page", "supported_suffixes"}  # the chat (app.py, ui/) uses only these
    assert ui_needs <= set(assistant.__all__)


def test_answer_shape(fake_bot):
    ans = fake_bot.ask("How much will the new library cost?")
    assert isinstance(ans, Answer) and not ans.abstained
    assert "£4 million" in ans.text or "£6 million" in ans.text
    for n, c in enumerate(ans.citations, 1):
        assert f"[{n}]" in ans.text and c.number == n
        assert c.quote in fake_bot.source_text(c.source)
    json.dumps(ans.to_dict())  # serialisable


@pytest.mark.parametrize("bad, message", [
    ("", "empty"), ("   \n\t ", "empty"), ("x" * 100_000, "100,000 characters"),
    (None, "must be text"), (42, "must be text"),
])
def test_bad_questions_are_refused_clearly(fake_bot, bad, message):
    for call in (fake_bot.ask, fake_bot.retrieve, lambda q: list(fake_bot.ask_stream(q)),
                 fake_bot.chat().ask):
        with pytest.raises(InvalidQuestion, match=message):
            call(bad)


def test_unrelated_question_abstains(fake_bot):
    ans = fake_bot.ask("What is the capital of Peru?")
    assert ans.abstained and ans.citations == () and "don't say" in ans.text


def test_comment_answers_say_so(fake_bot):
    ans = fake_bot.ask("What did readers say in the comments?")
    assert not ans.abstained
    assert any(c.is_comment for c in ans.citations)
    assert "reader comment" in ans.text.lower()


def test_streaming_ends_with_the_answer(fake_bot):
    items = list(fake_bot.ask_stream("When will the library open?"))
    assert isinstance(items[-1], Answer)
    assert all(isinstance(i, str) for i in items[:-1]) and items[:-1]


def test_chat_session_keeps_history_and_rewrites_follow_ups(fake_bot):
    session = fake_bot.chat()
    first = session.ask("How much will the Riverton library cost?")
    follow = session.ask("And when will it open?")
    assert first.standalone_question is None
    assert follow.standalone_question and "library" in follow.standalone_question.lower()
    assert len(session.turns) == 2
    session.clear()
    assert session.turns == []


def test_info_and_documents(fake_bot):
    info = fake_bot.info()
    assert info["generator"] == "extractive" and info["documents"] == 2
    titles = {d.source: d.title for d in fake_bot.documents}
    assert titles["alpha.txt"] == "Riverton council plans new library"
    assert titles["beta.md"] == "Library plans paused"  # the heading, not its markup
