"""Every server answers only requests that name it (`assistant.serve.hosts`): a web page that
reaches 127.0.0.1 through a DNS name of its own (DNS rebinding) sends that name as the Host and
its own origin as the Origin, and is refused, with no CORS header for it.

Before: the chat (`python app.py`) answered any Host and reflected any Origin in
access-control-allow-origin on /config, /gradio_api/call/ask, /gradio_api/upload and the
mounted /v1/chat/completions; `serve` checked the Host only, and `mcp --http` loopback names
only (a configured name could not be used)."""

from __future__ import annotations

import httpx
import pytest

import app
from assistant import Config, ConfigError
from assistant.serve import Service
from assistant.serve.hosts import host_name, origin_name, server_names
from assistant.serve.mcp_server import http_app
from assistant.serve.openai_api import standalone_app

from helpers import free_port, served

QUESTION = "When will the library open?"
CHAT_ROUTES = [  # (method, path, request keywords)
    ("GET", "/config", {}),
    ("POST", "/gradio_api/call/ask", {"json": {"data": [QUESTION]}}),
    ("POST", "/gradio_api/upload", {"files": {"files": ("a.txt", b"The hall opens at nine.")}}),
    ("POST", "/v1/chat/completions", {"json": {"messages": [{"role": "user", "content": QUESTION}]}}),
]
FOREIGN = [({"Host": "evil.example"}, 400),
           ({"Host": "evil.example", "Origin": "http://evil.example"}, 400),
           ({"Origin": "http://evil.example"}, 403),
           ({"Origin": "null"}, 403),
           ({"Host": "127.0.0.1.evil.example"}, 400)]


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}


def send(url: str, method: str, path: str, headers: dict, **kw) -> httpx.Response:
    return httpx.request(method, url + path, headers=headers, timeout=60, **kw)


@pytest.fixture
def chat(fake_bot):
    """The chat served on a free loopback port, also under the configured name assistant.lan."""
    port = free_port()
    demo = app.build_app(fake_bot)
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True,
               allowed_hosts=("assistant.lan",))
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        demo.close()


def test_the_chat_refuses_a_foreign_host_or_origin_on_every_route(chat):
    url, port = chat
    for method, path, kw in CHAT_ROUTES:
        for headers, status in FOREIGN:
            r = send(url, method, path, headers, **kw)
            assert r.status_code == status, (method, path, headers, r.text)
            assert "access-control-allow-origin" not in r.headers
            assert r.json()["error"]["code"] == "host_not_allowed"
        # a browser's preflight from a foreign page is refused too, before Gradio's CORS
        preflight = send(url, "OPTIONS", path, {"Origin": "http://evil.example",
                                                "Access-Control-Request-Method": "POST"})
        assert preflight.status_code == 403
        assert "access-control-allow-origin" not in preflight.headers


def test_the_chat_answers_its_loopback_names_and_the_configured_one(chat):
    url, port = chat
    for name in ("127.0.0.1", "localhost", "[::1]", "assistant.lan", "ASSISTANT.LAN"):
        host = f"{name}:{port}"
        for method, path, kw in CHAT_ROUTES:
            for headers in ({"Host": host}, {"Host": host, "Origin": f"http://{host}"}):
                r = send(url, method, path, headers, **kw)
                assert r.status_code == 200, (method, path, headers, r.text)
                assert r.headers.get("access-control-allow-origin") in (None, headers.get("Origin"))
    answer = send(url, *CHAT_ROUTES[3][:2], {"Host": f"assistant.lan:{port}"}, **CHAT_ROUTES[3][2])
    assert answer.json()["object"] == "chat.completion"


def test_serve_and_mcp_use_the_same_check(fake_bot):
    service = Service(fake_bot)
    for asgi, path in ((standalone_app(service, "127.0.0.1", None, ["assistant.lan"]), "/v1/models"),
                       (http_app(service, "127.0.0.1", None, ["assistant.lan"]), "/mcp")):
        with served(asgi) as url:
            for headers, status in FOREIGN:
                assert send(url, "GET", path, headers).status_code == status, (path, headers)
            for host in ("localhost", "assistant.lan:7861"):
                r = send(url, "POST", path, {"Host": host, "Origin": f"http://{host}",
                                             "Accept": "application/json, text/event-stream"},
                         json=INITIALIZE)
                assert r.status_code == (200 if path == "/mcp" else 405), (path, host, r.text)


def test_which_names_a_server_answers_to():
    loopback = {"127.0.0.1", "localhost", "::1"}
    assert server_names("127.0.0.1") == loopback
    assert server_names("::1") == loopback
    assert server_names("192.168.1.20") == loopback | {"192.168.1.20"}
    assert server_names("127.0.0.1", ["Assistant.LAN", "10.0.0.5", "[fe80::1]"]) == \
        loopback | {"assistant.lan", "10.0.0.5", "fe80::1"}
    # listening everywhere: the names it is reached under are unknown, unless configured
    assert server_names("0.0.0.0") is None and server_names("::") is None
    assert server_names("0.0.0.0", ["assistant.lan"]) == loopback | {"assistant.lan"}
    assert host_name("[::1]:7860") == "::1" and host_name("evil.example@127.0.0.1") == ""
    assert origin_name("https://Assistant.lan:8443") == "assistant.lan"
    assert origin_name("null") == "" and origin_name("file:///x") == ""


def test_the_setting_is_read_and_checked():
    cfg = Config.load(env={"ASSISTANT_ALLOWED_HOSTS": "assistant.lan, 10.0.0.5,::1"})
    assert cfg.allowed_hosts == ("assistant.lan", "10.0.0.5", "::1")
    assert Config.load(env={}).allowed_hosts == ()
    for bad in ("http://assistant.lan", "assistant.lan:7860", "two words", "a/b"):
        with pytest.raises(ConfigError, match="allowed_hosts must be host names") as err:
            Config.load(env={"ASSISTANT_ALLOWED_HOSTS": bad})
        assert repr(bad) in str(err.value)
