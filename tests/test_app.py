"""The Gradio app's handlers with the fake LLM, and its API through gradio_client."""

import copy
import threading

import gradio as gr
import pytest

import app
from assistant import Assistant, BackendError
from assistant.backends.fake import ScriptedLLM, default_reply

from conftest import write_corpus
from helpers import free_port


@pytest.fixture
def fake_llm():
    return ScriptedLLM()


@pytest.fixture
def bot(tiny_corpus, tmp_path, fake_embedder, fake_llm):
    return Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="fake",
                          embedder=fake_embedder, llm=fake_llm)


def run(respond, message, history=None, state=None):
    """All the handler's updates, each snapshotted as Gradio would send it."""
    steps = [(copy.deepcopy(h), box, html, st) for h, box, html, st in
             respond(message, history or [], state)]
    return steps, steps[-1]


def test_build_app_needs_no_launch(bot):
    demo = app.build_app(bot)
    assert isinstance(demo, gr.Blocks)
    assert "fake" in app.render_header(bot) and "scripted" in app.render_header(bot)
    assert "Riverton council plans new library" in app.render_documents(bot)


def test_answer_streams_then_becomes_cited_html(bot):
    respond, *_ = app.make_handlers(bot)
    steps, (history, box, sources, state) = run(respond, "When will the library open?")
    streamed = [h[-1]["content"] for h, *_ in steps[1:-1]]
    assert any(s.endswith("▍") for s in streamed)  # text appeared while generating
    final = history[-1]["content"]
    assert "<a class='cite' href='#src-1-1'" in final and "▍" not in final
    assert history[-2] == {"role": "user", "content": "When will the library open?"}
    assert box == ""
    assert "id='src-1-1'" in sources and "<mark>" in sources
    assert state["turns"][0][0] == 1


def test_quote_is_highlighted_in_its_surrounding_text(bot):
    respond, *_ = app.make_handlers(bot)
    _, (_, _, sources, state) = run(respond, "When will the library open?")
    citation, text = state["turns"][0][2][0]
    assert f"<mark>{citation.quote.replace(chr(39), '&#x27;')}</mark>" in sources
    before = text[:citation.start].strip().splitlines()[-1]
    assert before.replace("'", "&#x27;") in sources  # context around the quote is shown
    assert f"{citation.source} · {citation.date}" in sources  # which document, and when


def test_a_source_without_a_date_says_so(tmp_path, fake_embedder):
    corpus = write_corpus(tmp_path / "c", {"memo.txt": "Bridge works\n\nThe bridge reopens in May.\n"})
    bot = Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                         embedder=fake_embedder)
    respond, *_ = app.make_handlers(bot)
    _, (_, _, sources, _) = run(respond, "When does the bridge reopen?")
    assert "memo.txt · undated" in sources


def test_unsupported_sentences_are_marked(bot, fake_llm):
    fake_llm.enqueue(lambda m: default_reply(m) + " It has 900 rooms [1].")
    respond, *_ = app.make_handlers(bot)
    _, (history, *_rest) = run(respond, "When will the library open?")
    final = history[-1]["content"]
    assert "class='unsupported'" in final and "900 rooms" in final and "not supported" in final


def test_documents_dont_say_looks_different(bot):
    respond, *_ = app.make_handlers(bot)
    _, (history, *_rest) = run(respond, "What is the airspeed of a swallow?")
    assert history[-1]["content"].startswith("<div class='abstained'>")


def test_empty_and_overlong_messages(bot, fake_llm):
    respond, *_ = app.make_handlers(bot)
    _, (history, *_rest) = run(respond, "   ")
    assert "Type a question" in history[-1]["content"] and len(history) == 1
    _, (history, box, *_rest) = run(respond, "x" * 5000)
    assert "too long" in history[-1]["content"] and box == "x" * 5000  # kept, to shorten
    assert fake_llm.history == []


