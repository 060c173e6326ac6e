"""Where the paragraphs and sentences of a text are, as character offsets into it.

Paragraphs of plain text. Text files are often hard-wrapped (every line cut at 72-100
columns), so a line break is not a paragraph break: `paragraphs` joins lines back into
paragraphs when the file is wrapped, and keeps one paragraph per line when it is not (news
saved one paragraph per line, a list without markers). A file is wrapped when its lines that
are followed by another line are mostly filled to one width and those full lines mostly stop
mid-sentence (a wrapper breaks wherever the width runs out; a writer who puts one sentence
or paragraph on a line ends every line with its stop); inside a run of lines, a break
is soft when the next line's first word would not have fit on the line (how every wrapping
tool decides), or when a nearly full line stops mid-sentence. A break before a list item, a
table row, a heading or a quote marker is always hard.

Sentences. `sentences` cuts a paragraph with syntok (MIT; a rule-based segmenter with
English abbreviation handling), after turning its line breaks into spaces, so a sentence
that crosses a wrapped line stays whole; a blank line always ends one. Offsets are exact:
the text is never changed, only read. Chosen by measurement (`python -m evals.segmentation
--all`): boundary F1 on 81k words of Brown corpus prose, one paragraph a line and hard-wrapped
at 72-100 columns, and on 40 everyday sentences (times, amounts, abbreviations, initials)
wrapped at 72 columns; paragraphs found by `paragraphs` for ours, by blank lines for the rest:

    segmenter                  Brown     Brown wrapped   everyday, wrapped 72   words/s
    syntok 1.4 (this module)   0.958     0.958           0.961 (0 false)        ~100,000
    the regex splitter before  0.947     0.570           0.771 (19 false)     ~1,000,000
    pysbd 0.3                  0.902     0.902           0.952 (4 false)         ~25,000
    spaCy 3.8 senter (sm)      0.945     0.945           0.881 (7 false)          ~5,000
    spaCy 3.8 parser (sm)      0.943     0.943           0.951 (3 false)          ~3,000

Other languages. syntok knows only Latin-script stops: a Chinese paragraph (。！？ with no space
after) came out as one sentence, an Arabic question mark (؟) and the Urdu full stop (۔) ended
nothing, and a German ordinal ("am 1. März", "bis zum 3. Werktag") ended a sentence. So a
paragraph is first told apart by its script and, for German, its function words (`language_of`),
and cut by a library with rules for that language: sentencex (MIT, Wikimedia's rules) for
Chinese, Japanese and Arabic script, pysbd (MIT) for German (sentencex cut "zum 3. Werktag";
pysbd cut at the Arabic comma ،). Everything else (English, Spanish, Russian: syntok cut them
right) stays with syntok. tests/test_sentences_languages.py holds a paragraph of each.
"""

from __future__ import annotations

import re

from ..text import CJK_LETTERS

