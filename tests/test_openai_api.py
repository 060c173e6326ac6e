"""The OpenAI-compatible API, through the `openai` Python client on loopback: served on its own
(`python -m assistant serve`'s app) and mounted in the chat's server (app.launch)."""

from __future__ import annotations

import re

import httpx
import openai
import pytest

import app
from assistant import Assistant
from assistant.backends.fake import ScriptedLLM, default_reply
from assistant.cli import main
from assistant.serve import Service, ServiceUnavailable
from assistant.serve.openai_api import standalone_app
from assistant.serve.openai_chat import answer_of, parse_request
from ui.startup import Startup

from helpers import free_port, served

QUESTION = "When will the library open?"


def client(url: str, key: str = "none") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=60)


def ask(c: openai.OpenAI, text: str = QUESTION, **kw):
    return c.chat.completions.create(model="assistant-extractive",
                                     messages=[{"role": "user", "content": text}], **kw)


def assert_verbatim(bot: Assistant, citations: list[dict]) -> None:
    assert citations
    for c in citations:
        assert bot.source_text(c["source"])[c["start"]:c["end"]] == c["quote"]


@pytest.fixture
def api(fake_bot):
    """The API over the tiny corpus (extractive), no login: yields (client, bot)."""
    with served(standalone_app(Service(fake_bot), "127.0.0.1", None)) as url:
        yield client(url), fake_bot


def test_models_name_the_backend(api):
    c, _ = api
    assert [m.id for m in c.models.list().data] == ["assistant-extractive"]
    assert c.models.retrieve("assistant-extractive").id == "assistant-extractive"
    with pytest.raises(openai.NotFoundError, match="The models are: assistant-extractive"):
        c.models.retrieve("gpt-4o")
    assert c.models.retrieve("assistant").id == "assistant"  # the default's names
    with pytest.raises(openai.NotFoundError, match="no model 'gpt-4o'. The models are"):
        c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi?"}])


def test_a_reply_carries_its_citations_in_the_text_and_as_data(api):
    c, bot = api
    reply = ask(c)
    message = reply.choices[0].message
    answer, sources = message.content.split("\n\nSources:\n")
    assert "June 2022" in answer and "[1]" in answer
    citations = message.model_extra["citations"]
    assert_verbatim(bot, citations)
    assert sources.startswith("- [1] alpha.txt") and f"“{citations[0]['quote']}”" in sources
    assert message.model_extra["abstained"] is False and reply.model == "assistant-extractive"
    assert reply.choices[0].finish_reason == "stop" and reply.usage.total_tokens >= 0


def test_the_decline_has_no_sources(api):
    c, _ = api
    message = ask(c, "What colour is the mayor's bicycle?").choices[0].message
    assert message.content == "The documents don't say."
    assert message.model_extra["abstained"] is True and message.model_extra["citations"] == []


def test_a_streamed_reply_ends_with_sources_and_citations(api):
    c, bot = api
    chunks = list(ask(c, stream=True, stream_options={"include_usage": True}))
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    assert "June 2022" in text and "\n\nSources:\n- [1] alpha.txt" in text
    last = [ch for ch in chunks if ch.choices][-1]
    assert last.choices[0].finish_reason == "stop"
    assert_verbatim(bot, last.choices[0].delta.model_extra["citations"])
    assert chunks[-1].usage is not None and chunks[-1].choices == []
    assert len({ch.id for ch in chunks}) == 1


def test_a_follow_up_is_read_with_the_conversation(api):
    c, _ = api
    first = ask(c, "How much will the library cost?").choices[0].message.content
    messages = [{"role": "system", "content": "You are helpful."},
                {"role": "user", "content": "How much will the library cost?"},
                {"role": "assistant", "content": first},
                {"role": "user", "content": [{"type": "text", "text": "And when will it open?"}]}]
    reply = c.chat.completions.create(model="assistant", messages=messages)
    assert "June 2022" in reply.choices[0].message.content


