"""The OpenAI-compatible HTTP API: `GET /v1/models` and `POST /v1/chat/completions` (streamed
as server-sent events, or not), so Open WebUI or any OpenAI client can ask the documents.

`openai_routes(service, logins)` is the `/v1` mount: `python -m assistant serve` serves it
(`serve()`), and the chat mounts it on its own server (app.py). With logins (ASSISTANT_AUTH)
every request needs `Authorization: Bearer user:password` — an OpenAI client's api_key. Bad
requests get OpenAI's error JSON (400, 401, 404, 503), never a traceback; an unexpected failure
is named by type only, its traceback in the server's log. Each collection of documents is a
model (`GET /v1/models`): the server's own as `assistant-<backend>` (also `assistant`), the
others by name; a request's `model` picks the collection, and an unknown one is a 404 naming
the models there are.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Iterator, Sequence

from starlette.applications import Starlette
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Mount, Route

from assistant import Answer, AssistantError, InvalidQuestion, UnknownCollection

from . import openai_chat as chat
from .auth import BearerLogin, Login, refuse_exposure
from .hosts import HostGuard, server_names
from .service import InvalidRequest, Service, ServiceUnavailable

log = logging.getLogger(__name__)


def openai_routes(service: Service, logins: Sequence[Login] | None = None) -> Mount:
    """The API as a `/v1` mount for any Starlette (or FastAPI, Gradio) app."""
    return Mount("/v1", app=BearerLogin(openai_app(service), logins))


def openai_app(service: Service) -> Starlette:
    """The routes under /v1, without the login (see `openai_routes`)."""
    async def list_models(request: Request):
        return await _guarded(lambda: chat.models(service.models()))

    async def get_model(request: Request):
        def card():
            name = request.path_params["model"]
            service.for_model(name)  # 404 naming the models there are, if it is none of them
            return chat.model_card(name)
        return await _guarded(card)

    async def completions(request: Request):
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "The request body is not valid JSON.")
        except RecursionError:  # json gives up on arrays or objects nested thousands deep
            return _error(400, "The request body is nested too deeply to be a chat request.")
        return await _guarded(lambda: _reply(service, body))

    routes = [Route("/models", list_models, methods=["GET"]),
              Route("/models/{model:path}", get_model, methods=["GET"]),
              Route("/chat/completions", completions, methods=["POST"])]
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})


def _reply(service: Service, body: Any):
    """The reply to one chat request (run in a worker thread): JSON, or an SSE stream.
    Everything that can be refused is checked before a stream starts."""
    request = chat.parse_request(body)
    service, model = service.for_model(request.model)  # the collection the model names
    history = request.history
    if not request.stream:
        return JSONResponse(chat.completion(
            service.ask(request.question, history, request.documents), model))
    answer_stream = service.ask_stream(request.question, history, request.documents)
    events = _events(answer_stream, chat.Chunks(model), request.include_usage)
    return StreamingResponse(iterate_in_threadpool(events), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _events(stream: Iterator[str | Answer], chunks: chat.Chunks, include_usage: bool
            ) -> Iterator[str]:
    """Server-sent events: the role, the checked answer's text, then `Chunks.ending`.
    A failure once streaming has begun is an `error` event (the status is already sent)."""
    answer = None
    yield _sse(chunks.first())
    try:
        for item in stream:
            if isinstance(item, Answer):
                answer = item
                for c in chunks.ending(item):
                    yield _sse(c)
            elif item:
                yield _sse(chunks.text(item))
    except Exception as exc:
        yield _sse(_failure(exc)[1])
    if include_usage:
        yield _sse(chunks.usage(answer))
    yield "data: [DONE]\n\n"


def _sse(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _guarded(make):
    """Run `make()` in a worker thread (it may wait for the assistant); its refusals become
    OpenAI error replies."""
    try:
        result = await run_in_threadpool(make)
    except HTTPException:
        raise
    except Exception as exc:
        status, body = _failure(exc)
        return JSONResponse(body, status_code=status)
    return result if not isinstance(result, dict) else JSONResponse(result)


def _failure(exc: Exception) -> tuple[int, dict[str, Any]]:
    """The status and error body for a failure: what the caller can fix says how; anything
    unexpected is named by type only (its message may hold internals), and logged."""
    if isinstance(exc, UnknownCollection):  # a `model` that names no collection
        return 404, chat.error(str(exc), code="model_not_found")
    if isinstance(exc, (InvalidRequest, InvalidQuestion)):
        return 400, chat.error(str(exc))
    if isinstance(exc, ServiceUnavailable):
        return 503, chat.error(str(exc), "server_error", "unavailable")
    if isinstance(exc, AssistantError):
        log.warning("answering through the OpenAI API failed: %s", exc)
        return 500, chat.error(f"The answer failed: {exc}", "server_error")
    log.error("answering through the OpenAI API failed", exc_info=exc)
    return 500, chat.error(f"Something went wrong while answering ({type(exc).__name__}); the "
                           f"details are in the server's log.", "server_error")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(chat.error(message), status_code=status)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    """Starlette's own refusals (an unknown path, a wrong method) in OpenAI's shape."""
    message = exc.detail if exc.status_code != 404 or "model" in str(exc.detail) else (
        f"There is no {request.url.path}: this server has GET /v1/models and "
        f"POST /v1/chat/completions.")
    return _error(exc.status_code, message)


def standalone_app(service: Service, host: str, logins: Sequence[Login] | None,
                   allowed_hosts: Sequence[str] = ()) -> Starlette:
    """The API on a server of its own, answering only requests that name the server (Host and
    Origin: `hosts`), so a web page cannot reach it through a DNS name of its own that points
    at 127.0.0.1 (DNS rebinding). `allowed_hosts`: names it answers to besides loopback's."""
    guard = Middleware(HostGuard, names=server_names(host, allowed_hosts))
    return Starlette(routes=[openai_routes(service, logins)], middleware=[guard])


def serve(service: Service, host: str, port: int, logins: Sequence[Login] | None,
          allowed_hosts: Sequence[str] = ()) -> None:
    """`python -m assistant serve`: the API on host:port until interrupted."""
    import uvicorn

    refuse_exposure(host, logins)
    uvicorn.run(standalone_app(service, host, logins, allowed_hosts), host=host, port=port,
                log_level="warning")
