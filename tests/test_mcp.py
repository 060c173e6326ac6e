"""The MCP server, through the SDK's own client: in process for what the tools say, then end
to end over stdio (`python -m assistant mcp` in a subprocess, with no network when the machine
allows it) and over streamable HTTP on loopback, with and without the login."""

from __future__ import annotations

import sys

import anyio
import httpx
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from assistant.cli import main
from assistant.serve import Service
from assistant.serve.mcp_server import build_server, http_app

from conftest import ROOT, write_corpus
from helpers import offline, served

TOOLS = {"search", "ask", "list_documents", "list_collections"}


def call(client_of, *calls):
    """Connect with `client_of()`, make each (tool, arguments) call; return the tool list and
    the results."""
    async def session():
        async with client_of() as client:
            tools = (await client.list_tools()).tools
            return tools, [await client.call_tool(name, args) for name, args in calls]
    return anyio.run(session)


def assert_verbatim(bot_text, items: list[dict]) -> None:
    assert items
    for item in items:
        assert bot_text(item["source"])[item["start"]:item["end"]] == item["quote"]


CALLS = [("search", {"query": "library cost", "k": 3}),
         ("ask", {"question": "When will the library open?"}),
         ("ask", {"question": "What colour is the mayor's bicycle?"}),
         ("list_documents", {})]


def check_results(results, source_text) -> None:
    search, ask, decline, docs = (r.structured_content for r in results)
    assert not any(r.is_error for r in results)
    assert len(search["passages"]) == 3 and all(p["score"] > 0 for p in search["passages"])
    assert_verbatim(source_text, search["passages"])
    assert "June 2022" in ask["text"] and "[1]" in ask["text"] and not ask["abstained"]
    assert_verbatim(source_text, ask["citations"])
    assert ask["citations"][0]["number"] == 1 and ask["citations"][0]["date"] == "2020-03-03"
    assert decline["abstained"] and decline["text"] == "The documents don't say."
    assert decline["citations"] == []
    assert sorted(d["name"] for d in docs["documents"]) == ["alpha.txt", "beta.md"]


def test_tools_in_process(fake_bot):
    server = build_server(Service(fake_bot))
    tools, results = call(lambda: Client(server), *CALLS)
    assert {t.name for t in tools} == TOOLS
    for t in tools:
        assert t.output_schema and t.annotations.read_only_hint
    described = {t.name: t.description for t in tools}
    assert "untrusted" in described["search"] and "untrusted" in described["ask"]
    assert "The documents don't say." in described["ask"]
    check_results(results, fake_bot.source_text)


def test_tool_errors_say_what_to_change(fake_bot):
    server = build_server(Service(fake_bot))
    _, (empty, long, bad_k) = call(lambda: Client(server),
                                   ("ask", {"question": "   "}),
                                   ("search", {"query": "q" * 5000}),
                                   ("search", {"query": "library", "k": 0}))
    assert empty.is_error and "The question is empty" in empty.content[0].text
    assert long.is_error and "characters long" in long.content[0].text
    assert bad_k.is_error and "greater than or equal to 1" in bad_k.content[0].text


def test_an_unexpected_failure_is_named_only(fake_bot, monkeypatch):
    def crash(*args, **kwargs):
        raise ValueError("internal detail /srv/secret")
    monkeypatch.setattr(fake_bot, "list_documents", crash)
    _, (result,) = call(lambda: Client(build_server(Service(fake_bot))), ("list_documents", {}))
    assert result.is_error and "/srv/secret" not in result.content[0].text
    assert "list_documents" in result.content[0].text


@pytest.mark.integration
def test_stdio_end_to_end(tmp_path):
    """`python -m assistant mcp` as an MCP client starts it: the settings come from the
    environment, as in a client's configuration; the real embedder, the extractive backend."""
    corpus = write_corpus(tmp_path / "corpus")
    env = {"ASSISTANT_CORPUS": str(corpus), "ASSISTANT_INDEX": str(tmp_path / "index"),
           "ASSISTANT_GENERATOR": "extractive", "PYTHONPATH": str(ROOT),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    command = offline([sys.executable, "-m", "assistant", "mcp"])
    params = StdioServerParameters(command=command[0], args=command[1:], env=env, cwd=str(ROOT))
    with open(tmp_path / "stderr.txt", "w") as errlog:
        tools, results = call(lambda: Client(_stdio(params, errlog)), *CALLS)
    assert {t.name for t in tools} == TOOLS

    def source_text(name):
        return (corpus / name).read_text(encoding="utf-8")
    check_results(results, source_text)
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()


def _stdio(params, errlog):
    from mcp.client.stdio import stdio_client

    return stdio_client(params, errlog=errlog)


def test_streamable_http_with_and_without_the_login(fake_bot):
    app = http_app(Service(fake_bot), "127.0.0.1", [("ann", "pw")])
    with served(app) as url:
        endpoint = f"{url}/mcp"

        def with_headers(headers):
            return lambda: Client(streamable_http_client(
                endpoint, http_client=create_mcp_http_client(headers=headers)))
        tools, results = call(with_headers({"Authorization": "Bearer ann:pw"}), *CALLS)
        assert {t.name for t in tools} == TOOLS
        check_results(results, fake_bot.source_text)
        for headers in ({}, {"Authorization": "Bearer ann:nope"}):
            refused = httpx.post(endpoint, json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                 headers=headers)
            assert refused.status_code == 401 and "Bearer user:password" in refused.text
            with pytest.raises(Exception):
                call(with_headers(headers))


def test_http_refuses_other_hosts_without_a_login(capsys, monkeypatch):
    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    assert main(["mcp", "--http", "--host", "0.0.0.0", "-g", "extractive"]) == 2
    assert "Refusing to serve on 0.0.0.0 without a login" in capsys.readouterr().err


def test_bad_settings_stop_before_serving(capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANT_GENERATOR", "nonsense")
    assert main(["mcp"]) == 2
    assert "generator must be one of" in capsys.readouterr().err
