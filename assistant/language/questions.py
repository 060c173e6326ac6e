"""What a question asks for, read from its wording: the kind of answer ("how long" wants a
duration or a distance, "when" a date or a clock time, "who" a name, "why" a cause), whether
a plain yes or no can lead the answer, and whether it asks how something changed over time.

`expected(question)` gives a label; `ACCEPTS[label]` the kinds of fact (`facts.kinds`) that
can answer it, and `fits(label, sentence, question)` whether a sentence states one. Labels
are about the form of a question, in any subject: "how much" accepts any amount (money, a
percentage, a quantity, a duration: "six weeks' notice" answers "how much notice"), so no
question is gated on a currency sign."""

from __future__ import annotations

import re

from . import asking
from . import facts as F
from .asking import AMOUNT, CLOCK, COST, COUNT, LENGTH, NAME, OFTEN, REASON, SHARE, SIZE, WHEN
from .identify import ENGLISH, language_of
from .names import name_key, names


ACCEPTS: dict[str, frozenset[str]] = {
    AMOUNT: frozenset({F.MONEY, F.PERCENT, F.QUANTITY, F.DURATION, F.NUMBER}),
    COST: frozenset({F.MONEY}),
    COUNT: frozenset({F.NUMBER, F.QUANTITY, F.MONEY, F.PERCENT, F.DURATION}),
    SHARE: frozenset({F.PERCENT, F.NUMBER}),
    WHEN: frozenset({F.DATE, F.TIME}),
    CLOCK: frozenset({F.TIME}),
    LENGTH: frozenset({F.DURATION, F.QUANTITY, F.DATE, F.TIME}),
    SIZE: frozenset({F.QUANTITY, F.NUMBER, F.DURATION, F.MONEY, F.PERCENT}),
    OFTEN: frozenset({F.FREQUENCY, F.DURATION, F.NUMBER, F.DATE}),
}
# Labels whose answer is an amount: its sentence must be about the question's subject itself.
AMOUNT_LABELS = frozenset({AMOUNT, COST, COUNT, SHARE})

# The nouns that name an amount asked for: a price ("What is the fee"), a result ("the profit")
_PRICE_NOUNS = "price|fee|fare|rent|cost|charge|deposit|salary|budget|fine"
_RESULT_NOUNS = "revenue|profit|turnover"

_EXPECTS = (
    (REASON, re.compile(r"^\s*why\b|\bhow come\b|\bfor what reasons?\b|\bwhat (?:led|caused|"
                        r"prompted|made|makes|drove|forced)\b|\bwhat (?:was|were|is|are) the "
                        r"(?:main )?(?:reasons?|causes?|grounds?)\b|\bwhy\b", re.I)),
    (CLOCK, re.compile(r"\bwhat time\b|\bat what time\b|\bhow (?:early|late)\b", re.I)),
    (OFTEN, re.compile(r"\bhow often\b|\bhow frequently\b", re.I)),
    (SHARE, re.compile(r"\bwhat (?:percentage|proportion|share|fraction|part)\b|\bwhat per ?cent\b|"
                       r"\bby how much\b|\bhow much of\b", re.I)),
    (COUNT, re.compile(r"\bhow many\b|\bwhat (?:number|count)\b|\bhow (?:old|many times)\b",
                       re.I)),
    # a price asks for money; any other "how much" for any amount ("how much notice")
    (COST, re.compile(r"\bhow much\b.{0,60}\b(?:cost|costs|pay|paid|spend|spent|charge[sd]?|"
                      r"earn|earned|money|price|fee|fare|rent)\b|\bwhat (?:did|does|do|will|"
                      r"would|is|was) .{0,40}\bcost\b|\bwhat (?:is|was|are|were) the (?:\w+ )?"
                      rf"(?:{_PRICE_NOUNS})s?\b", re.I)),
    (AMOUNT, re.compile(rf"\bhow much\b|\bwhat (?:is|was|are|were) the (?:\w+ )?"
                        rf"(?:{_RESULT_NOUNS})s?\b", re.I)),
    (LENGTH, re.compile(r"\bhow long\b|\bfor how long\b|\bwhat (?:is|was) the duration\b", re.I)),
    (SIZE, re.compile(r"\bhow (?:far|big|large|tall|high|deep|wide|heavy|long is|hot|cold|warm|"
                      r"fast|small|steep|much space)\b", re.I)),
    (WHEN, re.compile(r"^\s*when\b|\bby when\b|\bwhat (?:year|date|month|day|season)\b|\bwhich "
                      r"(?:year|date|month|day)\b|\bhow soon\b|\b(?:date|deadline)s?\b", re.I)),
    (NAME, re.compile(r"^\s*who(?:m|se)?\b|\bwhich (?:organi[sz]ation|firm|company|person|group|"
                      r"union|body|team|club|business|charity|school)\b|"
                      r"\bwhat is the name\b|\bcalled\b|\bnamed\b", re.I)),
)


