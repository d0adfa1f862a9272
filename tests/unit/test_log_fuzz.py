"""Fuzz `diagnose` with hostile logs: arbitrary bytes, and real log lines cut, mixed and mangled.

Oracle: a report is always produced (text and JSON), no exception escapes, every kept line and
excerpt is bounded, and every evidence line number points inside the log.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builddoctor.logs import scan_stream
from builddoctor.logs.diagnose import from_scanner
from builddoctor.logs.reader import MAX_LINE, read_lines
from builddoctor.logs.render import lines as report_lines
from builddoctor.logs.render import to_json

LOGS = Path(__file__).resolve().parents[1] / "fixtures" / "logs"
REAL = [line for path in sorted(LOGS.glob("*.txt")) for line in path.read_bytes().splitlines()[1:] if line.strip()]

mangle = st.sampled_from([
    lambda b: b, lambda b: b[: len(b) // 2], lambda b: b[len(b) // 2:], lambda b: b"\x1b[31m" + b + b"\x1b[0m",
    lambda b: b.replace(b" ", b"\t"), lambda b: b"DEBUG " + b, lambda b: b"      " + b, lambda b: b + b"\r",
    lambda b: b.replace(b"a", b"\xff"), lambda b: b * 40,
])
real_line = st.builds(lambda line, f: f(line), st.sampled_from(REAL), mangle)
chunk = st.one_of(st.binary(max_size=300), real_line, st.sampled_from([b"\n", b"\r\n", b"\r", b"\x00"]))
logs = st.lists(chunk, max_size=60).map(b"\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logs)
def test_any_log_gives_a_bounded_report(data: bytes) -> None:
    scanner, stats = scan_stream(io.BytesIO(data))
    result = from_scanner(scanner, stats, "fuzz.log")
    text = "\n".join(t for _, t in report_lines(result))
    doc = json.loads(json.dumps(to_json(result)))
    assert text and doc["schema"] == "builddoctor.diagnose/1"
    for path, ev in doc["evidence"].items():
        assert 1 <= ev["line"] <= max(stats.lines, 1), path
        assert len(ev["excerpt"]) <= 300
    for finding in doc["findings"]:
        assert "\n" not in finding["title"]


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=MAX_LINE * 9))
def test_reader_lines_are_bounded_and_clean(data: bytes) -> None:
    for line in read_lines(io.BytesIO(data)):
        assert len(line) <= MAX_LINE
        assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\x00" not in line