def test_backend_error_is_a_chat_message_and_the_app_goes_on(bot, fake_llm):
    def boom(messages):
        raise BackendError("Cannot reach http://127.0.0.1:9/api/chat. Check ASSISTANT_OLLAMA_URL.")
    fake_llm.enqueue(boom)
    respond, *_ = app.make_handlers(bot)
    _, (history, _, _, state) = run(respond, "When will the library open?")
    assert "class='error'" in history[-1]["content"] and "ASSISTANT_OLLAMA_URL" in history[-1]["content"]
    _, (history, *_rest) = run(respond, "When will the library open?", history, state)
    assert "class='cite'" in history[-1]["content"]


def test_follow_ups_and_independent_tabs(bot, fake_llm):
    respond, clear, *_ = app.make_handlers(bot)
    _, (h1, _, _, tab1) = run(respond, "How much will the Riverton library cost?")
    _, (h2, _, _, tab2) = run(respond, "Who leads the council?")
    fake_llm.enqueue("When will the Riverton library open?", default_reply)
    _, (h1, _, sources, tab1) = run(respond, "And when will it open?", h1, tab1)
    assert "Understood as: When will the Riverton library open?" in h1[-1]["content"]
    assert "Answer 2:" in sources and "Answer 1:" in sources
    assert len(tab1["session"].turns) == 2 and len(tab2["session"].turns) == 1
    rewrite = fake_llm.history[-2]["messages"][-1]["content"]
    assert "Riverton library cost" in rewrite and "Who leads" not in rewrite  # own history only
    assert clear() == ([], "", app.render_sources([]), {"session": None, "turns": []})


def test_example_click_fills_the_box(bot):
    _, _, pick, _ = app.make_handlers(bot)
    data = gr.SelectData(None, {"index": 0, "value": {"text": app.EXAMPLES[0]}})
    assert pick(data) == app.EXAMPLES[0]


class GatedLLM(ScriptedLLM):
    """Blocks until released; records how many generations ran at once."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.active = 0
        self.most = 0
        self._lock = threading.Lock()

    def stream(self, messages, **kw):
        with self._lock:
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            self.release.wait(60)
            yield from super().stream(messages, **kw)
        finally:
            with self._lock:
                self.active -= 1


@pytest.mark.server
def test_api_queue_and_a_page_that_stays_responsive(tiny_corpus, tmp_path, fake_embedder):
    import httpx
    from gradio_client import Client

    llm = GatedLLM()
    bot = Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="fake",
                         embedder=fake_embedder, llm=llm)
    port = free_port()
    demo = app.build_app(bot)
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        jobs = [client.submit("When will the library open?", api_name="/ask") for _ in range(3)]
        # while answers wait on the model, the page still loads for someone else
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
        assert page.status_code == 200 and not any(j.done() for j in jobs)
        llm.release.set()
        results = [j.result(timeout=60) for j in jobs]
        assert all("June 2022" in r["text"] and r["citations"] for r in results)
        assert llm.most == 1  # the model was never called concurrently
        api = client.view_api(print_info=False, return_format="dict")
        assert "/ask" in api["named_endpoints"]
    finally:
        llm.release.set()
        demo.close()


def test_main_says_what_it_loaded_and_reports_bad_setup(tiny_corpus, tmp_path, monkeypatch, capsys):
    launched = []
    monkeypatch.setattr(app, "launch", lambda demo, host, port, **kw: launched.append((host, port)))
    monkeypatch.setenv("ASSISTANT_CORPUS", str(tiny_corpus))
    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "ix"))
    assert app.main(["-g", "extractive", "--port", "7999"]) == 0
    assert launched == [("127.0.0.1", 7999)]
    err = capsys.readouterr().err
    assert "2 documents" in err and "added: alpha.txt, beta.md" in err and "extractive" in err
    assert app.main(["-g", "extractive"]) == 0
    assert "up to date" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("ASSISTANT_CORPUS", str(tmp_path / "empty"))
    assert app.main(["-g", "extractive"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err and len(launched) == 2