@pytest.mark.parametrize("body, says", [
    ({"model": "m", "messages": []}, "non-empty list"),
    ({"model": "m"}, "non-empty list"),
    ({"messages": [{"role": "user", "content": "  "}]}, "user's question"),
    ({"messages": [{"role": "assistant", "content": "hi"}]}, "user's question"),
    ({"messages": [{"role": "robot", "content": "hi"}]}, "messages[0]"),
    ({"messages": [{"role": "user", "content": 7}]}, "messages[0].content"),
    ({"messages": [{"role": "user", "content": "hi"}], "stream": "yes"}, "'stream'"),
    ({"messages": [{"role": "user", "content": "hi"}], "n": 2}, "'n' must be 1"),
    ({"messages": [{"role": "user", "content": "q" * 5000}]}, "characters long"),
    ([1, 2], "JSON object"),
])
def test_bad_requests_get_openai_errors(api, body, says):
    c, _ = api
    with pytest.raises(openai.BadRequestError) as raised:
        c.post("/chat/completions", body=body, cast_to=object)
    error = raised.value.body
    assert says in error["message"] and error["type"] == "invalid_request_error"
    assert "Traceback" not in error["message"]


def test_the_client_refuses_an_empty_message_list_as_a_bad_request(api):
    c, _ = api
    with pytest.raises(openai.BadRequestError, match="non-empty list"):
        c.chat.completions.create(model="assistant-extractive", messages=[])


def test_not_json_and_unknown_paths(api):
    c, _ = api
    base = str(c.base_url).rstrip("/")
    r = httpx.post(f"{base}/chat/completions", content=b"{not json",
                   headers={"content-type": "application/json"})
    assert r.status_code == 400 and "not valid JSON" in r.json()["error"]["message"]
    r = httpx.post(f"{base}/embeddings", json={"input": "x"})
    assert r.status_code == 404 and "/v1/chat/completions" in r.json()["error"]["message"]
    r = httpx.get(f"{base}/chat/completions")
    assert r.status_code == 405 and "error" in r.json()


def test_a_login_is_the_api_key(fake_bot):
    service = Service(fake_bot)
    with served(standalone_app(service, "127.0.0.1", [("ann", "pw"), ("bob", "two")])) as url:
        with pytest.raises(openai.AuthenticationError, match="Bearer user:password"):
            client(url).models.list()
        with pytest.raises(openai.AuthenticationError):
            ask(client(url, "ann:wrong"))
        assert httpx.get(f"{url}/v1/models").status_code == 401
        assert "June 2022" in ask(client(url, "bob:two")).choices[0].message.content


def test_a_wrong_host_name_is_refused_on_loopback(fake_bot):
    """A web page reaching 127.0.0.1 through a DNS name of its own (DNS rebinding) names
    that host: refused."""
    with served(standalone_app(Service(fake_bot), "127.0.0.1", None)) as url:
        assert httpx.get(f"{url}/v1/models", headers={"host": "evil.example"}).status_code == 400
        assert httpx.get(f"{url}/v1/models", headers={"host": "localhost"}).status_code == 200


def test_failures_say_what_happened_without_internals(tiny_corpus, tmp_path, fake_embedder, caplog):
    def crash(messages):
        raise ValueError("internal detail /srv/secret")
    llm = ScriptedLLM([crash, crash, lambda m: default_reply(m)])
    bot = Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="fake",
                         embedder=fake_embedder, llm=llm)
    with served(standalone_app(Service(bot), "127.0.0.1", None)) as url:
        c = client(url)
        with pytest.raises(openai.InternalServerError) as raised:
            ask(c)
        assert "ValueError" in raised.value.message and "/srv/secret" not in raised.value.message
        with pytest.raises(openai.APIError) as raised:  # after the stream has begun
            list(ask(c, stream=True))
        assert "ValueError" in raised.value.message and "/srv/secret" not in raised.value.message
        assert "June 2022" in ask(c).choices[0].message.content  # and the next one is answered
    assert any("/srv/secret" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_a_stream_sends_the_checked_answer_only_the_same_as_without_streaming(
        tiny_corpus, tmp_path, fake_embedder):
    """The model's draft has a sentence the check removes: neither reply carries it, and the
    streamed content is the non-streamed content, once."""
    llm = ScriptedLLM([lambda m: default_reply(m) + " It has 900 rooms [1]."] * 2)
    bot = Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="fake",
                         embedder=fake_embedder, llm=llm)
    with served(standalone_app(Service(bot), "127.0.0.1", None)) as url:
        c = client(url)
        chunks = list(ask(c, stream=True))
        streamed = "".join(ch.choices[0].delta.content or "" for ch in chunks)
        whole = ask(c).choices[0].message.content
        assert streamed == whole and "June 2022" in whole
        assert "900 rooms" not in whole and "Checked answer" not in whole
        assert answer_of(streamed) == whole.split("\n\nSources:")[0]
        assert len(llm.history) == 2  # both replies came from the model