def expected(question: str) -> str | None:
    """The label of the kind of answer `question` asks for, or None (what, which, how...); a
    question in another language by its own question words (`asking`) first, then, as
    before they were read, by English ones ("When is Día de los Muertos?")."""
    lang = language_of(question)
    for label, pattern in (*asking.EXPECTS.get(lang, ()), *_EXPECTS):
        if pattern.search(question):
            return label
    return None


_AMOUNT_NOUNS = re.compile(rf"\b(?:{_PRICE_NOUNS}|{_RESULT_NOUNS})s?\b", re.I)


def amount_nouns(question: str, label: str | None) -> list[str]:
    """The nouns in the words that ask for an amount (`expected`'s English match) that name the
    amount itself: "fees" of "What are the fees at the clinic?" is what is asked, not what it
    is the fee of; "licence" of "How much does a licence cost?" is kept."""
    for lab, pattern in _EXPECTS:
        if lab == label and (m := pattern.search(question)):
            return _AMOUNT_NOUNS.findall(m.group(0))
    return []


# Connectives that state a cause or reason in English (a closed class of the language, not a
# topic): a sentence with one is a candidate answer to "why". Purpose ("to help launch ...")
# and time ("after", "following") are left out: they tie a sentence to its own event, not to
# the one asked about. Chosen on the SQuAD tune split's why-questions and the rewordings
# (`python -m evals.evidence_rank --only reason`): gold sentence first 14 -> 15 of 19 and
# 1 -> 2 of 6, against the wider list.
_CAUSAL = re.compile(r"\b(?:because|due to|owing to|as a result|result(?:ed|s)? (?:of|from)|"
                     r"thanks to|on account of|since(?! \d| then| last| the (?:start|end|\d))|"
                     r"(?<!been )(?<!was )(?<!were )(?<!be )(?<!is )(?<!are )(?<!being )given "
                     r"(?:that|the|its|their|his|her|a|an|this|these|those|how)|caused|led to|"
                     r"leading to|prompted|meant that|reasons?|therefore|hence|consequently|"
                     r"in light of|in view of|in response to|amid)\b", re.I)


def gives_cause(sentence: str, lang: str = ENGLISH) -> bool:
    causal = _CAUSAL if lang == ENGLISH else asking.CAUSAL.get(lang)
    return bool(causal and causal.search(sentence))


def fits(label: str | None, sentence: str, question: str) -> bool | None:
    """Whether `sentence` states the kind of fact `label` asks for; None for no label, and
    for a sentence without it in a question's other language (`misfit_counts`). A sentence is
    read in the question's language (its months, units, connectives)."""
    if label is None:
        return None
    lang = language_of(question)
    if label == NAME:
        asked = names(question) | {name_key(w) for w in question.split() if w[:1].isupper()}
        found = bool(names(sentence) - asked)
    elif label == REASON:
        found = gives_cause(sentence, lang)
    else:
        found = bool(F.kinds(sentence, lang) & ACCEPTS[label])
    return found or (False if misfit_counts(question) else None)


def misfit_counts(question: str) -> bool:
    """Whether a sentence that does not state the asked kind of fact counts against it. In
    English, yes. In another language only a sentence that does state it is preferred: its
    facts are read less fully ("فريقين", two teams, is a dual; "the second quarter of the
    19th century" is a date no pattern reads), and on XQuAD (evaluation only) counting the
    misses declined Chinese and Arabic count questions whose sentence held the answer."""
    return language_of(question) == ENGLISH


_TIMELINE = re.compile(r"\bover (?:time|the years)\b|\bhow (?:has|have|did) .{0,60}\bchang|"
                       r"\btimeline\b|\bhistory of\b|\bsince \d{4}\b|\bevolv|"
                       # "what happens when?", "... when during the season", "trace ...",
                       # "from 2015 to 2018", "how did it come about", "change over the winter"
                       r"\bwhat happen(?:s|ed) when\s*(?:\?|$|during\b)|^\s*(?:please )?trace\b|"
                       r"\bfrom (?:\d{4}|version \S+) (?:to|until|through) \S|\bc[oa]me about\b|"
                       r"\bchang(?:e|es|ed|ing) (?:over|during|through(?:out)?|across) (?:the )?\w",
                       re.I)
