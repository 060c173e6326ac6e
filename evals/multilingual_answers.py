"""XQuAD answers per language, extractive backend: right and grounded against English.

    python -m evals.multilingual --answers                    # 40 questions, en de es ru zh ar it
    python -m evals.multilingual --answers --questions 10 --langs en,de --judges shipped
    python -m evals.multilingual --answers --generator local    # the default backend

EVALUATION ONLY (evals/xquad/README.md): nothing is tuned on it. Each language's 240 XQuAD
paragraphs are the documents of one collection with the multilingual embedder (a file per
paragraph, `p000.md` …, its article's title as a heading: XQuAD's titles are English in every
language). The same seeded sample of question ids is asked in every language through the
public API (`Library(generator="extractive").open(name).ask(question)`), drawn only from the
paragraphs evals/xquad.py keeps (those the judge's training file does not hold).

Italian is not in XQuAD: its file (`xquad.it.json`, evals/xquad_it.py) holds the 212 XQuAD
paragraphs and 778 questions that SQuAD-it translated, in XQuAD's places. A language asks only
the sampled questions its file holds, and its rate relative to English is against English's on
those same questions (`relative`).

An answer is
  right     when its first quote (citation [1]) holds the gold answer text, both normalised
            (NFKC, case folded, punctuation and spacing dropped);
  grounded  when that quote is verbatim in the document it names, at its offsets, and that
            document is the paragraph that holds the answer.
A decline ("The documents don't say.") is neither; its reason is counted by kind.

Each language is asked once per --judges mode: "shipped", the judge as shipped (its weight
against the cheap prior and its threshold, assistant/answering/judge/model/meta.json; it reads
only the languages it was trained on, English, and other questions keep their prior, scaled
to its threshold); "everywhere", the same judge on every language (as before it named its
languages); "prior", the judge's weight at 0 (the prior only, at the threshold
evals/judge_sweep.py's rule gives the prior alone on the tune documents,
evals/results/judge-sweep.json). If the judge's weight costs other languages more than
English, it misfires on them. --generator local asks the default backend instead.

The collections are kept in --workdir (indexed once; a later run reuses them). Prints a table
and writes evals/results/xquad-answers.json (a row per question) and .md.
"""

from __future__ import annotations

import json
import math
import random
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import multilingual as ml

RESULTS = Path(__file__).with_name("results")
WORKDIR = Path(__file__).resolve().parents[1] / "artifacts" / "xquad-collections"
QUESTIONS = 40
JUDGES = ("shipped", "everywhere", "prior")
GENERATORS = ("extractive", "local")
LANGS = ml.LANGS + ("it",)  # it: from SQuAD-it (evals/xquad_it.py)
NOT_MEASURED = tuple(lg for lg in ml.NOT_IN_XQUAD if lg not in LANGS)


# ---------------------------------------------------------------- the data

@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: str  # the first gold answer's text
    paragraph: int  # index of its paragraph (the same in every language)


def paragraphs_of(lang: str) -> list[tuple[str, str]]:
    """The language's 240 (title, context), in file order (titles with spaces); a paragraph
    the language's file lacks has an empty context."""
    data = json.loads((ml.HERE / f"xquad.{lang}.json").read_text(encoding="utf-8"))
    return [(a["title"].replace("_", " "), p["context"]) for a in data["data"]
            for p in a["paragraphs"]]


def questions_of(lang: str) -> dict[str, Question]:
    data = json.loads((ml.HERE / f"xquad.{lang}.json").read_text(encoding="utf-8"))
    out, n = {}, 0
    for a in data["data"]:
        for p in a["paragraphs"]:
            for qa in p["qas"]:
                out[qa["id"]] = Question(qa["id"], qa["question"], qa["answers"][0]["text"], n)
            n += 1
    return out


def kept_paragraphs() -> set[int] | None:
    """The paragraphs evals/xquad.py keeps (not in the judge's training file), by index; None
    (every paragraph) when that file is not on this machine."""
    from . import xquad

    if not xquad.TRAINING.is_file():
        return None
    data = xquad.load(xquad.DATA)
    kept, _ = xquad.paragraphs(data, xquad.load(xquad.TRAINING))
    ids = {para.id for para, _ in kept}
    return {n for n, pid in enumerate(f"{a['title']}#{i}" for a in data
                                      for i in range(len(a["paragraphs"]))) if pid in ids}


