"""Labelled (question, candidate sentence) pairs for training and checking the judge.

Sources (licences and counts in `assistant/answering/judge/model/MODEL_CARD.md`):
- SQuAD 2.0, the 8 public articles in `../shared/benchmarks/squad2-public/` (CC BY-SA 4.0),
  split by ARTICLE (`evals.squad.ARTICLES`): `train` articles teach, `tune` articles choose the threshold,
  `report` articles are only ever reported. A paragraph is cut into sentences by the project's
  own splitter; for an answerable question the sentence holding the answer is positive and the
  paragraph's other sentences negative; for an unanswerable one (written to look answerable
  from that paragraph) every sentence is negative.
- SelQA answer-sentence selection, dev and test files (`training/data/selqa-ass-*.json.gz`,
  Apache-2.0): a question, the sentences of a Wikipedia section, which of them answer.
- TrecQA, Wang et al.'s clean splits as published in brmson/dataset-sts
  (`training/data/trecqa-*.csv.gz`, public domain): news sentences, tokenised; detokenised here.
- Hard negatives made here from the texts above: the question's own line as an FAQ or a heading
  writes it, the document's title as a heading, and the sentences of the same article's other
  paragraphs that share most of the question's words without holding its answer.
- FAQs from software packages (`training/data/faq/`, gzip, unchanged; sources and licences in
  `training/data/faq/SOURCES.md`), none from a package whose documents any benchmark uses:
  read by the assistant's own readers, so an entry's question is a heading as at run time.
  The first sentence under a question heading answers it; the question line itself and the
  sentences of the same FAQ's other entries that share most of its words do not.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.language.sentences import sentences as split_sentences
from evals.squad import ARTICLES  # the articles' uses: train, tune (threshold), report

HERE = Path(__file__).parent
DATA = HERE / "data"
SQUAD = HERE.parent.parent / "shared" / "benchmarks" / "squad2-public" / "squad2-dev-public.json"

@dataclass(frozen=True)
class Pair:
    question: str
    text: str  # the candidate sentence
    label: int  # 1: it answers the question
    before: str = ""
    title: str = ""
    group: str = ""  # the question's id: its candidates are ranked together
    origin: str = ""  # which source made it


def squad_path() -> Path:
    for p in (SQUAD, Path("/work/shared/benchmarks/squad2-public/squad2-dev-public.json")):
        if p.is_file():
            return p
    raise FileNotFoundError(f"SQuAD public articles not found at {SQUAD}")


def paragraph_sentences(context: str) -> list[tuple[int, int, str]]:
    return [(a, b, context[a:b]) for a, b in split_sentences(context)]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


LOOKALIKE_OVERLAP = 0.3  # the least share of a question's words a look-alike negative holds


def _overlap(words: set[str], text: str) -> float:
    """The share of a question's words (`words`, normalised) that `text` holds."""
    return len(words & set(_norm(text).split())) / (len(words) or 1)


def squad_pairs(split: str, rng: random.Random, hard: bool = True) -> list[Pair]:
    """Pairs from the SQuAD articles of one split (see ARTICLES)."""
    data = json.loads(squad_path().read_text())["data"]
    out: list[Pair] = []
    for article in data:
        if article["title"] not in ARTICLES[split]:
            continue
        title = article["title"].replace("_", " ")
        paras = [paragraph_sentences(p["context"]) for p in article["paragraphs"]]
        for pi, p in enumerate(article["paragraphs"]):
            sents = paras[pi]
            for qa in p["qas"]:
                gold = _gold_index(sents, qa)
                for i, (_, _, text) in enumerate(sents):
                    out.append(Pair(qa["question"], text, int(i == gold),
                                    sents[i - 1][2] if i else "", title, qa["id"], "squad"))
                if hard:
                    out += _hard_negatives(qa, title, paras, pi, rng)
    return out


def _gold_index(sents: list[tuple[int, int, str]], qa: dict) -> int | None:
    if qa.get("is_impossible") or not qa["answers"]:
        return None
    at = qa["answers"][0]["answer_start"]
    for i, (a, b, _) in enumerate(sents):
        if a <= at < b:
            return i
    return None


QUESTION_LINES = ("", "Q: ", "Question: ", "## ", "FAQ: ", "Q. ")


