"""What a question in another language asks for (issue 29: "answer kinds that hold for those
languages"): its own question words give the label an English question's would, a sentence is
read for that kind of fact in the question's language (its months, units, currencies, years
written against Chinese words), and an English question or sentence is read as before."""

from __future__ import annotations

import pytest

from assistant.language import asking
from assistant.language import facts as F
from assistant.language import questions as Q


@pytest.mark.parametrize("question, label", [
    ("Wann wurde die Universität gegründet?", Q.WHEN),
    ("In welchem Jahr endete der Krieg?", Q.WHEN),
    ("Wie viele Einwohner hat die Stadt?", Q.COUNT),
    ("Wie viel Prozent der Fläche ist Wald?", Q.SHARE),
    ("Warum wurde das Projekt eingestellt?", Q.REASON),
    ("Wie lange dauerte die Belagerung?", Q.LENGTH),
    ("¿Cuándo se fundó la universidad?", Q.WHEN),
    ("¿Cuántos habitantes tiene la ciudad?", Q.COUNT),
    ("¿Qué porcentaje de la superficie es bosque?", Q.SHARE),
    ("¿Quién escribió el informe?", Q.NAME),
    ("¿Por qué se canceló el proyecto?", Q.REASON),
    ("¿Cuánto tiempo duró el asedio?", Q.LENGTH),
    ("Quand l'université a-t-elle été fondée ?", Q.WHEN),
    ("Combien d'habitants compte la ville ?", Q.COUNT),
    ("Qui a écrit le rapport ?", Q.NAME),
    ("Quando è stata fondata l'università?", Q.WHEN),
    ("Quanti abitanti ha la città?", Q.COUNT),
    ("Quantos habitantes tem a cidade?", Q.COUNT),
    ("Em que ano terminou a guerra?", Q.WHEN),
    ("Wanneer werd de universiteit opgericht?", Q.WHEN),
    ("Hoeveel inwoners heeft de stad?", Q.COUNT),
    ("Когда был основан университет?", Q.WHEN),
    ("Сколько жителей в городе?", Q.COUNT),
    ("Почему проект был закрыт?", Q.REASON),
    ("大学是什么时候成立的？", Q.WHEN),
    ("这个城市有多少居民？", Q.COUNT),
    ("为什么这个项目被取消了？", Q.REASON),
    ("متى تأسست الجامعة؟", Q.WHEN),
    ("كم عدد سكان المدينة؟", Q.COUNT),
    ("لماذا ألغي المشروع؟", Q.REASON),
])
def test_a_question_in_another_language_asks_for_what_its_words_ask(question, label):
    assert Q.expected(question) == label


@pytest.mark.parametrize("question", [
    "¿Qué pasó cuando llegaron los normandos?",  # "cuando" here is "when", a conjunction
    "Que s'est-il passé quand la guerre a commencé ?",
    "Cosa è successo quando è arrivato il re?",
    "Wie heißt der Fluss, der durch die Stadt fließt?",  # German asks for no name: every noun
    "Wer gründete die Stadt?",                          # is capitalised
    "谁建立了这座城市？",                                 # Chinese and Arabic: no capitals
])
def test_a_conjunction_is_not_a_question_word_and_no_name_is_asked_where_capitals_say_nothing(
        question):
    assert Q.expected(question) in (None, Q.SHARE, Q.COUNT) and Q.expected(question) != Q.WHEN
    assert Q.expected(question) != Q.NAME


@pytest.mark.parametrize("lang, text, kind", [
    ("de", "Der letzte Ausbruch der Pest war 1654 in Oslo.", F.DATE),
    ("de", "Er beginnt am 1. März und kostet 850 Euro im Monat.", F.DATE),
    ("de", "Er beginnt am 1. März und kostet 850 Euro im Monat.", F.MONEY),
    ("de", "91 Prozent der Fläche", F.PERCENT),
    ("es", "El brote asoló Oslo en marzo.", F.DATE),
    ("es", "El asedio duró 3 años.", F.DURATION),
    ("es", "el 91 por ciento de la tierra", F.PERCENT),
    ("fr", "Le siège a duré 3 ans.", F.DURATION),
    ("ru", "Последняя вспышка чумы была 15 марта.", F.DATE),
    ("ru", "Он длился 3 года.", F.DURATION),
    ("ru", "Город находится в 12 км отсюда.", F.QUANTITY),
    ("zh", "最后一次瘟疫爆发于1654年。", F.DATE),
    ("zh", "围城持续了3年。", F.DURATION),
    ("zh", "距离12公里。", F.QUANTITY),
    ("zh", "占百分之九十的土地。", F.PERCENT),
    ("ar", "كان آخر تفش في مارس.", F.DATE),
    ("ar", "91 بالمائة من الأرض", F.PERCENT),
])
def test_a_sentence_states_facts_in_the_questions_language(lang, text, kind):
    assert kind in F.kinds(text, lang), (text, F.facts(text, lang))


def test_three_years_in_chinese_is_a_duration_not_a_date_and_english_reads_as_before():
    assert F.DATE not in F.kinds("围城持续了3年。", "zh")
    assert F.DATE not in F.kinds("Mars is red and the sea is calm.")  # "mars": French March
    assert F.DATE in F.kinds("en mars 1654", "fr") and F.DATE in F.kinds("Mars 2019 report")
    assert F.kinds("The fee is 850 euros a month.") == F.kinds("The fee is 850 euros a month.",
                                                                "en")


