"""Every case of the bad-input catalogue (bad-inputs.md section 7, rows A1-A20, B1-B14, C1-C26, D1-D10).

One table, one test. Each row builds its bad input under tmp_path and runs the real command line in a
child process, then checks:

- the exit status;
- for a failure: exactly one `builddoctor: error:` line (and at most a `builddoctor: tip:` line after
  it), never a traceback; for a finding: its id in `check --json` and a one-line, printable title;
- that nothing outside the output folder changed: the tree of tmp_path (names, sizes, mtimes), the
  child's TMPDIR (inside tmp_path, so a leftover temp folder is caught), `builddoctor-*` in the system
  temp folder, ~/.rustup, ~/.cargo, pip and uv configuration, shell profiles;
- that the output folder holds no staging folder and no wheel after a failure.

Windows-only rows run on recorded machines (examples/machines, tests/fixtures/machines).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

import pytest
from conftest import IN_TREE, MACHINES, PYENV, ROOT, Run, assert_one_line_error, backend_project, run_cli

sys.path.insert(0, str(Path(__file__).parent / "unit"))
from test_sdist import (  # the archive builders of the unit tests
    D,
    F,
    H,
    S,
    good,
    html_page,
    huge_member,
    pax,
    polyglot,
    special,
    tgz,
    truncated_gzip,
)

FIXTURES = Path(__file__).parent / "fixtures" / "machines"
PY = sys.executable
STAGING = ".builddoctor-tmp-"
LIMITS = ("--max-member-bytes", "1000", "--max-extract-bytes", "5000", "--max-members", "50")
PROGRESS = re.compile(r"builddoctor: (?!error:|tip:)")  # phases, warnings, "also:" lines
SECRET = "ghp_" + "Zq9" * 12  # a GitHub-token-shaped value, never in any output
CLOSED_INDEX = "http://127.0.0.1:9/simple"  # the discard port: nothing listens, the connection is refused


class Plan(NamedTuple):
    """What a row's setup returns: the command line, and where it runs."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path
    outdir: Path | None  # the one place allowed to change (None: nothing may change)
    run: Callable[[list[str], dict[str, str], Path], Run] | None = None  # default: run_cli once
    after: Callable[[Run], None] | None = None  # row-specific checks, run after the common ones
    cleanup: Callable[[], None] | None = None


@dataclass(frozen=True)
class Case:
    row: str
    title: str
    setup: Callable[[Path], Plan]
    exit: int
    needle: str = ""  # in the error line; in the finding's title; else in stdout (or `where`)
    finding: str | None = None  # check --json must report this id
    where: str = "stdout"  # for successful rows: "stdout" or "stderr"
    wheels: int = 0  # wheels expected in the output folder
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())
    why: str = ""  # the user-visible harm the row guards against (docs/bad-inputs.md)


# --------------------------------------------------------------------------- helpers


def uv() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


def cwd_of(tmp: Path) -> Path:
    cwd = tmp / "cwd"
    cwd.mkdir(exist_ok=True)
    return cwd


def script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path



#: Writes a small valid pure wheel (fixed dates: two builds give identical bytes).
WHEEL = '''\
import os, sys, zipfile


def _wheel(wheel_directory, name="demo", version="1.0"):
    whl = "%s-%s-py3-none-any.whl" % (name, version)
    info = "%s-%s.dist-info" % (name, version)
    files = {name + "/__init__.py": "",
             info + "/METADATA": "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n" % (name, version),
             info + "/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
    with zipfile.ZipFile(os.path.join(wheel_directory, whl), "w") as zf:
        for arc, text in files.items():
            zf.writestr(zipfile.ZipInfo(arc, (2020, 1, 1, 0, 0, 0)), text)
    return whl
'''


def backend(body: str) -> str:
    return WHEEL + "\n\n" + textwrap.dedent(body)


BUILDS = backend("""\
    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        return _wheel(wheel_directory)
""")


def project(tmp: Path, code: str | None = BUILDS, pyproject: str = IN_TREE, name: str = "proj") -> Path:
    return backend_project(tmp, pyproject, code, name)


def sdist_of(tmp: Path, files: dict[str, bytes], top: str = "demo-1.0", modes: dict[str, int] | None = None) -> Path:
    pkg = f"Metadata-Version: 2.1\nName: {top.rsplit('-', 1)[0]}\nVersion: {top.rsplit('-', 1)[1]}\n".encode()
    members = [D(top), F(f"{top}/PKG-INFO", pkg)]
    members += [F(f"{top}/{name}", data, mode=(modes or {}).get(name, 0o644)) for name, data in files.items()]
    archive = tmp / f"{top}.tar.gz"
    archive.write_bytes(tgz(members))
    return archive


def build_argv(source: Path, out: Path, *extra: str) -> list[str]:
    return ["build", str(source), "-o", str(out), "--python", PY, "--installer", "uv", *extra]


def build_plan(tmp: Path, source: Path, *extra: str, env: dict[str, str] | None = None,
               after: Callable[[Run], None] | None = None) -> Plan:
    out = tmp / "out"
    return Plan(build_argv(source, out, *extra), env or {}, cwd_of(tmp), out, after=after)


def check_plan(tmp: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
               after: Callable[[Run], None] | None = None) -> Plan:
    return Plan(["check", *args, "--json"], env or {}, cwd or cwd_of(tmp), tmp / "out", after=after)


def replay_plan(tmp: Path, machine: Path, after: Callable[[Run], None] | None = None) -> Plan:
    return check_plan(tmp, "--replay", str(machine), after=after)


def devshell_plan(tmp: Path, *args: str, after: Callable[[Run], None] | None = None) -> Plan:
    return Plan(["devshell", *args], {}, cwd_of(tmp), tmp / "out", after=after)


def pids(marker: str) -> str:
    return subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.strip()


def assert_gone(marker: str) -> None:
    for _ in range(20):
        if not pids(marker):
            return
        time.sleep(0.1)
    pytest.fail(f"processes survived: {pids(marker)}")


def child_env(env: dict[str, str]) -> dict[str, str]:
    full = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    full.update(env)
    return full


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "builddoctor", *args]


def mount_tmpfs(path: Path, size: str) -> Callable[[], None]:
    path.mkdir(parents=True, exist_ok=True)
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    return lambda: subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- A: sdists


def refused(members: Callable[[], bytes], *extra: str) -> Callable[[Path], Plan]:
    def setup(tmp: Path) -> Plan:
        archive = tmp / "pkg-1.0.tar.gz"
        archive.write_bytes(members())
        return build_plan(tmp, archive, *LIMITS, *extra)

    return setup


def a8_setuid(tmp: Path) -> Plan:
    code = backend("""\
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            print("MODES %o %o" % (os.stat("bin/tool.sh").st_mode & 0o7777, os.stat("open.txt").st_mode & 0o7777))
            return _wheel(wheel_directory)
    """).encode()
    archive = sdist_of(tmp, {"pyproject.toml": IN_TREE.encode(), "local_backend.py": code,
                             "bin/tool.sh": b"#!/bin/sh\n", "open.txt": b"x"},
                       modes={"bin/tool.sh": 0o4777, "open.txt": 0o2666})
    return build_plan(tmp, archive, *LIMITS, "-v")


def a20_awkward_folder(tmp: Path) -> Plan:
    base = tmp / "Laura Fr\u00f8lich" / "Downloads" / "pkg (1)"
    base.mkdir(parents=True)
    example = ROOT / "examples" / "setuptools-c"
    files = {rel: (example / rel).read_bytes() for rel in ("pyproject.toml", "setup.py", "README.md", "src/hello_c.c")}
    return build_plan(tmp, sdist_of(base, files, top="hello_c-0.1.0"))


# --------------------------------------------------------------------------- B: projects and backends


def in_tree(code: str, *extra: str, pyproject: str = IN_TREE, env: dict[str, str] | None = None,
            after: Callable[[Run], None] | None = None) -> Callable[[Path], Plan]:
    def setup(tmp: Path) -> Plan:
        return build_plan(tmp, project(tmp, code, pyproject), *extra, env=env, after=after)

    return setup


def b3_typo_table(tmp: Path) -> Plan:
    pyproject = '[build_system]\nrequires = ["setuptools>=61"]\n\n[project]\nname = "demo"\nversion = "1.0"\n'
    archive = sdist_of(tmp, {"pyproject.toml": pyproject.encode(), "demo/__init__.py": b""})
    return build_plan(tmp, archive)  # an sdist: setuptools' build/ and egg-info stay in the staging folder


def marker_of(tmp: Path) -> str:
    return f"builddoctor-test-{hashlib.sha256(str(tmp).encode()).hexdigest()[:16]}"


def b6_never_returns(tmp: Path) -> Plan:
    marker = marker_of(tmp)
    code = backend(f"""\
        import subprocess
        def get_requires_for_build_wheel(config_settings=None):
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{marker}"])
            while True:
                pass
        build_wheel = get_requires_for_build_wheel
    """)
    started = time.monotonic()

    def after(run: Run) -> None:
        assert time.monotonic() - started < 60
        assert_gone(marker)

    return build_plan(tmp, project(tmp, code), "--timeout", "5", after=after)


def b7_daemon(tmp: Path) -> Plan:
    marker = marker_of(tmp)
    code = backend(f"""\
        import subprocess
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            # a daemon that keeps the hook's stdout (the frontend's pipe) open after the hook returns
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{marker}"])
            return _wheel(wheel_directory)
    """)
    started = time.monotonic()

    def after(run: Run) -> None:
        assert time.monotonic() - started < 30, "the frontend waited for the daemon"
        assert_gone(marker)

    return build_plan(tmp, project(tmp, code), after=after)


def b10_noisy_failure(tmp: Path) -> Plan:
    code = backend("""\
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            out = sys.stdout.buffer
            for i in range(80000):  # ~8 MB, with bytes that are not UTF-8
                out.write(b"line %d \\xff\\xfe\\x80 compiling frobnicator.c " % i + b"x" * 60 + b"\\n")
            out.write(b"\\xff\\xff no newline at the end")
            out.flush()
            raise SystemExit("error: frobnicator.c:3: expected ';'")
    """)

    def after(run: Run) -> None:
        assert len(run.stderr) < 64 * 1024, "the report keeps only the last lines"
        assert "expected ';'" in run.stderr and "UnicodeDecodeError" not in run.stderr

    return build_plan(tmp, project(tmp, code), after=after)


def b12_self(tmp: Path) -> Plan:
    pyproject = IN_TREE.replace("requires = []", 'requires = ["Demo>=0.5"]')
    return build_plan(tmp, project(tmp, BUILDS, pyproject), env={"UV_OFFLINE": "1"})


