"""The failure classes of issue 13 on this machine's real tools, each in a scratch environment (a
copied interpreter, a project folder, a PATH or pkg-config variables of the test's own): never the
machine's real state. Each is a finding with the exact fix, and `build`'s preflight stops on the ones
that would make that build fail."""
from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cpython, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "why"))
from whyindex import LocalIndex, build_sdist, build_wheel

pytestmark = pytest.mark.live
SETUP = "run scripts/setup-test-machine"


def findings(doc: dict) -> dict[str, dict]:
    return {f["id"]: f for f in doc["findings"]}


def commands(finding: dict) -> list[str]:
    return [x["command"] for x in finding["fixes"]]


def works(*argv: str) -> bool:
    try:
        return subprocess.run(list(argv), capture_output=True, timeout=60).returncode == 0
    except OSError:
        return False


# -- class 1: Python.h hidden (a copy of a pyenv CPython without its include folder) -----------------

def scratch_python(tmp_path: Path) -> Path:
    """bin/python3.X copied, lib/python3.X linked: a pyenv CPython whose include folder is missing."""
    real = cpython("3.12").resolve()
    prefix = real.parents[1]
    minor = re.sub(r"^python", "", real.name)
    dest = tmp_path / ".pyenv" / "versions" / prefix.name
    (dest / "bin").mkdir(parents=True)
    (dest / "lib").mkdir()
    shutil.copy2(real, dest / "bin" / real.name)
    for item in (prefix / "lib").iterdir():
        if item.name == f"python{minor}" or item.name.startswith("libpython"):
            os.symlink(item, dest / "lib" / item.name)
    return dest / "bin" / real.name


C_PROJECT = ('[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
             '[project]\nname = "hello-c"\nversion = "0.1"\n')
SETUP_PY = 'from setuptools import Extension, setup\nsetup(ext_modules=[Extension("hello_c", ["hello.c"])])\n'


def c_project(tmp_path: Path) -> Path:
    proj = tmp_path / "hello-c"
    proj.mkdir()
    (proj / "pyproject.toml").write_text(C_PROJECT, encoding="utf-8")
    (proj / "setup.py").write_text(SETUP_PY, encoding="utf-8")
    (proj / "hello.c").write_text("#include <Python.h>\n", encoding="utf-8")
    return proj


