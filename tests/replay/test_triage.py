"""builddoctor triage: 200 machines (the recorded ones as other users recorded them) grouped by their top
finding, with the fix that helps the most machines. Timing goal (< 2 s): bench/bench_triage.py."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import MACHINES, assert_one_line_error, run_cli
from snapshot_variants import write_variants

from builddoctor.check import run_check


def _top(source: Path) -> str:
    found = [f for f in run_check(None, None, str(source)).diagnosis.findings if f.severity != "ok"]
    return found[0].id if found else "(no problem found)"


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("fleet")
    return folder, write_variants(folder, 200)


def test_200_machines_are_grouped_by_the_top_finding_check_reports_for_each(fleet):
    folder, origin = fleet
    run = run_cli("triage", str(folder), "--json")
    assert run.returncode == 0, run.stderr
    doc = run.json()
    assert doc["schema"] == "builddoctor.triage/1" and doc["machines"] == 200 and doc["unreadable"] == []
    expected: dict[str, set[str]] = {}
    for name in origin:  # what check itself reports for each variant (versions vary, so findings may too)
        expected.setdefault(_top(folder / name), set()).add(name)
    got = {g["finding"]: set(g["machines"]) for g in doc["groups"]}
    assert got == expected
    assert sum(g["count"] for g in doc["groups"]) == 200
    # errors first, then warnings, the healthy machines last
    severities = [g["severity"] for g in doc["groups"]]
    assert severities == sorted(severities, key=["error", "warning", "ok"].index)
    assert doc["groups"][-1]["finding"] == "(no problem found)"


def test_the_fix_helping_most_machines_is_counted_per_machine(fleet):
    folder, origin = fleet
    doc = run_cli("triage", str(folder), "--json").json()
    counts: Counter[str] = Counter()
    for name in origin:
        commands = {fix.command for f in run_check(None, None, str(folder / name)).diagnosis.findings
                    if f.severity != "ok" for fix in f.fixes}
        counts.update(commands)
    best, n = counts.most_common(1)[0]
    assert doc["best_fix"]["count"] == n == max(counts.values())
    assert counts[doc["best_fix"]["command"]] == n
    assert doc["fixes"][0]["command"] == doc["best_fix"]["command"]
    assert best  # a real command


def test_text_table_names_groups_counts_and_the_best_fix(fleet):
    folder, _ = fleet
    run = run_cli("triage", str(folder))
    assert run.stdout.startswith("200 machines\n")
    header = run.stdout.splitlines()[2]
    assert header.split() == ["top", "finding", "machines", "severity", "example"]
    rows = {line.split()[0]: int(line.split()[1]) for line in run.stdout.splitlines()[3:]
            if line.startswith("  ") and len(line.split()) > 2 and line.split()[1].isdigit()}
    doc = run_cli("triage", str(folder), "--json").json()
    assert rows == {g["finding"]: g["count"] for g in doc["groups"] if g["finding"] != "(no problem found)"}
    assert f"Fix helping the most machines ({doc['best_fix']['count']} of 200): {doc['best_fix']['command']}" \
        in run.stdout


def test_files_and_folders_mix_and_junk_is_listed_not_fatal(tmp_path):
    (tmp_path / "notes.json").write_text('{"hello": 1}', encoding="utf-8")
    (tmp_path / "broken.json").write_bytes(b"\xff\xfe{")
    seed = MACHINES / "win-arm64-seed-emulated-x64.json"
    doc = run_cli("triage", str(tmp_path), str(seed), "--json").json()
    assert doc["machines"] == 1
    assert [g["finding"] for g in doc["groups"]] == ["markers.host-cpu"]
    assert sorted(u["file"] for u in doc["unreadable"]) == ["broken.json", "notes.json"]


def test_no_snapshots_or_a_missing_path_is_a_one_line_error(tmp_path):
    for args in ([str(tmp_path)], [str(tmp_path / "nope.json")]):
        run = run_cli("triage", *args)
        assert run.returncode == 2
        assert_one_line_error(run)


def test_triage_json_is_valid_for_a_single_snapshot():
    run = run_cli("triage", str(MACHINES / "linux-x86_64-healthy.json"), "--json")
    assert json.loads(run.stdout)["groups"][0]["finding"] == "(no problem found)"