def b13_offline_index(tmp: Path) -> Plan:
    index = f"http://127.0.0.1:{closed_port()}/simple"
    pyproject = IN_TREE.replace("requires = []", 'requires = ["surely-not-a-package-b13"]')
    env = {"UV_OFFLINE": "1", "UV_INDEX_URL": index, "PIP_INDEX_URL": index, "UV_DEFAULT_INDEX": index}
    return build_plan(tmp, project(tmp, BUILDS, pyproject), env=env)


# --------------------------------------------------------------------------- C: interpreters and tools


def interpreter_error(error: str) -> Callable[[Run], None]:
    def after(run: Run) -> None:
        assert run.json()["facts"]["interpreter"]["error"] == error
        assert run.json()["facts"]["rust"] is not None  # the other probes still ran

    return after


def c1_relative_python(tmp: Path) -> Plan:
    cwd = cwd_of(tmp)
    (cwd / "py").symlink_to(PY)

    def after(run: Run) -> None:
        assert run.json()["facts"]["interpreter"]["version"] == ".".join(map(str, sys.version_info[:3]))

    return check_plan(tmp, "--python", "./py", cwd=cwd, after=after)


def c2_not_executable(tmp: Path) -> Plan:
    python = tmp / "bin" / "python3"
    python.parent.mkdir()
    python.write_bytes(Path(PY).resolve().read_bytes()[:4096])
    python.chmod(0o644)
    return check_plan(tmp, "--python", str(python), after=interpreter_error("permission-denied"))


def c4_python2(tmp: Path) -> Plan:
    found = sorted(PYENV.glob("2.7*/bin/python2.7"))
    python = found[-1] if found else script(tmp / "py2" / "python", 'echo "Unknown option: -I" >&2\nexit 2\n')
    return check_plan(tmp, "--python", str(python), after=interpreter_error("unsupported"))


def c5_sitecustomize(tmp: Path) -> Plan:
    venv = tmp / "venv"
    subprocess.run([uv(), "venv", "-q", "--python", PY, str(venv)], check=True, capture_output=True, timeout=120)
    [site] = venv.glob("lib/python*/site-packages")
    (site / "sitecustomize.py").write_text(
        'print("hello from sitecustomize")\n'
        'print(\'@@BUILDDOCTOR@@{"version": "9.9", "platform": "win-arm64"}@@END@@\')\n'
        'import sys; sys.stdout.write(\'{"platform": "win-arm64"}  \')\n', encoding="utf-8")

    def after(run: Run) -> None:
        interp = run.json()["facts"]["interpreter"]
        assert interp["version"] == ".".join(map(str, sys.version_info[:3]))
        assert run.json()["target"]["arch"] == interp["exe_arches"][0]

    return check_plan(tmp, "--python", str(venv / "bin" / "python"), after=after)


def c7_broken_venv(tmp: Path) -> Plan:
    venv = tmp / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = {tmp / 'uninstalled' / 'bin'}\nversion = 3.12.1\n", encoding="utf-8")
    (venv / "bin" / "python").symlink_to(tmp / "uninstalled" / "bin" / "python3.12")
    return check_plan(tmp, "--python", str(venv / "bin" / "python"), after=interpreter_error("broken"))


RUST_PYPROJECT = '[build-system]\nrequires = ["maturin>=1.5"]\nbuild-backend = "maturin"\n\n' \
                 '[project]\nname = "demo"\nversion = "1.0"\n'


def c8_no_rust(tmp: Path) -> Plan:
    src = project(tmp, None, RUST_PYPROJECT)
    empty = tmp / "no-cargo-home"
    empty.mkdir()
    return check_plan(tmp, "--python", PY, "--project", str(src), env={"PATH": "/usr/bin:/bin",
                                                                        "CARGO_HOME": str(empty)})


def e22_cargo_off_path(tmp: Path) -> Plan:
    src = project(tmp, None, RUST_PYPROJECT)
    cargo_home = tmp / "cargo-home"
    script(cargo_home / "bin" / "cargo", "echo cargo 1.80.0\n")  # what rustup-init leaves behind

    def after(run: Run) -> None:
        found = {f["id"]: f for f in run.json()["findings"]}["rust.missing"]
        assert found["fixes"][0]["command"] == f"export PATH={cargo_home / 'bin'}:$PATH", found

    return check_plan(tmp, "--python", PY, "--project", str(src),
                      env={"PATH": "/usr/bin:/bin", "CARGO_HOME": str(cargo_home)}, after=after)


def c9_garbage_rustc(tmp: Path) -> Plan:
    bindir = tmp / "bin"
    script(bindir / "rustc", "head -c 300 /dev/urandom; printf '\\033[2J\\033]0;pwned\\007'; exit 3\n")
    return check_plan(tmp, "--python", PY, env={"PATH": f"{bindir}:{os.environ['PATH']}"})


def c10_pinned_toolchain(tmp: Path) -> Plan:
    src = project(tmp, None, RUST_PYPROJECT)
    (src / "rust-toolchain.toml").write_text('[toolchain]\nchannel = "1.2.3"\n', encoding="utf-8")

    def after(run: Run) -> None:
        found = {f["id"]: f for f in run.json()["findings"]}["rust.toolchain-missing"]
        assert found["fixes"][0]["command"] == "rustup toolchain install 1.2.3"

    return check_plan(tmp, "--python", PY, cwd=src, after=after)


def c11_hanging_cmake(tmp: Path) -> Plan:
    out = tmp / "out"
    out.mkdir()
    script(tmp / "bin" / "cmake", f"sleep 600 & echo $! > {out}/sleep.pid\nwait\n")

    def after(run: Run) -> None:
        assert run.json()["facts"]["cmake"]["error"] == "timeout"
        pid = int((out / "sleep.pid").read_text())
        for _ in range(30):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        pytest.fail("cmake's child survived the timeout")

    return check_plan(tmp, "--python", PY, env={"PATH": f"{tmp / 'bin'}:{os.environ['PATH']}"}, after=after)


def c15_non_ascii(tmp: Path) -> Plan:
    def after(run: Run) -> None:
        vc = run.json()["set"]["VCINSTALLDIR"]
        assert vc == "D:\\Outils d'\u00e9quipe (x86)\\Microsoft Visual Studio\\2022\\Community\\VC\\", vc

    return devshell_plan(tmp, "--replay", str(MACHINES / "win-nonascii-user-x86-path.json"), "--format", "json",
                         after=after)


def c16_autorun(tmp: Path) -> Plan:
    def after(run: Run) -> None:
        clean = run_cli("devshell", "--replay", str(MACHINES / "win-buildtools-only.json"), "--format", "json")
        assert run.stdout == clean.stdout

    return devshell_plan(tmp, "--replay", str(FIXTURES / "win-cmd-autorun-noise.json"), "--format", "json",
                         after=after)


def c17_long_path(tmp: Path) -> Plan:
    path = ":".join(["/usr/local/bin", "/usr/bin", *(f"/opt/nx/{i:04d}" for i in range(1000))]) + ":" \
        + os.environ["PATH"]
    assert len(path) > 8191

    def after(run: Run) -> None:
        assert run.json()["facts"]["interpreter"]["error"] is None

    return check_plan(tmp, "--python", PY, env={"PATH": path}, after=after)


def c18_empty_path_entries(tmp: Path) -> Plan:
    cwd = cwd_of(tmp)
    for name in ("cmake", "rustc", "rustup", "gcc", "cc", "python3"):
        script(cwd / name, f"touch {tmp}/HIJACKED-{name}\n")
    return check_plan(tmp, "--python", PY, env={"PATH": "::" + os.environ["PATH"] + ":.:"}, cwd=cwd)


def c20_cl_banner(tmp: Path) -> Plan:
    def after(run: Run) -> None:
        cl = [(c["target"], c["version"]) for c in run.json()["facts"]["cc"]["compilers"] if c["kind"] == "msvc"]
        assert cl == [("ARM64", "19.44.35207")]

    return replay_plan(tmp, FIXTURES / "win-cl-banner-japanese-cp932.json", after=after)


def c21_broken_gcc(tmp: Path) -> Plan:
    bindir = tmp / "bin"
    for name in ("gcc", "cc"):
        script(bindir / name, 'echo "gcc: fatal error: cannot execute \'cc1\': execvp: No such file" >&2\nexit 127\n')
    src = project(tmp, None, '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n')
    (src / "setup.py").write_text('from setuptools import Extension, setup\nsetup(name="demo", '
                                  'ext_modules=[Extension("demo", ["demo.c"])])\n', encoding="utf-8")
    # PATH holds only the broken compilers, so the outcome does not depend on which others are installed
    return check_plan(tmp, "--python", PY, "--project", str(src), env={"PATH": str(bindir)})


def c22_garbage_cmake(tmp: Path) -> Plan:
    script(tmp / "bin" / "cmake", "printf '\\000\\377 {not json\\n'\n")

    def after(run: Run) -> None:
        assert run.json()["facts"]["cmake"]["error"] == "exit 0, version unknown"

    return check_plan(tmp, "--python", PY, env={"PATH": f"{tmp / 'bin'}:{os.environ['PATH']}"}, after=after)


def c23_arch_injection(tmp: Path) -> Plan:
    cwd = cwd_of(tmp)
    bindir = tmp / "bin"
    for name in ("calc", "cmd", "cmd.exe", "vswhere"):
        script(bindir / name, f"touch {tmp}/RAN-{name}\n")
    return Plan(["devshell", "--arch", "x64&calc"], {"PATH": f"{bindir}:{os.environ['PATH']}"}, cwd, tmp / "out")


SECRETS = {"GITHUB_TOKEN": SECRET, "PYPI_API_TOKEN": "pypi-AgEIcHlwaS5vcmc" + "x" * 40,
           "PIP_INDEX_URL": "https://u:s3cr3t-pw@idx.example/simple"}


def c24_secrets(tmp: Path) -> Plan:
    out = tmp / "out"
    out.mkdir()

    def after(run: Run) -> None:
        text = (out / "s.json").read_text(encoding="utf-8")
        for value in (SECRET, SECRETS["PYPI_API_TOKEN"], "s3cr3t-pw"):
            assert value not in text and value not in run.stdout + run.stderr
        assert "idx.example" in text  # the URL is kept, its password masked

    return Plan(["snapshot", "-o", str(out / "s.json"), "--python", PY], SECRETS, cwd_of(tmp), out, after=after)


def c24_backend_env(tmp: Path) -> Plan:
    code = backend(f"""\
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            if "{SECRET}" in str(os.environ):
                raise SystemExit("the backend saw GITHUB_TOKEN")
            return _wheel(wheel_directory)
    """)
    return build_plan(tmp, project(tmp, code), env=SECRETS)


