"""evals/multilingual.py: XQuAD paragraph retrieval per language and embedder (the scoring and
the shared sample; the run itself is `python -m evals.multilingual`)."""

from __future__ import annotations

import hashlib

import numpy as np

from evals import multilingual as ml

SHA256 = {
    "ar": "abdabd7afed5c635d99cca0f3f0d0c9d9ed0bc77451e963c2e4e0638c29e486d",
    "de": "990b5d746746ed65ed4702ea5f35f99ffa4e2f1c390c07d003642acd937916f9",
    "en": "e4c57d1c9143aaa1c5d265ba5987a65f4e69528d2a98f29d6e75019b10344f29",
    "es": "dcbae93ec3a9f4b9e78fd834a171d6f96c1a875e10e15b7530b7e4ef4971e37e",
    "ru": "208d5b1aa154c52b1b5c5eda16281e455e8fd198cdb9af3f469f0d6037d973bf",
    "zh": "691d0b3359bc6b8faa8de931dfdfe21d50a65861ae348e32a0d1a0190b0c8835",
}


def test_the_xquad_files_are_the_published_ones():
    for lang, want in SHA256.items():
        assert hashlib.sha256((ml.HERE / f"xquad.{lang}.json").read_bytes()).hexdigest() == want


def test_every_language_asks_the_same_questions_of_the_same_paragraphs():
    ids = ml.sample_ids(150)
    assert ids == ml.sample_ids(150) and len(ids) == 150
    _, en = ml.load("en")
    for lang in ml.LANGS:
        paragraphs, questions = ml.load(lang)
        assert len(paragraphs) == 240 and len(questions) == 1190
        assert all(questions[i][1] == en[i][1] for i in ids)


def test_hits_count_the_rank_of_the_right_paragraph():
    p = np.eye(3, dtype=np.float32)
    q = np.array([[1, 0, 0], [0.5, 0.4, 0], [0, 0.2, 0.9]], dtype=np.float32)
    got = ml.hits(q, p, [0, 1, 2], ks=(1, 2))
    assert got == {"hit@1": 0.667, "hit@2": 1.0, "mrr": 0.833}
