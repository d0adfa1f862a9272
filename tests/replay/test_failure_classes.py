"""check --replay on the recorded machines of issue 13: one per failure class, each written from a
public thread (cited in its note), each with a healthy twin (the same machine after the fix, in the shape
a healthy user of it has)."""
from __future__ import annotations

import json

import pytest
from conftest import MACHINES, run_cli

# machine -> (top finding id, a command among its first two fixes: the fix that worked in the thread)
CASES = {
    "class-toolchain-uv-clang-missing": ("toolchain.sysconfig-tool-missing", "export CC=cc CXX=c++ AR=ar"),
    "class-native-openssl-no-pkg-config": ("native.pkg-config-missing",
                                           "sudo apt-get install -y pkg-config libssl-dev"),
    "class-rust-too-old-debian": ("rust.too-old", "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh"),
    "class-path-git-link-shadows-msvc": ("path.shadowed",
                                         'Rename-Item "C:\\Program Files\\Git\\usr\\bin\\link.exe" link-posix.exe'),
    "class-freethreaded-abi3": ("freethreaded.abi3",
                                "make abi3 an optional Cargo feature and leave it off for free-threaded builds"),
    "class-libc-alpine-no-gcc": ("libc.musl-no-compiler", "apk add build-base"),
    "class-wheels-py314-cffi-built": ("deps.build-from-source", "uv lock --upgrade-package cffi"),
    "class-toolchain-windows-sdk-missing": ("toolchain.windows-sdk-missing",
                                            "winget install --id Microsoft.WindowsSDK.10.0.26100"),
    "class-toolchain-macos-clt-missing": ("toolchain.xcode-clt-missing", "xcode-select --install"),
    "class-native-arm64-openssl-x86_64-python": (
        "native.library-arch",
        'arch -x86_64 /usr/local/bin/brew install openssl@3 && '
        'export PKG_CONFIG_PATH="/usr/local/opt/openssl@3/lib/pkgconfig"'),
    "class-path-distro-rustc-before-rustup": ("path.rustc-shadowed", "export PATH=~/.local/share/cargo/bin:$PATH"),
}


def check(name: str) -> dict:
    run = run_cli("check", "--replay", str(MACHINES / f"{name}.json"), "--json")
    assert run.returncode in (0, 1), run.stderr
    return run.json()


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_class_machine_replays_to_the_threads_cause_with_the_fix_that_worked(name):
    doc = check(name)
    top = next(f for f in doc["findings"] if f["severity"] != "ok")
    want, fix = CASES[name]
    assert top["id"] == want, [f["id"] for f in doc["findings"]]
    assert fix in [x["command"] for x in top["fixes"][:2]], top["fixes"]
    note = json.loads((MACHINES / f"{name}.json").read_text(encoding="utf-8"))["note"]
    assert "https://github.com/" in note  # the thread it was written from


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_healthy_twin_replays_clean(name):
    doc = check(f"{name}-fixed")
    # a healthy twin is a machine a real user has: nothing to report, not even an unrelated warning
    assert [(f["id"], f["title"]) for f in doc["findings"] if f["severity"] != "ok"] == []


def test_uv_python_names_the_build_machines_tools_and_the_reinstall():
    doc = check("class-toolchain-uv-clang-missing")
    f = next(x for x in doc["findings"] if x["id"] == "toolchain.sysconfig-tool-missing")
    missing = {m["var"]: m["command"] for m in f["facts"]["missing"]}
    assert missing["AR"] == "/tools/llvm/bin/llvm-ar" and missing["CC"].startswith("clang")
    assert f["facts"]["managed_by"] == "uv"
    assert "uv self update && uv python install --reinstall 3.12.6" in [x["command"] for x in f["fixes"]]
    layers = {layer["name"]: layer for layer in doc["layers"]}
    assert layers["sysconfig CC"]["status"] == "absent"


def test_openssl_twin_shows_the_library_found_by_pkg_config():
    doc = check("class-native-openssl-no-pkg-config-fixed")
    layers = {layer["name"]: layer for layer in doc["layers"]}
    assert layers["library openssl"]["says"].startswith("3.0.2") and layers["library openssl"]["status"] == "match"
    assert layers["pkg-config"]["says"] == "0.29.2"


def test_rust_minimum_comes_from_the_workspace_the_member_inherits():
    doc = check("class-rust-too-old-debian")
    f = next(x for x in doc["findings"] if x["id"] == "rust.too-old")
    assert f["facts"]["needed"] == "1.65.0" and f["facts"]["rustc_version"] == "1.63.0"
    assert "src/rust/Cargo.toml" in f["facts"]["asked_by"]
    assert f["severity"] == "error"


def test_git_link_is_recognised_by_path_and_banner_and_the_build_would_stop():
    doc = check("class-path-git-link-shadows-msvc")
    f = next(x for x in doc["findings"] if x["id"] == "path.shadowed")
    assert f["severity"] == "error"  # a maturin project: every link would fail
    assert f["facts"]["first"] == "C:\\Program Files\\Git\\usr\\bin\\link.exe"
    link = next(p for p in doc["facts"]["path"]["programs"] if p["name"] == "link")
    assert link["banner"].startswith("link (GNU coreutils)")


def test_wheel_or_build_names_the_cause_and_the_missing_compiler():
    doc = check("class-wheels-py314-cffi-built")
    f = next(x for x in doc["findings"] if x["id"] == "deps.build-from-source")
    assert f["facts"]["package"] == "cffi" and f["facts"]["cause"] == "python-too-new"
    assert "will be BUILT for this Python (Python too new" in f["title"]
    assert "no Visual Studio or Build Tools" in f["title"]
    assert "uv python pin 3.13" in [x["command"] for x in f["fixes"]]


def test_free_threaded_target_and_layer():
    doc = check("class-freethreaded-abi3")
    assert doc["target"]["tags"][0].startswith("cp314-cp314t-")
    layers = {layer["name"]: layer for layer in doc["layers"]}
    assert layers["free-threaded ABI"]["says"] == "cp314t (no abi3)"


def test_explain_covers_every_new_finding_id():
    from builddoctor.rules.explain_classes import EXPLAIN_CLASSES

    ids = set()
    for name in CASES:
        for suffix in ("", "-fixed"):
            ids |= {f["id"] for f in check(name + suffix)["findings"]}
    new = {i for i in ids if i.split(".")[0] in ("toolchain", "native", "path", "freethreaded", "libc")}
    assert new <= set(EXPLAIN_CLASSES), new - set(EXPLAIN_CLASSES)
    run = run_cli("explain", "native.pkg-config-missing")
    assert run.returncode == 0 and "pkg-config" in run.stdout


def test_macos_openssl_twin_has_a_library_of_the_interpreters_arch():
    doc = check("class-native-arm64-openssl-x86_64-python-fixed")
    layers = {layer["name"]: layer for layer in doc["layers"]}
    assert layers["library openssl"]["arch"] == layers["interpreter binary"]["arch"] == layers["host CPU"]["arch"]