# A line that starts a block of its own: a bulleted item, a table row, a heading, a quote.
_BULLET = r"[-*+•·▪◦‣●○■□►–—]\s"
_BLOCK_START = re.compile(rf"^\s*(?:{_BULLET}|\||#{{1,6}}\s|>)")
_LIST_BULLET = re.compile(rf"^\s*{_BULLET}")
# An enumerated item ("2. ", "b) "): a block of its own after a list item or a sentence's end;
# elsewhere it may be a wrapped line that happens to start so ("O(n log" / "n) time").
_ENUMERATED = re.compile(r"^\s*\(?(?:\d{1,3}|[a-zA-Z])[.)]\s")
# a line that stops where a sentence or a list's introduction ("… you need:") does: the
# checks of wrapped text read it as a line no wrapper cut
_SENTENCE_END = re.compile(r"[.!?:…][\"'”’)\]]*$")
# how a sentence itself ends in Latin script: a stop, then maybe closing quotes or brackets
# (not a colon, unlike a line above: a bracket after "Note:" belongs to the same sentence)
_ENDS = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_OPENING = ("(", "[")
# a stop right after a per cent sign (and its brackets), then a capital: a sentence's end
_PERCENT_STOP = re.compile(r"(\s%[)\]]*[.!?])\s+(?=[A-ZÀ-ÞА-Я])")
# a stop after a Markdown link's target, "[the guide](/doc/guide). To set ...": syntok
# reads the target as one token and the stop after its bracket as none
_LINK_STOP = re.compile(r"(\]\([^()\s]*\)[.!?])\s+(?=[A-ZÀ-ÞА-Я])")
_MARKER = re.compile(r"[(\[](?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,5})[)\]]")  # "(B)", "(12)", "(iv)"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
MIN_WRAP, MAX_WRAP = 40, 140  # the widths text is wrapped at (columns)
FILLED = 0.75  # wrapped text: most lines followed by another are at least this full...
MOSTLY = 0.6  # ...this share of them
RUN_SHARE = 0.6  # a run of lines wrapped narrower than the document, down to this share
NEARLY_FULL = 0.75  # a line this full that stops mid-sentence was wrapped
MID_SENTENCE = 0.5  # wrapped text: at least this share of its full lines stop mid-sentence
# The longest sentence: a longer one (a 5,000,000-character line without a stop was one
# sentence, quoted whole) is cut into pieces of at most this many characters, at a clause
# break or a space. A quote joins at most three neighbouring sentences of one passage
# (quoting.quote_unit), and a passage never spans more than chunking.MAX_GAP characters
# between two sentences, so no quote exceeds 3 * 600 + 2 * 100 = 2,000 characters. Real
# sentences rarely reach it: 600 characters is about 100 words.
MAX_SENTENCE_CHARS = 600
_CLAUSE_BREAK = re.compile(r"[,;:)\]]\s")


def list_item(line: str) -> bool:
    """Whether `line` starts a bulleted or numbered list item."""
    return bool(_ENUMERATED.match(line) or _LIST_BULLET.match(line))


