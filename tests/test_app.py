"""The Gradio app's handlers with the fake LLM, and its API through gradio_client. Rendering a
PDF page is the library's (`tests/test_pages.py`); here, the page view that serves it."""

import copy
import html
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import gradio as gr
import pytest

import app
from assistant import Assistant, BackendError, SyncProgress
from ui import chat, documents, render
from ui.startup import Startup
from assistant.backends.fake import ScriptedLLM, default_reply

from conftest import ROOT, write_corpus
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
    assert "fake" in render.render_header(bot) and "scripted" in render.render_header(bot)
    assert "Riverton council plans new library" in render.render_documents(bot.list_documents())


def test_answer_streams_then_becomes_cited_html(bot):
    respond, *_ = chat.make_handlers(bot)
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
    respond, *_ = chat.make_handlers(bot)
    _, (_, _, sources, state) = run(respond, "When will the library open?")
    citation, text, *_ = state["turns"][0][2][0]
    assert f"<mark>{citation.quote.replace(chr(39), '&#x27;')}</mark>" in sources
    before = text[:citation.start].strip().splitlines()[-1]
    assert before.replace("'", "&#x27;") in sources  # context around the quote is shown
    assert f"{citation.source} · {citation.date}" in sources  # which document, and when


def test_a_source_without_a_date_says_so(tmp_path, fake_embedder):
    corpus = write_corpus(tmp_path / "c", {"memo.txt": "Bridge works\n\nThe bridge reopens in May.\n"})
    bot = Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                         embedder=fake_embedder)
    respond, *_ = chat.make_handlers(bot)
    _, (_, _, sources, _) = run(respond, "When does the bridge reopen?")
    assert "memo.txt · undated" in sources


def test_unsupported_sentences_are_marked(bot, fake_llm):
    fake_llm.enqueue(lambda m: default_reply(m) + " It has 900 rooms [1].")
    respond, *_ = chat.make_handlers(bot)
    _, (history, *_rest) = run(respond, "When will the library open?")
    final = history[-1]["content"]
    assert "class='unsupported'" in final and "900 rooms" in final and "not supported" in final


def test_documents_dont_say_looks_different(bot):
    respond, *_ = chat.make_handlers(bot)
    _, (history, *_rest) = run(respond, "What is the airspeed of a swallow?")
    assert history[-1]["content"].startswith("<div class='abstained'>")


def test_empty_and_overlong_messages(bot, fake_llm):
    respond, *_ = chat.make_handlers(bot)
    _, (history, *_rest) = run(respond, "   ")
    assert "Type a question" in history[-1]["content"] and len(history) == 1
    _, (history, box, *_rest) = run(respond, "x" * 5000)
    assert "too long" in history[-1]["content"] and box == "x" * 5000  # kept, to shorten
    assert fake_llm.history == []


def test_backend_error_is_a_chat_message_and_the_app_goes_on(bot, fake_llm):
    def boom(messages):
        raise BackendError("Cannot reach http://127.0.0.1:9/api/chat. Check ASSISTANT_OLLAMA_URL.")
    fake_llm.enqueue(boom)
    respond, *_ = chat.make_handlers(bot)
    _, (history, _, _, state) = run(respond, "When will the library open?")
    assert "class='error'" in history[-1]["content"] and "ASSISTANT_OLLAMA_URL" in history[-1]["content"]
    _, (history, *_rest) = run(respond, "When will the library open?", history, state)
    assert "class='cite'" in history[-1]["content"]


def test_follow_ups_and_independent_tabs(bot, fake_llm):
    respond, clear, *_ = chat.make_handlers(bot)
    _, (h1, _, _, tab1) = run(respond, "How much will the Riverton library cost?")
    _, (h2, _, _, tab2) = run(respond, "Who leads the council?")
    fake_llm.enqueue("When will the Riverton library open?", default_reply)
    _, (h1, _, sources, tab1) = run(respond, "And when will it open?", h1, tab1)
    assert "Understood as: When will the Riverton library open?" in h1[-1]["content"]
    assert "Answer 2:" in sources and "Answer 1:" in sources
    assert len(tab1["session"].turns) == 2 and len(tab2["session"].turns) == 1
    rewrite = fake_llm.history[-2]["messages"][-1]["content"]
    assert "Riverton library cost" in rewrite and "Who leads" not in rewrite  # own history only
    assert clear() == ([], "", render.render_sources([]), {"session": None, "turns": []})


def test_example_click_fills_the_box(bot):
    _, _, pick, _ = chat.make_handlers(bot)
    data = gr.SelectData(None, {"index": 0, "value": {"text": chat.EXAMPLES[0]}})
    assert pick(data) == chat.EXAMPLES[0]


