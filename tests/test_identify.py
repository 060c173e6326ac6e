"""A decline in the question's language (issue 29): the language identified, the words chosen."""

import json
from pathlib import Path

import pytest

from assistant.language.identify import DECLINES, language_of, not_in_documents

XQUAD = Path(__file__).resolve().parents[1] / "evals" / "xquad"


@pytest.mark.parametrize("lang", ["ar", "de", "en", "es", "ru", "zh"])
def test_xquad_questions_are_identified(lang):
    data = json.loads((XQUAD / f"xquad.{lang}.json").read_text(encoding="utf-8"))
    questions = [qa["question"] for a in data["data"] for p in a["paragraphs"] for qa in p["qas"]]
    right = sum(language_of(q) == lang for q in questions) / len(questions)
    assert right >= 0.95, (lang, right)


def test_english_questions_are_never_given_another_language():
    data = json.loads((XQUAD / "xquad.en.json").read_text(encoding="utf-8"))
    assert {language_of(qa["question"]) for a in data["data"] for p in a["paragraphs"]
            for qa in p["qas"]} == {"en"}


@pytest.mark.parametrize("question, lang", [
    ("Wann wurde die Brücke eröffnet?", "de"), ("Quand le pont a-t-il été ouvert ?", "fr"),
    ("¿Cuándo se abrió el puente?", "es"), ("Quando è stato aperto il ponte?", "it"),
    ("Quando a ponte foi aberta?", "pt"), ("Wanneer werd de brug geopend?", "nl"),
    ("Когда открыли мост?", "ru"), ("这座桥是什么时候开通的？", "zh"), ("متى افتتح الجسر؟", "ar"),
    ("When was the bridge opened?", "en")])
def test_a_decline_speaks_the_questions_language(question, lang):
    assert not_in_documents(question) == DECLINES[lang]


def test_a_language_without_its_own_decline_gets_english():
    assert not_in_documents("Kiedy otwarto most nad rzeką?") == DECLINES["en"]  # Polish


@pytest.mark.parametrize("generator", ["extractive", "fake"])
def test_both_backends_decline_in_the_questions_language(generator, tiny_corpus, tmp_path,
                                                         fake_embedder):
    from assistant import Assistant
    from assistant.backends.fake import ScriptedLLM

    llm = ScriptedLLM(["Die Dokumente sagen nichts darüber."]) if generator == "fake" else None
    with Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator=generator,
                        embedder=fake_embedder, llm=llm) as bot:
        ans = bot.ask("Wann wurde der Vertrag über die Mondbasis unterzeichnet?")
        assert ans.abstained and ans.text == DECLINES["de"], ans.text
        ans = bot.ask("When was the treaty on the moon base signed?")
        assert ans.abstained and ans.text == DECLINES["en"]
