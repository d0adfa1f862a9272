"""Fuzz the snapshot loader and the probes reading a hostile recording: only UserError may escape."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builddoctor.check import run_check
from builddoctor.errors import UserError

KEYS = ["env", "home", "native_machine", "uname_machine", "proc_translated", "which python3", "which python",
        "which rustc", "which rustup", "which cargo", "run python-probe /x/python3", "read_head /x/python3",
        "is_file /x/python3", 'run ["/x/rustc", "-vV"]', 'run ["/x/rustup", "show"]',
        'run ["/x/rustup", "target", "list", "--installed"]']
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
run_results = st.fixed_dictionaries({
    "returncode": st.none() | st.integers(-5, 5),
    "stdout": st.text(max_size=200) | st.just('@@BUILDDOCTOR@@{"platform": "win-amd64"}@@END@@'),
    "stderr": st.text(max_size=50),
    "error": st.none() | st.sampled_from(["timeout", "not-found"]),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(os_=st.sampled_from(["windows", "linux", "macos", "plan9", 3]),
       reads=st.dictionaries(st.sampled_from(KEYS), json_values | run_results, max_size=len(KEYS)),
       invocation=st.none() | st.fixed_dictionaries({"python": st.none() | st.just("/x/python3"),
                                                     "project": st.none() | st.text(max_size=10)}))
def test_hostile_recordings_never_crash(tmp_path_factory, os_, reads, invocation):
    path = tmp_path_factory.mktemp("fuzz") / "snap.json"
    reads.setdefault("which python3", "/x/python3")
    path.write_text(json.dumps({"schema": "builddoctor.snapshot/1", "os": os_, "invocation": invocation,
                                "reads": reads}), encoding="utf-8")
    try:
        result = run_check(None, None, str(path))
    except UserError:
        return
    assert result.diagnosis.findings is not None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_are_a_user_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "snap.json"
    path.write_bytes(data)
    try:
        run_check(None, None, str(path))
    except UserError as exc:
        assert "\n" not in exc.message