def test_example_buttons_only_for_the_bundled_corpus(bot, tmp_path):
    # the seeds' questions would ask a user's own folder about documents it does not hold
    assert chat.examples_for(ROOT / "seeds") == chat.EXAMPLES
    assert chat.examples_for(tmp_path) == [] and chat.examples_for(tmp_path / "gone") == []
    def chatbot(demo):
        return next(c for c in demo.config["components"] if c["type"] == "chatbot")["props"]

    assert not chatbot(app.build_app(bot, examples=[])).get("examples")
    assert [e["text"] for e in chatbot(app.build_app(bot))["examples"]] == chat.EXAMPLES


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


@contextmanager
def serving(bot, **launch_options):
    """The app over `bot`, launched on a free loopback port: yields its base URL."""
    port = free_port()
    demo = app.build_app(bot)
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True, **launch_options)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        demo.close()


@pytest.mark.server
def test_api_queue_and_a_page_that_stays_responsive(tiny_corpus, tmp_path, fake_embedder):
    import httpx
    from gradio_client import Client

    llm = GatedLLM()
    bot = Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="fake",
                         embedder=fake_embedder, llm=llm)
    with serving(bot) as url:
        try:
            client = Client(f"{url}/", verbose=False)
            jobs = [client.submit("When will the library open?", api_name="/ask") for _ in range(3)]
            # while answers wait on the model, the page still loads for someone else
            page = httpx.get(f"{url}/", timeout=30)
            assert page.status_code == 200 and not any(j.done() for j in jobs)
            llm.release.set()
            results = [j.result(timeout=60) for j in jobs]
            assert all("June 2022" in r["text"] and r["citations"] for r in results)
            assert llm.most == 1  # the model was never called concurrently
            api = client.view_api(print_info=False, return_format="dict")
            assert "/ask" in api["named_endpoints"]
        finally:
            llm.release.set()


@pytest.fixture
def launched(tiny_corpus, tmp_path, monkeypatch) -> list:
    """app.main over the tiny corpus, with launch() recording (host, port, options, the page's
    Startup) instead, once the assistant has started (in the background) or failed to."""
    calls = []

    def launch(demo, host, port, **kw):
        assert demo.startup.wait(120)
        calls.append((host, port, kw, demo.startup))
    monkeypatch.setattr(app, "launch", launch)
    monkeypatch.setenv("ASSISTANT_CORPUS", str(tiny_corpus))
    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "ix"))
    return calls


