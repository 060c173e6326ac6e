"""Index health: `index --check` finds what the store lost, `index --repair` re-embeds just that,
and start-up refuses a damaged index with what to do.

The finding: on a 200-document index with one HNSW segment folder removed, `index` said "up to
date" and questions crashed or silently lost results. Chroma keeps each collection's vectors in
a folder named by its segment's UUID in the index directory, and once it has persisted one
(after 1,000 records) that folder holds `index_metadata.pickle`; its counts come from SQLite,
so nothing noticed the loss.

The index is built and searched with `DenseHashingEmbedder` (see `helpers.py`): with the sparse
`HashingEmbedder`, this corpus's 200 "Document N topic zzN." sentences are exactly equidistant,
Chroma's HNSW graph leaves some of them unreachable, and which ones depends on insertion order,
so on freshly built indexes dense search missed the answer to 18 to 36 of the 200 "Which
document covers topic zzN?" questions, and after a repair (which inserts in another order) it
missed the one asked below about half the time, and the question went unanswered. With dense
vectors all 200 are found first by dense search, by BM25 and by the assistant, freshly built or
repaired."""

import random
import shutil

import pytest

from assistant import Assistant, IndexDamaged
from assistant.cli import main
from assistant.embeddings import HashingEmbedder
from assistant.manifest import Manifest

from helpers import CountingDenseEmbedder, DenseHashingEmbedder

DOCS = 200


def write_docs(root):
    rnd = random.Random(0)
    vocab = [f"w{i}" for i in range(500)]
    root.mkdir()
    for d in range(DOCS):
        words = [" ".join(rnd.choice(vocab) for _ in range(8)).capitalize() + "." for _ in range(6)]
        (root / f"doc{d:03}.txt").write_text(
            f"Report {d}\n\n{' '.join(words)}\n\nDocument {d} topic zz{d}.\n")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("health")
    corpus = write_docs(base / "corpus")
    Assistant.load(corpus=corpus, index=base / "index", generator="extractive",
                   embedder=DenseHashingEmbedder()).close()
    return corpus, base / "index"


@pytest.fixture(scope="module")
def counts(built):
    """source -> (chunks, sentences) as the manifest records them, and the "ok" line."""
    manifest = Manifest(built[1])
    states = {s: (d.chunks, d.sentences) for s, d in manifest.documents().items()}
    manifest.close()
    chunks, sentences = (sum(c[i] for c in states.values()) for i in (0, 1))
    return states, f"ok: {DOCS} documents, {chunks} chunks, {sentences} sentences"


@pytest.fixture
def env(built, tmp_path, monkeypatch):
    """A copy of the built index; the CLI embeds with a counting fake."""
    from assistant import core

    corpus, index = built
    shutil.copytree(index, tmp_path / "index")
    embedder = CountingDenseEmbedder()
    monkeypatch.setattr(core, "LocalEmbedder", lambda: embedder)
    return corpus, tmp_path / "index", embedder


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def persisted_segments(index):
    """The vector segment folders Chroma has written its graph to (found on disk, as a person
    would find them, not through the code under test)."""
    found = [p for p in index.iterdir() if p.is_dir() and (p / "index_metadata.pickle").exists()]
    assert found, "no persisted vector segment: the test corpus is too small"
    return found


def damaged_sources(out):
    return sorted(line.split(":")[0].strip() for line in out.splitlines()
                  if line.startswith("  doc"))


def test_a_removed_segment_folder_is_found_and_repaired(env, counts, capsys):
    corpus, index, embedder = env
    states, ok = counts
    where = ["--corpus", str(corpus), "--index", str(index)]
    shutil.rmtree(persisted_segments(index)[0])

    code, out, err = cli(capsys, "index", *where)  # said "up to date" before
    assert code == 2 and "up to date" not in out
    assert "is damaged" in err and "python -m assistant index --repair" in err

    code, out, _ = cli(capsys, "index", "--check", *where)
    damaged = damaged_sources(out)
    assert code == 1 and 0 < len(damaged) < DOCS
    assert "missing from the vector index (not searchable)" in out
    assert out.splitlines()[-1].startswith(f"damaged: {len(damaged)} of {DOCS} documents")

    code, out, _ = cli(capsys, "index", "--repair", *where)
    assert code == 0 and out.splitlines()[-1] == ok
    assert f"repaired (re-embedded): {', '.join(damaged)}" in out
    # only the damaged documents were embedded again
    assert embedder.texts == sum(sum(states[s]) for s in damaged)

    assert cli(capsys, "index", "--check", *where)[:2] == (0, ok + "\n")
    # every repaired document is found again, by dense search and by BM25, and answered
    question = "Which document covers topic zz{}?".format
    with Assistant.load(corpus=corpus, index=index, generator="extractive",
                        embedder=DenseHashingEmbedder()) as bot:
        for mode in ("dense", "bm25"):
            missed = [s for s in damaged
                      if bot.retrieve(question(int(s[3:6])), k=1, mode=mode)[0].source != s]
            assert not missed, f"{mode} search misses repaired {missed}"
        for source in (damaged[0], damaged[-1]):
            answer = bot.ask(question(int(source[3:6])))
            assert answer.citations and answer.citations[0].source == source


