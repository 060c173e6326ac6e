"""Checks written for English that misfired on other languages (issue 29), found by asking
XQuAD's questions in six languages (`python -m evals.multilingual --answers`):

- the look-alike check tagged a question with the English tagger, which reads "¿Qué",
  "Сколько" or a whole run of Han characters as a proper name the documents never state, and
  the question was declined ("the documents never mention “Сколько”");
- a sentence in a script without capitals (Chinese, Arabic) has no lower-case letter, so it
  was taken for a heading set in capitals and never quoted.

A question in another language now keeps only the language-neutral part of the look-alike
check (its numbers), and only letters of a script with case can make a line "capitals"."""

from __future__ import annotations

import pytest

from assistant.answering.evidence import _label
from assistant.language.terms import DocumentTerms, reads_as_english, unstated
from assistant.types import Sentence

from evals import multilingual as ml
from evals import multilingual_answers as xa


@pytest.mark.parametrize("lang", ml.LANGS)
def test_xquads_questions_are_told_apart_from_english_ones(lang):
    """The same 1,190 questions in each language: read as English in English only."""
    questions = [q.question for q in xa.questions_of(lang).values()]
    share = sum(map(reads_as_english, questions)) / len(questions)
    assert share == 1.0 if lang == "en" else share < 0.05, share


def test_the_english_evaluation_questions_read_as_english():
    import json

    from conftest import ROOT

    asked = [json.loads(line)["question"] for name in ("golden", "rewordings")
             for line in (ROOT / "evals" / f"{name}.jsonl").read_text().splitlines()
             if line.strip()]
    assert len(asked) > 50 and all(map(reads_as_english, asked)), [
        q for q in asked if not reads_as_english(q)]


TENANCY = DocumentTerms.of("Die monatliche Kaltmiete beträgt 850 Euro. Die Kaution beträgt "
                           "2.550 Euro.")
MANUAL = DocumentTerms.of("El depósito de agua tiene una capacidad de 1,2 litros.")
REPORT = DocumentTerms.of("В 2023 году завод выпустил 12 000 тракторов.")
REPORT_ZH = DocumentTerms.of("2023年，该工厂生产了12000台拖拉机。")
REPORT_AR = DocumentTerms.of("في عام 2023 أنتج المصنع 12000 جرار.")


@pytest.mark.parametrize("question, document", [
    ("Wie hoch ist die monatliche Kaltmiete?", TENANCY),
    ("¿Qué capacidad tiene el depósito de agua?", MANUAL),
    ("Сколько тракторов выпустил завод в 2023 году?", REPORT),
    ("该工厂2023年生产了多少台拖拉机？", REPORT_ZH),
    ("كم جرارا أنتج المصنع في عام 2023؟", REPORT_AR)])
def test_a_question_in_another_language_is_not_declined_for_its_own_words(question, document):
    assert unstated(question, document) == []


@pytest.mark.parametrize("question, document, missing", [
    ("Wie hoch war die Kaltmiete im Jahr 2019?", TENANCY, ["2019"]),
    ("Сколько тракторов выпустил завод в 2021 году?", REPORT, ["2021"]),
    ("该工厂2021年生产了多少台拖拉机？", REPORT_ZH, ["2021"])])
def test_its_numbers_still_count(question, document, missing):
    assert unstated(question, document) == missing


def test_an_english_question_is_checked_as_before():
    document = DocumentTerms.of("The director of the museum is Ann Lee. It opened in 2019.")
    assert unstated("Who is the deputy director of the museum?", document) == ["deputy"]
    assert unstated("Who is the director of the Louvre?", document) == ["Louvre"]
    assert unstated("When did the museum open?", document) == []


def sentence(text: str, kind: str = "body") -> Sentence:
    return Sentence("doc.txt", 0, len(text), text, kind, "doc.txt#0")


@pytest.mark.parametrize("text", [
    "2023年，该工厂生产了12000台拖拉机",
    "黑豹队以 24 次拦截领先国家橄榄球联盟 (NFL)，并且四次入选职业碗。",
    "في عام 2023 أنتج المصنع 12000 جرار.",
    "Die monatliche Kaltmiete beträgt 850 Euro."])
def test_a_sentence_in_a_script_without_capitals_is_no_heading(text):
    assert not _label(sentence(text))


@pytest.mark.parametrize("text", ["OPENING HOURS", "TERMS AND CONDITIONS 2024",
                                  "To paint one wall you need:"])
def test_a_heading_in_capitals_is_still_one(text):
    assert _label(sentence(text))


def test_a_headings_markup_is_no_words_and_a_line_of_links_is_a_label():
    heading = '### Handle invalid TOML<a name="handle-invalid-toml"></a>'
    assert _label(sentence(heading, "headline"))  # three words, not nine
    assert not _label(sentence("The council shelved its plan for a new trust", "headline"))
    for links in ("- [Handle invalid TOML](#handle-invalid-toml)",
                  "[Docs](https://example.org/docs) | [Changelog](CHANGES.md)",
                  "1. [Parse a TOML file](#parse-a-toml-file)"):
        assert _label(sentence(links)), links
    for stated in ("See [the guide](guide.md) for the full list of options.",
                   "- [x] Tests pass on Python 3.12", "[1] The bridge opened in 1931."):
        assert not _label(sentence(stated)), stated


@pytest.mark.parametrize("heading", ["3 Quilt: Basic Concepts and Operation",
                                     "2.1. Installing the program on a shared server",
                                     "## 4 Reading the configuration from the environment"])
def test_a_numbered_section_heading_is_a_label_whatever_its_length(heading):
    assert _label(sentence(heading, "headline"))
    assert not _label(sentence(heading))  # the same words in a paragraph may state something
    for stated in ("2015 was the year the museum first opened its doors",  # a year
                   "3 killed as storm hits the coast overnight",  # a news headline states
                   "1.5 million people visited the fair this summer"):
        assert not _label(sentence(stated, "headline")), stated