@pytest.mark.parametrize("question, answers, other", [
    ("Wann war der letzte Ausbruch der Pest?", "Der letzte Ausbruch der Pest traf Oslo 1654.",
     "Die Pest traf Oslo schwer."),
    ("¿Cuándo fue el último brote de la plaga?", "El último brote de peste asoló Oslo en 1654.",
     "La peste asoló Oslo."),
    ("最后一次瘟疫是什么时候爆发的？", "最后一次瘟疫于1654年袭击了奥斯陆。", "瘟疫袭击了奥斯陆。"),
    ("Warum wurde das Projekt eingestellt?", "Das Projekt wurde wegen fehlender Mittel "
     "eingestellt.", "Das Projekt wurde eingestellt."),
    ("Сколько жителей в городе?", "В городе живут 12 000 человек.", "В городе живут люди."),
])
def test_the_sentence_that_states_the_asked_kind_fits_and_the_other_is_left_neutral(
        question, answers, other):
    # facts in other languages are read less fully than in English: a sentence without the
    # asked kind is not held against (None), where an English one misfits (False)
    label = Q.expected(question)
    assert Q.fits(label, answers, question) is True
    assert Q.fits(label, other, question) is None
    assert Q.fits(Q.WHEN, "The plague hit Oslo.", "When was the last outbreak?") is False


def test_every_language_with_question_words_has_connectives_of_cause():
    assert set(asking.EXPECTS) <= set(asking.CAUSAL)
    assert Q.gives_cause("Il a été annulé à cause du coût.", "fr")
    assert not Q.gives_cause("Il a été annulé.", "fr")
    assert not Q.gives_cause("It was cancelled because of its cost.", "xx")  # no rules: none


def test_for_a_german_question_only_acronyms_are_names_since_every_noun_is_capitalised():
    from assistant.language.names import names

    assert names("Die Pest traf Oslo im Jahr 1654, und die EU half nicht.", "de") == {"eu"}
    assert names("The plague hit Oslo in 1654, and the EU did not help.") == {"oslo", "eu"}
    # English text with German particles keeps its names (the language is the question's)
    assert names("Ludwig von Mises and Karl Popper met in Vienna.") >= {"popper", "vienna"}


@pytest.mark.parametrize("question, label", [
    ("¿Cuántos partidos ganó el equipo?", Q.COUNT),   # "ganó" is not a price
    ("Combien de pays ont signé le traité ?", Q.COUNT),
    ("Wie viele Preise hat der Film gewonnen?", Q.COUNT),
    ("Сколько центров открыли?", Q.COUNT),
    ("Wie viel kostet der Eintritt?", Q.COST),
    ("Aus welchem Grund trat er zurück?", Q.REASON),
    ("¿En cuánto tiempo se construyó el puente?", Q.LENGTH),
    ("When is Día de los Muertos?", Q.WHEN),           # English words still read
])
def test_labels_in_their_order(question, label):
    assert Q.expected(question) == label


@pytest.mark.parametrize("lang, text, kind, present", [
    ("de", "Im Jahr 1654 500 km entfernt", F.DATE, True),   # a space joins no numbers
    ("de", "Er lief 100 m in 9.58 Sekunden.", F.TIME, False),
    ("nl", "Ajax staat in de top 10.", F.MONEY, False),      # "top" is not Tonga's TOP
    ("ar", "ولد عام ١٦٥٤", F.DATE, True),                    # Arabic-Indic digits
    ("zh", "这是一个城市。", F.NUMBER, False),                 # 一个 is "a"
    ("zh", "他有十一个孩子。", F.NUMBER, True),
])
def test_facts_in_other_languages_misread_nothing_the_review_found(lang, text, kind, present):
    assert (kind in F.kinds(text, lang)) is present, F.facts(text, lang)


def test_a_language_without_a_cldr_locale_reads_digits_only_and_does_not_fail():
    assert F.kinds("x 1654 and 12 %", "grc") >= {F.DATE, F.PERCENT}
    assert Q.fits(Q.WHEN, "x 1654", "Ἐν ἀρχῇ ἦν ὁ λόγος πότε;") in (True, None)


@pytest.mark.parametrize("question, form", [
    ("¿Cuántos equipos ganó el club?", "cuánt"),
    ("Сколько жителей в городе?", "сколько"),
    ("这个城市有多少居民？", "多少"),
    ("كم عدد سكان المدينة؟", "عدد"),
])
def test_what_an_amount_must_be_of_leaves_out_the_words_that_ask_for_it(question, form):
    from assistant.language.terms import subject_words
    from assistant.text import strip_accents, tokenize

    from assistant.language.identify import language_of

    subject = subject_words(question, language_of(question))
    assert subject and not set(tokenize(form)) & set(subject), subject
    assert not any(strip_accents(form) in s for s in subject)


def test_chinese_numerals_count_only_before_what_they_count():
    assert F.NUMBER in F.kinds("他有三个孩子。", "zh")
    assert F.NUMBER not in F.kinds("国家统一了。", "zh")


@pytest.mark.parametrize("lang, text", [
    ("de", "Die Stadt hat zwei Universitäten."), ("es", "Hubo dos equipos en la ciudad."),
    ("fr", "La ville a deux universités."), ("ru", "У трёх городов есть порт."),
    ("ar", "وثلاثة فرق لعبت هناك."),
])
def test_numbers_written_in_words_are_counts_in_their_language(lang, text):
    assert F.NUMBER in F.kinds(text, lang), F.facts(text, lang)
    assert F.NUMBER not in F.kinds("Er achtete darauf.", "de")  # "acht" inside a word
    assert F.NUMBER not in F.kinds("Una casa con un jardín.", "es")  # articles are not "one"