def _hard_negatives(qa: dict, title: str, paras: list, pi: int, rng: random.Random) -> list[Pair]:
    """The question's own line (as an FAQ or heading writes it), and the two sentences of
    the article's other paragraphs that share most of its words without its answer."""
    q = qa["question"]
    out = []
    if rng.random() < 0.35:
        out.append(Pair(q, rng.choice(QUESTION_LINES) + q, 0, "", title, qa["id"], "question-line"))
    if rng.random() < 0.1:
        out.append(Pair(q, title, 0, "", title, qa["id"], "heading"))
    answers = {_norm(a["text"]) for a in qa.get("answers", [])}
    words = set(_norm(q).split())
    scored = []
    for j, sents in enumerate(paras):
        if j == pi:
            continue
        for i, (_, _, text) in enumerate(sents):
            norm = _norm(text)
            if any(a and a in norm for a in answers):
                continue
            scored.append((_overlap(words, text), j, i, text))
    scored.sort(reverse=True)
    for overlap, j, i, text in scored[:2]:
        if overlap >= LOOKALIKE_OVERLAP:
            out.append(Pair(q, text, 0, paras[j][i - 1][2] if i else "", title, qa["id"],
                            "same-document"))
    return out


def selqa_pairs(rng: random.Random, max_negatives: int = 6) -> list[Pair]:
    out: list[Pair] = []
    for name in ("selqa-ass-dev.json.gz", "selqa-ass-test.json.gz"):
        for n, item in enumerate(json.loads(gzip.decompress((DATA / name).read_bytes()))):
            cands, gold = item["candidates"], set(item["answers"])
            title = f"{item['article']}: {item['section']}"
            negatives = [i for i in range(len(cands)) if i not in gold]
            rng.shuffle(negatives)
            keep = sorted(list(gold) + negatives[:max_negatives])
            group = f"selqa-{name[10:14]}-{n}"
            for i in keep:
                out.append(Pair(item["question"], cands[i], int(i in gold),
                                cands[i - 1] if i else "", title, group, "selqa"))
            if rng.random() < 0.25:
                out.append(Pair(item["question"], rng.choice(QUESTION_LINES) + item["question"],
                                0, "", title, group, "question-line"))
    return out


