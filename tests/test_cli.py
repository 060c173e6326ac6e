import json

import pytest

from assistant.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_env(tiny_corpus, tmp_path, monkeypatch):
    # the CLI builds its own Assistant: point it at the tiny corpus with the fake embedder
    from assistant import core
    from assistant.embeddings import HashingEmbedder

    monkeypatch.setattr(core, "LocalEmbedder", HashingEmbedder)
    return ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "ix")]


def test_index_then_no_op(capsys, cli_env):
    code, out, _ = run(capsys, "index", *cli_env)
    assert code == 0 and "added: alpha.txt, beta.md" in out
    code, out, _ = run(capsys, "index", *cli_env)
    assert code == 0 and "up to date" in out


def test_ask_json(capsys, cli_env):
    code, out, _ = run(capsys, "ask", "--json", "-g", "extractive", *cli_env,
                       "How much will the library cost?")
    answer = json.loads(out)
    assert code == 0 and answer["citations"] and not answer["abstained"]


def test_ask_prints_citations(capsys, cli_env):
    code, out, _ = run(capsys, "ask", "-g", "extractive", *cli_env, "When will the library open?")
    assert code == 0 and "[1] alpha.txt" in out and "June 2022" in out


@pytest.mark.parametrize("question", ["", "   ", "q" * 5000])
def test_bad_question_is_a_message_not_a_traceback(capsys, cli_env, question):
    code, out, err = run(capsys, "ask", "-g", "extractive", *cli_env, question)
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err + out


def test_empty_or_new_corpus_is_indexed_with_a_note(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "photo.bin").write_bytes(b"\x00" * 10)  # nothing readable
    for folder in ("empty", "new/sub"):
        index = ["--index", str(tmp_path / f"index-{folder.replace('/', '-')}")]
        code, out, err = run(capsys, "index", "--corpus", str(tmp_path / folder), *index)
        assert code == 0 and "0 chunks from 0 documents" in out and "no documents yet" in err
        assert (tmp_path / folder).is_dir()
    (tmp_path / "file.txt").write_text("not a folder")
    code, _, err = run(capsys, "index", "--corpus", str(tmp_path / "file.txt"))
    assert code == 2 and "is a file, not a folder" in err


def test_unknown_generator_is_a_message(capsys, cli_env):
    code, _, err = run(capsys, "ask", "-g", "gpt-17", *cli_env, "library?")
    assert code == 2 and "generator must be one of" in err


def typed(monkeypatch, *lines: str) -> None:
    """The terminal chat reads these lines, then end of input (Ctrl-D)."""
    feed = iter(lines)

    def fake_input(prompt=""):
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None
    monkeypatch.setattr("builtins.input", fake_input)


def test_chat_repl(capsys, cli_env, monkeypatch):
    typed(monkeypatch, "How much will the library cost?", "", "/clear", "And when will it open?")
    code, out, _ = run(capsys, "chat", "-g", "extractive", *cli_env)
    assert code == 0 and "(conversation cleared)" in out and out.count("[1]") >= 2


@pytest.fixture
def scripted(monkeypatch):
    """The `fake` backend the CLI builds, with replies the test scripts."""
    from assistant.backends.registry import LLMS
    from assistant.backends.fake import ScriptedLLM

    llm = ScriptedLLM()
    monkeypatch.setitem(LLMS, "fake", lambda cfg: llm)
    return llm


def _after_draft(out: str) -> str:
    """What the CLI printed: the checked answer and its notes, never the draft before it."""
    assert "Checked answer" not in out, out
    return "\n" + out


def test_ask_shows_struck_sentences_of_the_checked_answer(capsys, cli_env, scripted):
    from assistant.backends.fake import default_reply

    scripted.enqueue(lambda m: default_reply(m) + " It has 900 rooms [1].")
    code, out, _ = run(capsys, "ask", "-g", "fake", *cli_env, "When will the library open?")
    checked = _after_draft(out)
    assert code == 0 and "June 2022" in checked.splitlines()[1]
    rooms = [line for line in checked.splitlines() if "900 rooms" in line]
    assert rooms and all(line.lstrip().startswith("✗ removed") for line in rooms)


