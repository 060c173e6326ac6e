"""Which names a server of the assistant answers to, for every server: the chat (app.py), the
OpenAI-compatible API (`serve`) and the MCP server over HTTP (`mcp --http`).

A web page can reach a server on 127.0.0.1 through a DNS name of its own that it points at
127.0.0.1 (DNS rebinding): the browser then sends that name as the Host, and the page's own
origin as the Origin, and treats the server's replies as the page's. So a request is answered
only when its Host is one of the server's names, and its Origin, when it sends one, is too:

    the loopback names      127.0.0.1, localhost, ::1 (any port)
    the address it listens  `--host 192.168.1.20` (not a wildcard such as 0.0.0.0)
    the names configured    ASSISTANT_ALLOWED_HOSTS=assistant.lan,10.0.0.5 (Config.allowed_hosts)

A server listening on every address (0.0.0.0, ::) with no names configured cannot know the
names it is reached under, so it answers any Host (as before; `serve` and `mcp` need a login
there), but still refuses an Origin that is neither its names nor the Host (a page elsewhere).
Refusals are 400 (Host) and 403 (Origin), with the OpenAI error JSON, before any other part of
the server sees the request, so no CORS header is ever given to a foreign origin.
"""

from __future__ import annotations

import json
import re
from typing import Iterable
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARDS = ("0.0.0.0", "::", "")


def host_name(value: str) -> str:
    """The name in a Host header, lower-case, without port or brackets: "LOCALHOST:7860" ->
    "localhost", "[::1]:7860" -> "::1"; "" when it is not a plain host[:port]."""
    if _NOT_IN_HOST.search(value):
        return ""
    return _name(f"//{value}")


def origin_name(value: str) -> str:
    """The host name of an Origin header ("http://localhost:7860" -> "localhost"); "" for
    "null" and anything that is not an http(s) origin."""
    scheme, _, rest = value.partition("://")
    if scheme.lower() not in ("http", "https") or _NOT_IN_HOST.search(rest):
        return ""
    return _name(f"//{rest}")


_NOT_IN_HOST = re.compile(r"[\s@/?#\\]")


def _name(authority: str) -> str:
    try:
        name = urlsplit(authority).hostname
    except ValueError:  # "[::1" and the like
        return ""
    return (name or "").rstrip(".")


def server_names(listen: str, configured: Iterable[str] = ()) -> frozenset[str] | None:
    """The names a server listening on `listen` answers to (see the module's docstring); None
    for any name (a wildcard address, nothing configured)."""
    names = {address_name(n) for n in configured} - {""}
    listening = address_name(listen)
    if listening in WILDCARDS and not names:
        return None
    return frozenset({*LOOPBACK_NAMES, *names} | ({listening} - set(WILDCARDS)))


def address_name(value: str) -> str:
    """A name or address as a setting or `--host` gives it ("::1", "[::1]", "Assistant.LAN")
    in the form `host_name` gives a Host header's; "" when it is not a plain name."""
    value = value.strip()
    if ":" in value and not value.startswith("["):
        value = f"[{value}]"  # a bare IPv6 address
    return host_name(value)


class HostGuard:
    """ASGI middleware: answers only requests whose Host (and Origin, when sent) is one of
    `names` (`server_names`; None: any Host, and an Origin that is the Host's own)."""

    def __init__(self, app, names: frozenset[str] | None):
        self.app = app
        self.names = names

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(dict(scope.get("headers") or []))
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            await _reply(send, *refusal)

    def refusal(self, headers: dict[bytes, bytes]) -> tuple[int, str] | None:
        """(status, message) when the request must be refused, else None."""
        host = host_name(headers.get(b"host", b"").decode("latin-1"))
        if self.names is not None and host not in self.names:
            return 400, (f"This server does not answer to the name {host or '(none)'!r}. "
                         f"Its names: {', '.join(sorted(self.names))}; add the one you use to "
                         f"ASSISTANT_ALLOWED_HOSTS.")
        origin = headers.get(b"origin")
        if origin is None:
            return None
        allowed = self.names if self.names is not None else {host}
        if origin_name(origin.decode("latin-1")) not in allowed:
            return 403, ("Requests from another web site's pages are refused (their Origin is "
                         "not one of this server's names; see ASSISTANT_ALLOWED_HOSTS).")
        return None


async def _reply(send, status: int, message: str) -> None:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error",
                                 "param": None, "code": "host_not_allowed"}}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
