"""The reading-fidelity metrics (evals.fidelity's docstring says exactly what each counts):
words and their multiset/in-order scores, doubled-letter runs, running headers left in the
body, title/date judgement, and the body text they are computed on."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter

_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "_": " "})
_SPLIT = re.compile(r"[\s()\[\]{}=,;<>*|\"`]+")
_SHORT_LINE = 30
_LEAK = 12  # the first characters of a long running line that show a part of it left in


# ---------------------------------------------------------------- words

def plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_PLAIN).casefold()


def _strip(token: str) -> str:
    start, end = 0, len(token)
    while start < end and not token[start].isalnum():
        start += 1
    while end > start and not token[end - 1].isalnum():
        end -= 1
    return token[start:end]


def words(text: str) -> list[str]:
    """The text's words as the metrics see them (see the module docstring)."""
    return [w for w in map(_strip, _SPLIT.split(plain(text))) if w]


def word_scores(ref: list[str], got: list[str], ignore_extra: str | None = None,
                floats: tuple[tuple[str, ...], ...] = ()) -> dict:
    """Recall, precision and out-of-order share of `got` against `ref` (both word lists);
    `floats`: passages (word lists) taken out of both before the order is measured."""
    ref_bag, got_bag = Counter(ref), Counter(got)
    matched = sum((ref_bag & got_bag).values())
    extra = got_bag - ref_bag
    ignored = 0
    if ignore_extra:
        rx = re.compile(ignore_extra)
        ignored = sum(n for w, n in extra.items() if rx.search(w))
    moved, differences = _out_of_order(without(ref, floats), without(got, floats), ignore_extra)
    counted = len(got) - ignored
    return {"ref_words": len(ref), "got_words": len(got), "matched": matched,
            "ignored_extra": ignored, "out_of_order_words": moved,
            "recall": matched / len(ref) if ref else 1.0,
            "precision": matched / counted if counted else (1.0 if not ref else 0.0),
            "out_of_order": moved / len(ref) if ref else 0.0,
            "missing": [f"{w} ×{n}" for w, n in (ref_bag - got_bag).most_common(12)],
            "extra": [f"{w} ×{n}" for w, n in extra.most_common(12)],
            "differences": differences}


def _out_of_order(ref: list[str], got: list[str], ignore_extra: str | None = None,
                  shown: int = 12) -> tuple[int, list[str]]:
    """Words in both bags that the in-order alignment does not match, and the first `shown`
    differences, for a person ("replace: dis-claimed → disclaimed"; extra words that
    `ignore_extra` forgives are not shown)."""
    matched = sum((Counter(ref) & Counter(got)).values())
    sm = difflib.SequenceMatcher(None, ref, got, autojunk=False)
    aligned = sum(b.size for b in sm.get_matching_blocks())
    rx = re.compile(ignore_extra) if ignore_extra else None
    differences = []
    for op, a1, a2, b1, b2 in sm.get_opcodes():
        if op == "equal" or (op == "insert" and rx and all(rx.search(w) for w in got[b1:b2])):
            continue
        differences.append(f"{op}: {' '.join(ref[a1:a2])[:100]} → {' '.join(got[b1:b2])[:100]}")
        if len(differences) == shown:
            break
    return max(0, matched - aligned), differences


def without(seq: list[str], passages: tuple[tuple[str, ...], ...]) -> list[str]:
    """`seq` with the first whole occurrence of each passage taken out (or of the passage
    less its first word: a footnote's mark may be glued to it); one not found stays."""
    keep = [True] * len(seq)
    for passage in passages:
        for p in (list(passage), list(passage[1:])):
            at = _find(seq, p, keep)
            if at is not None:
                keep[at:at + len(p)] = [False] * len(p)
                break
    return [w for w, k in zip(seq, keep) if k]


def _find(seq: list[str], part: list[str], keep: list[bool]) -> int | None:
    if not part:
        return None
    n = len(part)
    for i, w in enumerate(seq[:len(seq) - n + 1]):
        if w == part[0] and seq[i:i + n] == part and all(keep[i:i + n]):
            return i
    return None


