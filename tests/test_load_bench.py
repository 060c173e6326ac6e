"""The load benchmark runs end to end (extractive, so no model) and writes its figures."""

import json

import pytest

from evals import load_bench


@pytest.mark.integration
def test_load_bench_serves_clients_at_once_and_writes_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(load_bench, "RESULTS", tmp_path)
    assert load_bench.main(["-g", "extractive", "--slots", "1", "--clients", "1,3",
                            "--per-client", "1", "--single-extra", "1", "--port", "7981"]) == 0
    report = json.loads((tmp_path / "load-bench-extractive.json").read_text())
    (server,) = report["servers"]
    one, three = server["rounds"]
    assert (one["clients"], three["clients"]) == (1, 3) and three["requests"] == 3
    assert one["errors"] == three["errors"] == 0
    assert three["seconds"]["n"] == 3 and three["first_text_s"]["n"] == 3
    assert one["p50_ratio"] == 1.0 and three["p50_ratio"] > 0
    assert server["peak_rss_mb"] > 100  # read from the server process, not this one
