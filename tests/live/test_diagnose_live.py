"""`builddoctor diagnose LOG --live`: a log's facts beside this machine's real ones."""
from __future__ import annotations

import pytest
from conftest import ROOT, run_cli

pytestmark = pytest.mark.live

LOGS = ROOT / "tests" / "fixtures" / "logs"


def test_a_log_of_another_interpreter_is_diagnosed_beside_this_machine(tmp_path):
    run = run_cli("diagnose", str(LOGS / "python-pcre-8-python-h.txt"), "--live", "--json", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    doc = run.json()
    assert doc["source"] == "log+live"
    sources = {layer["name"]: layer["source"] for layer in doc["layers"]}
    assert sources["host CPU"] != "log" and not sources["host CPU"].startswith("log line")  # measured here
    assert sources["interpreter (log)"].startswith("log line ")  # the build's own Python 2.7, from the log
    assert "interpreter binary" not in sources  # this machine's default Python is not the one that failed
    assert doc["findings"][0]["id"] == "known.cpython.headers-missing"
    assert doc["facts"]["interpreter"]["version"].startswith("2.7")