_DETOK = [(re.compile(r"\s+([.,;:!?%)\]}'])"), r"\1"), (re.compile(r"([(\[{$])\s+"), r"\1"),
          (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b"), r"\1"), (re.compile(r"``\s*|\s*''"), '"')]
_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}


def detokenize(text: str) -> str:
    for k, v in _BRACKETS.items():
        text = text.replace(k, v)
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    text = text.strip()
    return text[:1].upper() + text[1:]


def trecqa_pairs() -> list[Pair]:
    out: list[Pair] = []
    for split in ("train", "dev", "test"):
        rows = csv.DictReader(io.StringIO(gzip.decompress(
            (DATA / f"trecqa-{split}.csv.gz").read_bytes()).decode("utf-8")))
        for row in rows:
            q = detokenize(row["qtext"])
            out.append(Pair(q, detokenize(row["atext"]), int(row["label"]), "", "",
                            f"trec-{split}-{q}", "trecqa"))
    return out


def faq_positives(pairs: list[Pair], rng: random.Random, share: float = 0.15) -> list[Pair]:
    """An FAQ puts the question on a line of its own and the answer after it: a share of the
    positives again, with their question line as the sentence before."""
    return [Pair(p.question, p.text, 1, rng.choice(QUESTION_LINES[1:3]) + p.question, p.title,
                 p.group, "faq") for p in pairs if p.label == 1 and rng.random() < share]


FAQ = DATA / "faq"
MAX_FAQ_ENTRIES = 120  # a file's entries at most, so one long FAQ does not outweigh the rest
_NUMBERING = re.compile(r"^\s*(?:\d+[.)]?)+(?:\d+)?\s+")
_POD_CODE = re.compile(r"([A-Z])<+\s?([^<>]*?)\s?>+")


def pod_to_markdown(pod: str) -> str:
    """Perl's POD as Markdown the readers take: =head lines as headings, =item as list items,
    the other commands dropped, inline codes unwrapped; verbatim (indented) blocks stay code."""
    out, skip = [], False
    for line in pod.splitlines():
        if line.startswith("=begin"):
            skip = True
        elif line.startswith("=end"):
            skip = False
        elif skip:
            continue
        elif m := re.match(r"=head(\d)\s+(.*)", line):
            out.append("#" * int(m.group(1)) + " " + m.group(2))
        elif m := re.match(r"=item\s*(.*)", line):
            out.append("- " + m.group(1) if m.group(1).strip() not in ("", "*") else "")
        elif line.startswith("="):
            out.append("")
        else:
            out.append(line)
    text = "\n".join(out).replace("E<lt>", "<").replace("E<gt>", ">")
    for _ in range(3):  # nested codes, innermost first
        text = _POD_CODE.sub(lambda m: "" if m.group(1) in "XZ" else m.group(2).split("|")[0], text)
    return text


def _faq_document(path: Path):
    """The FAQ file read as the assistant reads it (POD as Markdown, reST as plain text)."""
    from assistant.readers import read_document

    raw = gzip.decompress(path.read_bytes())
    name = path.name[:-3]
    if name.endswith(".pod"):
        name, raw = name[:-4] + ".md", pod_to_markdown(raw.decode("utf-8")).encode("utf-8")
    elif name.endswith(".rst"):
        name = name[:-4] + ".txt"
    return read_document(Path(name), raw)  # the bytes as given: no file is written


def _prose(text: str) -> bool:
    words = text.split()
    letters = sum(c.isalpha() or c.isspace() for c in text)
    return len(words) >= 4 and letters >= 0.75 * len(text)


def faq_entries(path: Path) -> list[tuple[str, str, str, list[str]]]:
    """(question, heading path, the question's line as written, the sentences of its answer
    in order) of each FAQ entry."""
    from assistant.readers.base import HEADING, question_text

    ex = _faq_document(path)
    starts = [s for s, _ in ex.sections] + [len(ex.text)]
    heading = {b.start: b for b in ex.blocks if b.kind == HEADING}
    out = []
    for k, (start, section) in enumerate(ex.sections):
        q = question_text(section.split(" › ")[-1])
        if q is None:
            continue
        line = heading.get(start)
        body = line.end if line else start
        sents = [ex.text[a:b].strip() for a, b in split_sentences(ex.text, body, starts[k + 1])]
        written = ex.block_text(line) if line else section.split(" › ")[-1]
        out.append((_NUMBERING.sub("", q), section, written, [s for s in sents if s]))
    return out


def faq_pairs(rng: random.Random) -> list[Pair]:
    """Per FAQ entry: its answer's first sentence (positive, when it reads as prose), the
    question's own line, and the two sentences of the file's other entries sharing most of
    its words (negatives)."""
    out: list[Pair] = []
    for path in sorted(FAQ.glob("*.gz")):
        entries = faq_entries(path)
        title = path.name.split(".")[0].replace("-", " ")
        rng.shuffle(entries)
        entries = entries[:MAX_FAQ_ENTRIES]
        for n, (q, section, written, sents) in enumerate(entries):
            group = f"faq-{path.name}-{n}"
            heading = f"{title}: {section}"
            out.append(Pair(q, written, 0, "", heading, group, "faq-question-line"))
            if sents and _prose(sents[0]):
                out.append(Pair(q, sents[0], 1, written, heading, group, "faq"))
            words = set(_norm(q).split())
            scored = []
            for m, (_, other, _, osents) in enumerate(entries):
                if m == n:
                    continue
                for i, text in enumerate(osents):
                    if _prose(text):
                        scored.append((_overlap(words, text), rng.random(), text,
                                       osents[i - 1] if i else "", f"{title}: {other}"))
            scored.sort(reverse=True)
            for overlap, _, text, before, where in scored[:2]:
                if overlap >= LOOKALIKE_OVERLAP:
                    out.append(Pair(q, text, 0, before, where, group, "faq-other-entry"))
    return out


def training_pairs(seed: int = 0) -> list[Pair]:
    rng = random.Random(seed)
    pairs = squad_pairs("train", rng) + selqa_pairs(rng) + trecqa_pairs()
    pairs += faq_pairs(random.Random(seed + 1))
    pairs += faq_positives(pairs, rng)
    rng.shuffle(pairs)
    return pairs


def counts(pairs: list[Pair]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for p in pairs:
        c = out.setdefault(p.origin, {"pairs": 0, "positive": 0, "questions": 0})
        c["pairs"] += 1
        c["positive"] += p.label
    for origin in out:
        out[origin]["questions"] = len({p.group for p in pairs if p.origin == origin})
    return out


if __name__ == "__main__":
    ps = training_pairs()
    print(json.dumps(counts(ps), indent=1))
    for p in ps[:8]:
        print(p)
