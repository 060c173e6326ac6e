from assistant.chunking import MAX_WORDS, chunk_document
from assistant.corpus import load_corpus
from assistant.types import COMMENT, INDEXED_KINDS, TRANSPARENT_KINDS

from conftest import SEEDS


def test_chunks_are_verbatim_and_never_cross_furniture():
    for doc in load_corpus(SEEDS).documents:
        chunks = chunk_document(doc)
        assert chunks
        for c in chunks:
            assert c.text == doc.text[c.start:c.end]
            inside = [s for s in doc.spans if s.start < c.end and s.end > c.start
                      and s.kind not in TRANSPARENT_KINDS]
            assert all(s.kind in INDEXED_KINDS for s in inside)
            assert len({s.kind == COMMENT for s in inside}) == 1  # never mixes comments in
            for s in c.sentences:
                assert doc.text[s.start:s.end] == s.text and c.start <= s.start < s.end <= c.end
            words = sum(len(s.text.split()) for s in c.sentences)
            assert words <= MAX_WORDS or len(c.sentences) == 1


def test_every_indexed_character_is_in_some_chunk():
    for doc in load_corpus(SEEDS).documents:
        covered = set()
        for c in chunk_document(doc):
            covered.update(range(c.start, c.end))
        for span in doc.spans:
            if span.kind in INDEXED_KINDS:
                text = {i for i in range(span.start, span.end) if not doc.text[i].isspace()}
                assert text <= covered
