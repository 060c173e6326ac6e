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


def test_empty_corpus_is_a_message(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "index", "--corpus", str(tmp_path / "empty"))
    assert code == 2 and "no readable documents" in err


def test_unknown_generator_is_a_message(capsys, cli_env):
    code, _, err = run(capsys, "ask", "-g", "gpt-17", *cli_env, "library?")
    assert code == 2 and "generator must be one of" in err


def test_chat_repl(capsys, cli_env, monkeypatch):
    lines = iter(["How much will the library cost?", "", "/clear", "And when will it open?"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))  # then EOF
    def fake_input(prompt=""):
        try:
            return next(lines)
        except StopIteration:
            raise EOFError
    monkeypatch.setattr("builtins.input", fake_input)
    code, out, _ = run(capsys, "chat", "-g", "extractive", *cli_env)
    assert code == 0 and "(conversation cleared)" in out and out.count("[1]") >= 2
