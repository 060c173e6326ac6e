"""The login every server of the assistant shares: ASSISTANT_AUTH, `user:password` or the path
of a file of such lines. The chat asks for it on its login page; the HTTP APIs (MCP over
streamable HTTP, the OpenAI-compatible API) take it as a bearer token,

    Authorization: Bearer user:password

which is what an OpenAI client sends when that string is its API key. A server refuses to
listen beyond this machine without a login (`refuse_exposure`); the chat only warns, as it
always has (`exposure_warning`)."""

from __future__ import annotations

import hmac
import ipaddress
import json
from pathlib import Path
from typing import Sequence

from assistant import ConfigError

Login = tuple[str, str]


def load_auth(value: str | None) -> list[Login] | None:
    """ASSISTANT_AUTH: "user:password", or the path of a file of such lines (blank lines and
    # comments ignored). None when unset; a malformed value is an error, never "no login"."""
    if not value:
        return None
    path = Path(value).expanduser()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else [value]
    pairs = [_credentials(line) for line in lines
             if line.strip() and not line.lstrip().startswith("#")]
    if not pairs:
        raise ConfigError(f"ASSISTANT_AUTH names the file {path}, which holds no "
                          f"user:password lines.")
    return pairs


def _credentials(line: str) -> Login:
    user, sep, password = line.strip().partition(":")
    if not (sep and user and password):
        raise ConfigError("ASSISTANT_AUTH must be user:password, or the path of a file of "
                          "user:password lines (the value, or a line of the file, is not).")
    return user, password


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a public address


def exposure_warning(host: str, auth) -> str | None:
    """A warning when the chat is reachable from other machines and anyone may use it."""
    if auth or is_loopback(host):
        return None
    return (f"warning: serving on {host} without a login: anyone who can reach this machine can "
            f"use the assistant, read the documents and add or remove them. Set "
            f"ASSISTANT_AUTH=user:password (or a "
            f"file of such lines), or serve on 127.0.0.1.")


def refuse_exposure(host: str, auth) -> None:
    """An API server listens beyond this machine only behind a login."""
    if not auth and not is_loopback(host):
        raise ConfigError(f"Refusing to serve on {host} without a login: anyone who can reach "
                          f"this machine could read the documents. Set ASSISTANT_AUTH="
                          f"user:password (or a file of such lines), or serve on 127.0.0.1.")


def bearer_allowed(header: str | None, logins: Sequence[Login]) -> bool:
    """Whether an Authorization header carries `Bearer user:password` of one of `logins`."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    given = token.strip().encode()
    # every login compared in full: how long it takes says nothing about which one matched
    matches = [hmac.compare_digest(given, f"{u}:{p}".encode()) for u, p in logins]
    return any(matches)


UNAUTHORIZED = {"error": {
    "message": "A login is required: send the header 'Authorization: Bearer user:password' "
               "with a login from ASSISTANT_AUTH (an OpenAI client's api_key is that token).",
    "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}


class BearerLogin:
    """ASGI middleware: every HTTP request needs a login's bearer token (401 without it);
    with no logins configured it passes everything through."""

    def __init__(self, app, logins: Sequence[Login] | None):
        self.app = app
        self.logins = list(logins or [])

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not self.logins or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        body = json.dumps(UNAUTHORIZED).encode()
        await send({"type": "http.response.start", "status": 401, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", b'Bearer realm="assistant"')]})
        await send({"type": "http.response.body", "body": body})

    def _allowed(self, scope) -> bool:
        headers = dict(scope.get("headers") or [])
        value = headers.get(b"authorization")
        return bearer_allowed(value.decode("latin-1") if value else None, self.logins)
