"""Snapshots leak nothing and replay true.

Property: over generated environments, cargo configs and real-world user names, no planted secret
(toolchains/secrets.toml: 30+ real token shapes, plus secrets named by a variable, a query parameter
or a config key) ever appears in a snapshot, and the replay of the snapshot renders the same report
as the machine it was recorded from.

The machine is this one, recorded once (a real interpreter, real gcc/rustc answers); each example
moves it to /home/USER, plants the generated secrets in its reads, then goes through the same
`RecordingMachine.snapshot` a user's `builddoctor snapshot` goes through.
"""
from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builddoctor._data import table
from builddoctor.check import CheckResult
from builddoctor.machine import LiveMachine, RecordingMachine, ReplayMachine
from builddoctor.machine.redact import Redactor, minimize_cargo_config, scrub_secrets
from builddoctor.probes import probe_all
from builddoctor.report import lines, to_json
from builddoctor.rules import diagnose

SHAPES = table("secrets")["shape"]
USERS = ["build", "linux", "user", "dev", "admin", "python", "root", "runner", "x86", "arm", "home", "lib",
         "bin", "usr", "gnu", "cargo", "rust", "test", "src", "include", "local", "Users", "x86_64", "amd64",
         "aarch64", "ci", "setup", "project", "py", "cc", "gcc", "musl", "windows", "msvc", "target", "Dev"]
PYPROJECT = '[build-system]\nrequires = ["maturin>=1.5"]\nbuild-backend = "maturin"\n\n' \
            '[project]\nname = "build-demo"\nversion = "1.0"\n' \
            'dependencies = ["linux-utils; sys_platform == \'linux\'"]\n'


def test_there_are_at_least_30_real_token_shapes_each_with_a_source():
    assert len(SHAPES) >= 30
    assert len({s["name"] for s in SHAPES}) == len(SHAPES)
    for shape in SHAPES:
        assert shape["source"].startswith("https://"), shape["name"]
        assert re.fullmatch(shape["pattern"], shape["example"]), shape["name"]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s["name"])
def test_every_shape_is_masked_wherever_it_appears(shape):
    token = shape["example"]
    for text in (token, f"-I/opt/x -DX={token} -O2", f"url: https://h/{token}/simple", f'"{token}"'):
        assert token not in scrub_secrets(text), text


@pytest.mark.parametrize("text, kept", [
    ("-O2 -DAPI_KEY=abc123 -march=x86-64", "-march=x86-64"),
    ('gcc -DPASSWORD="hunter 2" -m64', "-m64"),
    ("-DSECRET=s3cr3t -DCMAKE_BUILD_TYPE=Release", "-DCMAKE_BUILD_TYPE=Release"),
    ("sccache SCCACHE_TOKEN=abc123", "sccache"),
    ("PASSWORD=abc123 -C opt-level=3", "opt-level=3"),
    ("https://idx.example/simple?token=abc123&x=1", "x=1"),
    ("https://gitlab.example/api/v4/projects/1/packages/pypi/simple?private_token=abc123", "gitlab.example"),
    ("https://h/simple?access_token=abc123", "https://h/simple"),
    ("https://b.s3.amazonaws.com/f?X-Amz-Credential=abc123&X-Amz-Signature=abc123&X-Amz-Security-Token=abc123",
     "b.s3.amazonaws.com"),
    ("https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=abc123", "sv=2022-11-02"),
])
def test_named_secrets_inside_values_are_masked_and_the_rest_kept(text, kept):
    out = scrub_secrets(text)
    assert "abc123" not in out and "hunter" not in out and "s3cr3t" not in out, out
    assert kept in out