# The framing of a question about change ("how did ... change over time", "the history of"):
# words about the question's form, not its topic, which no passage needs to repeat.
_TIMELINE_FRAME = re.compile(r"^\s*how (?:has|have|did|does|do|had)\b|\b(?:chang(?:e|ed|es|ing)|"
                             r"evolv(?:e|ed|es|ing))\b|\bover (?:time|the years)\b", re.I)
_YES_NO = re.compile(r"^\s*(?:is|are|was|were|am|do|does|did|has|have|had|can|could|will|"
                     r"would|should|shall|may|might|must|isn't|aren't|wasn't|weren't|"
                     r"doesn't|don't|didn't|hasn't|haven't|can't|won't)\b", re.I)


def asks_for_timeline(question: str) -> bool:
    return bool(_TIMELINE.search(question))


# what sources are asked to be compared on: "Compare what the 2015 and 2018 reports say about
# the launch date" -> "the launch date"
_SAY_ABOUT = re.compile(r"\b(?:say|says|said|write|writes|wrote|report|reports|reported|tell|"
                        r"tells|told|state|states|stated)\s+(?:us\s+)?(?:about|on|of|regarding|"
                        r"concerning)\s+(.+?)[\s?.!]*$", re.I)


def compared_on(question: str, tokenize) -> str:
    """What a comparison of sources asks each of them, as a question ("what the 2015 and 2018
    reports say about when the bridge opens" -> "When the bridge opens?"), else the question
    itself."""
    m = _SAY_ABOUT.search(question)
    if not m or not tokenize(m.group(1)):
        return question
    on = m.group(1).strip()
    return f"{on[0].upper()}{on[1:]}?"


def asks_yes_no(question: str) -> bool:
    """A question a plain "Yes." or "No." can lead the answer to ("Would it be the first...?")."""
    return bool(_YES_NO.match(question))


def search_text(question: str, tokenize) -> str:
    """What to search and score passages with: the question, less the framing of a question
    about change over time ("How did the opening date change over time?" -> "the opening
    date"; "What is the history of the pier?" is left whole) or of a request for a summary or
    list ("Summarise the article about the pier's repair" -> "the pier's repair"), whose
    words a small embedder otherwise weighs as much as the subject's."""
    framed = _OVERVIEW_FRAME.sub("", question, count=1)
    if framed != question and len(tokenize(framed)) >= 2:
        return framed.strip(" ?.")
    if not asks_for_timeline(question):
        return question
    framed = _TIMELINE_FRAME.sub(" ", question)
    topic = " ".join(framed.split()).strip(" ?")
    return topic if framed != question and len(tokenize(topic)) >= 2 else question


# Questions whose answer is a set of passages, not one sentence (English question forms and
# generic words for documents, no topic): a summary of a document, several or a topic; a
# list ("list the reasons", "what are the steps"); a comparison of two things, sources or dates.
SUMMARY, LIST, COMPARE = "summary", "list", "compare"
TIMELINE = "timeline"  # asks_for_timeline: a document's dated points, or each source's account
_DOCUMENT = (r"(?:documents?|files?|articles?|reports?|papers?|texts?|pages?|books?|chapters?|"
             r"sections?|manuals?|guides?|notes?|letters?|emails?|stor(?:y|ies)|pieces?|"
             r"sources?|this|these|it|they|them|everything)")
