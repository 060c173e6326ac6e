"""Sentence boundaries in other languages (issue 29, item 3): syntok's English rules left a
Chinese paragraph whole, ended nothing at the Arabic question mark or the Urdu full stop, and
cut German ordinals ("am 1. März"). Each paragraph here is cut into its sentences, offsets
exact."""

from __future__ import annotations

import pytest

from assistant.language.sentences import language_of, sentences


def cut(text: str) -> list[str]:
    spans = sentences(text)
    assert all(text[a:b] == text[a:b].strip() and b > a for a, b in spans)
    return [text[a:b] for a, b in spans]


def test_a_chinese_paragraph_is_cut_at_its_stops_without_spaces():
    text = "新图书馆于2019年5月开放。它每周开放六天！借书需要读者证吗？需要，读者证免费。"
    assert cut(text) == ["新图书馆于2019年5月开放。", "它每周开放六天！", "借书需要读者证吗？",
                         "需要，读者证免费。"]


def test_an_arabic_paragraph_is_cut_at_its_own_question_mark_not_at_its_comma():
    text = ("وقع العقد في عام 2020. هل يدفع المستأجر الإيجار شهريا؟ نعم، يدفع في أول كل شهر! "
            "وتبلغ الوديعة ألف دينار۔ انتهى العقد")
    assert cut(text) == ["وقع العقد في عام 2020.", "هل يدفع المستأجر الإيجار شهريا؟",
                         "نعم، يدفع في أول كل شهر!", "وتبلغ الوديعة ألف دينار۔", "انتهى العقد"]


def test_a_german_paragraph_keeps_its_ordinals_and_abbreviations():
    text = ("Der Mietvertrag beginnt am 1. März 2024. Die Miete beträgt 900 Euro, d. h. 10.800 "
            "Euro im Jahr. Sie ist bis zum 3. Werktag zu zahlen. Nebenkosten, z. B. Heizung, "
            "kommen hinzu. Dr. Müller unterschreibt.")
    assert cut(text) == ["Der Mietvertrag beginnt am 1. März 2024.",
                         "Die Miete beträgt 900 Euro, d. h. 10.800 Euro im Jahr.",
                         "Sie ist bis zum 3. Werktag zu zahlen.",
                         "Nebenkosten, z. B. Heizung, kommen hinzu.", "Dr. Müller unterschreibt."]


def test_a_russian_paragraph_keeps_its_abbreviations():
    text = ("Договор подписан 1 марта 2020 г. в Москве. Арендная плата составляет 50 000 руб. "
            "в месяц. Вы согласны? Да!")
    assert cut(text) == ["Договор подписан 1 марта 2020 г. в Москве.",
                         "Арендная плата составляет 50 000 руб. в месяц.", "Вы согласны?", "Да!"]


def test_offsets_are_exact_inside_a_longer_text_with_wrapped_lines():
    text = "Intro line.\n\n黑豹队的防守只丢了308分。他们在联赛中\n排名第六！\n\nDer Vertrag beginnt am\n1. März und ist nicht befristet. Er hat zwei Seiten."
    assert cut(text) == ["Intro line.", "黑豹队的防守只丢了308分。", "他们在联赛中\n排名第六！",
                         "Der Vertrag beginnt am\n1. März und ist nicht befristet.",
                         "Er hat zwei Seiten."]


@pytest.mark.parametrize("text, lang", [
    ("The council said it would die out and the plan was shelved in 2018.", None),
    ("El contrato es de un año y la renta es de 900 euros.", None),
    ("Der Vertrag ist nicht befristet und die Miete wird monatlich gezahlt.", "de"),
    ("黑豹队的防守只丢了308分。", "zh"),
    ("هل يدفع المستأجر الإيجار شهريا؟", "ar"),
])
def test_which_rules_a_paragraph_gets(text, lang):
    assert language_of(text) == lang


def test_english_is_still_syntok_s():
    text = "Dr. Smith paid £22 million a year. It rose 3.5% in 2018. Why? The U.S. office said so."
    assert cut(text) == ["Dr. Smith paid £22 million a year.", "It rose 3.5% in 2018.", "Why?",
                         "The U.S. office said so."]


def test_a_stop_with_no_space_after_it_ends_no_sentence():
    """A dotted name before a capital ("gzip.GzipFile", "os.Path") is one word, not a
    sentence's end and the next one's start."""
    from assistant.language.sentences import sentences

    text = "class gzip.GzipFile(filename=None)\n\nSee os.Path for more. It is new."
    assert [text[a:b] for a, b in sentences(text)] == [
        "class gzip.GzipFile(filename=None)", "See os.Path for more.", "It is new."]


def test_a_bracket_after_no_stop_stays_in_its_sentence():
    """syntok cut before a bracket whose figure ends in " %)": the figure, the answer to "how
    much do you lose", was a sentence of its own; and it read " %." as no stop. An enumerated
    clause after a semicolon, and a bracket after a stop, still start sentences."""
    text = ("Often the difference\n    is not too big (maybe 1-2 %) but sometimes it can be too"
            " big. It rose (about 5 %) last year.")
    assert cut(text) == ["Often the difference\n    is not too big (maybe 1-2 %) but sometimes"
                         " it can be too big.", "It rose (about 5 %) last year."]
    # a space before the per cent sign is how Spanish, Italian, French and German write it
    spanish = ("En 1909 habían 281 754 judíos (36,9 %), 18 189 protestantes (2,4 %) y 2818"
               " mariavitas (0,4 %).")
    assert cut(spanish + " Esto supuso un cambio.") == [spanish, "Esto supuso un cambio."]
    # and syntok read " %." as no stop at all
    assert cut("Prices rose by 5 %. Then they fell.") == ["Prices rose by 5 %.", "Then they fell."]
    assert cut("It rose 5 %. and more") == ["It rose 5 %. and more"]
    clauses = "It may build plants;; (B) enter into contracts;; (C) make grants."
    assert cut(clauses) == ["It may build plants;;", "(B) enter into contracts;;",
                            "(C) make grants."]
    assert cut("Tap the hole. (See Fig. 7.) Put a screw in.") == [
        "Tap the hole.", "(See Fig. 7.)", "Put a screw in."]


def test_a_stop_after_a_markdown_links_target_ends_a_sentence():
    """syntok read a link's target and the stop after it as one token, so the sentence after
    a Markdown link ran on into the next ("… a [formal proposal](/s/proposal). To set
    expectations, …" was one quote and one candidate for the judge). A link inside a sentence,
    or a stop before a small letter, still ends none."""
    assert cut("The next step would be a [formal\nproposal](/s/proposal).\nTo set expectations,"
               " the earliest release is 1.17.") == [
        "The next step would be a [formal\nproposal](/s/proposal).",
        "To set expectations, the earliest release is 1.17."]
    assert cut("See [the notes](https://example.org/notes) for more. It is new.") == [
        "See [the notes](https://example.org/notes) for more.", "It is new."]
    assert cut("Read [the guide](guide.md). and then stop.") == [
        "Read [the guide](guide.md). and then stop."]