def test_python_h_hidden_is_an_error_with_the_reinstall_and_stops_the_build(tmp_path):
    py = scratch_python(tmp_path)
    include = subprocess.run([str(py), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['include'])"],
                             capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert not Path(include, "Python.h").exists()
    if shutil.which("gcc"):  # the real symptom, from the real compiler
        r = subprocess.run(["gcc", "-fsyntax-only", f"-I{include}", "-x", "c", "-"], input="#include <Python.h>\n",
                           capture_output=True, text=True, timeout=60)
        assert r.returncode != 0 and "Python.h" in r.stderr
    proj = c_project(tmp_path)
    doc = run_cli("check", "--python", str(py), "--project", str(proj), "--json").json()
    f = findings(doc)["interpreter.headers-missing"]
    version = doc["facts"]["interpreter"]["version"]
    assert f["severity"] == "error" and commands(f)[0] == f"pyenv install --force {version}"
    layers = {layer["name"]: layer for layer in doc["layers"]}
    assert layers["Python.h"]["status"] == "absent"
    build = run_cli("build", str(proj), "--python", str(py), "--no-isolation", "-o", str(tmp_path / "out"))
    assert build.returncode == 4, build.stderr
    assert "preflight:" in build.stderr and "[interpreter.headers-missing]" in build.stderr
    assert f"pyenv install --force {version}" in build.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.whl"))


def standalone_like_python(tmp_path: Path) -> Path:
    """A copy of a pyenv CPython whose sysconfig names its build machine's tools, as python-build-standalone
    Pythons record them (/tools/llvm/bin/clang, /tools/llvm/bin/llvm-ar); everything else is linked."""
    real = cpython("3.11").resolve()
    prefix = real.parents[1]
    minor = re.sub(r"^python", "", real.name)
    dest = tmp_path / "cpython-standalone"
    (dest / "bin").mkdir(parents=True)
    shutil.copy2(real, dest / "bin" / real.name)
    os.symlink(prefix / "include", dest / "include")
    lib = dest / "lib" / f"python{minor}"
    lib.mkdir(parents=True)
    for item in (prefix / "lib").iterdir():
        if item.name.startswith("libpython"):
            os.symlink(item, dest / "lib" / item.name)
    for item in (prefix / "lib" / f"python{minor}").iterdir():
        if not item.name.startswith("_sysconfigdata_"):
            os.symlink(item, lib / item.name)
            continue
        scope: dict = {}
        exec(item.read_text(encoding="utf-8"), scope)  # the interpreter's own build-time variables
        bv = scope["build_time_vars"]
        for var in ("CC", "LDSHARED", "BLDSHARED", "LINKCC"):
            bv[var] = re.sub(r"^gcc\b", "/tools/llvm/bin/clang", bv[var])
        bv["CXX"] = re.sub(r"^g\+\+", "/tools/llvm/bin/clang++", bv["CXX"])
        bv["AR"] = "/tools/llvm/bin/llvm-ar"
        (lib / item.name).write_text(f"build_time_vars = {bv!r}\n", encoding="utf-8")
    return dest / "bin" / real.name


def test_sysconfig_naming_the_build_machines_clang_and_the_fix_that_builds(tmp_path):
    if not (shutil.which("cc") and shutil.which("c++") and shutil.which("ar")):
        pytest.skip(f"cc, c++ or ar missing: {SETUP}")
    py = standalone_like_python(tmp_path)
    proj = c_project(tmp_path)
    (proj / "hello.c").write_text('#include <Python.h>\nstatic struct PyModuleDef m = {PyModuleDef_HEAD_INIT, '
                                  '"hello_c"};\nPyMODINIT_FUNC PyInit_hello_c(void) { return PyModule_Create(&m); }\n',
                                  encoding="utf-8")
    build_ext = [str(py), "setup.py", "build_ext", "--inplace"]
    real = subprocess.run(build_ext, cwd=proj, capture_output=True, text=True, timeout=300)
    assert real.returncode != 0 and "/tools/llvm/bin/clang" in real.stderr + real.stdout  # setuptools' own failure
    doc = run_cli("check", "--python", str(py), "--project", str(proj), "--json").json()
    f = findings(doc)["toolchain.sysconfig-tool-missing"]
    assert f["severity"] == "error"
    fix = commands(f)[0]
    assert fix == "export CC=cc CXX=c++ AR=ar"
    env = dict(pair.split("=", 1) for pair in fix.removeprefix("export ").split())
    fixed = subprocess.run(build_ext, cwd=proj, capture_output=True, text=True, timeout=300,
                           env={**os.environ, **env})
    assert fixed.returncode == 0, fixed.stderr  # the fix, applied: the extension builds
    assert list(proj.glob("hello_c*.so"))
    again = run_cli("check", "--python", str(py), "--project", str(proj), "--json", env=env).json()
    assert "toolchain.sysconfig-tool-missing" not in findings(again)
    stop = run_cli("build", str(proj), "--python", str(py), "--no-isolation", "-o", str(tmp_path / "out"))
    assert stop.returncode == 4 and "[toolchain.sysconfig-tool-missing]" in stop.stderr, stop.stderr


# -- class 2: a project needing openssl-sys, with and without pkg-config / libssl-dev -----------------

OPENSSL_LOCK = """version = 3

[[package]]
name = "openssl-sys"
version = "0.9.103"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "cc",
 "libc",
 "pkg-config",
 "vcpkg",
]

[[package]]
name = "tlsdemo"
version = "0.1.0"
dependencies = [
 "openssl-sys",
]
"""
MATURIN_PROJECT = ('[build-system]\nrequires = ["maturin>=1.5,<2"]\nbuild-backend = "maturin"\n\n'
                   '[project]\nname = "{name}"\nversion = "0.1.0"\n')


def rust_project(tmp_path: Path, name: str, cargo_extra: str = "", lock: str | None = None) -> Path:
    proj = tmp_path / name
    (proj / "src").mkdir(parents=True)
    (proj / "pyproject.toml").write_text(MATURIN_PROJECT.format(name=name), encoding="utf-8")
    (proj / "Cargo.toml").write_text(f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n'
                                     f"{cargo_extra}\n[lib]\npath = \"src/lib.rs\"\n", encoding="utf-8")
    (proj / "src" / "lib.rs").write_text("pub fn answer() -> u32 { 42 }\n", encoding="utf-8")
    if lock is not None:
        (proj / "Cargo.lock").write_text(lock, encoding="utf-8")
    return proj


@pytest.fixture
def openssl() -> str:
    if not works("pkg-config", "--exists", "openssl"):
        pytest.skip(f"pkg-config or libssl-dev missing: {SETUP}")
    return subprocess.run(["pkg-config", "--modversion", "openssl"], capture_output=True, text=True,
                          check=True, timeout=60).stdout.strip()


def test_openssl_found_by_pkg_config_is_no_finding(tmp_path, openssl):
    proj = rust_project(tmp_path, "tlsdemo", lock=OPENSSL_LOCK)
    doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json").json()
    assert not [i for i in findings(doc) if i.startswith("native.")]
    lib = doc["facts"]["native_libs"]["libs"][0]
    assert (lib["key"], lib["found"], lib["version"]) == ("openssl", True, openssl)
    assert lib["lib_arches"] == ["x86_64"]  # libssl.so itself was read


def test_openssl_hidden_by_empty_pkg_config_variables(tmp_path, openssl):
    hide = {"PKG_CONFIG_PATH": "", "PKG_CONFIG_LIBDIR": ""}
    r = subprocess.run(["pkg-config", "--modversion", "openssl"], capture_output=True, text=True, timeout=60,
                       env={**os.environ, **hide})
    assert r.returncode != 0  # what openssl-sys's build script would see
    proj = rust_project(tmp_path, "tlsdemo", lock=OPENSSL_LOCK)
    doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json", env=hide).json()
    f = findings(doc)["native.library-missing"]
    assert f["severity"] == "error" and f["facts"]["pc"] == "openssl"
    assert commands(f)[0] == "unset PKG_CONFIG_PATH ; unset PKG_CONFIG_LIBDIR"
    assert "sudo apt-get install -y libssl-dev" in commands(f)
    assert 'in Cargo.toml: openssl = { version = "0.10", features = ["vendored"] }' in commands(f)
    build = run_cli("build", str(proj), "--python", str(cpython("3.12")), "--no-isolation", "-o",
                    str(tmp_path / "out"), env=hide)
    assert build.returncode == 4 and "[native.library-missing]" in build.stderr, build.stderr


def test_no_pkg_config_on_path(tmp_path, openssl):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("cc", "gcc", "ld", "ar", "rustc", "cargo", "rustup"):
        found = shutil.which(name)
        if found:
            os.symlink(found, bindir / name)
    proj = rust_project(tmp_path, "tlsdemo", lock=OPENSSL_LOCK)
    doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json",
                  env={"PATH": str(bindir)}).json()
    f = findings(doc)["native.pkg-config-missing"]
    assert commands(f)[0] == "sudo apt-get install -y pkg-config libssl-dev"
    assert doc["facts"]["native_libs"]["pkg_config"] is None


