"""The floor: a 30-line keyword-overlap sentence picker. The assistant must clearly beat it."""

import re
from pathlib import Path

from assistant.types import Answer, Citation

STOP = set("a an and are as at be by did do does for from had has have how in is it its of on or "
           "the their to was were what when where which who why will with would".split())


def _words(text):
    return {w for w in re.findall(r"[a-z0-9£]+", text.lower()) if w not in STOP}


class KeywordPicker:
    name = "keyword-floor"

    def __init__(self, corpus_dir="seeds", min_overlap=2):
        self.sentences = []
        for path in sorted(Path(corpus_dir).glob("*.txt")):
            for s in re.split(r"(?<=[.!?])\s+|\n+", path.read_text(encoding="utf-8")):
                if s.strip():
                    self.sentences.append((path.name, s.strip()))
        self.min_overlap = min_overlap

    def ask(self, question):
        q = _words(question)
        score, source, best = max((len(q & _words(s)), src, s) for src, s in self.sentences)
        if score < self.min_overlap:
            return Answer(question, "The documents don't say.", abstained=True, generator=self.name)
        return Answer(question, f"{best} [1]", (Citation(1, source, best, 0, 0),), generator=self.name)