def doubled_runs(text: str, ref_words: set[str]) -> list[str]:
    """Tokens of `text` with a doubled run (see the module docstring), in order."""
    found = []
    for token in plain(text).split():
        if _strip(token) in ref_words or len(token) < 4:
            continue
        if any(_strip(cut) in ref_words for cut in _undoubled(token)):
            found.append(token)
    return found


def _undoubled(token: str):
    """The token with one repeat of a doubled run removed, at its start or its end: a run of
    k >= 2 characters starting with a letter or digit and holding a letter ("Tr" of "TrTrust",
    "y." of "slipway.y."; not ",int" of "(x,int,int)")."""
    def run_ok(run: str) -> bool:
        return run[0].isalnum() and any(c.isalpha() for c in run)

    for k in range(2, len(token) // 2 + 1):
        if token[:k] == token[k:2 * k] and run_ok(token[:k]):
            yield token[k:]
        if token[-k:] == token[-2 * k:-k] and run_ok(token[-k:]):
            yield token[:-k]


# ---------------------------------------------------------------- furniture, title, date

def _squash(text: str) -> str:
    return " ".join(plain(text).split())


def furniture_left(doc, furniture) -> dict:
    """Pages (of those the manifest lists with running lines) whose body blocks still hold one
    of that page's lines; n/a when the reader gives no pages."""
    if not furniture:
        return {"pages": 0, "left_in": 0, "clean": None, "examples": []}
    if not doc.pages:
        return {"pages": len(furniture), "left_in": None, "clean": None,
                "examples": ["the reader gave no page spans"]}
    spans = {number: (start, end) for start, end, number in doc.pages}
    left, examples = 0, []
    for page, lines in furniture:
        start, end = spans.get(page, (-1, -2))
        body = [doc.text[b.start:b.end] for b in doc.blocks
                if b.kind != "furniture" and start <= b.start <= end]
        hit = next((line for line in lines if _on_page(_squash(line), body)), None)
        if hit is not None:
            left += 1
            examples.append(f"p{page}: {hit}")
    return {"pages": len(furniture), "left_in": left,
            "clean": 1 - left / len(furniture), "examples": examples[:8]}


def _on_page(line: str, body: list[str]) -> bool:
    if not body or not line:
        return False
    if len(line) >= _SHORT_LINE:  # spaces aside: a header written a character at a time
        solid, page = "".join(line.split()), "".join(_squash(" ".join(body)).split())
        return solid in page or solid[:_LEAK] in page  # or its start: a part left in
    if any(_squash(x) == line for block in body for x in block.splitlines()):
        return True
    first, last = _squash(body[0]), _squash(body[-1])
    return first.startswith(line + " ") or last.endswith(" " + line)


def judge(value: str | None, right: str | None, accepted: tuple[str, ...]) -> str:
    """"right", "absent" or "wrong" (whitespace and case aside)."""
    if value is None or not str(value).strip():
        return "absent"
    good = {_squash(v) for v in (right, *accepted) if v}
    return "right" if _squash(str(value)) in good else "wrong"


# ---------------------------------------------------------------- the body text

def body_text(doc) -> str:
    """The indexed text: every block that is not furniture, a blank line between blocks."""
    return "\n\n".join(doc.text[b.start:b.end] for b in doc.blocks if b.kind != "furniture")


def header_once_text(doc) -> str:
    """body_text with each column name of a run of table rows said once, before the first
    row's values, as a header row is ("Directory | Description | bin | Essential …")."""
    parts, names = [], set()
    for b in doc.blocks:
        if b.kind == "furniture":
            continue
        text = doc.text[b.start:b.end]
        if b.kind != "table":
            names = set()
            parts.append(text)
            continue
        new, values = [], []
        for cell in text.split(" | "):
            name, sep, value = cell.partition(": ")
            if sep and name not in names:
                names.add(name)
                new.append(name)
            values.append(value if sep else cell)
        parts.append(" | ".join(new + values))
    return "\n\n".join(parts)
