"""The kinds of fact a span of text states: amounts of money, percentages, quantities with
units, durations, clock times, dates, counts, names. One piece of code for every part of the
answer path that asks "does this sentence hold what the question wants" (evidence selection,
the extractive answerer, the citation check).

The vocabularies come from the Unicode CLDR through Babel (BSD), not from any corpus: every
current ISO 4217 currency code, its English names ("kronor", "euros", "rupees") and symbols
("US$", "€", "kr"), CLDR's unit names in long, short and narrow form ("kilometres", "km",
"°C", "MB"), month and weekday names. Numbers are digits (with separators and decimals) or
English number words. The patterns are the shapes of these facts in English text, whatever
the subject: "SEK 2,400", "48 euros", "2.5 per cent", "a third", "9.2 km", "six weeks'",
"07:10", "10 am", "noon", "14/03/2024", "Tuesday 4 June".

Why not spaCy's entities: measured on evals/kinds/cases.jsonl (70 everyday sentences) and on
the SQuAD answer sentences (`python -m evals.kinds`), en_core_web_sm 3.8 found 7 of 14 amounts
of money (a currency code came out as ORG, "48 euros" as CARDINAL), 4 of 8 quantities, no
duration as such (they are DATE or TIME), and took "Bake", "Bags" and "Turnout" for people;
it also costs ~30 ms per 100 words at question time. The figures of both are in that command's
output and the README.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

MONEY, PERCENT, QUANTITY, DURATION, TIME, DATE, NUMBER, FREQUENCY = (
    "money", "percent", "quantity", "duration", "time", "date", "number", "frequency")
AMOUNTS = frozenset({MONEY, PERCENT, QUANTITY, DURATION, NUMBER})

_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = {w: str(i) for i, w in enumerate(_SMALL)}
NUMBER_WORDS.update({w: str(20 + 10 * i) for i, w in enumerate(_TENS)})
NUMBER_WORDS.update(hundred="100", thousand="1000", dozen="12", million="1000000",
                    billion="1000000000")
_WORD_NUM = (r"(?:(?:" + "|".join(_TENS) + r")(?:[-\s](?:" + "|".join(_SMALL[1:10]) + r"))?|"
             + "|".join(sorted(_SMALL, key=len, reverse=True)) + r"|a dozen|dozens?|hundreds?|"
             r"thousands?)")
_DIGITS = r"\d+(?:[.,]\d+)*"
_SCALE = r"(?:\s?(?:thousand|million|billion|trillion|bn|mn|m|k|tn)\b)?"
NUM = rf"(?:{_DIGITS}|\b{_WORD_NUM}\b)"
_FRACTION = (r"\b(?:(?:a|one|two|three)[-\s](?:half|third|quarter|fifth|tenth)s?|half|halves|"
             r"(?:a|one|two|three) in (?:two|three|four|five|ten))\b")
_ORDINAL_WORDS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                  "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                  "nineteenth twentieth twenty-first").split()


@dataclass(frozen=True)
class Fact:
    kind: str
    start: int
    end: int


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


# The CLDR locales whose words each language's facts are written in.
LOCALES = {"en": ("en", "en_GB", "en_AU", "en_IN"), "pt": ("pt", "pt_PT"), "zh": ("zh", "zh_Hant")}


@functools.lru_cache(maxsize=16)
def _cldr(lang: str = "en") -> dict[str, list[str]]:
    """Currency codes, names and symbols, unit names by kind, month and day names, in the
    words of `lang` (English unless a question in another language asks)."""
    from babel import Locale, UnknownLocaleError

    out: dict[str, list[str]] = {"code": [], "currency": [], "symbol": [], QUANTITY: [],
                                 DURATION: [], PERCENT: [], "month": [], "day": []}
    for tag in LOCALES.get(lang, (lang,)):
        try:
            loc = Locale.parse(tag)
        except (UnknownLocaleError, ValueError):  # a language CLDR lacks: digits only
            continue
        for code, name in loc.currencies.items():
            if "(" in name or not re.fullmatch(r"[A-Z]{3}", code):
                continue  # historic currencies ("... (1927-2002)") and odd codes
            out["code"].append(code)
            plural = loc._data["currency_names_plural"].get(code, {})
            for form in (name, *plural.values()):  # "US dollars"; "dólares estadounidenses"
                words = form.lower().split()
                out["currency"] += words[-1:] if lang == "en" else [words[0], words[-1]]
            symbol = loc.currency_symbols.get(code, code)
            if symbol != code:
                out["symbol"].append(symbol)
        for key, forms in loc._data["unit_patterns"].items():
            kind = _unit_kind(key)
            if kind is None:
                continue
            for width in ("long", "short", "narrow"):
                for count, pattern in forms.get(width, {}).items():
                    unit = pattern.replace("{0}", "").strip()
                    if count != "per" and "{0}" in pattern and (kind != DURATION or len(unit) > 1
                                                               or not unit.isascii()):
                        out[kind].append(unit)  # "5m" is metres or minutes; "5年" is years
        # other languages: wide names only ("mar." is Spanish for the sea), both grammatical
        # forms (Russian dates say "марта", a heading "март")
        forms = ("wide", "abbreviated") if lang == "en" else ("wide",)
        contexts = ("format",) if lang == "en" else ("format", "stand-alone")
        out["month"] += [m for c in contexts for f in forms for m in loc.months[c][f].values()]
        out["day"] += [d for c in contexts for f in forms for d in loc.days[c][f].values()]
    out["symbol"] = [s for s in out["symbol"] if not s.isalpha() or len(s) <= 2]
    out[QUANTITY] = [u for u in out[QUANTITY] if u.lower() not in _NOT_UNITS]
    return out


# Unit forms that are ordinary words after a number ("5 in the box", "2 pt lead").
_NOT_UNITS = frozenset({"in", "a", "an", "as", "at", "it", "is", "pt", "s", "c", "d", "h",
                        "point", "points", "items", "item", "part", "parts", "em", "dot",
                        "dots", "ems", "g-force", "ppm", "ppb", "pm", "am"})


def _unit_kind(key: str) -> str | None:
    if key.startswith("duration-") and not key.endswith("-person"):
        return DURATION
    if key in ("concentr-percent", "concentr-permille"):
        return PERCENT
    if key.startswith(("concentr-item", "concentr-part", "graphics-", "duration-",
                       "length-point", "temperature-generic")):
        return None
    return QUANTITY


@functools.lru_cache(maxsize=16)
def _patterns(lang: str = "en") -> list[tuple[str, re.Pattern]]:
    if lang != "en":
        return _patterns_in(lang)
    v = _cldr()
    codes, names = _alternation(v["code"]), _alternation(v["currency"])
    symbols = _alternation(v["symbol"])
    units, spans_of_time = _alternation(v[QUANTITY]), _alternation(v[DURATION])
    # month and weekday names are written capitalised (or in capitals): "may", "march",
    # "sat" and "wed" in lower case are verbs, so these match case-sensitively
    months = _alternation(x for m in v["month"] for x in (m.rstrip("."), m.rstrip(".").upper()))
    days = _alternation(x for d in v["day"] for x in (d, d.upper()))
    ordinals = _alternation(_ORDINAL_WORDS)
    sc = r"[$£€¥₹₩₽₪₺₫₴₦₱฿₡₲₵₸]"
    amount = rf"{NUM}{_SCALE}"
    count = rf"(?:{NUM}|an?|several|few|many|couple of|half an?)"
    clock = r"(?:[01]?\d|2[0-3])"
    ampm = r"(?:\s?(?:a\.m\.|p\.m\.|am\b|pm\b|AM\b|PM\b))"
    return [
        (MONEY, re.compile(rf"(?:{symbols}|{sc})\s?{amount}|\b(?:{codes})\s?{amount}|"
                           rf"{amount}\s?(?:{sc}|(?:{codes})\b)")),  # codes are upper case
        (MONEY, re.compile(r"\bfree(?: of charge)?\b|\bno charge\b|\bat no cost\b", re.I)),
        (MONEY, re.compile(rf"{amount}\s(?:{names})\b", re.I)),
        (PERCENT, re.compile(rf"{NUM}\s?(?:%|per\s?cent\b|percent(?:age points?)?\b|"
                             rf"percentage points?\b)|{_FRACTION}|\bper\s?cent\b", re.I)),
        (TIME, re.compile(rf"\b{clock}[:.][0-5]\d{ampm}|\b{clock}:[0-5]\d\b|\b(?:1[0-2]|0?\d)"
                          rf"{ampm}|\b(?:noon|midday|midnight|dawn|dusk|sunrise|sunset)\b|"
                          rf"\b(?:1[0-2]|0?\d|{_WORD_NUM}) o['’]clock\b|\b(?:at|by|during the|in the|"
                          rf"each|every|overnight|late at) (?:night|morning|afternoon|evening)s?\b",
                          re.I)),
        (DURATION, re.compile(rf"\b{count}[-\s](?:{spans_of_time})\b(?:['’]s?)?|\b(?:a |one )?"
                              rf"fortnight\b|\bovernight\b", re.I)),
        (QUANTITY, re.compile(rf"(?:{NUM})\s?(?:{units})(?![^\W\d_])", re.I)),
        (DATE, re.compile(
            rf"\b(?-i:{months})\.?(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s(?:1\d|20)\d\d)?\b|"
            rf"\b(?-i:{days})s?\b|\b\d{{4}}-\d\d-\d\d\b|\b\d{{1,2}}[/.]\d{{1,2}}[/.](?:\d\d){{1,2}}\b|"
            rf"\b(?:1[0-9]|20)\d\ds?\b|\b(?:\d{{1,2}}(?:st|nd|rd|th)|{ordinals})(?: and "
            rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{ordinals}))? centur(?:y|ies)\b|\b(?:last|next|this|"
            rf"coming|previous|following) (?:year|month|week|weekend|spring|summer|autumn|fall|"
            rf"winter|season|term|quarter|{days})\b|\b(?:yesterday|today|tomorrow|tonight)\b|"
            rf"\b(?:spring|summer|autumn|fall|winter)(?: of)? (?:1\d|20)\d\d\b", re.I)),
        (FREQUENCY, re.compile(r"\b(?:daily|weekly|fortnightly|monthly|quarterly|annually|"
                               r"yearly|hourly|nightly|twice|once|thrice|every|each (?:day|"
                               r"week|month|year))\b|\b(?:a|per) (?:day|week|month|year|"
                               r"hour)\b|\btimes a\b", re.I)),
        (NUMBER, re.compile(rf"{_DIGITS}|\b{_WORD_NUM}\b|{_FRACTION}", re.I)),
    ]


# Numbers in words, as `NUMBER_WORDS` in English ("zwei", "dos", "трёх"): one to twelve, the
# teens and tens most written out, the scales. The article that is also "one" (ein, un, uno,
# um, een) is left out, as English's "a" is.
NUMBER_WORDS_IN = {lang: tuple(sorted(words.split(), key=len, reverse=True)) for lang, words in {
    "de": "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn "
          "fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig dreißig vierzig fünfzig "
          "sechzig siebzig achtzig neunzig hundert tausend million millionen milliarde "
          "milliarden dutzend",
    "es": "dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
          "dieciséis diecisiete dieciocho diecinueve veinte treinta cuarenta cincuenta sesenta "
          "setenta ochenta noventa cien ciento cientos mil millón millones docena",
    "fr": "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
          "seize vingt trente quarante cinquante soixante cent cents mille million millions "
          "milliard milliards douzaine",
    "it": "due tre quattro cinque sei sette otto nove dieci undici dodici tredici venti trenta "
          "quaranta cinquanta sessanta settanta ottanta novanta cento mille milione milioni "
          "miliardo miliardi dozzina",
    "pt": "dois duas três quatro cinco seis sete oito nove dez onze doze treze vinte trinta "
          "quarenta cinquenta sessenta setenta oitenta noventa cem cento mil milhão milhões "
          "dúzia",
    "nl": "twee drie vier vijf zes zeven acht negen tien elf twaalf dertien twintig dertig "
          "veertig vijftig zestig zeventig tachtig negentig honderd duizend miljoen miljard "
          "dozijn",
    "ru": "один одна два две двух три трёх трех четыре четырёх четырех пять пяти шесть шести "
          "семь семи восемь восьми девять девяти десять десяти одиннадцать двенадцать "
          "двадцать тридцать сорок пятьдесят сто тысяча тысячи тысяч миллион миллиона "
          "миллионов миллиард",
    "ar": "واحد اثنان اثنين اثنتان ثلاثة ثلاث أربعة أربع خمسة خمس ستة ست سبعة سبع ثمانية "
          "ثماني تسعة تسع عشرة عشر عشرون عشرين مائة مئة ألف آلاف مليون ملايين مليار",
}.items()}
# A number in Han numerals before a measure word ("三个", "两位", "一万人"): Han numerals are
# also parts of words ("统一"), so one counts only before what it counts, and "一个", "一位"
# alone are the indefinite article ("a city"), as English's "a" is.
_HAN_COUNT = (r"(?:[零〇二两三四五六七八九十百千万亿]|一(?=[零〇一二两三四五六七八九十百千万亿]))"
              r"[零〇一二两三四五六七八九十百千万亿]*(?=[个位名种次座所家人条部项支只匹本年岁天倍])")
# Chinese and Japanese write a date's parts against their numbers: "1654年", "3月", "5日"
# ("3年" is three years).
_CJK_DATE = r"\d{3,4}\s?年|\d{1,2}\s?月|\d{1,2}\s?[日号號]|[一二三四五六七八九十]+世纪"


def _patterns_in(lang: str) -> list[tuple[str, re.Pattern]]:
    """The facts of text in another language: its CLDR words (currencies, units, months,
    weekdays) around numbers written in digits, clock times, numeric dates and years. English
    number words, "a.m." and "last year" are not looked for; a number is bounded by what is
    not a digit, since Chinese writes it against its words."""
    v = _cldr(lang)

    def alt(words) -> str:  # an empty list matches nothing, not the empty string
        return _alternation(words) or "(?!)"

    names, symbols, codes = alt(v["currency"]), alt(v["symbol"]), alt(v["code"])
    units, spans_of_time = alt(v[QUANTITY]), alt(v[DURATION])
    percent = alt(v[PERCENT] + ["%", "٪"])
    months, days = alt(v["month"]), alt(v["day"])
    sc = r"[$£€¥₹₩₽₪₺₫₴₦₱฿₡₲₵₸]"
    digits = r"(?<![\d.,])\d+(?:[.,\u00a0\u202f]\d{3})*(?:[.,]\d+)?(?![\d])"
    spelt = NUMBER_WORDS_IN.get(lang)
    codes = f"(?-i:{codes})"  # upper case: "top 10" is not Tonga's TOP
    # Arabic joins "and" and "with" to the word after them ("وثلاثة")
    joined = r"(?<![^\W\d_])[وب]?" if lang == "ar" else r"(?<![^\W\d_])"
    amount = (rf"(?:{digits}|{joined}(?:{_alternation(spelt)})(?![^\W\d_]))" if spelt
              else digits)
    end = r"(?![^\W\d_])" if lang not in ("zh", "ja") else ""  # "km" is not "kmph"
    cjk = lang in ("zh", "ja")
    cjk_date = [(DATE, re.compile(_CJK_DATE))] if cjk else []
    return [
        (MONEY, re.compile(rf"(?:{symbols}|{sc})\s?{amount}|\b(?:{codes})\s?{amount}|"
                           rf"{amount}\s?(?:{sc}|(?:{codes})\b|(?:{names}){end})", re.I)),
        (PERCENT, re.compile(rf"{amount}\s?(?:{percent}){end}|百分之", re.I)),
        (TIME, re.compile(r"(?<!\d)(?:[01]?\d|2[0-3])[:h][0-5]\d(?!\d)")),  # 9.58 s: no time
        *cjk_date,
        (DURATION, re.compile(rf"{amount}\s?(?:{spans_of_time}){end}", re.I)),
        (QUANTITY, re.compile(rf"{amount}\s?(?:{units}){end}", re.I)),
        (DATE, re.compile(rf"(?<![^\W\d_])(?:{months}|{days})(?![^\W\d_])|"
                          r"(?<!\d)(?:\d{4}-\d\d-\d\d|\d{1,2}[/.]\d{1,2}[/.](?:\d\d){1,2}|"
                          r"(?:1\d|20)\d\d)(?!\d)", re.I)),
        (NUMBER, re.compile(f"{amount}|{_HAN_COUNT}" if cjk else amount, re.I)),
    ]


_NATIVE_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


def facts(text: str, lang: str = "en") -> tuple[Fact, ...]:
    """Every fact span of `text`, by kind; an amount claims its number, so "SEK 2,400" is
    money, not also a count (nor a year). `lang`: the language whose words name the units,
    currencies and months (an ISO 639-1 code; English by default)."""
    if lang != "en":  # Arabic-Indic and Persian digits read as digits (one for one: offsets hold)
        text = text.translate(_NATIVE_DIGITS)
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []
    dated: list[tuple[int, int]] = []  # a date claims its numbers from counts only
    for kind, pattern in _patterns(lang):
        for m in pattern.finditer(text):
            if m.end() <= m.start():
                continue
            if any(a <= m.start() and m.end() <= b for a, b in taken):
                continue  # "5.30pm" is a time, not also a quantity in picometres
            if kind == NUMBER and any(a <= m.start() and m.end() <= b for a, b in dated):
                continue  # the year of "April 2019" is a date, not an amount
            found.append(Fact(kind, m.start(), m.end()))
            if kind == DATE:
                dated.append((m.start(), m.end()))
            elif kind != FREQUENCY:
                taken.append((m.start(), m.end()))
    return tuple(sorted(found, key=lambda f: (f.start, f.end)))


def kinds(text: str, lang: str = "en") -> frozenset[str]:
    """The kinds of fact `text` states (see `facts`). Cached: evidence selection asks about
    the same retrieved sentences question after question."""
    return _kinds(text, lang)  # one cache entry however the language is given


@functools.lru_cache(maxsize=8192)
def _kinds(text: str, lang: str) -> frozenset[str]:
    return frozenset(f.kind for f in facts(text, lang))


def has_amount(text: str) -> bool:
    return bool(kinds(text) & AMOUNTS)