def test_cargo_config_keeps_only_what_the_rust_probe_reads():
    text = ('[registry]\ntoken = "cio_x1"\n[registries.corp]\nindex = "sparse+https://c/"\ntoken = "t2"\n'
            '[env]\nMY_SECRET = "e3"\n[http]\nproxy = "http://u:p4@proxy:3128"\n'
            '[build]\ntarget = "aarch64-unknown-linux-gnu"\n[target.aarch64-unknown-linux-gnu]\n'
            'linker = "aarch64-linux-gnu-gcc"\nrunner = "qemu-aarch64 --token t5"\n')
    out = minimize_cargo_config(text)
    for leaked in ("cio_x1", "t2", "e3", "p4", "t5", "corp"):
        assert leaked not in out
    from builddoctor._compat.tomllib import loads

    assert loads(out) == {"build": {"target": "aarch64-unknown-linux-gnu"},
                          "target": {"aarch64-unknown-linux-gnu": {"linker": "aarch64-linux-gnu-gcc"}}}


@pytest.mark.parametrize("user", USERS)
def test_the_user_name_is_replaced_only_as_a_folder_under_a_home_parent(user):
    red = Redactor(f"/home/{user}", user, None, windows=False)
    facts = f"[build-system] x86_64-unknown-linux-gnu /usr/lib/{user}/x /opt/{user} {user}-tool"
    assert red.text(facts) == facts
    assert red.text(f"/home/{user}/proj:/Users/{user}/x") == "~/proj:/Users/<user>/x"
    assert red.text(f"/srv/home/{user}/bin") == "/srv/home/<user>/bin"
    win = Redactor(f"C:\\Users\\{user}", user, None, windows=True)
    assert win.text("C:\\BuildTools\\Common7\\Tools\\VsDevCmd.bat") == "C:\\BuildTools\\Common7\\Tools\\VsDevCmd.bat"
    assert win.text(f"D:\\users\\{user.upper()}\\x") == "D:\\users\\<user>\\x"


def test_a_word_like_host_name_is_not_replaced_inside_facts():
    red = Redactor("/home/u", "u", "linux", windows=False)
    facts = "x86_64-unknown-linux-gnu sys_platform == 'linux'"
    assert red.text(facts) == facts
    assert red.text("ssh://linux/x") == "ssh://<host>/x"
    assert Redactor("/home/u", "u", "ci-runner-07", windows=False).text("ci-runner-07 built") == "<host> built"


# --------------------------------------------------------------------------- the property


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> dict[str, Any]:
    """This machine's raw reads for a maturin project with a cargo config (probed once)."""
    proj = tmp_path_factory.mktemp("proj")
    (proj / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (proj / ".cargo").mkdir()
    (proj / ".cargo" / "config.toml").write_text('[build]\ntarget = "x86_64-unknown-linux-gnu"\n', encoding="utf-8")
    with LiveMachine() as live:
        rec = RecordingMachine(live)
        probe_all(rec, sys.executable, str(proj))
    return {"reads": rec.reads, "home": os.path.expanduser("~"), "project": str(proj)}


def _move_home(value: Any, old: str, new: str) -> Any:
    pattern = re.compile(re.escape(old.rstrip("/")) + r"(?=/|$|[\s:;\"'])")
    if isinstance(value, str):
        return pattern.sub(new, value)
    if isinstance(value, list):
        return [_move_home(v, old, new) for v in value]
    if isinstance(value, dict):
        return {_move_home(k, old, new): _move_home(v, old, new) for k, v in value.items()}
    return value


secret_values = st.sampled_from([s["example"] for s in SHAPES])
plain_secret = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=12, max_size=24).map(lambda s: "Sq7" + s)