def test_vendored_openssl_needs_no_system_library(tmp_path):
    lock = OPENSSL_LOCK.replace(' "libc",\n', ' "libc",\n "openssl-src",\n')
    proj = rust_project(tmp_path, "tlsdemo", lock=lock)
    doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json",
                  env={"PKG_CONFIG_LIBDIR": ""}).json()
    assert not [i for i in findings(doc) if i.startswith("native.")]
    assert doc["facts"]["native_libs"]["libs"][0]["vendored"] is True


def test_rust_project_without_cc_on_path_cannot_link(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("rustc", "cargo", "rustup"):
        found = shutil.which(name)
        if not found:
            pytest.skip(f"no {name}: {SETUP}")
        os.symlink(found, bindir / name)
    proj = rust_project(tmp_path, "needscc")
    text = (proj / "Cargo.toml").read_text(encoding="utf-8").replace('[lib]\n', '[lib]\ncrate-type = ["cdylib"]\n')
    (proj / "Cargo.toml").write_text(text, encoding="utf-8")
    env = {"PATH": str(bindir)}
    real = subprocess.run(["cargo", "build", "--offline", "--manifest-path", str(proj / "Cargo.toml")],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env, "CARGO_TARGET_DIR": str(tmp_path / "target")})
    assert real.returncode != 0 and "linker `cc` not found" in real.stderr  # what cargo says
    doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json", env=env).json()
    f = findings(doc)["toolchain.linker-missing"]
    assert f["severity"] == "error" and commands(f) == ["sudo apt-get install -y build-essential"]
    build = run_cli("build", str(proj), "--python", str(cpython("3.12")), "--no-isolation", "-o",
                    str(tmp_path / "out"), env=env)
    assert build.returncode == 4 and "[toolchain.linker-missing]" in build.stderr, build.stderr


