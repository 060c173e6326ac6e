"""The load benchmark runs end to end (extractive, so no model) and writes its figures."""

import json

import pytest

from evals import load_bench


@pytest.mark.integration
def test_load_bench_serves_clients_at_once_and_writes_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(load_bench, "RESULTS", tmp_path)
    assert load_bench.main(["-g", "extractive", "--slots", "1", "--clients", "1,3",
                            "--questions", "4", "--port", "7981"]) == 0
    report = json.loads((tmp_path / "load-bench-extractive.json").read_text())
    (server,) = report["servers"]
    one, three = server["rounds"]
    # every round answers the same four questions, however many clients share them
    assert (one["clients"], three["clients"]) == (1, 3)
    assert one["requests"] == three["requests"] == 4 and len(report["questions"]) == 4
    assert one["errors"] == three["errors"] == 0
    assert one["seconds"]["n"] == three["seconds"]["n"] == 4
    assert three["first_text_s"]["n"] == 4
    assert one["p50_ratio"] == 1.0 and three["p50_ratio"] > 0
    assert server["peak_rss_mb"] > 100  # read from the server process, not this one