@st.composite
def planted(draw: st.DrawFn) -> tuple[dict[str, str], str, list[str]]:
    """Generated environment variables and a cargo config, with the secrets planted in them."""
    shaped = draw(st.lists(secret_values, min_size=1, max_size=4))
    named = draw(st.lists(plain_secret, min_size=6, max_size=6))
    env = {
        "CFLAGS": f"-O2 -DAPI_KEY={named[0]} -I/opt/{shaped[0]}/include",
        "CC": f'gcc -DPASSWORD="{named[1]}"',
        "CMAKE_ARGS": f"-DSECRET={named[2]} -DCMAKE_BUILD_TYPE=Release",
        "RUSTC_WRAPPER": f"sccache SCCACHE_TOKEN={named[3]}",
        "RUSTFLAGS": f"-C link-arg=-L/x {shaped[-1]}",
        "PIP_INDEX_URL": draw(st.sampled_from([
            f"https://idx.example/simple?token={named[4]}",
            f"https://u:{named[4]}@idx.example/simple",
            f"https://g.example/api/v4/projects/3/packages/pypi/simple?private_token={named[4]}",
            f"https://b.s3.amazonaws.com/simple/?X-Amz-Credential={named[4]}&X-Amz-Signature={named[4]}"])),
        "CARGO_REGISTRIES_CORP_TOKEN": draw(secret_values),
    }
    chosen = draw(st.sets(st.sampled_from(sorted(env)), min_size=2))
    env = {k: v for k, v in env.items() if k in chosen}
    config = (f'[registry]\ntoken = "{draw(secret_values)}"\n[registries.corp]\ntoken = "{named[5]}"\n'
              f'[env]\nDEPLOY = "{named[5]}"\n[build]\ntarget = "x86_64-unknown-linux-gnu"\n')
    secrets = [*shaped, *named, *(v for k, v in env.items() if k.endswith("TOKEN"))]
    return env, config, secrets


@pytest.mark.live  # the reads come from probing this machine once (the `recorded` fixture)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=st.sampled_from(USERS), plant=planted())
def test_no_planted_secret_leaks_and_the_replay_reads_like_the_machine(recorded, monkeypatch, tmp_path_factory,
                                                                       user, plant):
    env, config, secrets = plant
    home = f"/home/{user}"
    reads = _move_home(recorded["reads"], recorded["home"], home)
    reads["env"] = {**reads["env"], **env}
    for key in list(reads):
        if key.startswith("read_text ") and key.endswith("/.cargo/config.toml"):
            reads[key] = config
    reads["home"] = home
    project = _move_home(recorded["project"], recorded["home"], home)
    machine = ReplayMachine({"os": "linux", "reads": reads})
    # what `check` shows on that machine (home as ~, secrets masked)
    monkeypatch.setenv("HOME", home)
    facts = probe_all(machine, sys.executable, project)
    live = CheckResult(facts, diagnose(facts), "live")

    monkeypatch.setattr("getpass.getuser", lambda: user)
    monkeypatch.setattr("socket.gethostname", lambda: "ci-" + user + "-07")
    rec = RecordingMachine(machine)
    rec.reads = reads
    doc = json.loads(json.dumps(rec.snapshot({"python": sys.executable, "project": project})))
    text = json.dumps(doc, ensure_ascii=False)
    for secret in secrets:
        assert secret not in text, secret
    assert doc["reads"]["env"].get("PATH", "").count(home) == 0

    replay_machine = ReplayMachine(doc)
    inv = doc["invocation"]
    replay_facts = probe_all(replay_machine, inv["python"], inv["project"])
    replay = CheckResult(replay_facts, diagnose(replay_facts), "snap.json")
    import difflib
    a, b = [t for _, t in lines(live)], [t for _, t in lines(replay)]
    assert b == a, "\n".join(difflib.unified_diff(a, b, lineterm=""))
    assert replay.diagnosis.target is not None and replay.diagnosis.target.rust_triple.endswith("-linux-gnu")
    live_json = Redactor(home, None, None, windows=False).deep(to_json(live))
    replay_json = to_json(replay)
    for key in ("target", "layers", "findings", "fixes"):
        assert replay_json[key] == live_json[key], key


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("aK=_-DPASSWORDTOKEN?&:/@\"' <>redacted.x1")), max_size=60))
def test_masking_is_idempotent(text):
    """The live report masks its own texts once; a replay masks the already-masked snapshot again."""
    once = scrub_secrets(text)
    assert scrub_secrets(once) == once