def sample(n: int, seed: int = ml.SEED, kept: set[int] | None = None) -> list[str]:
    """`n` question ids, seeded, from the kept paragraphs: the same in every language."""
    questions = questions_of("en")
    ids = sorted(i for i, q in questions.items() if kept is None or q.paragraph in kept)
    return sorted(random.Random(seed).sample(ids, min(n, len(ids))))


def file_name(paragraph: int) -> str:
    return f"p{paragraph:03d}.md"


# ---------------------------------------------------------------- scoring

def normalise(text: str) -> str:
    """NFKC, case folded, without punctuation, symbols' spacing or white space: "Gull Island"
    and "gull-island" compare equal, and so do Chinese text with and without spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if not (unicodedata.category(ch)[0] in "PZ" or ch.isspace()))


def is_right(quote: str | None, gold: str) -> bool:
    """Whether `quote` holds the gold answer text (normalised)."""
    g = normalise(gold)
    return bool(quote) and bool(g) and g in normalise(quote)


def is_grounded(citation: dict | None, gold_file: str, document_text: str | None,
                context: str) -> bool:
    """Whether the cited quote is verbatim in its document at its offsets, and that document
    is the gold paragraph's (its quote within the paragraph's text)."""
    if not citation or document_text is None or citation["source"] != gold_file:
        return False
    quote, a, b = citation["quote"], citation["start"], citation["end"]
    return bool(quote) and document_text[a:b] == quote and quote in context


DECLINES = (("unstated", "never mention"), ("weak", "no sentence answers it"),
            ("no passage", "no passage"))


def decline_kind(note: str | None) -> str:
    """What a decline's note says: a term the documents never mention ("unstated"), no
    sentence above the bar ("weak"), no passage close ("no passage"), else "other"."""
    for kind, says in DECLINES:
        if note and says in note:
            return kind
    return "other"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson interval of k successes in n."""
    if not n:
        return 0.0, 0.0
    p = k / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(max(0.0, mid - half), 3), round(min(1.0, mid + half), 3)


