"""The language a question is written in, for the words the assistant says itself (its
decline), so a German question is told "Die Dokumente sagen dazu nichts." The local backend writes
its answers in the question's language on its own (prompts/answer_language.txt).

A question `reads_as_english` is English; any other is identified by py3langid (BSD-3, a
maintained fork of langid.py: 97 languages, one small classifier in the wheel, ~0.2 ms a question,
loaded on first use). Han characters without kana are Chinese, not Japanese (langid.py takes
short Chinese questions for Japanese), and a variety's code is its written standard's
(Egyptian Arabic: Arabic; Wu: Chinese). A language without a decline of its own below gets the
English one. Right on XQuAD's 1,190 questions per language (`tests/test_identify.py`):
Arabic 0.999, Chinese 0.998, English 1.000, German 0.973 (the rest read as English), Russian
0.984 (the rest mostly taken for Bulgarian), Spanish 0.999."""

from __future__ import annotations

import functools
import re

from ..text import HAN, KANA
from .terms import reads_as_english

ENGLISH = "en"
DECLINES = {
    "en": "The documents don't say.",
    "de": "Die Dokumente sagen dazu nichts.",
    "fr": "Les documents ne le disent pas.",
    "es": "Los documentos no lo dicen.",
    "it": "I documenti non lo dicono.",
    "pt": "Os documentos não o dizem.",
    "nl": "De documenten zeggen dat niet.",
    "ru": "В документах об этом не сказано.",
    "zh": "文档中没有提到这一点。",
    "ja": "文書には書かれていません。",
    "ar": "لا تذكر الوثائق ذلك.",
}
# langid's codes for varieties whose written standard has a decline above
_WRITTEN = {"arz": "ar", "ary": "ar", "apc": "ar", "acm": "ar", "wuu": "zh", "yue": "zh",
            "cmn": "zh", "lzh": "zh"}
_KANA = re.compile(f"[{KANA}]")
_HAN = re.compile(f"[{HAN}]")


@functools.lru_cache(maxsize=1024)
def language_of(question: str) -> str:
    """An ISO 639-1 code: "en" for a question that reads as English, else langid's guess."""
    if reads_as_english(question):
        return ENGLISH
    import py3langid  # its classifier is read on the first call

    code = py3langid.classify(question)[0]
    code = _WRITTEN.get(code, code)
    if code == "ja" and _HAN.search(question) and not _KANA.search(question):
        return "zh"
    return code


def not_in_documents(question: str) -> str:
    """The decline, in the question's language where there is one for it, else in English."""
    return DECLINES.get(language_of(question), DECLINES[ENGLISH])