def test_ask_shows_the_answer_that_replaced_the_draft(capsys, cli_env, scripted):
    """The model's only sentence fails the check: the draft is replaced (here by the quoted
    evidence, as the extractive answerer would give it), and the CLI says so."""
    scripted.enqueue("The library has 900 rooms and a pool [1].")
    code, out, _ = run(capsys, "ask", "-g", "fake", *cli_env,
                       "What do critics say about the library?")
    checked = _after_draft(out)
    assert code == 0 and "Critics say the money should fund road repairs instead." in checked
    assert all(line.lstrip().startswith("✗ removed") for line in checked.splitlines()
               if "900 rooms" in line)


def test_ask_does_not_repeat_an_answer_the_check_left_unchanged(capsys, cli_env):
    code, out, _ = run(capsys, "ask", "-g", "extractive", *cli_env, "When will the library open?")
    assert code == 0 and "Checked answer" not in out and out.count("June 2022") == 2  # text, quote


def test_chat_repl_survives_an_unexpected_failure(capsys, cli_env, scripted, monkeypatch):
    def crash(messages):
        raise ValueError("internal detail /srv/secret")
    scripted.enqueue(crash)
    typed(monkeypatch, "When will the library open?", "When will the library open?")
    monkeypatch.delenv("ASSISTANT_DEBUG", raising=False)
    code, out, err = run(capsys, "chat", "-g", "fake", *cli_env)
    assert code == 0 and "unexpected error: ValueError" in out and "ASSISTANT_DEBUG" in out
    assert "Traceback" not in out + err and "June 2022" in out.split("ValueError", 1)[1]


def test_list_writes_each_document_on_one_line_whatever_its_name(capsys, cli_env, tiny_corpus):
    """A file name may hold a line break, a tab or a terminal escape: the table shows it
    escaped, one row per document (before, the row broke across lines)."""
    names = {"two\nlines.txt": "two\\nlines.txt", "tab\there.txt": "tab\\there.txt",
             "red\x1b[31m.txt": "red\\x1b[31m.txt"}
    for i, name in enumerate(names):
        (tiny_corpus / name).write_text(f"Note {i}: the pool opens at {i + 6} on Sundays.\n")
    code, out, err = run(capsys, "list", *cli_env)
    rows = out.splitlines()
    assert code == 0 and len(rows) == 1 + 2 + len(names), out
    for shown in names.values():
        assert sum(row.startswith(shown + " ") for row in rows) == 1
    assert "\x1b" not in out and "\t" not in out
    column = rows[0].index("type")  # the name column lines up
    assert all(row[column:].split()[0] in ("text", "markdown") for row in rows[1:])


def test_reading_commands_leave_a_damaged_index_where_it_is(capsys, cli_env, tmp_path):
    """ask, list and info never move an index aside: they say to repair; `index` sets it
    aside (kept) and rebuilds it."""
    assert run(capsys, "index", *cli_env)[0] == 0
    db = tmp_path / "ix" / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    for command in (["ask", "-g", "extractive", "How much will the library cost?"],
                    ["list"], ["info", "-g", "extractive"]):
        code, _, err = run(capsys, command[0], *cli_env, *command[1:])
        assert code == 2 and "--repair" in err and "Traceback" not in err, command
        assert not list(tmp_path.glob("ix.corrupt-*"))
        assert db.read_bytes().startswith(b"this is not")  # untouched
    code, out, _ = run(capsys, "index", *cli_env)
    assert code == 0 and len(list(tmp_path.glob("ix.corrupt-*"))) == 1
    code, out, _ = run(capsys, "ask", "-g", "extractive", *cli_env, "How much will the library cost?")
    assert code == 0 and "[1]" in out