def c25_home(tmp: Path) -> Plan:
    def after(run: Run) -> None:
        shape = run.json()["facts"]["host"]["home_shape"]
        assert shape["non_ascii"] and shape["has_space"]

    return replay_plan(tmp, MACHINES / "win-nonascii-user-x86-path.json", after=after)


def c26_c_locale(tmp: Path) -> Plan:
    base = tmp / "Fr\u00f8lich \u4e2d\u6587"
    src = project(base, BUILDS)
    out = base / "out"
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    return Plan(build_argv(src, out), env, cwd_of(tmp), out)


# --------------------------------------------------------------------------- D: output and machine state


def d1_outdir_is_a_file(tmp: Path) -> Plan:
    blocker = tmp / "afile"
    blocker.write_text("mine", encoding="utf-8")
    code = backend('def build_wheel(*a, **k):\n    raise SystemExit("the build ran")\n')
    return Plan(build_argv(project(tmp, code), blocker), {}, cwd_of(tmp), None)


def d2_disk_full(tmp: Path) -> Plan:
    out = tmp / "out"
    cleanup = mount_tmpfs(out, "64k")
    archive = sdist_of(tmp, {"pyproject.toml": IN_TREE.encode(), "local_backend.py": BUILDS.encode(),
                             "data.bin": os.urandom(200_000)})

    def after(run: Run) -> None:
        assert list(out.iterdir()) == []

    plan = build_plan(tmp, archive, "--no-isolation", after=after)
    return plan._replace(cleanup=cleanup)


WHEEL_NAME = "demo-1.0-py3-none-any.whl"


def d3_existing_wheel(tmp: Path) -> Plan:
    src = project(tmp)
    out = tmp / "out"
    out.mkdir()
    (out / WHEEL_NAME).write_bytes(b"someone else's file")

    def after(run: Run) -> None:
        assert (out / WHEEL_NAME).read_bytes() == b"someone else's file"
        again = run_cli(*build_argv(src, out, "--overwrite"), env={"TMPDIR": str(tmp / "tmp")})
        assert again.returncode == 0, again.stderr
        assert zipfile.is_zipfile(out / WHEEL_NAME)

    return Plan(build_argv(src, out), {}, cwd_of(tmp), out, after=after)


