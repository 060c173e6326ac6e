"""Every malformed request to the OpenAI-compatible API is a 400 with OpenAI's error JSON,
never a 5xx: requests drawn by Hypothesis over the API's request schema (and beyond it: any
JSON, any bytes) are sent in process to the app over a real assistant answering with the fake
generator (`ScriptedLLM`), and each reply is checked.

Before: 100,000 nested `[` in `messages` was a RecursionError (the connection dropped) and a
lone surrogate ("\\ud800") in a message a TypeError in the tokenizer, a 500."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from assistant import Assistant
from assistant.embeddings import HashingEmbedder
from assistant.serve import Service
from assistant.serve.openai_api import openai_routes
from assistant.serve.openai_chat import ROLES

from conftest import write_corpus

REQUESTS = 1_000
SECONDS = 600  # pytest-timeout's bound on the whole run (about 40 s on two busy cores): a hang
# fails the test; speed itself is a benchmark's business, not a test's
QUESTION = "When will the library open?"

# Text as JSON can carry it: every code point, lone surrogates and NUL included.
texts = st.text(st.characters(exclude_categories=()), max_size=40)
words = st.sampled_from([QUESTION, "", " ", "How much will the library cost?", "x" * 3000,
                         "\ud800", "a\udfffb", "\x00", "[1]", "Sources:\n- [1] x"])
anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts | words,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts | words, inner, max_size=4),
    max_leaves=12)
content = (words | texts | st.none() | anything
           | st.lists(st.fixed_dictionaries({"type": st.sampled_from(["text", "image_url", 1]),
                                             "text": words | texts | anything}), max_size=3))
message = st.fixed_dictionaries(
    {"role": st.sampled_from([*ROLES, "User", "", None, 7])},
    optional={"content": content, "name": texts, "tool_calls": anything})
chat_request = st.fixed_dictionaries(
    {"messages": st.lists(message, max_size=4) | anything},
    optional={"model": texts | anything, "stream": st.booleans() | anything,
              "n": st.sampled_from([1, 2, 0, -1, 1.0, True, "1", None]) | anything,
              "stream_options": st.fixed_dictionaries({}, optional={"include_usage": anything}) | anything,
              "temperature": anything, "max_tokens": anything, "tools": anything})


# Requests a client could well send: a conversation ending in a user's question.
turn = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system"]),
                              "content": words | texts})
question = st.fixed_dictionaries({"role": st.just("user"), "content": words | texts | content})
plausible = st.fixed_dictionaries(
    {"messages": st.builds(lambda before, last: [*before, last], st.lists(turn, max_size=3),
                           question)},
    optional={"model": st.just("assistant-fake"), "stream": st.booleans(),
              "stream_options": st.fixed_dictionaries({"include_usage": st.booleans()})})


def encode(body) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


bodies = (plausible.map(encode)
          | plausible.map(encode)
          | chat_request.map(encode)
          | anything.map(encode)
          | st.binary(max_size=64)
          | st.builds(lambda n, b: b * n, st.integers(1, 200_000), st.sampled_from([b"[", b"{"])))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    bot = Assistant.load(corpus=write_corpus(root / "corpus"), index=root / "index",
                         generator="fake", embedder=HashingEmbedder())
    app = Starlette(routes=[openai_routes(Service(bot))])
    with TestClient(app, raise_server_exceptions=False) as http:
        yield http
    bot.close()


def check(reply) -> None:
    """No 5xx; a refusal is OpenAI's error JSON; a stream carries no server error."""
    assert reply.status_code < 500, reply.text[:500]
    if reply.status_code >= 400:
        error = reply.json()["error"]
        assert set(error) == {"message", "type", "param", "code"} and error["message"]
    elif reply.headers["content-type"].startswith("text/event-stream"):
        assert '"server_error"' not in reply.text, reply.text[-500:]
    else:
        assert reply.json()["object"] == "chat.completion"


@pytest.mark.timeout(SECONDS)
def test_no_request_is_answered_with_a_server_error(client):
    statuses: Counter = Counter()
    started = time.monotonic()

    @settings(max_examples=REQUESTS, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=bodies)
    @example(body=b"[" * 100_000)
    @example(body=encode({"messages": [{"role": "user", "content": "[" * 100_000}]}))
    @example(body=b'{"messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    @example(body=encode({"messages": [{"role": "user", "content": "When \ud800 open?"}]}))
    @example(body=encode({"messages": [{"role": "user", "content": "\udfff"}], "stream": True}))
    @example(body=encode({"messages": [{"role": "user", "content": "a\ud800"},
                                       {"role": "assistant", "content": "b"},
                                       {"role": "user", "content": QUESTION}]}))
    @example(body=encode({"messages": [{"role": "user", "content": QUESTION}]}))
    @example(body=b"\xff\xfe\x00")
    def one(body: bytes) -> None:
        reply = client.post("/v1/chat/completions", content=body,
                            headers={"content-type": "application/json"})
        statuses[reply.status_code] += 1
        check(reply)

    one()
    assert sum(statuses.values()) >= REQUESTS
    assert statuses[200] and statuses[400], statuses  # answers and refusals both drawn
    print(f"\n{sum(statuses.values())} requests in {time.monotonic() - started:.0f} s: "
          f"{dict(sorted(statuses.items()))}")


def test_the_two_reported_requests_are_400s_that_say_why(client):
    deep = client.post("/v1/chat/completions", content=b'{"messages": ' + b"[" * 100_000)
    assert deep.status_code == 400 and "nested too deeply" in deep.json()["error"]["message"]
    lone = client.post("/v1/chat/completions", content=encode({
        "messages": [{"role": "user", "content": "When will \ud800 the library open?"}]}))
    assert lone.status_code == 400
    assert "half of a UTF-16 surrogate pair" in lone.json()["error"]["message"]