def test_start_up_refuses_a_damaged_index_and_says_to_repair(env):
    corpus, index, _ = env
    shutil.rmtree(persisted_segments(index)[0])
    with pytest.raises(IndexDamaged, match=r"is damaged: .*Run `python -m assistant index --repair`"):
        Assistant.load(corpus=corpus, index=index, generator="extractive",
                       embedder=DenseHashingEmbedder())


def test_a_healthy_index_checks_ok(env, counts, capsys):
    corpus, index, embedder = env
    code, out, _ = cli(capsys, "index", "--check", "--corpus", str(corpus), "--index", str(index))
    assert (code, out) == (0, counts[1] + "\n")
    code, out, _ = cli(capsys, "index", "--repair", "--corpus", str(corpus), "--index", str(index))
    assert code == 0 and "found:" not in out and embedder.texts == 0


def test_a_document_missing_records_is_the_only_one_re_embedded(env, counts, capsys):
    from assistant.index import ChromaIndex, StoreConfig

    corpus, index, embedder = env
    store = ChromaIndex(StoreConfig(path=index), DenseHashingEmbedder())
    store.parts()["sentences"].delete(where={"source": "doc042.txt"})  # the manifest still counts them
    store.close()
    where = ["--corpus", str(corpus), "--index", str(index)]
    code, out, _ = cli(capsys, "index", "--check", *where)
    chunks, sentences = counts[0]["doc042.txt"]
    assert code == 1 and f"  doc042.txt: 0 of its {sentences} sentences are in the store\n" in out
    assert damaged_sources(out) == ["doc042.txt"]
    code, out, _ = cli(capsys, "index", "--repair", *where)
    assert code == 0 and "repaired (re-embedded): doc042.txt\n" in out
    assert embedder.texts == chunks + sentences and out.endswith(counts[1] + "\n")


def test_a_damaged_segment_file_means_a_full_rebuild_and_says_why(env, counts, capsys):
    corpus, index, _ = env
    segment = persisted_segments(index)[0]
    (segment / "header.bin").write_bytes(b"\xff" * 100)
    where = ["--corpus", str(corpus), "--index", str(index)]
    code, out, _ = cli(capsys, "index", "--check", *where)
    assert code == 1 and "index: the sentences cannot be read or searched" in out
    code, out, _ = cli(capsys, "index", "--repair", *where)
    assert code == 0 and "rebuilt (the sentences cannot be read or searched" in out
    assert out.splitlines()[-1] == counts[1]
    assert not segment.exists()  # the dead collection's folder is not left behind


def test_a_missing_saved_bm25_is_rebuilt_without_re_embedding(env, counts, capsys):
    corpus, index, embedder = env
    [lexical] = index.glob("lexical-*")
    shutil.rmtree(lexical)
    where = ["--corpus", str(corpus), "--index", str(index)]
    code, out, _ = cli(capsys, "index", "--check", *where)
    assert code == 1 and f"index: the saved BM25 index of generation {lexical.name[8:]}" in out
    code, out, _ = cli(capsys, "index", "--repair", *where)
    assert code == 0 and out.endswith(counts[1] + "\n")
    assert embedder.texts == 0


def test_check_names_another_embedder_and_a_missing_index(tiny_corpus, tmp_path, monkeypatch,
                                                          capsys):
    from assistant import core

    Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="extractive",
                   embedder=HashingEmbedder()).close()
    monkeypatch.setattr(core, "LocalEmbedder", lambda: HashingEmbedder(salt="v2"))
    code, out, _ = cli(capsys, "index", "--check", "--index", str(tmp_path / "ix"))
    assert code == 1 and "index: the chunks were embedded by 'hashing-embedder/dim=256'" in out
    code, _, err = cli(capsys, "index", "--check", "--index", str(tmp_path / "none"))
    assert code == 2 and "There is no index at" in err and not (tmp_path / "none").exists()
