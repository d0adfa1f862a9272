"""interpreter.old follows CPython's end-of-life dates (toolchains/python-versions.toml) on the day the
machine was looked at: a snapshot's verdict does not change with the day it is replayed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from builddoctor.check import run_check

MACHINES = Path(__file__).resolve().parents[2] / "examples" / "machines"
MACHINE = MACHINES / "class-native-openssl-no-pkg-config-fixed.json"


def _ids(tmp_path: Path, created: str | None) -> set[str]:
    doc = json.loads(MACHINE.read_text())  # Python 3.10.12 (end of life 2026-10-31)
    if created is None:
        doc.pop("created")
    else:
        doc["created"] = created
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc))
    return {f.id for f in run_check(None, None, str(path)).diagnosis.findings}


@pytest.mark.parametrize(("created", "old"), [
    ("2024-06-03T00:00:00Z", False),  # 3.10 still supported then
    ("2026-10-30T23:59:59Z", False),  # the day before
    ("2026-10-31T00:00:00Z", True),  # its last day counts as past: no release comes after it
    ("2027-01-15T08:00:00Z", True),
    (None, False),  # a snapshot that does not say when: no verdict rather than today's
])
def test_python_3_10_is_old_from_its_end_of_life_on(tmp_path, created, old):
    assert ("interpreter.old" in _ids(tmp_path, created)) is old


def test_the_finding_names_the_date(tmp_path):
    doc = json.loads(MACHINE.read_text())
    doc["created"] = "2026-12-01T00:00:00Z"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc))
    found = {f.id: f for f in run_check(None, None, str(path)).diagnosis.findings}
    assert found["interpreter.old"].title == "Python 3.10.12 is past its end of life (2026-10-31)"