# -- class 3: a crate whose rust-version is above the installed rustc ----------------------------------

def _rustc() -> tuple[int, int]:
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"^release: (\d+)\.(\d+)", out, re.M)
    if not m:
        pytest.skip(f"no working rustc: {SETUP}")
    return int(m.group(1)), int(m.group(2))


def test_rust_version_above_the_installed_rustc(tmp_path):
    major, minor = _rustc()
    wanted = f"{major}.{minor + 1}"
    proj = rust_project(tmp_path, "needsnewer", cargo_extra=f'rust-version = "{wanted}"')
    real = subprocess.run(["cargo", "build", "--offline", "--manifest-path", str(proj / "Cargo.toml")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CARGO_TARGET_DIR": str(tmp_path / "target")})
    assert real.returncode != 0 and f"requires rustc {wanted}" in real.stderr  # cargo's own verdict
    doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json").json()
    f = findings(doc)["rust.too-old"]
    assert f["severity"] == "error" and f["facts"]["needed"] == wanted
    assert commands(f)[0] == "rustup update stable"
    build = run_cli("build", str(proj), "--python", str(cpython("3.12")), "--no-isolation", "-o",
                    str(tmp_path / "out"))
    assert build.returncode == 4 and "[rust.too-old]" in build.stderr, build.stderr


def test_edition_2024_needs_rust_1_85(tmp_path):
    proj = rust_project(tmp_path, "ed2024")
    text = (proj / "Cargo.toml").read_text(encoding="utf-8").replace('edition = "2021"', 'edition = "2024"')
    (proj / "Cargo.toml").write_text(text, encoding="utf-8")
    doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json").json()
    too_old = _rustc() < (1, 85)
    assert ("rust.too-old" in findings(doc)) == too_old
    assert any(layer["name"] == "rustc version" and "needs >= 1.85.0" in layer["says"] for layer in doc["layers"])


# -- class 4: programs planted first on PATH -----------------------------------------------------------

def test_foreign_arch_cc_planted_first_on_path(tmp_path):
    foreign = Path("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1")
    if not foreign.is_file() or not shutil.which("cc"):
        pytest.skip(f"libc6-arm64-cross or cc missing: {SETUP}")
    planted = tmp_path / "planted"
    planted.mkdir()
    shutil.copy2(foreign, planted / "cc")
    (planted / "cc").chmod(0o755)
    shutil.copy2(shutil.which("link") or "/usr/bin/link", planted / "link")
    good = os.path.dirname(shutil.which("cc") or "/usr/bin/cc")
    env = {"PATH": f"{planted}:{os.environ['PATH']}"}
    with pytest.raises(OSError):  # the planted cc cannot even start on this x86_64 machine
        subprocess.run([str(planted / "cc"), "--version"], capture_output=True, timeout=30)
    doc = run_cli("check", "--python", str(cpython("3.12")), "--json", env=env).json()
    f = findings(doc)["path.arch-shadowed"]
    assert f["facts"]["first"] == str(planted / "cc") and f["facts"]["first_arches"] == ["aarch64"]
    assert commands(f)[0] == f"export PATH={good}:$PATH"
    # `link` is not a linker any Linux build calls: planted first, it is recorded but is no finding here
    link = next(p for p in doc["facts"]["path"]["programs"] if p["name"] == "cc")
    assert link["candidates"][0] == str(planted / "cc")
    assert "path.shadowed" not in findings(doc)
    # the fix, applied: the right cc comes first and the finding is gone
    fixed = run_cli("check", "--python", str(cpython("3.12")), "--json",
                    env={"PATH": f"{good}:{planted}:{os.environ['PATH']}"}).json()
    assert "path.arch-shadowed" not in findings(fixed)


# -- class 7: a dependency with no wheel for this interpreter, against a local index --------------------

def test_dependency_without_a_wheel_for_this_python_against_a_local_index(tmp_path):
    py = cpython("3.12")
    files = tmp_path / "index"
    build_wheel(files, "oldwheels", "1.0", "cp39-cp39-manylinux_2_17_x86_64")
    build_wheel(files, "oldwheels", "1.0", "cp310-cp310-manylinux_2_17_x86_64")
    build_sdist(files, "oldwheels", "1.0")
    build_wheel(files, "fine", "2.0", "py3-none-any")
    proj = tmp_path / "app"
    proj.mkdir()
    (proj / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0.1"\n'
                                         'dependencies = ["oldwheels", "fine"]\n', encoding="utf-8")
    offline = run_cli("check", "--python", str(py), "--project", str(proj), "--json").json()
    assert "deps.build-from-source" not in findings(offline)  # no lock, no --index-url: check stays offline
    with LocalIndex(files) as index:
        doc = run_cli("check", "--python", str(py), "--project", str(proj), "--index-url", index.url, "--json").json()
    f = findings(doc)["deps.build-from-source"]
    assert f["facts"]["package"] == "oldwheels" and f["facts"]["cause"] == "python-too-new"
    assert "oldwheels 1.0 will be BUILT for this Python" in f["title"]
    assert "uv python pin 3.10" in commands(f)
    assert [v["name"] for v in doc["facts"]["wheels"]["verdicts"] if v["outcome"] == "wheel"] == ["fine"]


# -- every new read goes through the Machine seam: a snapshot replays to the same findings -------------

def test_snapshot_of_the_scratch_setups_replays_to_the_same_findings(tmp_path, openssl):
    major, minor = _rustc()
    proj = rust_project(tmp_path, "tlsdemo", cargo_extra=f'rust-version = "{major}.{minor + 1}"', lock=OPENSSL_LOCK)
    env = {"PKG_CONFIG_PATH": "", "PKG_CONFIG_LIBDIR": ""}
    py = scratch_python(tmp_path)
    live = run_cli("check", "--python", str(py), "--project", str(proj), "--json", env=env).json()
    snap = tmp_path / "snap.json"
    rec = run_cli("snapshot", "-o", str(snap), "--python", str(py), "--project", str(proj), env=env)
    assert rec.returncode == 0, rec.stderr
    replay = run_cli("check", "--replay", str(snap), "--json").json()
    ids = {"rust.too-old", "native.library-missing", "interpreter.headers-missing"}
    assert ids <= set(findings(live)) and ids <= set(findings(replay))
    user = getpass.getuser()  # snapshots replace the user name with <user>

    def same(doc: dict) -> str:
        return json.dumps(doc, sort_keys=True).replace(f"pytest-of-{user}", "pytest-of-<user>")

    for key in ("toolchain", "native_libs", "crates", "path"):
        assert same(replay["facts"][key]) == same(live["facts"][key]), key


def test_check_index_bad_inputs_are_one_line_errors_and_an_unreachable_index_is_a_finding(tmp_path):
    from conftest import assert_one_line_error
    from whyindex import closed_port_url

    proj = tmp_path / "app"
    proj.mkdir()
    (proj / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0.1"\ndependencies = ["six"]\n',
                                         encoding="utf-8")
    py = str(cpython("3.12"))
    for args in (["--index-url", "ftp://example.org/simple"], ["--find-links", str(tmp_path / "missing")]):
        run = run_cli("check", "--python", py, "--project", str(proj), *args)
        assert run.returncode == 2, run.stderr
        assert_one_line_error(run)
    nowhere = run_cli("check", "--python", py, "--resolve", cwd=tmp_path)
    assert nowhere.returncode == 2 and "need a project" in nowhere.stderr
    down = run_cli("check", "--python", py, "--project", str(proj), "--index-url", closed_port_url(), "--json")
    assert down.returncode == 0
    assert "deps.index-unreachable" in findings(down.json())


def test_check_package_names_asks_the_index_for_them_without_a_project(tmp_path):
    files = tmp_path / "index"
    build_wheel(files, "oldwheels", "1.0", "cp39-cp39-manylinux_2_17_x86_64")
    build_sdist(files, "oldwheels", "1.0")
    with LocalIndex(files) as index:
        doc = run_cli("check", "--python", str(cpython("3.12")), "--index-url", index.url, "oldwheels==1.0", "--json",
                      cwd=tmp_path).json()
    f = findings(doc)["deps.build-from-source"]
    assert f["facts"]["package"] == "oldwheels" and f["facts"]["cause"] == "python-too-new"
    bad = run_cli("check", "--python", str(cpython("3.12")), "not a name!", cwd=tmp_path)
    assert bad.returncode == 2 and "not a package name" in bad.stderr


@pytest.mark.parametrize("files", [
    {"Cargo.toml": "package = 'x'\ntool = 5\n[dependencies]\npyo3 = { features = 'abi3' }\n", "Cargo.lock": "\x00\xff"},
    {"Cargo.toml": "[package\nname=", "Cargo.lock": "package = 'x'\n", "meson.build": "dependency(",
     "CMakeLists.txt": "find_package(OpenSSL"},
    {"pyproject.toml": '[build-system]\nbuild-backend = "maturin"\n[tool.maturin]\nmanifest-path = "../../x"\n'
                       'features = "abi3"\n', "Cargo.toml": '[package]\nname = "x"\nrust-version = 5\nedition = []\n',
     "Cargo.lock": "[[package]]\nname = 5\n[[package]]\nname = 'openssl-sys'\ndependencies = 'oops'\n"},
])
def test_hostile_project_files_are_read_without_a_crash(tmp_path, files):
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "pyproject.toml").write_text(files.pop("pyproject.toml", MATURIN_PROJECT.format(name="p")),
                                         encoding="utf-8")
    for name, text in files.items():
        (proj / name).write_text(text, encoding="utf-8", errors="surrogateescape")
    run = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json")
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    run.json()


def test_meson_and_cmake_dependencies_are_looked_up_with_pkg_config(tmp_path, openssl):
    if not works("pkg-config", "--exists", "zlib"):
        pytest.skip(f"zlib1g-dev missing: {SETUP}")
    proj = tmp_path / "mesonproj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text('[build-system]\nrequires = ["meson-python"]\nbuild-backend = "mesonpy"\n'
                                         '[project]\nname = "m"\nversion = "0.1"\n', encoding="utf-8")
    (proj / "meson.build").write_text("project('m', 'c')\nz = dependency('zlib')\nssl = dependency('openssl')\n",
                                      encoding="utf-8")
    (proj / "CMakeLists.txt").write_text("find_package(OpenSSL REQUIRED)\nfind_package(Python3)\n", encoding="utf-8")
    doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json").json()
    libs = {lib["source"]: lib for lib in doc["facts"]["native_libs"]["libs"]}
    assert libs["meson.build dependency('zlib')"]["found"] is True
    assert libs["meson.build dependency('openssl')"]["version"] == openssl
    assert not [i for i in findings(doc) if i.startswith("native.")]
    hidden = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--json",
                     env={"PKG_CONFIG_LIBDIR": ""}).json()
    missing = [f for f in hidden["findings"] if f["id"] == "native.library-missing"]
    assert {f["facts"]["library"] for f in missing} == {"zlib", "openssl"}
    assert all(commands(f)[0] == "unset PKG_CONFIG_LIBDIR" for f in missing)