def test_answer_of_reads_back_the_checked_answer():
    reply = "Draft [1].\n\nChecked answer: Final [1].\n\nSources:\n- [1] a.txt: “x”"
    assert answer_of(reply) == "Final [1]."
    assert answer_of("Plain [1].\n\nSources:\n- [1] a.txt: “x”") == "Plain [1]."
    request = parse_request({"messages": [
        {"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1\n\nSources:\n-"},
        {"role": "user", "content": "q2"}, {"role": "user", "content": "q3"}]})
    assert request.history == (("q1", "a1"),) and request.question == "q3"


# ---------------------------------------------------------------- in the chat's process

def test_the_chat_server_serves_the_api_behind_its_login(fake_bot):
    port = free_port()
    demo = app.build_app(fake_bot)
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True,
               auth=[("ann", "pw")])
    url = f"http://127.0.0.1:{port}"
    try:
        with pytest.raises(openai.AuthenticationError):
            client(url).models.list()
        c = client(url, "ann:pw")
        assert [m.id for m in c.models.list().data] == ["assistant-extractive"]
        message = ask(c).choices[0].message
        assert "June 2022" in message.content
        assert_verbatim(fake_bot, message.model_extra["citations"])
        streamed = "".join(ch.choices[0].delta.content or "" for ch in ask(c, stream=True))
        assert "Sources:" in streamed
        assert httpx.get(f"{url}/", timeout=30).status_code == 200  # the page is still there
    finally:
        demo.close()


def test_the_chat_servers_api_says_when_the_assistant_is_starting(fake_bot):
    startup = Startup(None, "extractive")  # never started: it stays "starting"
    port = free_port()
    demo = app.build_app(startup)
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        with pytest.raises(openai.InternalServerError) as raised:
            ask(client(f"http://127.0.0.1:{port}"))
        assert raised.value.status_code == 503 and "still starting" in raised.value.message
    finally:
        demo.close()


def test_a_service_that_cannot_start_says_why(fake_bot):
    def broken():
        raise ServiceUnavailable("The assistant could not start: no model.")
    with served(standalone_app(Service(broken), "127.0.0.1", None)) as url:
        with pytest.raises(openai.InternalServerError, match="no model") as raised:
            client(url).models.list()
        assert raised.value.status_code == 503


def test_serve_refuses_other_hosts_without_a_login(capsys, monkeypatch):
    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "-g", "extractive"]) == 2
    err = capsys.readouterr().err
    assert "Refusing to serve on 0.0.0.0 without a login" in err and "Traceback" not in err
    monkeypatch.setenv("ASSISTANT_AUTH", "no-colon")
    assert main(["serve", "-g", "extractive"]) == 2
    assert "ASSISTANT_AUTH must be user:password" in capsys.readouterr().err


def test_document_markup_is_inert_in_the_reply_and_verbatim_in_the_citations(tmp_path,
                                                                          fake_embedder):
    """A document's Markdown image, link or tag is text: a client that renders the reply's
    content fetches nothing; the structured citation still quotes it exactly."""
    from conftest import write_corpus

    planted = ("The kiosk opens at 9 am daily ![pixel](http://tracker.example/p.png) "
               "<img src=http://tracker.example/q.png> [map](http://tracker.example/m).\n")
    corpus = write_corpus(tmp_path / "c", {"kiosk.txt": "Kiosk notice\n\n" + planted})
    with Assistant.load(corpus=corpus, index=tmp_path / "ix", generator="extractive",
                        embedder=fake_embedder) as bot:
        with served(standalone_app(Service(bot), "127.0.0.1", None)) as url:
            c = client(url)
            message = ask(c, "When does the kiosk open?").choices[0].message
            streamed = "".join(chunk.choices[0].delta.content or "" for chunk in
                               ask(c, "When does the kiosk open?", stream=True) if chunk.choices)
        for text in (message.content, streamed):
            assert "9 am" in text
            assert "![" not in text and "](http" not in text  # no image, no link target
            assert not re.search(r"(?<!\\)<", text)  # no tag a renderer would read
        assert_verbatim(bot, message.model_extra["citations"])
        assert any("![pixel](http://tracker.example/p.png)" in x["quote"]
                   for x in message.model_extra["citations"])
