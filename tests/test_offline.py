"""Offline always: the block is real, and the assistant works inside it."""

import socket
import subprocess

import pytest

from conftest import NetworkBlocked, ROOT
from helpers import PY, offline


def test_the_network_block_is_in_force():
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("pypi.org", 443), timeout=2)
    with pytest.raises(NetworkBlocked):
        socket.socket().connect(("8.8.8.8", 53))


def test_loopback_stays_open():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    client = socket.create_connection(server.getsockname(), timeout=2)
    client.close()
    server.close()


@pytest.mark.integration
def test_cli_answers_in_a_network_namespace_with_only_loopback(seeds_index, tmp_path):
    cmd = offline([PY, "-m", "assistant", "ask", "--json", "-g", "extractive",
                   "--index", str(seeds_index), "How much did the council have to save in 2018/19?"])
    if cmd[0] != "unshare":
        pytest.skip("unshare -n is not available here; the in-process block still applies")
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "£70m" in done.stdout