def test_main_says_what_it_loaded_and_reports_bad_setup(launched, tmp_path, monkeypatch, capsys,
                                                        caplog):
    assert app.main(["-g", "extractive", "--port", "7999"]) == 0
    assert [(host, port) for host, port, *_ in launched] == [("127.0.0.1", 7999)]
    err = capsys.readouterr().err
    assert "2 documents" in err and "added: alpha.txt, beta.md" in err and "extractive" in err
    assert app.main(["-g", "extractive"]) == 0
    assert "up to date" in capsys.readouterr().err
    # bad arguments and settings stop before serving
    assert app.main(["-g", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: generator must be one of") and "Traceback" not in err
    with pytest.raises(SystemExit) as exited:
        app.main(["--port", "x"])
    assert exited.value.code == 2 and len(launched) == 2
    # a failure while loading is logged, and the page serves its message
    (tmp_path / "not-a-folder").write_text("a file where the corpus folder should be")
    monkeypatch.setenv("ASSISTANT_CORPUS", str(tmp_path / "not-a-folder"))
    assert app.main(["-g", "extractive"]) == 0
    startup = launched[-1][-1]
    assert startup.assistant is None and "is a file, not a folder" in startup.error
    assert "is a file, not a folder" in startup.header()
    assert any("could not start" in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------- served while it starts

@pytest.fixture
def starting(tiny_corpus, tmp_path, fake_embedder):
    """An assistant starting in the background: its loader reports indexing progress, then
    blocks until `go` is set, then loads the tiny corpus. Yields (startup, go)."""
    go = threading.Event()

    def load(progress):
        progress(SyncProgress(1, 2, 3, 7, "alpha.txt"))
        assert go.wait(60), "the test never let the assistant start"
        return Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="extractive",
                              embedder=fake_embedder)
    startup = Startup(load, "extractive").start()
    yield startup, go
    go.set()
    startup.wait(60)
    if startup.assistant:
        startup.assistant.close()


def failing(exc: BaseException) -> Startup:
    def load(progress):
        raise exc
    startup = Startup(load, "local").start()
    assert startup.wait(10)
    return startup


def _wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_while_starting_every_handler_says_so_then_the_assistant_answers(starting, uploads):
    startup, go = starting
    _wait_for(lambda: "indexing" in startup.stage)
    demo = app.build_app(startup)  # the page is built (and so can be served) at once
    header = startup.header()
    assert "Starting: indexing the documents: 1 of 2 files, 3 of 7 chunks" in header
    assert startup.status() == {"ready": False, "error": None,
                                "starting": "indexing the documents: 1 of 2 files, 3 of 7 chunks"}

    respond, _, _, ask_api = chat.make_handlers(startup)
    _, (history, box, _, state) = run(respond, "When will the library open?")
    assert "still starting (indexing the documents" in history[-1]["content"]
    assert "class='notice'" in history[-1]["content"]
    assert box == "When will the library open?" and state["session"] is None  # to ask again
    with pytest.raises(gr.Error, match="still starting"):
        ask_api("When will the library open?")

    docs = documents.make_document_handlers(startup)
    assert "still starting" in last(docs.add([str(uploads["notes"])]))[0]
    assert "still starting" in docs.reload()[0] and "still starting" in docs.remove("beta.md")[0]
    shown_header, listing, name = docs.show()
    assert "Starting:" in shown_header and "once the assistant has started" in listing
    assert name.choices == []
    assert "still starting" in docs.page_view({"source": "alpha.txt", "page": 1})["message"]

    go.set()
    assert startup.wait(60) and startup.status() == {"ready": True, "starting": None, "error": None}
    shown_header, listing, name = docs.show()  # what the page's poll shows now
    assert "2 documents" in shown_header and "alpha.txt" in listing
    assert [c[0] for c in name.choices] == ["alpha.txt", "beta.md"]
    _, (history, box, _, _) = run(respond, "When will the library open?")
    assert "class='cite'" in history[-1]["content"] and box == ""
    assert "June 2022" in ask_api("When will the library open?")["text"]
    assert isinstance(demo, gr.Blocks)


def test_a_start_that_fails_shows_its_message_and_is_logged(caplog):
    from assistant import ModelError

    startup = failing(ModelError("No model file at /srv/models/q.gguf; run ./run.sh setup."))
    assert startup.status()["error"] == "No model file at /srv/models/q.gguf; run ./run.sh setup."
    assert "could not start: No model file at /srv/models/q.gguf" in startup.header()
    respond, _, _, ask_api = chat.make_handlers(startup)
    _, (history, *_rest) = run(respond, "When will the library open?")
    assert "class='error'" in history[-1]["content"]
    assert "could not start: No model file" in history[-1]["content"]
    with pytest.raises(gr.Error, match="could not start: No model file"):
        ask_api("When will the library open?")
    docs = documents.make_document_handlers(startup)
    assert "could not start" in docs.reload()[0] and "could not start" in docs.show()[0]
    assert [r.getMessage() for r in caplog.records if r.name == "ui.startup"] == [
        "the assistant could not start: No model file at /srv/models/q.gguf; run ./run.sh setup."]
    app.build_app(startup)  # and the page is still built, to show it

    caplog.clear()
    startup = failing(RuntimeError("internal detail /srv/secret"))
    assert "RuntimeError" in startup.error and "/srv/secret" not in startup.header()
    logged = [r for r in caplog.records if r.name == "ui.startup"]
    assert len(logged) == 1 and isinstance(logged[0].exc_info[1], RuntimeError)


@pytest.mark.server
def test_the_page_and_api_are_served_while_starting(starting):
    import httpx
    from gradio_client import Client

    startup, go = starting
    with serving(startup) as url:
        assert httpx.get(f"{url}/", timeout=30).status_code == 200
        client = Client(f"{url}/", verbose=False)
        assert client.predict(api_name="/status")["starting"].startswith("indexing")
        with pytest.raises(Exception, match="still starting"):
            client.predict("When will the library open?", api_name="/ask")
        go.set()
        assert startup.wait(60) and client.predict(api_name="/status")["ready"] is True
        assert "June 2022" in client.predict("When will the library open?", api_name="/ask")["text"]


@pytest.mark.browser
def test_the_page_updates_itself_when_the_assistant_is_ready(starting):
    from test_browser import open_page

    startup, go = starting
    with serving(startup) as url, open_page(f"{url}/") as page:
        assert "Starting: indexing the documents" in page.inner_text("#header")
        page.fill("#question textarea", "When will the library open?")
        page.click("#ask")
        page.wait_for_function("document.querySelector('#chat').innerText.includes('still starting')")
        go.set()
        page.wait_for_function("document.querySelector('#header').innerText.includes('2 documents')",
                               timeout=30000)  # no reload
        page.click("#ask")  # the question was kept in the box
        page.wait_for_selector("#chat a.cite", timeout=30000)
        page.get_by_role("tab", name="Documents").click()
        assert "alpha.txt" in page.inner_text("#doc-list")
        assert page.outside == []


@pytest.mark.integration
def test_python_app_serves_its_page_before_the_assistant_is_ready(tmp_path):
    """`python app.py` answers on its port while the assistant cannot load yet: here because
    another process holds the index's lock (as `python -m assistant index` would)."""
    import httpx
    from filelock import FileLock
    from gradio_client import Client

    corpus, index, port = write_corpus(tmp_path / "corpus"), tmp_path / "index", free_port()
    env = {**os.environ, "ASSISTANT_CORPUS": str(corpus), "ASSISTANT_INDEX": str(index)}
    lock = FileLock(str(tmp_path / ".index.lock"))
    lock.acquire()
    # not in a network namespace of its own: the test must reach it on loopback
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "-g", "extractive"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _serves(url, proc), timeout=300)
        client = Client(f"{url}/", verbose=False)
        status = client.predict(api_name="/status")
        assert status["ready"] is False and "opening the index" in status["starting"]
        with pytest.raises(Exception, match="still starting"):
            client.predict("When will the library open?", api_name="/ask")
        assert "Starting:" in httpx.get(f"{url}/config", timeout=30).text
        lock.release()
        _wait_for(lambda: client.predict(api_name="/status")["ready"], timeout=300)
        assert "June 2022" in client.predict("When will the library open?", api_name="/ask")["text"]
    finally:
        lock.release()
        proc.terminate()
        proc.wait(timeout=30)


def _serves(url: str, proc: subprocess.Popen) -> bool:
    import httpx

    if proc.poll() is not None:
        raise AssertionError(f"the app exited: {proc.stdout.read()[-2000:]}")
    try:
        return httpx.get(f"{url}/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


# ---------------------------------------------------------------- safe to leave running

def test_an_unexpected_failure_is_a_clear_message_logged_with_its_cause(bot, fake_llm, caplog):
    def crash(messages):
        raise ValueError("internal detail /srv/secret")
    fake_llm.enqueue(crash, crash)
    respond, _, _, ask_api = chat.make_handlers(bot)
    _, (history, *_rest) = run(respond, "When will the library open?")
    shown = history[-1]["content"]
    assert "class='error'" in shown and "ValueError" in shown and "server&#x27;s log" in shown
    assert "/srv/secret" not in shown and "Traceback" not in shown
    with pytest.raises(gr.Error) as raised:
        ask_api("When will the library open?")
    assert "ValueError" in raised.value.message and "/srv/secret" not in raised.value.message
    logged = [r for r in caplog.records if r.name == chat.log.name and r.exc_info]
    assert len(logged) == 2 and all(isinstance(r.exc_info[1], ValueError) for r in logged)
    _, (history, *_rest) = run(respond, "When will the library open?")
    assert "class='cite'" in history[-1]["content"]  # and the app goes on


def test_the_chat_renders_text_never_markdown(bot):
    demo = app.build_app(bot)
    chat = next(c for c in demo.config["components"] if c["type"] == "chatbot")["props"]
    assert chat["render_markdown"] is False and chat["latex_delimiters"] == []
    assert render.render_draft("![x](http://h/p.png) <img src=x>\nnext") == (
        "![x](http://h/p.png) &lt;img src=x&gt;<br>next ▍")


def test_login_settings(tmp_path):
    assert app.load_auth(None) is None and app.load_auth("") is None
    assert app.load_auth("ann:pa:ss") == [("ann", "pa:ss")]
    users = tmp_path / "users"
    users.write_text("# who may ask\nann:one\n\nbob:two\n")
    assert app.load_auth(str(users)) == [("ann", "one"), ("bob", "two")]
    for bad in ("ann", "ann:", ":pw", str(tmp_path / "missing-file")):
        with pytest.raises(app.ConfigError, match="ASSISTANT_AUTH"):
            app.load_auth(bad)


def test_serving_beyond_loopback_without_a_login_warns():
    for host in ("0.0.0.0", "::", "192.168.1.20", "my-server.example"):
        assert "without a login" in app.exposure_warning(host, None)
        assert app.exposure_warning(host, [("ann", "pw")]) is None
    for host in ("127.0.0.1", "127.0.1.1", "localhost", "::1"):
        assert app.exposure_warning(host, None) is None


def test_main_warns_and_passes_login_and_upload_limit(launched, monkeypatch, capsys):
    assert app.main(["-g", "extractive", "--host", "0.0.0.0"]) == 0
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0 without a login" in err
    assert "answers to any host name; set ASSISTANT_ALLOWED_HOSTS" in err
    assert (launched[-1][0], launched[-1][2]) == ("0.0.0.0", {"auth": None, "max_upload_mb": 50.0,
                                                              "allowed_hosts": ()})
    monkeypatch.setenv("ASSISTANT_AUTH", "ann:pw")
    monkeypatch.setenv("ASSISTANT_MAX_UPLOAD_MB", "2")
    monkeypatch.setenv("ASSISTANT_ALLOWED_HOSTS", "chat.lan")
    assert app.main(["-g", "extractive", "--host", "0.0.0.0"]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "any host name" not in err
    assert (launched[-1][0], launched[-1][2]) == ("0.0.0.0", {"auth": [("ann", "pw")], "max_upload_mb": 2.0,
                                                              "allowed_hosts": ("chat.lan",)})
    monkeypatch.setenv("ASSISTANT_AUTH", "no-colon")
    assert app.main(["-g", "extractive"]) == 2 and "ASSISTANT_AUTH" in capsys.readouterr().err


def test_an_in_process_model_answers_as_many_questions_at_once_as_it_has_slots():
    one_at_a_time = {"concurrency_limit": 1, "concurrency_id": chat.MODEL_QUEUE}
    assert chat.concurrency("local") == one_at_a_time
    assert chat.concurrency("local", 4) == {**one_at_a_time, "concurrency_limit": 4}
    assert chat.concurrency("fake", 4) == one_at_a_time  # unknown: assume one model
    for name in ("extractive", "ollama", "openai"):
        assert "concurrency_id" not in chat.concurrency(name)


@pytest.mark.server
def test_login_is_required_when_set_and_uploads_are_limited(bot):
    import httpx
    from gradio_client import Client

    with serving(bot, auth=[("ann", "s3cret")], max_upload_mb=0.01) as url:
        with httpx.Client(timeout=30) as anon:
            assert anon.get(f"{url}/config").status_code == 401
            upload = anon.post(f"{url}/gradio_api/upload", files={"files": ("a.txt", b"x")})
            assert upload.status_code == 401
            page = anon.get(f"{url}/").text  # the login form: no app, no documents in it
            assert '"auth_required":true' in page and "Riverton" not in page
        with pytest.raises(Exception):
            Client(f"{url}/", verbose=False)
        with httpx.Client(timeout=30) as user:
            for password, status in (("wrong", 400), ("s3cret", 200)):
                login = user.post(f"{url}/login", data={"username": "ann", "password": password})
                assert login.status_code == status
            big = user.post(f"{url}/gradio_api/upload", files={"files": ("a.txt", b"x" * 20_000)})
            small = user.post(f"{url}/gradio_api/upload", files={"files": ("a.txt", b"x" * 100)})
            assert big.status_code == 413 and small.status_code == 200
        client = Client(f"{url}/", auth=("ann", "s3cret"), verbose=False)
        assert "June 2022" in client.predict("When will the library open?", api_name="/ask")["text"]


class BarrierGenerator:
    """An `extractive` answerer that waits until `parties` questions are being answered at
    once: it proves parallelism without timing anything (a serial queue breaks the barrier)."""

    name = "extractive"
    model = None

    def __init__(self, parties: int):
        from assistant.answering.extractive import ExtractiveGenerator

        self.inner = ExtractiveGenerator()
        self.barrier = threading.Barrier(parties, timeout=20)

    def stream(self, question, evidence):
        self.barrier.wait()
        yield from self.inner.stream(question, evidence)


@pytest.mark.server
def test_the_extractive_app_answers_questions_side_by_side(tiny_corpus, tmp_path, fake_embedder):
    from gradio_client import Client

    gen = BarrierGenerator(4)
    bot = Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator=gen,
                         embedder=fake_embedder)
    with serving(bot) as url:
        client = Client(f"{url}/", verbose=False)
        jobs = [client.submit("When will the library open?", api_name="/ask") for _ in range(4)]
        results = [j.result(timeout=90) for j in jobs]
        assert all("June 2022" in r["text"] for r in results)
        assert not gen.barrier.broken  # all four were being answered at the same time


# ---------------------------------------------------------------- the Documents tab

def last(steps):
    """The final update of a handler that yields (or returns) its updates."""
    return list(steps)[-1] if not isinstance(steps, tuple) else steps


@pytest.fixture
def uploads(tmp_path):
    from fixtures_docs import NOTES_MD, corrupt_pdf, report_pdf

    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "notes.md").write_text(NOTES_MD, encoding="utf-8")
    return {"report": report_pdf(folder / "report.pdf"), "notes": folder / "notes.md",
            "broken": corrupt_pdf(folder / "broken.pdf")}


def test_documents_tab_is_built_from_the_supported_types(bot):
    from assistant.readers import supported_suffixes

    config = app.build_app(bot).config
    by_id = {c["props"].get("elem_id"): c for c in config["components"]}
    upload = by_id["upload"]["props"]
    assert upload["file_count"] == "multiple"
    assert upload["file_types"] == sorted(supported_suffixes()) and ".pdf" in upload["file_types"]
    assert [tuple(c) for c in by_id["remove-name"]["props"]["choices"]] == [("alpha.txt",) * 2, ("beta.md",) * 2]
    assert by_id["sources"]["props"]["server_fns"] == ["page_view"]
    assert {"add-docs", "remove-doc", "reload-docs", "doc-list", "doc-status"} <= set(by_id)


def test_adding_files_reports_progress_each_outcome_and_updates_the_list(tiny_corpus, tmp_path, uploads):
    from helpers import CountingEmbedder

    embedder = CountingEmbedder(delay=0.4)  # slow enough for the tab to report progress
    bot = Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="extractive",
                         embedder=embedder)
    docs = documents.make_document_handlers(bot)
    steps = list(docs.add([str(uploads["report"]), str(uploads["notes"]), str(uploads["broken"])]))
    shown = [status for status, *_ in steps[:-1]]
    assert shown and all(rest == [gr.skip()] * 4 for _, *rest in steps[:-1])  # only the status moves
    assert any("Indexing:" in s and "chunks embedded" in s and "<progress" in s for s in shown)
    status, header, listing, choices, picker = steps[-1]
    assert "2 of 3 files added or updated" in status
    assert "<li class='added'><span class='status'>added</span> <code>report.pdf</code></li>" in status
    assert "<code>notes.md</code>" in status
    assert "<li class='skipped'>" in status and "broken.pdf</code>: corrupt or truncated PDF" in status
    assert "4 documents" in header
    assert "<code>report.pdf</code></td><td>pdf</td><td>Harbour Trust Annual Report 2024</td>" \
           "<td class='num'>4</td>" in listing
    assert "broken.pdf" not in listing
    assert choices.choices == [(n, n) for n in ("alpha.txt", "beta.md", "notes.md", "report.pdf")]
    assert picker is None  # the file picker is emptied for the next files
    again = last(docs.add([str(uploads["report"])]))[0]
    assert "0 of 1 files" in again and "unchanged" in again and "already indexed" in again
    bot.close()