def lines(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of text[start:end], surrounding spaces left out."""
    end = len(text) if end is None else end
    out = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        a, b = start + m.start(), start + m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _runs(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Lines grouped into runs that no blank line separates."""
    runs: list[list[tuple[int, int]]] = []
    for a, b in spans:
        if runs and "\n" not in text[runs[-1][-1][1]:a].replace("\n", "", 1):
            runs[-1].append((a, b))
        else:
            runs.append([(a, b)])
    return runs


def _column(text: str, a: int) -> int:
    """Where text[a] stands on its line (indentation counts towards a line's width)."""
    return a - (text.rfind("\n", 0, a) + 1)


def wrap_width(text: str, runs: list[list[tuple[int, int]]]) -> int | None:
    """The column a hard-wrapped text was wrapped at, or None when it is not wrapped. Lines
    that end a paragraph, and list items and table rows, say nothing of the width."""
    ends = [(_column(text, b), bool(_SENTENCE_END.search(text[a:b])))
            for run in runs for a, b in run[:-1]
            if not (_BLOCK_START.match(text[a:b]) or _ENUMERATED.match(text[a:b]))]
    if len(ends) < 3:
        return None
    widths = sorted(w for w, _ in ends)
    width = widths[min(len(widths) - 1, int(0.95 * len(widths)))]
    filled = [stop for w, stop in ends if w >= FILLED * width]
    if not MIN_WRAP <= width <= MAX_WRAP or len(filled) < MOSTLY * len(ends):
        return None
    if sum(not stop for stop in filled) < MID_SENTENCE * len(filled):
        return None  # full lines that end their sentences: one sentence or paragraph a line
    return width


def _run_width(text: str, run: list[tuple[int, int]], width: int | None) -> int | None:
    """The width one run of lines was wrapped at: its widest line but the last, when that is
    a width of wrapping (a document can join texts wrapped at different widths), else the
    document's."""
    if width is None or len(run) < 2:
        return width
    widest = max(_column(text, b) for _, b in run[:-1])
    return widest if max(MIN_WRAP, RUN_SHARE * width) <= widest <= width else width


def _soft_break(text: str, para: tuple[int, int], line: tuple[int, int], nxt: tuple[int, int],
                width: int | None) -> bool:
    """Whether the break between `line` (the last line of `para`) and `nxt` is a wrap."""
    head, following = text[para[0]:para[1]], text[nxt[0]:nxt[1]]
    item = bool(_BLOCK_START.match(head) or _ENUMERATED.match(head))
    if _BLOCK_START.match(following):
        return False
    if _ENUMERATED.match(following) and (item or _SENTENCE_END.search(text[line[0]:line[1]])):
        return False
    if item and _column(text, nxt[0]) > _column(text, para[0]):
        return True  # a list item's hanging indent
    if width is None:
        return False
    first_word = len(text[nxt[0]:nxt[1]].split(None, 1)[0])
    used = _column(text, line[1])
    if used + 1 + first_word > width:
        return True  # the next word would not have fit: the wrapper broke the line
    if _SENTENCE_END.search(text[line[0]:line[1]]):
        return False  # a short line that ends a sentence ends its paragraph
    return used >= NEARLY_FULL * width


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of the plain text text[start:end]: wrapped lines joined
    (see the module's docstring), otherwise one paragraph per non-blank line."""
    runs = _runs(text, lines(text, start, end))
    width = wrap_width(text, runs)
    out: list[tuple[int, int]] = []
    for run in runs:
        para = last = run[0]
        run_width = _run_width(text, run, width)
        for line in run[1:]:
            if _soft_break(text, para, last, line, run_width):
                para = (para[0], line[1])
            else:
                out.append(para)
                para = line
            last = line
        out.append(para)
    return out


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of text[start:end], a paragraph (or several, separated
    by blank lines). Single line breaks inside it are read as spaces. A sentence longer than
    MAX_SENTENCE_CHARS comes in pieces (`bounded`)."""
    from syntok import segmenter

    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    at = start
    for brk in [*_PARAGRAPH_BREAK.finditer(text, start, end), None]:
        stop = brk.start() if brk else end
        part = text[at:stop].replace("\n", " ").replace("\r", " ")
        lang = language_of(part) if part.strip() else None
        if lang:
            for a, b in _by_rules(lang, part):
                out.extend(bounded(text, at + a, at + b))
        elif part.strip():
            cut: list[tuple[int, int]] = []
            for para in segmenter.analyze(part):
                for sent in para:
                    a = sent[0].offset
                    b = sent[-1].offset + len(sent[-1].value)
                    if b > a:
                        cut.append((a, b))
            for a, b in _stops_cut(_touching_joined(cut, part), part):
                out.extend(bounded(text, at + a, at + b))
        at = brk.end() if brk else end
    return out


def _touching_joined(cut: list[tuple[int, int]], part: str) -> list[tuple[int, int]]:
    """syntok's sentences, with two kinds of cut undone. Sentences that touch are joined: a
    stop with no space after it ends no sentence in Latin script (syntok cut a dotted name
    before a capital, "class gzip." / "GzipFile(filename=None)", "See os." / "Path for
    more.", which left the name's halves in two quotes). And a bracket is joined to the
    sentence before it when that one ends without a stop: syntok cut before a bracket whose
    figure ends in " %)" ("is not too big" / "(maybe 1-2 %) but sometimes it can be too
    big."), which left the figure quoted without the sentence it belongs to. An enumerated
    clause, "(B) enter into contracts", still starts a sentence of its own. On the Brown
    paragraphs (`python -m evals.segmentation`) that undoes 3 false cuts (29 -> 26, wrapped)
    and loses no true one."""
    out: list[tuple[int, int]] = []
    for a, b in cut:
        if out and (out[-1][1] == a or (
                part.startswith(_OPENING, a) and not _MARKER.match(part, a)
                and not _ENDS.search(part, 0, out[-1][1]))):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _stops_cut(cut: list[tuple[int, int]], part: str) -> list[tuple[int, int]]:
    """syntok's sentences, cut again where a stop it does not see ends one: right after a per
    cent sign (syntok reads " %." as no stop: "Prices rose by 5 %. Then they fell." was one
    sentence, and a space before "%" is how Spanish, Italian, French and German write it), and
    right after a Markdown link's target ("… see [the guide](/doc/guide). To set
    expectations …" was one sentence: syntok reads "/doc/guide)." as one token). Brown's
    paragraphs (`python -m evals.segmentation`) are cut the same with it and without it."""
    out: list[tuple[int, int]] = []
    for a, b in cut:
        stops = sorted([*_PERCENT_STOP.finditer(part, a, b), *_LINK_STOP.finditer(part, a, b)],
                       key=lambda m: m.start())
        for m in stops:
            out.append((a, m.end(1)))
            a = m.end()
        out.append((a, b))
    return out


_HAN = re.compile(f"[{CJK_LETTERS}]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")
# German words that are neither English nor Spanish: articles, pronouns, common verbs and
# conjunctions ("des", "es", "die" left out: French, Spanish, English). Two of them, and one
# word in ten, make a paragraph German.
_GERMAN = frozenset("""der das dem den ein eine einem einen einer eines und ist sind nicht
mit auf für von zu zum zur bei aus nach über wird werden wurde wurden hat haben sich auch
noch oder aber wenn dass ich sie wir ihr im vom bis""".split())
_WORD = re.compile(r"\w+")


def language_of(text: str) -> str | None:
    """The language whose rules cut `text`, when syntok's would not: "zh" (Han or kana), "ar"
    (Arabic script), "de" (German function words), else None."""
    letters = len(_LETTER.findall(text)) or 1
    if len(_HAN.findall(text)) >= 0.2 * letters:
        return "zh"
    if len(_ARABIC.findall(text)) >= 0.3 * letters:
        return "ar"
    words = _WORD.findall(text.lower())
    german = sum(w in _GERMAN for w in words)
    if german >= 2 and german >= 0.1 * len(words):
        return "de"
    return None


def _by_rules(lang: str, part: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `part` by the rules of `lang` (sentencex or pysbd),
    spaces at either end left out. A piece the library changed is found again by its text."""
    if lang == "de":
        pieces = [part[s.start:s.end] for s in _pysbd(lang).segment(part)]
    else:
        import sentencex

        pieces = list(sentencex.segment(lang, part))
    out, at = [], 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        a = part.find(piece, at)
        if a < 0:  # not found verbatim: leave the rest to syntok's rules... as one sentence
            break
        out.append((a, a + len(piece)))
        at = a + len(piece)
    if at < len(part.rstrip()):
        rest = len(part) - len(part[at:].lstrip())
        out.append((rest, len(part.rstrip())))
    return out


_segmenters: dict = {}


def _pysbd(lang: str):
    if lang not in _segmenters:
        import pysbd

        _segmenters[lang] = pysbd.Segmenter(language=lang, clean=False, char_span=True)
    return _segmenters[lang]


def bounded(text: str, start: int, end: int, limit: int = MAX_SENTENCE_CHARS
            ) -> list[tuple[int, int]]:
    """text[start:end] as pieces of at most `limit` characters, in order, the spaces between
    them left out: cut after the last clause break (a comma, semicolon, colon or closing
    bracket and a space) in the second half of a piece's room, else at its last space, else
    (no space at all) at `limit`. Offsets are exact; the text is never changed."""
    out = []
    while end - start > limit:
        room = text[start:start + limit + 1]  # a space just past the limit is a clean cut
        breaks = [m.end(0) - 1 for m in _CLAUSE_BREAK.finditer(room, limit // 2)]
        space = next((i for i in range(len(room) - 1, 0, -1) if room[i].isspace()), limit)
        cut = start + (breaks[-1] if breaks else space)
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        out.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out