def summary(rows: list[dict]) -> dict[str, Any]:
    n = len(rows)
    right = sum(r["right"] for r in rows)
    declined = [r for r in rows if r["declined"]]
    kinds: dict[str, int] = {}
    for r in declined:
        kinds[r["decline"]] = kinds.get(r["decline"], 0) + 1
    return {"questions": n, "right": round(right / n, 3) if n else 0.0,
            "right_ci": wilson(right, n),
            "right_any_quote": round(sum(r["right_any"] for r in rows) / n, 3) if n else 0.0,
            "grounded": round(sum(r["grounded"] for r in rows) / n, 3) if n else 0.0,
            "declined": round(len(declined) / n, 3) if n else 0.0, "declines": kinds,
            "p50_s": round(sorted(r["seconds"] for r in rows)[n // 2], 3) if n else None}


def relative(rows: list[dict], base: str = "en") -> dict[str, float | None]:
    """Each language's right rate over the base language's on the same questions (a language
    whose file lacks some asked it only those); None when the base's is 0 or was not asked."""
    base_right = {r["id"]: r["right"] for r in rows if r["lang"] == base}
    out: dict[str, float | None] = {}
    for lang in dict.fromkeys(r["lang"] for r in rows):
        own = [r for r in rows if r["lang"] == lang and r["id"] in base_right]
        ref = sum(base_right[r["id"]] for r in own)
        out[lang] = round(sum(r["right"] for r in own) / ref, 3) if ref else None
    return out


# ---------------------------------------------------------------- running it

class PriorOnly:
    """The judge at weight 0: a candidate's score is its prior alone (the model is not run),
    declined below `threshold`."""

    name = "prior-only"
    weight = 0.0

    def __init__(self, threshold: float):
        self.threshold = threshold

    def score(self, question, candidates):
        import numpy as np

        return np.zeros(len(candidates), dtype=np.float32)


def prior_threshold() -> float:
    """The threshold evals/judge_sweep.py's rule gives the prior alone (pooled tune sets)."""
    from .judge_sweep import choose

    sweep = json.loads((RESULTS / "judge-sweep.json").read_text(encoding="utf-8"))
    return choose(sweep["pooled"]["prior alone"])


def judge_for(mode: str):
    """shipped: as shipped (it judges English questions; the others keep their prior);
    everywhere: the same judge on every language (as before it named its languages);
    prior: the judge's weight at 0 for every language."""
    import copy

    from assistant.answering.judge import load_judge

    if mode == "prior":
        return PriorOnly(prior_threshold())
    judge = load_judge()
    if mode == "everywhere":
        judge = copy.copy(judge)
        judge.languages = ()
    return judge


def collection(lib, lang: str) -> str:
    """The language's collection in `lib`, its documents written once (multilingual embedder)."""
    name = f"xquad-{lang}"
    if name not in lib.names():
        info = lib.create(name, embedder="multilingual")
        for n, (title, context) in enumerate(paragraphs_of(lang)):
            if context:  # a paragraph the language's file lacks is no document
                (info.corpus / file_name(n)).write_text(f"# {title}\n\n{context}\n",
                                                        encoding="utf-8")
    return name


def ask_all(bot, lang: str, ids: list[str], mode: str) -> list[dict]:
    contexts = [c for _, c in paragraphs_of(lang)]
    questions = questions_of(lang)
    rows = []
    for qid in (i for i in ids if i in questions):  # the asked questions the language holds
        q = questions[qid]
        t = time.perf_counter()
        answer = bot.ask(q.question)
        seconds = time.perf_counter() - t
        cites = [c.to_dict() for c in answer.citations]
        first = cites[0] if cites else None
        doc_text = _text(bot, first["source"]) if first else None
        rows.append({"id": qid, "lang": lang, "judge": mode, "question": q.question,
                     "gold": q.answer, "gold_file": file_name(q.paragraph),
                     "declined": answer.abstained, "decline": decline_kind(answer.fallback)
                     if answer.abstained else None, "note": answer.fallback,
                     "quote": first["quote"] if first else None,
                     "source": first["source"] if first else None,
                     "right": is_right(first["quote"] if first else None, q.answer),
                     "right_any": any(is_right(c["quote"], q.answer) for c in cites),
                     "grounded": is_grounded(first, file_name(q.paragraph), doc_text,
                                             contexts[q.paragraph]),
                     "seconds": round(seconds, 3)})
    return rows


def _text(bot, source: str) -> str | None:
    try:
        return bot.corpus.get(source).text
    except KeyError:
        return None


def run(langs: list[str], n: int, seed: int, judges: list[str], workdir: Path,
        say=print, generator: str = "extractive") -> dict:
    from assistant import Library

    kept = kept_paragraphs()
    ids = sample(n, seed, kept)
    result: dict[str, Any] = {
        "benchmark": f"XQuAD answers per language ({generator} backend, multilingual embedder)",
        "generator": generator, "questions": len(ids), "seed": seed, "langs": langs, "date": time.strftime("%Y-%m-%d"),
        "paragraphs_kept": len(kept) if kept is not None else None,
        "not_measured": list(NOT_MEASURED), "index_s": {}, "judges": {}}
    root = dict(collections=workdir / "collections", corpus=workdir / "default",
                index=workdir / "default-index")
    (workdir / "default").mkdir(parents=True, exist_ok=True)
    for mode in judges:
        judge = judge_for(mode)
        rows, by_lang = [], {}
        for lang in langs:
            with Library(generator=generator, judge=judge, **root) as lib:
                t = time.perf_counter()
                bot = lib.open(collection(lib, lang))
                took = time.perf_counter() - t
                if bot.sync_report.added:  # indexed now, not reused
                    result["index_s"][lang] = round(took, 1)
                got = ask_all(bot, lang, ids, mode)
            rows += got
            by_lang[lang] = summary(got)
            s = by_lang[lang]
            say(f"  {mode:8s} {lang}  right {s['right']:.3f}  grounded {s['grounded']:.3f}  "
                f"declined {s['declined']:.3f} {s['declines']}  p50 {s['p50_s']} s", flush=True)
        result["judges"][mode] = {"judge": {"name": judge.name, "weight": judge.weight,
                                            "threshold": judge.threshold},
                                  "languages": by_lang, "relative_to_en": relative(rows),
                                  "rows": rows}
    result["paired"] = paired(result)
    return result


def paired(result: dict) -> dict[str, dict[str, int]]:
    """Per language, the questions right with the judge only and with the prior only (the
    same questions asked both ways; the judge "everywhere" when that was run, else as
    "shipped"): a judge that misfires on a language loses more of its questions than it wins."""
    judged = "everywhere" if "everywhere" in result["judges"] else "shipped"
    if not {judged, "prior"} <= set(result["judges"]):
        return {}
    right = {mode: {(r["lang"], r["id"]): r["right"] for r in result["judges"][mode]["rows"]}
             for mode in (judged, "prior")}
    out = {lang: {"judge_only": 0, "prior_only": 0} for lang in result["langs"]}
    for key, judged_right in right[judged].items():
        prior_right = right["prior"].get(key)
        if prior_right is not None and judged_right != prior_right:
            out[key[0]]["judge_only" if judged_right else "prior_only"] += 1
    return out


def table(result: dict) -> str:
    langs = result["langs"]
    lines = [f"XQuAD answers, {result.get('generator', 'extractive')} backend, multilingual embedder: {result['questions']} "
             f"questions per language (seed {result['seed']}, the same in every language), "
             f"240 paragraphs each (it: those of them SQuAD-it holds; relative to en: on the "
             f"same questions)", "",
             "| judge | " + " | ".join(langs) + " |", "|---|" + "---|" * len(langs)]
    for mode, block in result["judges"].items():
        j = block["judge"]
        label = f"{mode} (weight {j['weight']:g}, threshold {j['threshold']:g})"
        for what in ("right", "relative_to_en", "grounded", "declined"):
            cells = [(block["relative_to_en"][lg] if what == "relative_to_en"
                      else block["languages"][lg][what]) for lg in langs]
            lines.append(f"| {label} {what.replace('_', ' ')} | "
                         + " | ".join("–" if c is None else f"{c:.2f}" for c in cells) + " |")
    lines += ["", "Declines by kind (unstated: a question term the documents never mention; "
              "weak: no sentence above the bar):"]
    for mode, block in result["judges"].items():
        lines.append(f"- {mode}: " + "; ".join(f"{lg} {block['languages'][lg]['declines']}"
                                               for lg in langs))
    if pairs := paired(result):
        lines.append("\nRight with the judge only / with the prior only (same questions): "
                     + "; ".join(f"{lg} {c['judge_only']} / {c['prior_only']}"
                                 for lg, c in pairs.items()))
    if result["index_s"]:
        lines.append("\nIndexing the paragraphs (s): " + ", ".join(
            f"{lg} {s}" for lg, s in result["index_s"].items()))
    missing = result.get("not_measured", result.get("not_in_xquad", []))
    lines.append(f"Not measured (in neither XQuAD nor SQuAD-it): {', '.join(missing)}")
    return "\n".join(lines)


def main(args) -> int:
    langs = [lg for lg in args.langs.split(",") if lg]
    judges = [j for j in args.judges.split(",") if j]
    for j in judges:
        if j not in JUDGES:
            raise SystemExit(f"--judges takes {', '.join(JUDGES)}: not {j!r}")
    if args.generator not in GENERATORS:
        raise SystemExit(f"--generator takes {', '.join(GENERATORS)}: not {args.generator!r}")
    result = run(langs, args.questions, args.seed, judges, Path(args.workdir),
                 generator=args.generator)
    print(table(result))
    out = Path(args.out) if args.out else RESULTS / (
        "xquad-answers.json" if args.generator == "extractive" else f"xquad-answers-{args.generator}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(table(result) + "\n", encoding="utf-8")
    print(f"wrote {out} and {out.with_suffix('.md')}")
    return 0