def add_through_the_page(url: str, name: str, data: bytes) -> dict:
    """Upload a file as the browser does, then click "Add to the corpus" (the queue's
    protocol): the event's completion message."""
    import json

    import httpx

    config = httpx.get(f"{url}/config").json()
    elem = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    add = next(d for d in config["dependencies"]
               if any(elem.get(target) == "add-docs" for target, _ in d["targets"]))
    path = httpx.post(f"{url}/gradio_api/upload", files={"files": (name, data)}).json()[0]
    session = f"test-{time.monotonic_ns()}"
    httpx.post(f"{url}/gradio_api/queue/join", json={
        "data": [[{"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}]],
        "fn_index": add["id"], "trigger_id": add["targets"][0][0], "session_hash": session,
        "event_data": None}).raise_for_status()
    with httpx.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session},
                      timeout=60) as events:
        for line in events.iter_lines():
            message = json.loads(line[5:]) if line.startswith("data:") else {}
            if message.get("msg") == "process_completed":
                return message
    raise AssertionError("the event never completed")


def test_an_upload_named_with_a_leading_dot_is_told_why_it_is_not_added(fake_bot, tmp_path,
                                                                         monkeypatch):
    """Before: Gradio refused a dotfile of its upload folder when the server's working
    directory held that folder, and the page said only "Error"; elsewhere the file was
    "added" and never indexed (the corpus never reads hidden files)."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    monkeypatch.chdir(tmp_path)  # the working directory holds the upload folder
    with serving(fake_bot) as url:
        done = add_through_the_page(url, ".notes.txt", b"The pool opens at six on Sundays.\n")
        assert done["success"], done
        status = done["output"]["data"][0]
        assert "<code>.notes.txt</code>: its name begins with a dot" in status
        assert "Rename it without the dot" in status and "0 of 1 files" in status
        added = add_through_the_page(url, "notes.txt", b"The pool opens at six on Sundays.\n")
        assert "<span class='status'>added</span> <code>notes.txt</code>" in added["output"]["data"][0]
    assert sorted(p.name for p in fake_bot.config.corpus.iterdir()) == ["alpha.txt", "beta.md",
                                                                        "notes.txt"]


def test_an_upload_that_fails_is_a_message_never_a_traceback(fake_bot, uploads, monkeypatch, caplog):
    from assistant import IndexBusy, IndexUnusable

    docs = documents.make_document_handlers(fake_bot)
    assert "Choose one or more files" in last(docs.add([]))[0]

    def busy(paths, progress=None):
        raise IndexBusy("Another process is indexing; try again in a minute.")
    monkeypatch.setattr(fake_bot, "add", busy)
    status, header, listing, *_ = last(docs.add([str(uploads["report"])]))
    assert "class='error'" in status and "Another process is indexing" in status
    assert "alpha.txt" in listing  # the list is still shown

    def crash(paths, progress=None):
        raise ValueError("internal detail /srv/secret")
    monkeypatch.setattr(fake_bot, "add", crash)
    status = last(docs.add([str(uploads["report"])]))[0]
    assert "ValueError" in status and "server&#x27;s log" in status
    assert "/srv/secret" not in status and "Traceback" not in status
    assert any(isinstance(r.exc_info[1], ValueError) for r in caplog.records if r.exc_info)

    def unusable():
        raise IndexUnusable("Reading the index failed. Run `python -m assistant index --check`.")
    monkeypatch.setattr(fake_bot, "list_documents", unusable)
    status, *rest = docs.reload()
    assert "class='error'" in status and "index --check" in status
    assert rest == [gr.skip()] * 3  # the page keeps the list it shows


def test_removing_a_document_updates_the_list(fake_bot):
    docs = documents.make_document_handlers(fake_bot)
    status, header, listing, choices = docs.remove("beta.md")
    assert "Removed beta.md" in status and ".removed/beta.md in the corpus folder" in status
    assert "beta.md" not in listing and "1 document ·" in header
    assert choices.choices == [("alpha.txt", "alpha.txt")]
    assert (fake_bot.config.corpus / ".removed" / "beta.md").is_file()
    status, *_ = docs.remove("beta.md")
    assert "class='error'" in status and "No document named &#x27;beta.md&#x27;" in status
    assert "Choose the document" in docs.remove(None)[0]


def test_reload_picks_up_what_another_process_changed(fake_bot, tiny_corpus, tmp_path, fake_embedder):
    docs = documents.make_document_handlers(fake_bot)
    assert "the index is unchanged (2 documents)" in docs.reload()[0]
    (tmp_path / "gamma.txt").write_text("Ferry news\n\nThe ferry runs hourly.\n")
    other = Assistant.load(corpus=tiny_corpus, index=tmp_path / "index", generator="extractive",
                           embedder=fake_embedder)  # as `python -m assistant add` would
    other.add([tmp_path / "gamma.txt"])
    other.close()
    status, header, listing, choices = docs.reload()
    assert "the index had changed: reloaded (3 documents)" in status
    assert "gamma.txt" in listing and "3 documents" in header
    assert ("gamma.txt", "gamma.txt") in choices.choices
    assert "unchanged" in docs.reload()[0]


def test_names_and_reasons_from_files_are_escaped():
    from assistant.documents import FileOutcome

    shown = render.render_outcomes([FileOutcome("x", "<img src=x>.md", "skipped", "<script>1</script>")])
    assert "<img" not in shown and "<script>" not in shown and "&lt;img src=x&gt;.md" in shown
    from assistant.documents import DocumentInfo

    row = render.render_documents([DocumentInfo("<b>.md", "markdown", "<i>t</i>", None, 1, 2, None)])
    assert "<b>" not in row and "<i>" not in row and "not indexed yet" in row


# ---------------------------------------------------------------- citations a person can check

@pytest.fixture
def pdf_bot(fake_bot, uploads):
    fake_bot.add([uploads["report"]])
    return fake_bot


def test_a_pdf_citation_says_file_and_page_and_offers_the_page(pdf_bot):
    respond, *_ = chat.make_handlers(pdf_bot)
    _, (history, _, sources, state) = run(respond, "How many passengers did the ferry carry in 2023?")
    assert "41,350" in history[-1]["content"]
    card = sources[sources.index("id='src-1-1'"):]
    assert "report.pdf, p. 2 · 2024-03-14" in card
    assert "<mark>In 2023 the ferry carried 41,350 passengers between Northport and Gull Island.</mark>" in card
    assert "Show page 2</button>" in card and "class='page-view' hidden" in card
    at = card.index("class='excerpt'")
    excerpt = card[at:card.index("</div>", at)]
    assert "2. Passengers and fares" in excerpt and "Ferry services" not in excerpt  # its page's text


def test_a_section_citation_names_its_heading(fake_bot, uploads):
    fake_bot.add([uploads["notes"]])
    respond, *_ = chat.make_handlers(fake_bot)
    _, (_, _, sources, state) = run(respond, "What do weekend volunteers get?")
    c = state["turns"][0][2][0].citation
    assert (c.source, c.page) == ("notes.md", None) and "Weekend shifts" in c.section
    assert f"{html.escape(c.where)} · undated" in sources  # "notes.md, § … › Weekend shifts"
    assert "page-btn" not in sources  # no page to show


def test_the_page_view_is_the_rendered_page_with_the_quote_highlighted(pdf_bot):
    import base64
    import io

    from PIL import Image

    from assistant.pages import HIGHLIGHT, PAGE_SCALE

    docs = documents.make_document_handlers(pdf_bot)
    text = pdf_bot.source_text("report.pdf")
    start = text.index("In 2023 the ferry carried")
    end = text.index("Gull Island.") + len("Gull Island.")
    shown = docs.page_view({"source": "report.pdf", "page": 2, "start": start, "end": end})
    assert shown["alt"] == "Page 2 of report.pdf" and "message" not in shown
    assert shown["src"].startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(shown["src"].split(",", 1)[1]))).convert("RGB")
    assert abs(image.width - 595 * PAGE_SCALE) <= 1 and abs(image.height - 842 * PAGE_SCALE) <= 1
    marked = [y for y in range(image.height) if image.getpixel((120, y)) == HIGHLIGHT]
    assert marked and 0.1 < shown["top"] < 0.25  # near the top of the page, where the fact is
    assert abs(min(marked) / image.height - shown["top"]) < 0.02


def test_the_page_view_checks_what_the_browser_asks_for(pdf_bot, caplog):
    docs = documents.make_document_handlers(pdf_bot)
    for request in ({"source": "../../etc/passwd", "page": 1, "start": 0, "end": 1},
                    {"source": "gone.pdf", "page": 1, "start": 0, "end": 1},
                    "not a request", None, {"source": "report.pdf"}):
        assert docs.page_view(request) == {"message": "That document is no longer in the corpus."}
    for request in ({"source": "report.pdf", "page": 9, "start": 0, "end": 5},
                    {"source": "report.pdf", "page": 1, "start": 5, "end": 10**9},
                    {"source": "alpha.txt", "page": 1, "start": 0, "end": 5}):
        assert docs.page_view(request) == {"message": "That page is not in the document."}
    text = pdf_bot.source_text("report.pdf")
    start = text.index("The ferry runs every hour")
    moved = docs.page_view({"source": "report.pdf", "page": 1, "start": start, "end": start + 25})
    assert "message" not in moved  # a quote on page 1 is found there ...
    start = text.index("In 2023 the ferry")  # on page 2
    lost = docs.page_view({"source": "report.pdf", "page": 1, "start": start, "end": start + 20})
    assert lost["src"] and "could not be found on the page image" in lost["message"]  # ... this not


def test_a_page_that_cannot_be_rendered_is_a_note_logged_with_its_cause(pdf_bot, caplog):
    from assistant import CorpusError

    docs = documents.make_document_handlers(pdf_bot)
    text = pdf_bot.source_text("report.pdf")
    start = text.index("The north pier")  # page 3
    (pdf_bot.config.corpus / "report.pdf").write_bytes(b"%PDF-1.4 damaged since it was indexed")
    shown = docs.page_view({"source": "report.pdf", "page": 3, "start": start, "end": start + 20})
    assert shown == {"message": documents.UNRENDERED}
    assert any(isinstance(r.exc_info[1], CorpusError) for r in caplog.records if r.exc_info)


def test_a_question_can_be_limited_to_chosen_documents(bot):
    respond, *_ = chat.make_handlers(bot)
    question = "How much will the library cost?"
    _, (_, _, sources, _) = run(respond, question)
    assert "alpha.txt" in sources  # unscoped, the £4 million source is cited
    *_, (history, _, sources, _) = list(respond(question, [], None, ["beta.md"]))
    assert "alpha.txt" not in sources and "alpha.txt" not in history[-1]["content"]
    *_, (gone, box, _, _) = list(respond(question, [], None, ["removed.txt"]))
    assert "No document named &#x27;removed.txt&#x27;" in gone[-1]["content"] and box == question
    demo = app.build_app(bot)  # the chooser offers the corpus's documents
    scope = next(c for c in demo.blocks.values() if getattr(c, "elem_id", None) == "scope")
    assert sorted(choice[0] for choice in scope.choices) == ["alpha.txt", "beta.md"]