def run_both(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
    procs = [subprocess.Popen(cli(*argv), env=child_env(env), cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
             for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in procs]
    runs = [Run(p.returncode, out, err) for p, (out, err) in zip(procs, outputs)]
    for r in runs:
        if r.returncode != 0:  # one may fail, cleanly
            assert r.returncode == 6 and "already exists" in r.stderr, r.stderr
    return runs[0] if runs[0].returncode else runs[1]


def d4_concurrent(tmp: Path) -> Plan:
    archive = sdist_of(tmp, {"pyproject.toml": IN_TREE.encode(), "local_backend.py": BUILDS.encode()})
    out = tmp / "out"

    def after(run: Run) -> None:
        with zipfile.ZipFile(out / WHEEL_NAME) as zf:
            assert zf.testzip() is None

    return Plan(build_argv(archive, out), {}, cwd_of(tmp), out, run=run_both, after=after)


def d5_other_filesystem(tmp: Path) -> Plan:
    out = tmp / "out"
    cleanup = mount_tmpfs(out, "64m")
    return build_plan(tmp, project(tmp))._replace(cleanup=cleanup)


def d6_ctrl_c(tmp: Path) -> Plan:
    marker = marker_of(tmp)
    code = backend(f"""\
        import subprocess, time
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{marker}"])
            time.sleep(600)
    """)

    def interrupt(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
        proc = subprocess.Popen(cli(*argv), env=child_env(env), cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        deadline = time.monotonic() + 60
        while not pids(marker):
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"the backend never started: {proc.communicate()[1]}")
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
        assert_gone(marker)
        return Run(proc.returncode, stdout, stderr)

    plan = build_plan(tmp, project(tmp, code))
    return plan._replace(run=interrupt)


def d8_foreign_staging(tmp: Path) -> Plan:
    out = tmp / "out"
    mine = out / f"{STAGING}{hashlib.sha256(PY.encode()).hexdigest()[:12]}"  # the name a build would pick
    mine.mkdir(parents=True)
    (mine / "keep.txt").write_text("mine", encoding="utf-8")

    def after(run: Run) -> None:
        assert (mine / "keep.txt").read_text(encoding="utf-8") == "mine"
        assert sorted(p.name for p in mine.iterdir()) == ["keep.txt"]

    return build_plan(tmp, project(tmp), after=after)


def d9_report_exists(tmp: Path) -> Plan:
    report = tmp / "report.json"
    report.write_text("my old report", encoding="utf-8")
    return Plan(["snapshot", "-o", str(report), "--python", PY], {}, cwd_of(tmp), None)


def d10_machine_state(tmp: Path) -> Plan:
    out = tmp / "out"
    out.mkdir()

    def check_then_snapshot(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
        first = run_cli("check", "--python", PY, env=env, cwd=cwd)
        assert first.returncode == 0, first.stderr
        return run_cli(*argv, env=env, cwd=cwd)

    return Plan(["snapshot", "-o", str(out / "s.json"), "--python", PY], {}, cwd_of(tmp), out,
                run=check_then_snapshot)


def d11_cache_is_a_file(tmp: Path) -> Plan:
    """The user cache folder (program answers, kept bytecode) is a file: the build neither fails nor
    replaces it; bytecode is written (PYTHONDONTWRITEBYTECODE empty), so there is something to keep."""
    cache = tmp / "cache"
    cache.write_text("not a folder\n", encoding="utf-8")
    example = ROOT / "examples" / "setuptools-c"
    files = {rel: (example / rel).read_bytes() for rel in ("pyproject.toml", "setup.py", "README.md", "src/hello_c.c")}

    def unchanged(run: Run) -> None:
        assert cache.read_text(encoding="utf-8") == "not a folder\n"

    (tmp / "src").mkdir()
    return build_plan(tmp, sdist_of(tmp / "src", files, top="hello_c-0.1.0"),
                      env={"BUILDDOCTOR_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": ""}, after=unchanged)


def v_wheel(members: list[tuple[zipfile.ZipInfo | str, bytes]], patch: Callable[[bytes], bytes] | None = None):
    """A `builddoctor verify` row: one hostile wheel, verified in place (nothing may change)."""

    def setup(tmp: Path) -> Plan:
        path = tmp / "pkg-1.0-cp313-cp313-manylinux_2_17_x86_64.whl"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in members:
                zf.writestr(info, data)
        if patch is not None:
            path.write_bytes(patch(path.read_bytes()))
        return Plan(["verify", str(path)], {}, cwd_of(tmp), None)

    return setup


# --------------------------------------------------------------------------- E: trust (snapshots, signals, deadlines)

CARGO_SECRETS = ('[registry]\ntoken = "cioE1registryTOKEN0123456789abcdefAB"\n'
                 '[registries.corp]\nindex = "sparse+https://corp.example/index/"\ntoken = "E1corpTOKEN"\n'
                 '[env]\nDEPLOY_KEY = "E1envVALUE"\n[http]\nproxy = "http://bob:E1proxyPW@proxy.example:3128"\n'
                 '[build]\ntarget = "x86_64-unknown-linux-gnu"\n')
FLAG_SECRETS = {"CFLAGS": "-O2 -DAPI_KEY=E1cflags", "CC": 'gcc -DPASSWORD="E1cc pw"', "CMAKE_ARGS": "-DSECRET=E1cmake",
                "RUSTFLAGS": "-C link-arg=-L/x -C link-arg=dummy PASSWORD=E1rustflags",
                "RUSTC_WRAPPER": "sccache SCCACHE_TOKEN=E1sccache",
                "PIP_INDEX_URL": "https://idx.example/simple?token=E1query&x=1",
                "UV_INDEX_URL": "https://g.example/api/v4/projects/1/packages/pypi/simple?private_token=E1private",
                "PIP_EXTRA_INDEX_URL": "https://b.s3.example/s/?X-Amz-Credential=E1cred&X-Amz-Signature=E1sig"
                                       "&X-Amz-Security-Token=E1sts&access_token=E1access"}


def e1_config_secrets(tmp: Path) -> Plan:
    out = tmp / "out"
    out.mkdir()
    cargo_home = tmp / "h" / ".cargo"
    cargo_home.mkdir(parents=True)
    (cargo_home / "config.toml").write_text(CARGO_SECRETS, encoding="utf-8")
    src = project(tmp, None, RUST_PYPROJECT)
    (src / ".cargo").mkdir()
    (src / ".cargo" / "config.toml").write_text(CARGO_SECRETS.replace("E1", "E1p"), encoding="utf-8")

    def after(run: Run) -> None:
        text = (out / "s.json").read_text(encoding="utf-8")
        # every planted value (not any "E1..." run: base64 of binary headers has those by chance)
        planted = set(re.findall(r"E1p?[A-Za-z]+", CARGO_SECRETS + CARGO_SECRETS.replace("E1", "E1p")
                                 + " ".join(FLAG_SECRETS.values())))
        leaked = sorted(p for p in planted if p in text)
        assert len(planted) > 10 and not leaked, leaked
        assert '\\ntarget = \\"x86_64-unknown-linux-gnu\\"' in text  # what the Rust probe uses is kept

    env = {"CARGO_HOME": str(cargo_home), **FLAG_SECRETS}
    return Plan(["snapshot", "-o", str(out / "s.json"), "--python", PY, "--project", str(src)], env, cwd_of(tmp), out,
                after=after)


def e2_user_named(user: str) -> Callable[[Path], Plan]:
    """USER=build turned [build-system] into [<user>-system]; USER=linux every triple into -<user>-."""
    def setup(tmp: Path) -> Plan:
        home = tmp / "home" / user
        src = project(home, BUILDS.replace("demo", f"{user}-demo"), RUST_PYPROJECT.replace("demo", f"{user}-demo"))
        out = tmp / "out"
        out.mkdir()
        env = {"USER": user, "LOGNAME": user, "HOME": str(home),  # rustup writes settings.toml into a new home
               "RUSTUP_HOME": str(Path.home() / ".rustup"), "CARGO_HOME": str(Path.home() / ".cargo")}

        def snapshot_then_replay(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
            live = run_cli("check", "--python", PY, "--project", str(src), env=env, cwd=cwd)
            snap = run_cli("snapshot", "-o", str(out / "s.json"), "--python", PY, "--project", str(src), env=env,
                           cwd=cwd)
            assert snap.returncode == 0, snap.stderr
            replay = run_cli(*argv, env=env, cwd=cwd)
            assert replay.stdout == live.stdout, (live.stdout, replay.stdout)
            assert replay.returncode == live.returncode
            return Run(0, replay.stdout, replay.stderr)

        def after(run: Run) -> None:
            assert "Target: linux x86_64" in run.stdout and "project.invalid" not in run.stdout
            assert f"/home/{user}/" not in (out / "s.json").read_text(encoding="utf-8")

        return Plan(["check", "--replay", str(out / "s.json")], env, cwd_of(tmp), out, run=snapshot_then_replay,
                    after=after)

    return setup


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


def _declare_huge(data: bytes) -> bytes:
    """Claim ~4 GiB uncompressed for the first member in the central directory (a zip bomb's header)."""
    at = data.find(b"PK\x01\x02")
    return data[:at + 24] + (0xFFFF0000).to_bytes(4, "little") + data[at + 28:]


def snapshot_doc(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def e3_deep_snapshot(tmp: Path) -> Plan:
    return check_plan(tmp, "--replay", str(snapshot_doc(tmp, "deep.json", "[" * 100_000 + "]" * 100_000)))


def e4_invocation_type(tmp: Path) -> Plan:
    doc = '{"schema": "builddoctor.snapshot/1", "os": "linux", "reads": {}, "invocation": ["3.12"]}'
    return check_plan(tmp, "--replay", str(snapshot_doc(tmp, "inv.json", doc)))


def e5_deep_pyproject(tmp: Path) -> Plan:
    src = project(tmp, None, IN_TREE + "dependencies = " + "[" * 50_000 + "]" * 50_000 + "\n")
    return check_plan(tmp, "--python", PY, "--project", str(src))


class Served(NamedTuple):
    url: str
    stop: Callable[[], None]


def serve(respond: Callable[[socket.socket], None]) -> Served:
    """A one-purpose HTTP server on 127.0.0.1 (the index a row needs), stopped by the row's cleanup."""
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    done = threading.Event()

    def loop() -> None:
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=lambda c=conn: _answer(c, respond, done), daemon=True).start()
        server.close()

    threading.Thread(target=loop, daemon=True).start()
    return Served(f"http://127.0.0.1:{server.getsockname()[1]}/simple", done.set)


def _answer(conn: socket.socket, respond: Callable[[socket.socket], None], done: object) -> None:
    with conn:
        try:
            conn.recv(65536)
            respond(conn)
        except OSError:
            pass


JSON_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.pypi.simple.v1+json\r\nConnection: close\r\n"


def e6_deep_index_json(tmp: Path) -> Plan:
    body = b"{\"files\": " + b"[" * 100_000 + b"]" * 100_000 + b"}"
    served = serve(lambda c: c.sendall(JSON_HEAD + b"Content-Length: %d\r\n\r\n" % len(body) + body))
    plan = Plan(["why", "demo", "--python", PY, "--index-url", served.url, "--timeout", "10"], {}, cwd_of(tmp),
                tmp / "out")
    return plan._replace(cleanup=served.stop)


def e7_trickling_index(tmp: Path) -> Plan:
    def trickle(conn: socket.socket) -> None:
        conn.sendall(JSON_HEAD + b"Content-Length: 100000\r\n\r\n")
        for _ in range(400):
            conn.sendall(b" ")
            time.sleep(0.5)

    served = serve(trickle)
    started = time.monotonic()

    def after(run: Run) -> None:
        assert time.monotonic() - started < 15, "--timeout 3 is a deadline for the whole request"

    plan = Plan(["why", "demo", "--python", PY, "--index-url", served.url, "--timeout", "3"], {}, cwd_of(tmp),
                tmp / "out", after=after)
    return plan._replace(cleanup=served.stop)


def stdout_to(target: str) -> Callable[[list[str], dict[str, str], Path], Run]:
    def run(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
        if target == "closed":
            p = subprocess.run(cli(*argv), env=child_env(env), cwd=cwd, stderr=subprocess.PIPE, text=True,
                               stdout=None, pass_fds=(), preexec_fn=lambda: os.close(1), timeout=120)
        else:
            with open(target, "w") as out:
                p = subprocess.run(cli(*argv), env=child_env(env), cwd=cwd, stdout=out, stderr=subprocess.PIPE,
                                   text=True, timeout=120)
        return Run(p.returncode, "", p.stderr)

    return run


def e8_output_unwritable(target: str) -> Callable[[Path], Plan]:
    def setup(tmp: Path) -> Plan:
        return Plan(["check", "--replay", str(MACHINES / "linux-x86_64-healthy.json")], {}, cwd_of(tmp), None,
                    run=stdout_to(target))

    return setup


def e9_non_utf8_path(tmp: Path) -> Plan:
    base = Path(os.fsdecode(bytes(tmp) + b"/proj-\xff"))
    src = project(base, BUILDS)

    def run(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
        p = subprocess.run(cli(*argv), env=child_env(env), cwd=cwd, capture_output=True, timeout=120)
        p.stdout.decode("utf-8")  # strict: the report is valid UTF-8
        return Run(p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace"))

    def after(run: Run) -> None:
        assert run.json()["facts"]["project"]["path"].endswith("proj-\\xff/proj")

    return Plan(["check", "--python", PY, "--project", str(src), "--json"], {}, cwd_of(tmp), tmp / "out", run=run,
                after=after)


def e10_not_a_file(kind: str) -> Callable[[Path], Plan]:
    def setup(tmp: Path) -> Plan:
        if kind == "fifo":
            target = tmp / "snap.fifo"
            os.mkfifo(target)
        else:
            target = Path("/dev/zero")
        return Plan(["check", "--replay", str(target)], {}, cwd_of(tmp), None,
                    run=lambda argv, env, cwd: run_cli(*argv, env=env, cwd=cwd, timeout=20))

    return setup


def e11_replay_stdin(tmp: Path) -> Plan:
    def run(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
        with open(MACHINES / "win-arm64-seed-emulated-x64.json", "rb") as fh:
            p = subprocess.run(cli(*argv), env=child_env(env), cwd=cwd, stdin=fh, capture_output=True, text=True,
                               timeout=120)
        return Run(p.returncode, p.stdout, p.stderr)

    return Plan(["check", "--replay", "-", "--json"], {}, cwd_of(tmp), None, run=run)


def e12_replay_foreign_python(tmp: Path) -> Plan:
    return Plan(["check", "--replay", str(MACHINES / "linux-x86_64-healthy.json"), "--python", PY], {}, cwd_of(tmp),
                None)


def e13_gcc_prints_forever(tmp: Path) -> Plan:
    bindir = tmp / "bin"
    script(bindir / "gcc", "exec yes 'gcc output that never ends ......................................'\n")

    def run(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
        import resource

        limit = 4 << 30  # 4 GiB of address space: the old unbounded buffer went to 8 GB

        def cap() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        p = subprocess.run(cli(*argv), env=child_env(env), cwd=cwd, capture_output=True, text=True, timeout=120,
                           preexec_fn=cap)
        return Run(p.returncode, p.stdout, p.stderr)

    def after(run: Run) -> None:
        gcc = [c for c in run.json()["facts"]["cc"]["compilers"] if c["path"] == str(bindir / "gcc")]
        assert gcc and gcc[0]["error"] == "timeout", gcc

    return check_plan(tmp, "--python", PY, env={"PATH": f"{bindir}:{os.environ['PATH']}"}, after=after)._replace(
        run=run)


def e14_grandchild_holds_pipe(tmp: Path) -> Plan:
    marker = marker_of(tmp)
    script(tmp / "bin" / "cmake", f'echo "cmake version 3.99.1"\n{PY} -c "import time; time.sleep(600)" {marker} &\n'
                                  'exit 0\n')
    started = time.monotonic()

    def after(run: Run) -> None:
        assert run.json()["facts"]["cmake"]["version"] == "3.99.1", run.json()["facts"]["cmake"]
        assert time.monotonic() - started < 8, "the probe waited for the grandchild"
        assert_gone(marker)

    return check_plan(tmp, "--python", PY, env={"PATH": f"{tmp / 'bin'}:{os.environ['PATH']}"}, after=after)


def interrupt_when(marker: str, sig: int) -> Callable[[list[str], dict[str, str], Path], Run]:
    def run(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
        proc = subprocess.Popen(cli(*argv), env=child_env(env), cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        deadline = time.monotonic() + 90
        while not pids(marker):
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"the marked child never started: {proc.communicate()[1]}")
            time.sleep(0.05)
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=60)
        assert_gone(marker)
        return Run(proc.returncode, stdout, stderr)

    return run


def e15_check_signalled(sig: int) -> Callable[[Path], Plan]:
    def setup(tmp: Path) -> Plan:
        marker = marker_of(tmp)
        script(tmp / "bin" / "cmake", f'{PY} -c "import time; time.sleep(600)" {marker} &\nwait\n')
        plan = check_plan(tmp, "--python", PY, env={"PATH": f"{tmp / 'bin'}:{os.environ['PATH']}"})
        return plan._replace(run=interrupt_when(marker, sig))

    return setup


def e16_build_signalled(sig: int) -> Callable[[Path], Plan]:
    def setup(tmp: Path) -> Plan:
        marker = marker_of(tmp)
        code = backend(f"""\
            import subprocess, time
            def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
                subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{marker}"])
                time.sleep(600)
        """)
        return build_plan(tmp, project(tmp, code))._replace(run=interrupt_when(marker, sig))

    return setup


def e17_misspelt(argv: list[str]) -> Callable[[Path], Plan]:
    def setup(tmp: Path) -> Plan:
        def after(run: Run) -> None:
            assert "builddoctor: error: builddoctor" not in run.stderr, run.stderr

        return Plan(argv, {}, cwd_of(tmp), None, after=after)

    return setup


def e18_requires_python(tmp: Path) -> Plan:
    code = backend('def build_wheel(*a, **k):\n    raise SystemExit("the backend ran")\n')
    pyproject = IN_TREE + 'requires-python = ">=99"\n'
    return build_plan(tmp, project(tmp, code, pyproject))


def e19_prerelease(tmp: Path) -> Plan:
    def after(run: Run) -> None:
        assert run.json()["target"]["tags"][0] == "cp314-cp314-manylinux_2_36_x86_64", run.json()["target"]

    return replay_plan(tmp, FIXTURES / "linux-python-3.14-rc.json", after=after)


def e20_cargo_only(tmp: Path) -> Plan:
    src = tmp / "crate"
    src.mkdir()
    (src / "Cargo.toml").write_text('[package]\nname = "demo"\nversion = "0.1.0"\n\n[lib]\ncrate-type = ["cdylib"]\n',
                                    encoding="utf-8")

    def after(run: Run) -> None:
        assert run.json()["facts"]["project"]["is_rust"] is True, run.json()["facts"]["project"]

    return check_plan(tmp, "--python", PY, "--project", str(src), after=after)


def e21_rebuild(tmp: Path) -> Plan:
    code = WHEEL.replace("(2020, 1, 1, 0, 0, 0)", "time.localtime()[:6]").replace("import os,", "import time, os,") \
        + "\n\ndef build_wheel(wheel_directory, config_settings=None, metadata_directory=None):\n" \
          "    time.sleep(2)  # zip timestamps have a 2 s resolution\n    return _wheel(wheel_directory)\n"
    src = project(tmp, code)
    out = tmp / "out"

    def twice(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
        first = run_cli(*argv, env=env, cwd=cwd)
        assert first.returncode == 0, first.stderr
        return run_cli(*argv, env=env, cwd=cwd)

    return Plan(build_argv(src, out), {}, cwd_of(tmp), out, run=twice)


def e23_direct_references(tmp: Path) -> Plan:
    reqs = tmp / "reqs"
    (reqs / "localpkg").mkdir(parents=True)
    (reqs / "requirements.txt").write_text(
        "git+https://github.com/psf/requests@v2.31.0#egg=requests\n./localpkg\n"
        "https://files.example/pkg-1.0.tar.gz\n", encoding="utf-8")

    def after(run: Run) -> None:
        assert run.stdout.count("is a direct reference") == 3, run.stdout

    return Plan(["why", "requests", "localpkg", "pkg", "--project", str(reqs / "requirements.txt"), "--python", PY,
                 "--index-url", CLOSED_INDEX], {}, cwd_of(tmp), None, after=after)


def e24_requirement_needs_newer_python(tmp: Path) -> Plan:
    links = tmp / "links"
    links.mkdir()
    info = "needy-1.0.dist-info"
    with zipfile.ZipFile(links / "needy-1.0-py3-none-any.whl", "w") as zf:
        zf.writestr("needy/__init__.py", "")
        zf.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: needy\nVersion: 1.0\nRequires-Python: >=99\n")
        zf.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr(f"{info}/RECORD", "")
    pyproject = IN_TREE.replace("requires = []", 'requires = ["needy"]')

    def after(run: Run) -> None:
        assert "builddoctor: tip: a build requirement does not support this Python" in run.stderr, run.stderr

    env = {"UV_OFFLINE": "1", "UV_NO_INDEX": "1", "UV_FIND_LINKS": str(links)}
    return build_plan(tmp, project(tmp, BUILDS, pyproject), env=env, after=after)


def e25_first_errors(tmp: Path) -> Plan:
    code = backend("""\
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            print("src/frob.c:3:10: fatal error: Python.h: No such file or directory")
            for i in range(40):
                print("src/frob.c:%d:1: error: unknown type name 'PyObject'" % (i + 10))
            for i in range(60):
                print("src/frob.c:%d:5: warning: implicit declaration of function 'f%d'" % (i + 60, i))
            raise SystemExit(1)
    """)
    out = tmp / "out"

    def after(run: Run) -> None:
        assert "Python.h: No such file or directory" in run.stderr, run.stderr
        [log] = out.glob("builddoctor-build*.log")
        assert f"the backend's full output is in {log}" in run.stderr
        assert log.read_text(encoding="utf-8").count("warning: implicit declaration") == 60

    return build_plan(tmp, project(tmp, code), after=after)


def newest_pyenv(prefix: str) -> str:
    names = {p.parent.parent.name for p in PYENV.glob(f"{prefix}*/bin/python*")}
    found = sorted((tuple(int(x) for x in n.split(".")), n) for n in names if re.fullmatch(r"\d+\.\d+\.\d+", n))
    if not found:
        pytest.skip(f"no pyenv CPython {prefix} here (scripts/setup-test-machine)")
    return found[-1][1]


def e26_python_request(request: str, expect: Callable[[], str]) -> Callable[[Path], Plan]:
    def setup(tmp: Path) -> Plan:
        def after(run: Run) -> None:
            interp = run.json()["facts"]["interpreter"]
            assert interp["version"] == expect(), interp
            assert interp["chosen_because"].startswith(f"--python {request}: "), interp

        return check_plan(tmp, "--python", request, after=after)

    return setup


def e27_deleted_venv(tmp: Path) -> Plan:
    return check_plan(tmp, env={"VIRTUAL_ENV": str(tmp / "deleted-venv")})


def e28_m32(tmp: Path) -> Plan:
    src = project(tmp, None, '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n')
    (src / "setup.py").write_text('from setuptools import Extension, setup\nsetup(name="demo", '
                                  'ext_modules=[Extension("demo", ["demo.c"])])\n', encoding="utf-8")
    return check_plan(tmp, "--python", PY, "--project", str(src), env={"CFLAGS": "-O2 -m32"})


def e29_musl(tmp: Path) -> Plan:
    def after(run: Run) -> None:
        target = run.json()["target"]
        assert target["libc"] == "musl" and target["rust_triple"] == "x86_64-unknown-linux-musl", target
        assert target["tags"][0] == "cp312-cp312-musllinux_1_2_x86_64", target["tags"]

    return replay_plan(tmp, FIXTURES / "linux-alpine-musl.json", after=after)


def e30_damaged_snapshot(tmp: Path) -> Plan:
    import json

    doc = json.loads((MACHINES / "linux-x86_64-healthy.json").read_text(encoding="utf-8"))
    doc["reads"] = {k: v for k, v in doc["reads"].items() if not k.startswith("run python-probe")}
    doc["reads"]["which rustc"] = 42
    damaged = snapshot_doc(tmp, "damaged.json", json.dumps(doc))

    def after(run: Run) -> None:
        assert "looks damaged" in run.stderr and "'which rustc' has a value of the wrong type" in run.stderr
        assert "'run python-probe ~/.pyenv/versions/3.12.1/bin/python3' is missing" in run.stderr, run.stderr

    return check_plan(tmp, "--replay", str(damaged), after=after)


def e31_lock_in_manifest_folder(tmp: Path) -> Plan:
    src = project(tmp, None, RUST_PYPROJECT + '\n[tool.maturin]\nmanifest-path = "rust/Cargo.toml"\n')
    (src / "rust").mkdir()
    (src / "rust" / "Cargo.toml").write_text('[package]\nname = "demo"\nversion = "0.1.0"\n', encoding="utf-8")
    (src / "rust" / "Cargo.lock").write_text('version = 3\n\n[[package]]\nname = "ring"\nversion = "0.17.8"\n',
                                             encoding="utf-8")

    def after(run: Run) -> None:
        cc = run.json()["facts"]["cc"]
        assert cc["cargo_lock"] == str(src / "rust" / "Cargo.lock") and ["ring", "0.17.8"] in cc["crates"], cc

    return check_plan(tmp, "--python", PY, "--project", str(src), after=after)


UV_LOCK_SDIST_ONLY = """\
version = 1
revision = 3
requires-python = ">=3.9"

[[package]]
name = "demo"
version = "1.0"
source = { editable = "." }
dependencies = [{ name = "pyyaml" }]

[[package]]
name = "pyyaml"
version = "6.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "URL", hash = "HASH", size = 124996 }
""".replace("URL", "https://files.pythonhosted.org/packages/36/2b/61d51a2c4f25ef062ae3f74576b01638bebad5e045f747ff1"
            "2643df63844/PyYAML-6.0.tar.gz").replace(
    "HASH", "sha256:68fb519c14306fec9720a2a5b45bc9f0c8d1b9c72adf45c37baedfcd949c35a2")


def e32_lock_without_wheels(tmp: Path) -> Plan:
    src = project(tmp, None, IN_TREE.replace('version = "1.0"\n', 'version = "1.0"\ndependencies = ["pyyaml"]\n'))
    (src / "uv.lock").write_text(UV_LOCK_SDIST_ONLY, encoding="utf-8")
    return check_plan(tmp, "--python", PY, "--project", str(src))


def e33_sitecustomize_build(tmp: Path) -> Plan:
    venv = tmp / "venv"
    subprocess.run([uv(), "venv", "-q", "--python", PY, str(venv)], check=True, capture_output=True, timeout=120)
    [site] = venv.glob("lib/python*/site-packages")
    (site / "sitecustomize.py").write_text('print("hello from sitecustomize")\nprint(\'{"result": "success"}\')\n',
                                           encoding="utf-8")
    out = tmp / "out"
    return Plan(["build", str(project(tmp)), "-o", str(out), "--python", str(venv / "bin" / "python"),
                 "--installer", "uv"], {}, cwd_of(tmp), out)


# --------------------------------------------------------------------------- the table

WINDOWS_CI = pytest.mark.skip(reason="Windows only: covered by CI")

CASES: list[Case] = [
    # A: sdists (build <archive> -o OUT with small limits)
    Case("A1", "member ../../evil.txt", refused(lambda: tgz(good(F("pkg-1.0/../../evil.txt")))), 3,
         "'..' path component"),
    Case("A21", "member ../../evil.txt after a pyproject.toml that declares build requirements (their install "
                "starts from the archive's own texts, before the unpack has checked every member)",
         refused(lambda: tgz(good(F("pkg-1.0/pyproject.toml", b'[build-system]\nrequires = ["setuptools>=40.8"]\n'
                                                            b'build-backend = "setuptools.build_meta"\n'),
                                  F("pkg-1.0/../../evil.txt")))), 3, "'..' path component"),
    Case("A2", "absolute member /etc/cron.d/x", refused(lambda: tgz(good(F("/etc/cron.d/x")))), 3, "absolute path"),
    Case("A3", "symlink to /etc", refused(lambda: tgz(good(S("pkg-1.0/etc", "/etc")))), 3, "link to absolute path"),
    Case("A4", "symlink up -> ../.. then up/x",
         refused(lambda: tgz(good(S("pkg-1.0/up", "../.."), F("pkg-1.0/up/x")))), 3, "symlink"),
    Case("A5", "chain redir -> ., redir/up -> ..",
         refused(lambda: tgz(good(S("pkg-1.0/redir", "."), S("pkg-1.0/redir/up", ".."),
                                  F("pkg-1.0/redir/up/outside.txt")))), 3, "passes through symlink"),
    Case("A6", "hardlink to a deeper symlink",
         refused(lambda: tgz(good(D("pkg-1.0/deep"), S("pkg-1.0/deep/l", "../PKG-INFO"),
                                  H("pkg-1.0/h", "pkg-1.0/deep/l")))), 3, "not a regular file"),
    Case("A7", "FIFO member", refused(lambda: tgz(good(special("pkg-1.0/fifo", tarfile.FIFOTYPE)))), 3, "FIFO"),
    Case("A8", "setuid and 0o2666 files extracted without the special bits", a8_setuid, 0, "MODES 755 644",
         where="stderr", wheels=1),
    Case("A9", "empty-name symlink", refused(lambda: tgz(good(S("", ".."), F("pkg-1.0/x")))), 3, "empty name"),
    Case("A10", "two top-level folders", refused(lambda: tgz([*good(), D("other-1.0"), F("other-1.0/x")])), 3,
         "top-level"),
    Case("A11", "no PKG-INFO", refused(lambda: tgz([D("pkg-1.0"), F("pkg-1.0/setup.py")])), 3,
         "missing 'pkg-1.0/PKG-INFO'"),
    Case("A12", "gzip truncated at 50%", refused(truncated_gzip), 3, "truncated or corrupt"),
    Case("A13", "HTML error page named .tar.gz", refused(html_page), 3, "not a gzip-compressed tar"),
    Case("A14", "zip+tar polyglot, even with --allow-zip", refused(polyglot, "--allow-zip"), 3, "polyglot"),
    Case("A15", "member declaring 20 GiB", refused(huge_member), 3, "over the per-file limit of 1000"),
    Case("A16", "same path twice", refused(lambda: tgz(good(F("pkg-1.0/a.py", b"1"), F("pkg-1.0/a.py", b"2")))), 3,
         "duplicate"),
    Case("A17", "newline in a member name", refused(lambda: tgz(good(F("pkg-1.0/a\nb")))), 3,
         "control character U+000A"),
    Case("A18", "README and readme", refused(lambda: tgz(good(F("pkg-1.0/README"), F("pkg-1.0/readme")))), 3,
         "case-insensitive"),
    Case("A19", "PAX GNU.sparse.map with 4301 digits",
         refused(lambda: tgz(good(pax(F("pkg-1.0/sparse"), GNU__sparse__map="1" * 4301)))), 3, "refusing sdist"),
    Case("A20", "sdist under 'Laura Frølich/Downloads/pkg (1)'", a20_awkward_folder, 0,
         "hello_c-0.1.0-cp", wheels=1),
    # B: projects and backends (build <folder> -o OUT)
    Case("B1", "invalid TOML", in_tree(BUILDS, pyproject="[build-system\nrequires = []\n"), 4, "line 1, column 14"),
    Case("B2", "requires is a string", in_tree(BUILDS, pyproject=IN_TREE.replace("[]", '"setuptools"')), 4,
         "`requires` must be an array of strings"),
    Case("B3", "[build_system] typo table: warned, PEP 517 defaults used", b3_typo_table, 0,
         "did you mean 'build-system'", where="stderr", wheels=1),
    Case("B4", "backend not importable", in_tree(BUILDS, pyproject=IN_TREE.replace("local_backend", "nonsense_package")
                                                 .replace('backend-path = ["."]\n', "")), 4,
         "build backend 'nonsense_package' cannot be imported"),
    Case("B5", "backend-path outside the project",
         in_tree(BUILDS, pyproject=IN_TREE.replace('["."]', '["../elsewhere"]')), 4, "backend-path"),
    Case("B6", "backend never returns (--timeout 5)", b6_never_returns, 7, "--timeout 5s"),
    Case("B7", "backend leaves a daemon holding stdout", b7_daemon, 0, WHEEL_NAME, wheels=1),
    Case("B8", "backend returns '../../x.whl'", in_tree(backend("""\
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            with open(os.path.join(wheel_directory, "..", "x.whl"), "w") as f:
                f.write("PK")
            return "../../x.whl"
    """)), 5, "invalid backend result"),
    Case("B9", "wheel name/version differs from the project's", in_tree(backend("""\
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            return _wheel(wheel_directory, "other", "2.0")
    """)), 5, "the wheel is other 2.0 but the project is demo 1.0"),
    Case("B10", "backend prints 0xff bytes and 8 MB, then fails", b10_noisy_failure, 5,
         "the build backend failed in build_wheel (exit 1)"),
    Case("B11", "backend prints fake protocol JSON on stdout", in_tree(backend("""\
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            print('{"return_val": "../../evil.whl", "unsupported": false}')
            print('@@BUILDDOCTOR@@{"wheel": "evil.whl"}@@END@@')
            return _wheel(wheel_directory)
    """)), 0, WHEEL_NAME, wheels=1),
    Case("B12", "build-requires itself", b12_self, 4, "cyclic build dependency"),
    Case("B13", "build dependency unresolvable (offline, closed index)", b13_offline_index, 4,
         "could not install the build requirements (surely-not-a-package-b13)"),
    Case("B14", "backend calls os._exit(0) mid-hook", in_tree(backend("""\
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            os._exit(0)
    """)), 5, "exited without a result"),
    # C: interpreters, toolchains, environment
    Case("C1", "build --python /nope/python3",
         lambda tmp: Plan([*build_argv(project(tmp), tmp / "out")[:-4], "--python", "/nope/python3"], {},
                          cwd_of(tmp), tmp / "out"), 2, "/nope/python3"),
    Case("C1", "check --python ./relative/path (resolved from the user's folder)", c1_relative_python, 0),
    Case("C2", "interpreter not executable", c2_not_executable, 1, "permission-denied",
         finding="interpreter.unusable"),
    Case("C3", "interpreter is /bin/echo",
         lambda tmp: check_plan(tmp, "--python", "/bin/echo", after=interpreter_error("not-python")), 1,
         "is not a Python interpreter", finding="interpreter.unusable"),
    Case("C4", "Python 2.7", c4_python2, 1, "too old", finding="interpreter.unusable"),
    Case("C5", "sitecustomize prints to stdout, even the sentinel", c5_sitecustomize, 0),
    Case("C6", "Microsoft Store stub (recorded)", lambda tmp: replay_plan(tmp, FIXTURES / "win-store-stub-python.json",
                                                                          after=interpreter_error("store-stub")),
         1, "Microsoft Store stub", finding="interpreter.unusable"),
    Case("C7", "venv whose base Python was uninstalled", c7_broken_venv, 1, "broken venv",
         finding="interpreter.unusable"),
    Case("C8", "no rustup, no rustc on PATH", c8_no_rust, 1, "no rustc/cargo is on PATH", finding="rust.missing"),
    Case("C9", "rustc printing random bytes and escapes", c9_garbage_rustc, 0, "gave no host line",
         finding="rust.rustc-broken"),
    Case("C10", "rust-toolchain.toml pins an absent toolchain", c10_pinned_toolchain, 1, "1.2.3",
         finding="rust.toolchain-missing"),
    Case("C11", "cmake --version that never ends", c11_hanging_cmake, 0),
    Case("C12", "no vswhere.exe, %ProgramFiles(x86)% unset (recorded)",
         lambda tmp: replay_plan(tmp, FIXTURES / "win-no-vswhere.json"), 1, "vswhere.exe is missing",
         finding="cc.no-compiler"),
    Case("C13", "vswhere prints invalid JSON (recorded)",
         lambda tmp: replay_plan(tmp, MACHINES / "win-vswhere-invalid-json.json"), 0, "unknown (not missing)",
         finding="msvc.vswhere-unparseable"),
    Case("C14", "vcvarsall exits 0 with [ERROR:vcvars.bat] (recorded)",
         lambda tmp: devshell_plan(tmp, "--replay", str(MACHINES / "win-vcvarsall-error.json")), 1,
         "[ERROR:vcvars.bat] Version '14.44.35207' is not valid"),
    Case("C15", "non-ASCII values in the dev shell (recorded)", c15_non_ascii, 0, '"arch": "x64"'),
    Case("C16", "cmd AutoRun output before vcvarsall's (recorded)", c16_autorun, 0, '"spec": "amd64"'),
    Case("C17", "PATH of 1000+ entries, over 8191 characters", c17_long_path, 0),
    Case("C18", "PATH with '::' and fake tools in the current folder", c18_empty_path_entries, 0),
    Case("C19", "quoted PATH entry with parentheses (recorded)",
         lambda tmp: replay_plan(tmp, FIXTURES / "win-quoted-path-entry.json"), 0, "is written with quotes",
         finding="path.quoted-entry"),
    Case("C20", "Japanese cl.exe banner in cp932 read as cp1252 (recorded)",
         c20_cl_banner, 1, "dev shell for arm64", finding="msvc.devshell-mismatch"),
    Case("C21", "gcc exits 127 (cc1 missing)", c21_broken_gcc, 1, "exit 127", finding="cc.compiler-broken"),
    Case("C22", "cmake prints non-JSON garbage", c22_garbage_cmake, 0),
    Case("C23", "devshell --arch 'x64&calc'", c23_arch_injection, 2, "--arch 'x64&calc' is not one of"),
    Case("C24", "tokens in the environment are not in the report", c24_secrets, 0, "wrote "),
    Case("C24", "tokens stripped from the backend's environment", c24_backend_env, 0, WHEEL_NAME, wheels=1),
    Case("C25", "home 'Laura Frølich' (recorded)", c25_home, 0, "non-ASCII", finding="host.home-non-ascii"),
    Case("C26", "LANG=C, PYTHONUTF8=0 and a non-ASCII project path", c26_c_locale, 0, "Fr\u00f8lich \u4e2d\u6587",
         wheels=1),
    # V: wheels given to `builddoctor verify` (exit 2, one line, nothing written)
    Case("V1", "wheel with a symlink member", v_wheel([(_symlink("pkg/_x.so"), b"/etc/passwd")]), 2,
         "is a symbolic link"),
    Case("V2", "wheel member declaring 4 GiB (zip bomb)", v_wheel([("pkg/_x.so", b"\x7fELF" + bytes(60))],
                                                                   _declare_huge), 2, "zip bomb"),
    Case("V3", "truncated ELF extension", v_wheel([("pkg/_x.so", b"\x7fELF\x02\x01\x01" + bytes(20))]), 2,
         "broken binary header"),
    Case("V4", "not a zip", v_wheel([], lambda _: b"not a zip at all"), 2, "not a readable zip file"),
    # D: output folder, interruption, machine state
    Case("D1", "output folder is a file", d1_outdir_is_a_file, 6, "is a file"),
    Case("D2", "disk full while extracting (64 KiB tmpfs)", d2_disk_full, 6, "No space left on device"),
    Case("D3", "wheel of the same name already there (then --overwrite)", d3_existing_wheel, 6, "already exists",
         wheels=1),
    Case("D4", "two concurrent builds of one sdist into one folder", d4_concurrent, 0, WHEEL_NAME, wheels=1),
    Case("D5", "output folder on another filesystem (tmpfs)", d5_other_filesystem, 0, WHEEL_NAME, wheels=1),
    Case("D6", "Ctrl-C while the backend runs", d6_ctrl_c, 130, "interrupted"),
    Case("D7", "antivirus holds a temp file", lambda tmp: Plan([], {}, tmp, None), 0, marks=(WINDOWS_CI,)),
    Case("D8", "a foreign non-empty staging folder is neither reused nor removed", d8_foreign_staging, 0,
         WHEEL_NAME, wheels=1),
    Case("D9", "snapshot -o an existing file", d9_report_exists, 2, "already exists"),
    Case("D10", "check then snapshot leave the machine as it was", d10_machine_state, 0, "wrote "),
    Case("D11", "the user cache folder is a file (BUILDDOCTOR_CACHE_DIR): no program answers and no bytecode can be "
                "kept", d11_cache_is_a_file, 0, " built in ", wheels=1),
    # E: trust (snapshots that leak nothing and replay true, signals, deadlines, no internal errors)
    Case("E1", "cargo config tokens, URL query secrets, NAME=VALUE in flag variables", e1_config_secrets, 0, "wrote ",
         why="a snapshot is attached to public bug reports: registry tokens and signed URLs must not travel with it"),
    *(Case("E2", f"USER={u}: the snapshot replays to the live report", e2_user_named(u), 0, "Target: linux",
           why="the user name is a common word: masking it everywhere corrupted [build-system] and every triple")
      for u in ("build", "linux")),
    Case("E3", "snapshot JSON nested 100,000 deep", e3_deep_snapshot, 2, "nested too deeply",
         why="json.loads raised RecursionError: an internal error instead of 'not a snapshot'"),
    Case("E3", "snapshot whose invocation is a list", e4_invocation_type, 2, "'invocation'",
         why="a damaged snapshot crashed with AttributeError"),
    Case("E3", "pyproject.toml nested 50,000 deep", e5_deep_pyproject, 2, "nested too deeply",
         why="tomllib recursion on a hostile project was an internal error"),
    Case("E3", "index page JSON nested 100,000 deep", e6_deep_index_json, 2, "nested too deeply",
         why="a hostile or broken index made 'why' crash"),
    Case("E4", "index sending one byte every 0.5 s (why --timeout 3)", e7_trickling_index, 2, "timed out",
         why="the timeout applied per socket read, so a trickling index kept 'why' running for minutes"),
    Case("E5", "why --timeout -5", lambda tmp: Plan(["why", "x", "--timeout", "-5"], {}, cwd_of(tmp), None), 2,
         "argument --timeout", why="a negative timeout reached select() and crashed"),
    Case("E5", "why --timeout nan", lambda tmp: Plan(["why", "x", "--timeout", "nan"], {}, cwd_of(tmp), None), 2,
         "argument --timeout", why="NaN reached the socket layer and crashed"),
    Case("E5", "BUILDDOCTOR_PROBE_TIMEOUT=abc",
         lambda tmp: check_plan(tmp, "--python", PY, env={"BUILDDOCTOR_PROBE_TIMEOUT": "abc"}), 2,
         "BUILDDOCTOR_PROBE_TIMEOUT", why="the variable was parsed at import: every command, even explain, crashed"),
    Case("E5", "explain with BUILDDOCTOR_PROBE_TIMEOUT=abc",
         lambda tmp: Plan(["explain"], {"BUILDDOCTOR_PROBE_TIMEOUT": "abc"}, cwd_of(tmp), None), 0, "rust.missing",
         why="guard: the variable must be read only when a probe runs (it was parsed at import once)"),
    Case("E5", "standard output is /dev/full", e8_output_unwritable("/dev/full"), 2,
         "cannot write to standard output", why="ENOSPC on stdout was an internal error"),
    Case("E5", "standard output closed", e8_output_unwritable("closed"), 2, "standard output is closed",
         why="with stdout closed the report vanished and the exit status said success"),
    Case("E5", "project path with a non-UTF-8 byte (check --json)", e9_non_utf8_path, 0, '"schema"',
         why="the JSON report carried invalid UTF-8 and the snapshot could not be written"),
    Case("E5", "--replay a FIFO", e10_not_a_file("fifo"), 2, "not a regular file",
         why="reading a FIFO nobody writes to hung forever"),
    Case("E5", "--replay /dev/zero", e10_not_a_file("zero"), 2, "not a regular file",
         why="reading /dev/zero filled memory"),
    Case("E6", "check --project that does not exist",
         lambda tmp: Plan(["check", "--project", str(tmp / "nope")], {}, cwd_of(tmp), None), 2, "does not exist",
         why="a typo in --project reported '0 errors' and exit 0"),
    Case("E6", "check --project naming a file",
         lambda tmp: Plan(["check", "--project", str(MACHINES / "linux-x86_64-healthy.json")], {}, cwd_of(tmp),
                          None), 2, "is a file", why="a file as --project reported '0 errors' and exit 0"),
    Case("E7", "check --replay - (standard input)", e11_replay_stdin, 1, "ARM64", finding="markers.host-cpu",
         why="piping a snapshot (curl ... | builddoctor check --replay -) was refused"),
    Case("E7", "--python with --replay that the snapshot never read", e12_replay_foreign_python, 2,
         "holds no reads for --python", why="--python was silently answered with 'Target: unknown'"),
    Case("E7", "mistyped command 'chek'", e17_misspelt(["chek"]), 2, "did you mean 'check'?",
         why="a typo got only a list of commands"),
    Case("E7", "mistyped option 'check --jsn'", e17_misspelt(["check", "--jsn"]), 2, "did you mean --json?",
         why="a typo got 'unrecognized arguments' and the doubled 'builddoctor: error: builddoctor:' prefix"),
    Case("E7", "snapshot -o ''", lambda tmp: Plan(["snapshot", "-o", ""], {}, cwd_of(tmp), None), 2, "empty path",
         why="an empty output path fell back to the default (build) or failed with exit 6 (snapshot)"),
    Case("E7", "build --max-members -1", lambda tmp: Plan(["build", "--max-members", "-1"], {}, cwd_of(tmp), None), 2,
         "must be 1 or more", why="a negative cap reached the sdist check and exited 3 (unsafe sdist)"),
    Case("E6", "build with Requires-Python >=99", e18_requires_python, 4, "requires Python >=99",
         why="build ignored Requires-Python: 50 s compiling rpds-py for 3.9, then the wheel refused to install"),
    Case("E6", "check with Requires-Python >=99",
         lambda tmp: check_plan(tmp, "--python", PY, "--project",
                                str(project(tmp, None, IN_TREE + 'requires-python = ">=99"\n'))), 1, ">=99",
         finding="project.requires-python", why="check said nothing about a Python the project refuses"),
    Case("E6", "pre-release interpreter 3.14.0rc2 (recorded)", e19_prerelease, 0,
         why="'3.14.0rc2' parsed to an empty version: no wheel tags, and 'why' exited with 'no interpreter tags'"),
    Case("E6", "a Cargo.toml-only project", e20_cargo_only, 0, '"is_rust": true',
         why="a folder with only Cargo.toml (maturin's layout) was not recognised as a project at all"),
    Case("E6", "cargo installed in $CARGO_HOME/bin, which is not on PATH", e22_cargo_off_path, 1,
         "not on PATH", finding="rust.missing",
         why="'install rustup' was the advice to someone who had just installed it (a shell opened before)"),
    Case("E6", "why on git+https, local-path and URL lines of a requirements file", e23_direct_references, 0,
         "built from source",
         why="pip accepts these lines; 'why' aborted on the first with 'invalid requirement'"),
    Case("E6", "a build requirement that needs Python >=99", e24_requirement_needs_newer_python, 4,
         "requires Python >=99", why="installer failures were cut to their last line under a fixed tip "
                                     "('check the requirement names') that hid the real cause"),
    Case("E6", "40 compiler errors, then 60 warnings", e25_first_errors, 5, "failed in build_wheel",
         why="the 25-line failure tail showed only warnings: the first error (the cause) was never shown"),
    Case("E6", "--python 3 picks the newest 3.x", e26_python_request("3", lambda: newest_pyenv("3.")), 0,
         why="'--python 3' picked 3.10 (the first folder listed), not the newest, and said nothing"),
    Case("E6", "--python python3.12 (a name on PATH, a pyenv shim there)",
         e26_python_request("python3.12", lambda: newest_pyenv("3.12")), 0,
         why="a command name was taken for a path: 'does not exist'"),
    Case("E6", "--python 2.7 finds the installed 2.7, not the pyenv shim", lambda tmp: check_plan(
        tmp, "--python", "2.7", after=interpreter_error("unsupported")), 1, "too old", finding="interpreter.unusable",
         why="'--python 2.7' ran the broken pyenv shim and reported a confusing error instead of 'too old'"),
    Case("E6", "VIRTUAL_ENV names a deleted venv", e27_deleted_venv, 0, "deleted venv",
         finding="interpreter.venv-missing", why="check silently fell back to another python"),
    Case("E6", "CFLAGS=-m32 with a 64-bit Python", e28_m32, 1, "-m32", finding="cc.flags-mismatch",
         why="32-bit objects that cannot load into the 64-bit Python were not flagged"),
    Case("E6", "Alpine: musl named only by the ELF interpreter (recorded)", e29_musl, 0, "musllinux_1_2_x86_64",
         why="no libc reported on Alpine meant glibc assumed: wrong tags, a false 'built from source', "
             "CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu"),
    Case("E6", "snapshot with a read removed and one of the wrong type", e30_damaged_snapshot, 1, "",
         finding="interpreter.unusable", why="a damaged but valid snapshot gave a confident report"),
    Case("E6", "Cargo.lock beside a manifest-path in a sub-folder", e31_lock_in_manifest_folder, 0,
         why="Cargo.lock was read only at the project root: ring in rust/Cargo.lock went unseen"),
    Case("E6", "uv.lock that lists only PyYAML 6.0's sdist (offline check)", e32_lock_without_wheels, 0,
         "either none are published or the lock did not keep them", finding="deps.build-from-source",
         why="check said PyYAML 6.0 'publishes no wheels at all'; it publishes many, the lock dropped them"),
    Case("E6", "build for an interpreter whose sitecustomize prints", e33_sitecustomize_build, 0, WHEEL_NAME,
         wheels=1, why="check passed but build failed: uv could not read the interpreter's answer "
                       "('could not create the build environment with uv')"),
    Case("E7", "rebuild into the same output folder (wheel bytes differ, contents equal)", e21_rebuild, 0,
         "unchanged", wheels=1, why="wheels are never byte-identical: the rebuild ended in exit 6 after the build"),
    Case("E7", "build --print-env for a Rust project whose target is the host (recorded)",
         lambda tmp: Plan(["build", "--print-env", "--replay", str(MACHINES / "linux-x86_64-healthy.json"), "--kind",
                           "maturin"], {}, cwd_of(tmp), None), 0, "target/release is not reused",
         why="builds always pass --target, so an existing target/release cache was silently never reused"),
    Case("E8", "gcc on PATH printing forever (4 GiB address-space limit)", e13_gcc_prints_forever, 0, '"schema"',
         why="probe output was buffered without bound: check reached 8 GB"),
    Case("E8", "cmake exits but its grandchild keeps the pipe open", e14_grandchild_holds_pipe, 0, '"schema"',
         why="the probe waited the full timeout and discarded cmake's complete answer"),
    Case("E9", "SIGTERM while probes run", e15_check_signalled(signal.SIGTERM), 143, "SIGTERM",
         why="CI cancellation, timeout(1) and docker stop send TERM: probe children and folders stayed behind"),
    Case("E9", "SIGHUP while probes run", e15_check_signalled(signal.SIGHUP), 129, "SIGHUP",
         why="closing the terminal sends HUP: same leftovers as TERM"),
    Case("E9", "SIGTERM while the backend runs", e16_build_signalled(signal.SIGTERM), 143, "SIGTERM",
         why="maturin/cargo/rustc kept running and .builddoctor-tmp-* stayed in the output folder"),
    Case("E9", "SIGHUP while the backend runs", e16_build_signalled(signal.SIGHUP), 129, "SIGHUP",
         why="the same for a closed terminal"),
]


# --------------------------------------------------------------------------- what must not change

HOME_FILES = (".rustup/settings.toml", ".cargo/config.toml", ".cargo/config", ".cargo/credentials.toml",
              ".config/pip/pip.conf", ".pip/pip.conf", ".config/uv/uv.toml", ".pypirc", ".bashrc", ".profile",
              ".zshrc")


def tree(root: Path, skip: Path | None) -> dict[str, tuple[object, ...]]:
    out: dict[str, tuple[object, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        # __pycache__: Python itself writes the bytecode of an in-tree backend it imports (as under pip
        # or uv) unless PYTHONDONTWRITEBYTECODE is set; that is no write of builddoctor's
        dirnames[:] = [n for n in dirnames if here / n != skip and n != "__pycache__"]
        for name in dirnames + filenames:
            path = here / name
            if path == skip:
                continue
            st = path.lstat()
            rel = str(path.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", stat.S_IMODE(st.st_mode))
            else:
                out[rel] = ("file", st.st_size, st.st_mtime_ns, stat.S_IMODE(st.st_mode))
    return out


def machine_state() -> dict[str, object]:
    home = Path.home()
    state: dict[str, object] = {
        f: hashlib.sha256((home / f).read_bytes()).hexdigest() if (home / f).is_file() else "absent"
        for f in HOME_FILES}
    state["/etc/pip.conf"] = Path("/etc/pip.conf").read_bytes() if Path("/etc/pip.conf").is_file() else "absent"
    for folder in (".rustup/toolchains", ".cargo/bin"):
        state[folder] = sorted(os.listdir(home / folder)) if (home / folder).is_dir() else "absent"
    return state


def system_temp() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("builddoctor-*")}


def staging_folders(outdir: Path | None) -> set[str]:
    return {p.name for p in outdir.glob(f"{STAGING}*")} if outdir is not None and outdir.is_dir() else set()


def assert_one_error_line(run: Run) -> str:
    """One `builddoctor: error:` line (then at most a tip), no traceback; progress lines, and indented
    lines (the backend's quoted output, the diagnosis of it), aside."""
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run.stderr
    kept = [line for line in run.stderr.splitlines()
            if line.strip() and not line.startswith("  ") and not PROGRESS.match(line)]
    assert_one_line_error(Run(run.returncode, run.stdout, "\n".join(kept)))
    assert len(kept) == 1 or (len(kept) == 2 and kept[1].startswith("builddoctor: tip: ")), run.stderr
    return kept[0]


def one_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text and text.isprintable()


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.row}-{re.sub(r'[^a-z0-9]+', '-', c.title.lower())[:40]}",
                                               marks=c.marks) for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    plan = case.setup(tmp_path)
    try:
        env = {"TMPDIR": str(tmp), **plan.env}
        before = tree(tmp_path, plan.outdir), machine_state(), system_temp()
        staged = staging_folders(plan.outdir)
        run = (plan.run or (lambda argv, e, cwd: run_cli(*argv, env=e, cwd=cwd)))(plan.argv, env, plan.cwd)
        report = f"exit {run.returncode}\n--- stdout\n{run.stdout[-3000:]}\n--- stderr\n{run.stderr[-3000:]}"

        assert run.returncode == case.exit, report
        if case.finding is not None:
            assert "Traceback" not in run.stderr, report
            found = [f for f in run.json()["findings"] if f["id"] == case.finding]
            assert found, report
            assert all(one_line(f["title"]) for f in run.json()["findings"]), report
            assert case.needle in found[0]["title"] or case.needle in str(found[0]["facts"]), found[0]
        elif case.exit == 0:
            assert "Traceback" not in run.stderr + run.stdout, report
            assert not [x for x in run.stderr.splitlines() if x.startswith("builddoctor: error:")], report
            assert case.needle in (run.stdout if case.where == "stdout" else run.stderr), report
        elif case.exit == 130:
            assert "Traceback" not in run.stderr and run.stderr.strip().endswith("builddoctor: interrupted"), report
        elif case.exit in (129, 143):  # SIGHUP, SIGTERM: like Ctrl-C, named
            assert "Traceback" not in run.stderr, report
            assert run.stderr.strip().endswith(f"builddoctor: interrupted ({case.needle})"), report
        else:
            assert case.needle in assert_one_error_line(run), report
        if plan.after is not None:
            plan.after(run)

        after = tree(tmp_path, plan.outdir), machine_state()
        assert after[0] == before[0], "something outside the output folder changed"
        assert after[1] == before[1], "the machine's configuration changed"
        leaked = system_temp() - before[2]
        if leaked:  # another process on the machine may be mid-run: only what stays counts
            time.sleep(1.0)
            leaked &= system_temp()
        assert not leaked, f"left in {tempfile.gettempdir()}: {leaked}"
        if plan.outdir is not None and plan.outdir.is_dir():
            assert staging_folders(plan.outdir) == staged, "a staging folder was left in the output folder"
            wheels = sorted(p.name for p in plan.outdir.glob("*.whl"))
            assert len(wheels) == case.wheels, wheels
    finally:
        if plan.cleanup is not None:
            plan.cleanup()


# --------------------------------------------------------------------------- the argument surface, fuzzed

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

VALUES = {
    "--python": [PY, "3", "2.7", "3.99", "nope", "", "python3", "/dev/null"],
    "--project": [".", "nope", "", "/dev/null", "/", "pyproject.toml"],
    "--replay": [str(MACHINES / "linux-x86_64-healthy.json"), "-", "/dev/null", "nope", "", "."],
    "-o": ["", "-", "out.json", "/dev/full", "/", "."],
    "--timeout": ["-5", "nan", "inf", "0", "1e400", "abc", "2"],
    "--total-timeout": ["-1", "nan", "3"],
    "--idle-timeout": ["-1", "1e999", "5"],
    "--max-members": ["-1", "0", "x", "10", "1.5"],
    "--max-extract-bytes": ["-1", "1"],
    "--arch": ["x64&calc", "arm64", ""],
    "--format": ["cmd", "zsh", "json", ""],
    "--vs": ["17", "x;y", ""],
    "--kind": ["maturin", "nope"],
    "--index-url": [CLOSED_INDEX, "ftp://x/", "::", ""],
    "--find-links": [".", "nope"],
    "--cache-dir": ["cache", "/dev/null"],
    "-C": ["k=v", "=", ""],
    "--installer": ["uv", "pip", "conda"],
    "--pass-env": ["GITHUB_TOKEN", ""],
}
FLAGS = ["--json", "--print-env", "--force", "--overwrite", "--no-preflight", "--allow-zip", "-v", "--", "-",
         "--jsn", "--pyhton", "-x", "--help-me"]
COMMANDS_FUZZED = ["check", "snapshot", "why", "build", "devshell", "explain", "chek", "biuld", "", "rust.missing"]
words = st.one_of(
    st.sampled_from(sorted(VALUES)).flatmap(lambda o: st.tuples(st.just(o), st.sampled_from(VALUES[o]))
                                            .map(list)),
    st.sampled_from(FLAGS).map(lambda f: [f]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6).map(lambda t: [t]),
    st.sampled_from(["\udcff", "x\x00y"]).map(lambda t: [t]),
)
argvs = st.tuples(st.sampled_from(COMMANDS_FUZZED), st.lists(words, max_size=4)).map(
    lambda t: [t[0]] + [w for group in t[1] for w in group])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=argvs)
def test_no_argument_ends_in_an_internal_error(tmp_path, monkeypatch, capsys, argv):
    """Whatever the arguments, the CLI answers (0/1/2/4/5/6/7) or refuses in one line; never exit 70."""
    import io

    from builddoctor.cli import main

    cwd = tmp_path / "cwd"
    cwd.mkdir(exist_ok=True)
    monkeypatch.chdir(cwd)
    for name in ("UV_INDEX_URL", "PIP_INDEX_URL", "UV_DEFAULT_INDEX"):
        monkeypatch.setenv(name, CLOSED_INDEX)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        rc = main(argv)
    except SystemExit as exc:  # --help / --version
        rc = exc.code if isinstance(exc.code, int) else 0
    finally:
        for s, h in saved.items():
            signal.signal(s, h)
    err = capsys.readouterr().err
    assert rc != 70 and "internal error" not in err and "Traceback" not in err, (argv, err)
    assert rc in (0, 1, 2, 3, 4, 5, 6, 7), (argv, rc, err)
    if rc == 2:
        assert [x for x in err.splitlines() if x.startswith("builddoctor: error: ")], (argv, err)


def test_the_catalogue_in_docs_is_the_table_the_tests_run():
    """docs/bad-inputs.md is what a newcomer reads: every row there runs here, and every row here is there."""
    text = (ROOT / "docs" / "bad-inputs.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| ([A-EV]\d+) \|", text, re.M))
    assert documented == {c.row for c in CASES}
    for case in CASES:
        if case.row.startswith("E"):
            assert case.why, f"{case.row} {case.title}: say why the row exists"
            assert case.title.replace("|", "/") in text, case.title