def test_a_build_requirement_without_a_wheel_is_named_too(tmp_path):
    files = tmp_path / "index"
    build_wheel(files, "buildtool", "3.0", "py3-none-manylinux_2_17_aarch64")
    build_sdist(files, "buildtool", "3.0")
    build_wheel(files, "fine", "2.0", "py3-none-any")
    proj = tmp_path / "app"
    proj.mkdir()
    (proj / "pyproject.toml").write_text('[build-system]\nrequires = ["buildtool>=3", "fine"]\n'
                                         'build-backend = "buildtool.api"\n\n'
                                         '[project]\nname = "app"\nversion = "0.1"\ndependencies = ["fine"]\n',
                                         encoding="utf-8")
    with LocalIndex(files) as index:
        doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(proj), "--index-url", index.url,
                      "--json").json()
    built = [f for f in doc["findings"] if f["id"] == "deps.build-from-source"]
    assert [(f["facts"]["package"], f["facts"]["build_requirement"], f["facts"]["cause"]) for f in built] == \
        [("buildtool", True, "arch")]
    assert "(a build requirement: the build environment compiles it first)" in built[0]["title"]


def test_one_index_url_answers_both_questions_and_index_is_a_deprecated_alias(tmp_path):
    """check --index-url URL: the build requirements resolve against URL and the dependencies' wheels come
    from URL; the old --index URL still works, with a warning naming the new option."""
    files = tmp_path / "index"
    build_wheel(files, "buildtool", "3.0", "py3-none-any")
    build_wheel(files, "buildtool", "2.0", "py3-none-any")
    build_wheel(files, "oldwheels", "1.0", "cp39-cp39-manylinux_2_17_x86_64")
    build_sdist(files, "oldwheels", "1.0")
    proj = tmp_path / "app"
    proj.mkdir()
    (proj / "pyproject.toml").write_text('[build-system]\nrequires = ["buildtool"]\nbuild-backend = "buildtool.api"\n\n'
                                         '[project]\nname = "app"\nversion = "0.1"\ndependencies = ["oldwheels"]\n',
                                         encoding="utf-8")
    py = str(cpython("3.12"))
    with LocalIndex(files) as index:
        new = run_cli("check", "--python", py, "--project", str(proj), "--index-url", index.url, "--json")
        old = run_cli("check", "--python", py, "--project", str(proj), "--index", index.url, "--json")
    assert "deprecated" not in new.stderr
    assert "--index is deprecated: use --index-url URL" in old.stderr
    for doc in (new.json(), old.json()):
        assert findings(doc)["deps.build-from-source"]["facts"]["package"] == "oldwheels"
        layers = {layer["name"]: layer for layer in doc["layers"]}
        assert layers["build requires"]["says"] == "buildtool 3.0 (resolved from buildtool)"  # the newest there