# a plural noun phrase of up to three words ("build systems", "operating systems"): the last
# ends in "s" but not "ss", "us" or "is" (class, status, analysis)
_PLURAL_NOUN = r"(?:\w+ ){0,2}?\w{3,}s(?<!ss)(?<!us)(?<!is)"
_COUNT_WORDS = r"two|three|four|five|six|seven|eight|nine|ten|\d{1,2}|some|many|several"
_OVERVIEW = (
    (SUMMARY, re.compile(
        r"\bsummar(?:y|ies|i[sz]e[sd]?|i[sz]ing)\b|\boverview\b|\bgist\b|\bin (?:a )?nutshell\b|"
        r"\b(?:main|key) (?:points|ideas|findings|messages|takeaways)\b|\btl;?dr\b|"
        r"\bwhat (?:is|are|was|were) (?:the |this |these |that |those |all )?(?:\w+ ){0,3}?"
        rf"{_DOCUMENT} (?:all )?about\b|\bwhat do(?:es)? (?:the |this |these )?{_DOCUMENT} "
        r"(?:say|cover|discuss|describe)\s*\??$|^\s*(?:briefly )?(?:describe|outline)\b", re.I)),
    # a request to compare, not a fact stated by comparison ("... compared to whom?")
    (COMPARE, re.compile(
        r"^\s*(?:please )?(?:compare|contrast)\b|\bwhat (?:is|are|were|was) the (?:main )?"
        r"(?:differences?|similarit(?:y|ies)) between\b|\bhow (?:does|do|did) .{1,80}\b"
        r"differ (?:from|between)\b|\b(?:vs\.?|versus)\s|\bwhat changed between\b|"
        r"\bhow (?:does|do|did) .{1,80}\b(?:differ|compare)\s*(?:\?|$|with\b|to\b)|"
        r"^\s*what (?:has |have )?changed\b.{1,80}\bcompared (?:with|to)\b", re.I)),
    # a request for a list, not a question whose one answer names several things
    (LIST, re.compile(
        r"^\s*(?:please )?(?:list|enumerate)\b|^\s*(?:please )?name (?:all|every|each)\b|"
        r"\bwhat are all the\b|\bgive (?:me )?(?:a list|all)\b|"
        # the steps of a procedure; "which rules apply", "what options does it offer": a plural
        # asked for by "which"/"what" and a verb
        r"\bwhat (?:are|were) the (?:\w+ )?steps\b|\bwhat steps\b|"
        # what to bring, pack or wear: a kit list ("what should I bring on the walk?")
        r"^\s*what (?:should|must|do|does|will|would) (?:i|we|you|one) (?:need to |have to )?"
        r"(?:bring|pack|wear)\b|"
        # what a release or version changed: "what changed in 4.2?", "what's new in Go 1.16?"
        r"^\s*what(?:['’]s|\s+is|\s+has|\s+have)?\s+(?:changed|new)\s+(?:in|for|with)\b|"
        rf"^\s*(?:which|what) {_PLURAL_NOUN} (?:do|does|did|are|were|can|could|should|must|will|"
        r"would|have|has)\b|"
        # "what are the fees at ...?", "what are X's default limits?": the things themselves,
        # not what they are called or done by ("what were the inhabitants called?")
        rf"^\s*what (?:are|were) (?:(?:the |its |their )?(?:\w+ ){{0,2}}?\w+['’]s |the |its |"
        rf"their )(?!(?:{_COUNT_WORDS})\b){_PLURAL_NOUN}\s*(?:\?|$|(?:at|for|of|on|in|to|from|"
        r"under|when|which|and)\b(?!.*\b(?:called|named|by|known (?:as|for))\s*\??\s*$))",
        re.I)),
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_COUNT = re.compile(r"\b(two|three|four|five|six|seven|eight|[2-9])\s+(?:\w+\s+)?(?:reasons|"
                    r"points|things|ways|steps|bullets|sentences|items|examples|facts|ideas|"
                    r"differences|changes|causes|options|lines)\b", re.I)
_ASKS_FOR = re.compile(r"^\s*(?:please )?(?:give|name|tell|provide|show|state)\b", re.I)
_BRIEF = re.compile(r"\bbrief(?:ly)?\b|\bin short\b|\bshort summary\b|\bin a (?:few|couple of) "
                    r"(?:words|lines|sentences)\b", re.I)


_OVERVIEW_FRAME = re.compile(
    r"^\s*(?:(?:can|could|would) you\s+)?(?:please\s+)?(?:(?:briefly|quickly)\s+)?"
    r"(?:summari[sz]e|list|enumerate|describe|outline|compare|give (?:me )?(?:a |an )?"
    r"(?:short |brief |quick )?(?:summary|overview|list|comparison) of)\s+(?:all\s+)?"
    rf"(?:(?:the|this|these|that|those|my|our)\s+)?(?:(?:main|key)\s+)?(?:{_DOCUMENT}\s+"
    r"(?:about|on|of|describing|covering)\s+)?", re.I)


_STEPS = re.compile(r"\bsteps?\b|\bprocedure\b|\bin (?:what|which) order\b|"
                    r"^\s*how (?:do|can|should|would) (?:i|you|we|one)\b", re.I)


def asks_for_steps(question: str) -> bool:
    """Whether the question asks how to do something, step by step (a numbered list's answer)."""
    return _STEPS.search(question) is not None


def overview_kind(question: str) -> tuple[str, int | None] | None:
    """(kind, points asked for or None) when the question wants a set of passages — SUMMARY,
    COMPARE or LIST — else None. "Give three reasons" asks for 3; "briefly", for 2."""
    m = _COUNT.search(question)
    count = (_NUMBERS.get(m.group(1).lower()) or int(m.group(1))) if m else None
    for kind, pattern in _OVERVIEW:
        if pattern.search(question):
            return kind, count or (2 if _BRIEF.search(question) else None)
    if count and _ASKS_FOR.match(question):  # "give three reasons for ..."
        return LIST, count
    return None
