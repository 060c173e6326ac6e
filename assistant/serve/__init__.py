"""The assistant for other programs: one service layer and the servers over it.

    service.py      Service: ask, search, list_documents over one loaded Assistant, as JSON
    auth.py         the shared login (ASSISTANT_AUTH) as a bearer token; loopback checks
    hosts.py        the names every server answers to (Host, Origin: DNS rebinding)
    mcp_server.py   the MCP server (search, ask, list_documents, list_collections): stdio, HTTP
    openai_api.py   the OpenAI-compatible API (/v1/models, /v1/chat/completions)
    openai_chat.py  its requests and replies as plain data

Importing this package imports neither the MCP SDK nor a web framework; the modules that
serve do.
"""

from .service import InvalidRequest, Service, ServiceUnavailable

__all__ = ["Service", "ServiceUnavailable", "InvalidRequest"]
