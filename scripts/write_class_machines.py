# ruff: noqa: E501, PLR1704  (a data script: long literal lines)
"""Write the recorded machines of issue 13 (examples/machines/class-*.json) from the threads they model.

Each machine is what the thread's user had (OS, interpreter, tools on PATH, project files), as the
reads builddoctor's probes make; `note` cites the thread. Binary headers are copied from machines
recorded earlier (a Linux x86_64 ELF, a Windows x64 PE). Run once; the JSON files are committed:

    python scripts/write_class_machines.py
"""
from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "machines"
_LINUX = json.loads((OUT / "linux-x86_64-healthy.json").read_text(encoding="utf-8"))
_WIN = json.loads((OUT / "win-buildtools-only.json").read_text(encoding="utf-8"))
ELF_X86_64 = _LINUX["reads"]["read_head ~/.pyenv/versions/3.12.1/bin/python3"]
PE_X64 = _WIN["reads"]["read_head ~\\AppData\\Local\\Programs\\Python\\Python313\\python.exe"]
VSWHERE_KEY = next(k for k in _WIN["reads"] if k.startswith('run ["C:\\\\Program Files (x86)\\\\Microsoft Visual Studio\\\\Installer\\\\vswhere.exe"'))
BT = r"C:\Program Files (x86)\Microsoft Visual Studio\2022\BuildTools"
LINUX_PROGRAMS = ("cc", "gcc", "clang", "c++", "g++", "ar", "ld", "cargo", "rustc", "cmake", "ninja", "python",
                  "python3", "pkg-config")


def ok(stdout: str, stderr: str = "", rc: int = 0) -> dict[str, object]:
    return {"argv": [], "error": None, "returncode": rc, "stderr": stderr, "stdout": stdout}


def payload(**kw: object) -> dict[str, object]:
    return ok("@@BUILDDOCTOR@@" + json.dumps(kw) + "@@END@@\n")


def linux_markers(version: str, release: str = "5.15.0-122-generic") -> dict[str, str]:
    return {"implementation_name": "cpython", "implementation_version": version, "os_name": "posix",
            "platform_machine": "x86_64", "platform_release": release, "platform_system": "Linux",
            "platform_version": "#132-Ubuntu SMP", "python_full_version": version,
            "platform_python_implementation": "CPython", "python_version": ".".join(version.split(".")[:2]),
            "sys_platform": "linux"}


def linux_python(exe: str, version: str, prefix: str, *, libc: list[str], build_vars: dict[str, str],
                 backends: dict[str, str] | None = None, free_threaded: bool = False, headers: bool = True,
                 sys_version: str = "") -> dict[str, object]:
    minor = ".".join(version.split(".")[:2])
    nodot = minor.replace(".", "")
    t = "t" if free_threaded else ""
    musl = libc[0] == "musl"
    soabi = f"cpython-{nodot}{t}-x86_64-linux-{'musl' if musl else 'gnu'}"
    return payload(executable=exe, base_executable=exe, prefix=prefix, base_prefix=prefix, version=version,
                   implementation="cpython", sys_version=sys_version or f"{version} (main) [GCC]",
                   platform="linux-x86_64", soabi=soabi, ext_suffix=f".{soabi}.so", pointer_bits=64,
                   free_threaded=free_threaded, sys_platform="linux", markers=linux_markers(version), libc=libc,
                   mac_machine="", winver="", include_dir=f"{prefix}/include/python{minor}{t}", has_headers=headers,
                   import_lib="", backends=backends or {"pip": "24.2"}, build_vars=build_vars)


def os_release(id_: str, version: str, like: str = "") -> str:
    return f'ID={id_}\nVERSION_ID="{version}"\n' + (f"ID_LIKE={like}\n" if like else "")


def linux_machine(note: str, *, python: str, probe: dict[str, object], path: list[str], programs: dict[str, str],
                  os_rel: str, env: dict[str, str] | None = None, project: str | None = None,
                  files: dict[str, str] | None = None, runs: dict[str, dict[str, object]] | None = None,
                  extra: dict[str, object] | None = None, created: str = "2026-11-30T00:00:00Z") -> dict[str, object]:
    """programs: name -> the folder it is in (first on PATH)."""
    reads: dict[str, object] = {
        "env": {"PATH": ":".join(path), "HOME": "~", **(env or {})},
        "home": "~",
        "uname_machine": "x86_64",
        "listdir /proc/sys/fs/binfmt_misc": ["register", "status"],
        "read_text /etc/os-release": os_rel,
        f"run python-probe {python}": probe,
        f"is_file {python}": True,
        f"read_head {python}": ELF_X86_64,
    }
    for name, folder in programs.items():
        full = f"{folder}/{name}"
        reads[f"which {name}"] = full
        reads[f"is_file {full}"] = True
        reads[f"read_head {full}"] = ELF_X86_64
    for name in ("cc", "gcc", "clang"):
        if name in programs:
            reads[f'run ["{programs[name]}/{name}", "{"-print-target-triple" if name == "clang" else "-dumpmachine"}"]'] = \
                ok("x86_64-linux-gnu\n")
    for path, text in (files or {}).items():
        reads[f"read_text {path}"] = text
        reads[f"is_file {path}"] = True
    reads.update(runs or {})
    reads.update(extra or {})
    return {"schema": "builddoctor.snapshot/1", "os": "linux", "builddoctor": "0.1.0",
            "created": created, "home_shape": _LINUX["home_shape"],
            "invocation": {"python": python, "project": project}, "note": note, "reads": reads}


def rustup_reads(home_bin: str, version: str = "1.89.0", host: str = "x86_64-unknown-linux-gnu") -> dict[str, object]:
    rustup = f"{home_bin}/rustup"
    return {
        f'run ["{rustup}", "--version"]': ok("rustup 1.28.2 (e4f3ad6f8 2025-04-28)\n"),
        f'run ["{rustup}", "show"]': ok(f"Default host: {host}\nrustup home:  ~/.rustup\n\ninstalled toolchains\n"
                                        f"--------------------\nstable-{host} (active, default)\n"),
        f'run ["{rustup}", "show", "active-toolchain"]': ok(f"stable-{host} (default)\n"),
        f'run ["{rustup}", "toolchain", "list"]': ok(f"stable-{host} (active, default)\n"),
        f'run ["{rustup}", "target", "list", "--installed"]': ok(f"{host}\n"),
        f'run ["{home_bin}/rustc", "-vV"]': ok(f"rustc {version} (29483883e 2025-08-04)\nbinary: rustc\nhost: {host}\n"
                                              f"release: {version}\n"),
        f'run ["{home_bin}/cargo", "-V"]': ok(f"cargo {version}\n"),
    }


def write(name: str, doc: dict[str, object]) -> None:
    (OUT / f"{name}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                                      encoding="utf-8")


UBUNTU = os_release("ubuntu", "22.04", "debian")
SYS_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]


# -- class 1: toolchain completeness (uv#7525) ---------------------------------------------------

def class1(fixed: bool) -> dict[str, object]:
    root = "~/.local/share/uv/python/cpython-3.12.6-linux-x86_64-gnu"
    exe = f"{root}/bin/python3.12"
    bv = ({"CC": "cc -pthread", "CXX": "c++ -pthread", "LDSHARED": "cc -pthread -shared -L/tools/deps/lib", "AR": "ar"}
          if fixed else
          {"CC": "clang -pthread", "CXX": "clang++ -pthread", "LDSHARED": "clang -pthread -shared -L/tools/deps/lib",
           "AR": "/tools/llvm/bin/llvm-ar"})
    bv["INCLUDEPY"] = f"{root}/include/python3.12"
    programs = {"cc": "/usr/bin", "gcc": "/usr/bin", "c++": "/usr/bin", "g++": "/usr/bin", "ar": "/usr/bin",
                "ld": "/usr/bin"}
    note = ("Ubuntu 22.04 with gcc but no clang; a uv-managed CPython 3.12 (python-build-standalone) whose sysconfig "
            "records its build machine's CC=clang and AR=/tools/llvm/bin/llvm-ar. `uv pip install datrie==0.8.2` "
            "(no wheels past 3.8) builds the sdist and fails with \"command 'clang' failed: No such file or "
            "directory\"; CC=gcc then fails on /tools/llvm/bin/llvm-ar. Source: "
            "https://github.com/astral-sh/uv/issues/7525 ; uv now rewrites these values at install time: "
            "https://github.com/astral-sh/uv/pull/9916")
    if fixed:
        note = ("Healthy twin of class-toolchain-uv-clang-missing: the same Ubuntu 22.04 after `uv python install "
                "--reinstall 3.12.6` with a uv that patches sysconfig (CC=cc, AR=ar; "
                "https://github.com/astral-sh/uv/pull/9916).")
    return linux_machine(note, python=exe, os_rel=UBUNTU, path=["~/.local/bin", *SYS_PATH], programs=programs,
                         probe=linux_python(exe, "3.12.6", root, libc=["glibc", "2.35"], build_vars=bv,
                                            sys_version="3.12.6 (main, Sep  9 2024, 22:11:19) [Clang 18.1.8 ]"))


# -- class 2: native libraries (rust-openssl#577) ------------------------------------------------

CARGO_LOCK_OPENSSL = """# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 3

[[package]]
name = "cc"
version = "1.0.83"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "openssl"
version = "0.10.64"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "openssl-sys",
]

[[package]]
name = "openssl-sys"
version = "0.9.102"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "cc",
 "libc",
 "pkg-config",
 "vcpkg",
]

[[package]]
name = "pkg-config"
version = "0.3.30"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "pyo3"
version = "0.22.2"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "tlsprobe"
version = "0.1.0"
dependencies = [
 "openssl",
 "pyo3",
]
"""
PYPROJECT_MATURIN = """[build-system]
requires = ["maturin>=1.5,<2"]
build-backend = "maturin"

[project]
name = "{name}"
version = "0.1.0"
requires-python = ">=3.9"
"""
CARGO_TOML_OPENSSL = """[package]
name = "tlsprobe"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[dependencies]
pyo3 = { version = "0.22", features = ["extension-module"] }
openssl = "0.10"
"""


def class2(fixed: bool) -> dict[str, object]:
    exe = "/usr/bin/python3.10"
    proj = "~/src/tlsprobe"
    programs = {"cc": "/usr/bin", "gcc": "/usr/bin", "ar": "/usr/bin", "ld": "/usr/bin", "python3": "/usr/bin",
                "rustup": "~/.cargo/bin", "rustc": "~/.cargo/bin", "cargo": "~/.cargo/bin"}
    runs = rustup_reads("~/.cargo/bin")
    if fixed:
        programs["pkg-config"] = "/usr/bin"
        runs |= {'run ["/usr/bin/pkg-config", "--version"]': ok("0.29.2\n"),
                 'run ["/usr/bin/pkg-config", "--modversion", "openssl"]': ok("3.0.2\n"),
                 'run ["/usr/bin/pkg-config", "--variable=libdir", "openssl"]': ok("/usr/lib/x86_64-linux-gnu\n")}
    note = ("Ubuntu 22.04 with libssl-dev installed but no pkg-config; a maturin project whose Cargo.lock has "
            "openssl-sys (without the vendored feature). openssl-sys stops with \"Could not find directory of OpenSSL "
            "installation\"; the thread was resolved by installing pkg-config. Source: "
            "https://github.com/rust-openssl/rust-openssl/issues/577 (also #1739: \"The pkg-config command could not "
            "be found\")")
    if fixed:
        note = "Healthy twin of class-native-openssl-no-pkg-config: the same machine after `apt-get install pkg-config`."
    bv = {"CC": "x86_64-linux-gnu-gcc", "CXX": "x86_64-linux-gnu-g++",
          "LDSHARED": "x86_64-linux-gnu-gcc -shared -Wl,-O1", "AR": "x86_64-linux-gnu-gcc-ar",
          "INCLUDEPY": "/usr/include/python3.10"}
    for name in ("x86_64-linux-gnu-gcc", "x86_64-linux-gnu-g++", "x86_64-linux-gnu-gcc-ar"):
        runs[f"which {name}"] = f"/usr/bin/{name}"  # type: ignore[assignment]
    # recorded while Ubuntu 22.04's Python 3.10.12 (June 2023) was current and 3.10 not yet at its end of life
    return linux_machine(note, python=exe, os_rel=UBUNTU, project=proj, programs=programs, created="2024-06-03T00:00:00Z",
                         path=["~/.cargo/bin", *SYS_PATH], runs=runs,
                         probe=linux_python(exe, "3.10.12", "/usr", libc=["glibc", "2.35"], build_vars=bv),
                         files={f"{proj}/pyproject.toml": PYPROJECT_MATURIN.format(name="tlsprobe"),
                                f"{proj}/Cargo.toml": CARGO_TOML_OPENSSL, f"{proj}/Cargo.lock": CARGO_LOCK_OPENSSL})


# -- class 3: Rust older than the crate's minimum (docker-nginx-certbot#282) ---------------------

CRYPTO_ROOT_CARGO = """[workspace]
resolver = "2"
members = ["src/rust/"]

[workspace.package]
version = "0.1.0"
edition = "2021"
# This specifies the MSRV
rust-version = "1.65.0"
"""
CRYPTO_RUST_CARGO = """[package]
name = "cryptography-rust"
version.workspace = true
edition.workspace = true
rust-version.workspace = true

[dependencies]
pyo3 = { version = "0.22.2", features = ["abi3"] }
"""
CRYPTO_PYPROJECT = """[build-system]
requires = ["maturin>=1,<2", "cffi>=1.12; platform_python_implementation != 'PyPy'", "setuptools"]
build-backend = "maturin"

[project]
name = "cryptography"
version = "43.0.0"
requires-python = ">=3.7"

[tool.maturin]
python-source = "src"
python-packages = ["cryptography"]
manifest-path = "src/rust/Cargo.toml"
module-name = "cryptography.hazmat.bindings._rust"
"""


def class3(fixed: bool) -> dict[str, object]:
    exe = "/usr/local/bin/python3.12"
    proj = "/tmp/cryptography-43.0.0"
    programs = {"cc": "/usr/bin", "gcc": "/usr/bin", "g++": "/usr/bin", "c++": "/usr/bin", "ar": "/usr/bin",
                "ld": "/usr/bin", "python3": "/usr/local/bin", "pkg-config": "/usr/bin"}
    runs: dict[str, object] = {'run ["/usr/bin/pkg-config", "--version"]': ok("1.8.1\n")}
    if fixed:
        programs |= {"rustup": "~/.cargo/bin", "rustc": "~/.cargo/bin", "cargo": "~/.cargo/bin"}
        runs |= rustup_reads("~/.cargo/bin", "1.80.1")
        path = ["~/.cargo/bin", *SYS_PATH]
    else:
        programs |= {"rustc": "/usr/bin", "cargo": "/usr/bin"}
        runs |= {'run ["/usr/bin/rustc", "-vV"]': ok("rustc 1.63.0\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\n"
                                                      "release: 1.63.0\nLLVM version: 14.0.6\n"),
                 'run ["/usr/bin/cargo", "-V"]': ok("cargo 1.65.0\n")}
        path = SYS_PATH
    note = ("Debian 12 (python:3.12 image) with rustc 1.63.0 and cargo from apt, no rustup; `pip install "
            "cryptography==43.0.0` builds the sdist, whose workspace sets rust-version = 1.65.0. The fix that worked: "
            "install Rust with rustup. Source: https://github.com/JonasAlfredsson/docker-nginx-certbot/pull/282 "
            "(\"The cryptography Python package requires rustc >= 1.65.0 to build now, and Debian only comes with "
            "1.63.0\"); MSRV: https://cryptography.io/en/latest/changelog/#v43-0-0")
    if fixed:
        note = "Healthy twin of class-rust-too-old-debian: the same container after installing Rust 1.80.1 with rustup."
    bv = {"CC": "gcc", "CXX": "g++", "LDSHARED": "gcc -shared", "AR": "ar", "INCLUDEPY": "/usr/local/include/python3.12"}
    return linux_machine(note, python=exe, os_rel=os_release("debian", "12"), project=proj, programs=programs,
                         path=path, runs=runs,
                         probe=linux_python(exe, "3.12.4", "/usr/local", libc=["glibc", "2.36"], build_vars=bv),
                         files={f"{proj}/pyproject.toml": CRYPTO_PYPROJECT, f"{proj}/Cargo.toml": CRYPTO_ROOT_CARGO,
                                f"{proj}/src/rust/Cargo.toml": CRYPTO_RUST_CARGO})


# -- class 6: musl without a compiler (cryptography#6682) ----------------------------------------

def class6(fixed: bool) -> dict[str, object]:
    exe = "/usr/local/bin/python3"
    programs = {"python3": "/usr/local/bin", "python": "/usr/local/bin", "ld": "/usr/bin"}
    if fixed:
        programs |= {"cc": "/usr/bin", "gcc": "/usr/bin", "ar": "/usr/bin", "c++": "/usr/bin", "g++": "/usr/bin"}
    note = ("The python:3.10-alpine image (musl 1.2.2, no compiler). `pip install cryptography` gets cryptography's "
            "musllinux wheel but cffi 1.15.0 has no musllinux wheel, so pip builds it and fails with \"command 'gcc' "
            "failed: No such file or directory\". Source: https://github.com/pyca/cryptography/issues/6682 (the "
            "install docs say: apk add gcc musl-dev python3-dev libffi-dev openssl-dev cargo pkgconfig)")
    if fixed:
        note = "Healthy twin of class-libc-alpine-no-gcc: the same image after `apk add build-base`."
    bv = {"CC": "gcc", "CXX": "g++", "LDSHARED": "gcc -shared", "AR": "ar", "INCLUDEPY": "/usr/local/include/python3.10"}
    # recorded the day the thread was filed (2021-12-08: python:3.10-alpine on Alpine 3.15, musl 1.2.2)
    return linux_machine(note, python=exe, os_rel=os_release("alpine", "3.15.0"), programs=programs,
                         path=SYS_PATH, created="2021-12-08T00:00:00Z",
                         probe=linux_python(exe, "3.10.1", "/usr/local", libc=["musl", "1.2.2"], build_vars=bv,
                                            backends={"pip": "21.3.1", "setuptools": "57.5.0"}))


# -- Windows machines: the Build Tools machine recorded earlier, with the thread's PATH and project -----

WIN_PY = "~\\AppData\\Local\\Programs\\Python\\Python313\\python.exe"
WIN_BASE_PATH = ["C:\\Windows\\system32", "C:\\Windows", "C:\\Windows\\System32\\Wbem",
                 "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\", "C:\\Windows\\System32\\OpenSSH\\"]


def windows_machine(note: str, *, path: list[str], files_on_path: dict[str, str], project: str | None,
                    files: dict[str, str], runs: dict[str, object], vs: bool = True,
                    python: str = WIN_PY, probe: dict[str, object] | None = None) -> dict[str, object]:
    reads = {k: v for k, v in _WIN["reads"].items() if not k.startswith(("read_text ~\\source", "is_file ~\\source"))}
    if not vs:
        reads = {k: v for k, v in reads.items() if "Visual Studio" not in k}
        reads["is_file C:\\Program Files (x86)\\Microsoft Visual Studio\\Installer\\vswhere.exe"] = False
    env = dict(reads["env"])  # type: ignore[arg-type]
    env["PATH"] = ";".join(path)
    reads["env"] = env
    for name, folder in files_on_path.items():
        full = folder.rstrip("\\") + "\\" + name + ".exe"
        reads[f"is_file {full}"] = True
        reads[f"read_head {full}"] = PE_X64
        if name in ("python", "rustc", "cargo", "rustup", "cl", "gcc", "cc", "clang", "cmake", "ninja"):
            reads[f"which {name}"] = full
    if python != WIN_PY:
        reads.pop(f"run python-probe {WIN_PY}", None)
        reads.pop(f"is_file {WIN_PY}", None)
        reads.pop(f"read_head {WIN_PY}", None)
        reads[f"is_file {python}"] = True
        reads[f"read_head {python}"] = PE_X64
    if probe is not None:
        reads[f"run python-probe {python}"] = probe
    for path, text in files.items():
        reads[f"read_text {path}"] = text
        reads[f"is_file {path}"] = True
    reads.update(runs)
    return {"schema": "builddoctor.snapshot/1", "os": "windows", "builddoctor": "0.1.0",
            "created": "2026-11-30T00:00:00Z", "home_shape": _WIN["home_shape"],
            "invocation": {"python": None if python == WIN_PY else python, "project": project}, "note": note,
            "reads": reads}


def win_rust_reads(version: str = "1.93.0") -> dict[str, object]:
    host = "x86_64-pc-windows-msvc"
    b = "~\\.cargo\\bin\\"
    return {
        f'run ["{b}rustup.exe", "--version"]'.replace("\\", "\\\\"): ok("rustup 1.28.2 (e4f3ad6f8 2025-04-28)\n"),
        f'run ["{b}rustup.exe", "show"]'.replace("\\", "\\\\"): ok(f"Default host: {host}\nrustup home:  ~\\.rustup\n\n"
                                                                   f"installed toolchains\n--------------------\n"
                                                                   f"stable-{host} (active, default)\n"),
        f'run ["{b}rustup.exe", "show", "active-toolchain"]'.replace("\\", "\\\\"): ok(f"stable-{host} (default)\n"),
        f'run ["{b}rustup.exe", "toolchain", "list"]'.replace("\\", "\\\\"): ok(f"stable-{host} (active, default)\n"),
        f'run ["{b}rustup.exe", "target", "list", "--installed"]'.replace("\\", "\\\\"): ok(f"{host}\n"),
        f'run ["{b}rustc.exe", "-vV"]'.replace("\\", "\\\\"): ok(f"rustc {version} (254b59607 2026-01-19)\nbinary: rustc\n"
                                                                f"host: {host}\nrelease: {version}\n"),
        f'run ["{b}cargo.exe", "-V"]'.replace("\\", "\\\\"): ok(f"cargo {version}\n"),
    }


CARGO_TOML_HELLO = """[package]
name = "hello-rs"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[dependencies]
pyo3 = { version = "0.27", features = ["extension-module"] }
"""
CARGO_LOCK_HELLO = """version = 4

[[package]]
name = "hello-rs"
version = "0.1.0"
dependencies = [
 "pyo3",
]

[[package]]
name = "pyo3"
version = "0.27.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
"""


def class4(fixed: bool) -> dict[str, object]:
    proj = "~\\source\\hello-rs"
    git = ["C:\\Program Files\\Git\\mingw64\\bin", "C:\\Program Files\\Git\\usr\\bin"]
    path = ["~\\.cargo\\bin", *([] if fixed else git), *WIN_BASE_PATH, "C:\\Program Files\\Git\\cmd",
            "~\\AppData\\Local\\Programs\\Python\\Python313\\Scripts\\",
            "~\\AppData\\Local\\Programs\\Python\\Python313\\"]
    on_path = {"rustup": "~\\.cargo\\bin", "rustc": "~\\.cargo\\bin", "cargo": "~\\.cargo\\bin",
               "python": "~\\AppData\\Local\\Programs\\Python\\Python313\\"}
    runs: dict[str, object] = win_rust_reads()
    if not fixed:
        on_path["link"] = git[1]
        runs['run ["C:\\\\Program Files\\\\Git\\\\usr\\\\bin\\\\link.exe", "--version"]'] = ok(
            "link (GNU coreutils) 9.5\nPackaged by Cygwin (9.5-1)\n")
    note = ("Windows 11 x64 with rustup's x86_64-pc-windows-msvc Rust, Build Tools 2022 and Git for Windows; the shell "
            "is Git Bash, whose PATH puts Git's usr\\bin (with the POSIX `link.exe`) before everything else. Every "
            "MSVC link fails: rustc runs C:\\Program Files\\Git\\usr\\bin\\link.exe and gets \"/usr/bin/link: "
            "extra operand\". Workaround that worked: rename Git's link.exe (or keep usr\\bin off PATH). Source: "
            "https://github.com/anthropics/claude-code/issues/23587 ; same cause on GitHub's windows-11-vs2026-arm "
            "runners: https://github.com/actions/runner-images/issues/14486")
    if fixed:
        note = "Healthy twin of class-path-git-link-shadows-msvc: the same machine in PowerShell, without Git's usr\\bin on PATH."
    return windows_machine(note, path=path, files_on_path=on_path, project=proj, runs=runs,
                           files={f"{proj}\\pyproject.toml": PYPROJECT_MATURIN.format(name="hello-rs"),
                                  f"{proj}\\Cargo.toml": CARGO_TOML_HELLO, f"{proj}\\Cargo.lock": CARGO_LOCK_HELLO})


# -- class 7: no wheel for Python 3.14, so cffi is built without MSVC (cryptography#14191) -----------

CFFI_WHEELS = [f"cffi-1.17.1-cp{v}-cp{v}-{plat}.whl" for v in ("38", "39", "310", "311", "312", "313")
               for plat in ("win32", "win_amd64", "macosx_11_0_arm64",
                            "manylinux_2_17_x86_64.manylinux2014_x86_64", "musllinux_1_1_x86_64")]
CFFI2_WHEELS = [f"cffi-2.0.0-cp{v}-cp{v}-{plat}.whl" for v in ("39", "310", "311", "312", "313", "314")
                for plat in ("win32", "win_amd64", "win_arm64", "macosx_11_0_arm64",
                             "manylinux2014_x86_64.manylinux_2_17_x86_64", "musllinux_1_2_x86_64")]


def _lock_package(name: str, version: str, sdist: str, wheels: list[str], deps: list[str]) -> str:
    base = f"https://files.pythonhosted.org/packages/{name}"
    text = f'[[package]]\nname = "{name}"\nversion = "{version}"\nsource = {{ registry = "https://pypi.org/simple" }}\n'
    if deps:
        text += "dependencies = [\n" + "".join(f'    {{ name = "{d}" }},\n' for d in deps) + "]\n"
    text += f'sdist = {{ url = "{base}/{sdist}" }}\nwheels = [\n'
    text += "".join(f'    {{ url = "{base}/{w}" }},\n' for w in wheels) + "]\n\n"
    return text


def class7(fixed: bool) -> dict[str, object]:
    proj = "~\\source\\toolbox"
    py = "~\\AppData\\Local\\Programs\\Python\\Python314\\python.exe"
    cffi = (_lock_package("cffi", "2.0.0", "cffi-2.0.0.tar.gz", CFFI2_WHEELS, ["pycparser"]) if fixed else
            _lock_package("cffi", "1.17.1", "cffi-1.17.1.tar.gz", CFFI_WHEELS, ["pycparser"]))
    crypto = _lock_package("cryptography", "45.0.4", "cryptography-45.0.4.tar.gz",
                           [f"cryptography-45.0.4-cp311-abi3-{p}.whl" for p in ("win_amd64", "win32", "macosx_10_9_universal2",
                                                                                 "manylinux_2_34_x86_64")],
                           ["cffi"])
    pycparser = _lock_package("pycparser", "2.22", "pycparser-2.22.tar.gz", ["pycparser-2.22-py3-none-any.whl"], [])
    lock = ('version = 1\nrevision = 3\nrequires-python = ">=3.12"\n\n' + cffi + crypto + pycparser +
            '[[package]]\nname = "toolbox"\nversion = "0.1.0"\nsource = { virtual = "." }\n'
            'dependencies = [\n    { name = "cryptography" },\n]\n\n[package.metadata]\n'
            'requires-dist = [{ name = "cryptography", specifier = "==45.0.4" }]\n')
    pyproject = ('[project]\nname = "toolbox"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n'
                 'dependencies = ["cryptography==45.0.4"]\n')
    probe_doc = json.loads(_WIN["reads"][f"run python-probe {WIN_PY}"]["stdout"].split("@@BUILDDOCTOR@@")[1]
                           .split("@@END@@")[0])
    probe_doc = json.loads(json.dumps(probe_doc).replace("Python313", "Python314").replace("3.13.5", "3.14.2")
                           .replace("python313", "python314").replace("cp313", "cp314").replace('"3.13"', '"3.14"'))
    probe_doc["sys_version"] = "3.14.2 (tags/v3.14.2:df79316, Dec  5 2025, 17:18:21) [MSC v.1944 64 bit (AMD64)]"
    path = [*WIN_BASE_PATH, "C:\\Program Files\\Git\\cmd", "~\\.local\\bin",
            "~\\AppData\\Local\\Programs\\Python\\Python314\\Scripts\\",
            "~\\AppData\\Local\\Programs\\Python\\Python314\\"]
    note = ("Windows 11, python.org CPython 3.14, uv, no Visual Studio or Build Tools. `uv sync` of a project that "
            "depends on cryptography 45.0.4 builds cffi 1.17.1 from its sdist - cffi 1.17.1 has wheels only up to "
            "cp313 - and fails with \"Microsoft Visual C++ 14.0 or greater is required\". Source: "
            "https://github.com/pyca/cryptography/issues/14191 ; cffi 2.0.0 publishes cp314 wheels "
            "(https://pypi.org/project/cffi/2.0.0/#files). Lock entries list file names only (no hashes).")
    if fixed:
        note = "Healthy twin of class-wheels-py314-cffi-built: the same project after `uv lock --upgrade-package cffi` (cffi 2.0.0)."
    return windows_machine(note, path=path, vs=False, python=py, project=proj, runs={},
                           probe=payload(**probe_doc), files_on_path={"python": path[-1]},
                           files={f"{proj}\\pyproject.toml": pyproject, f"{proj}\\uv.lock": lock})


# -- class 5: free-threaded Python and an abi3 project (toml-fmt#307) ------------------------------

CARGO_TOML_FMT = """[package]
name = "pyproject-fmt"
version = "2.21.1"
edition = "2024"

[lib]
name = "_lib"
crate-type = ["cdylib"]

[dependencies]
pyo3 = { version = "0.27.1", features = [{features}] }
"""


def class5(fixed: bool) -> dict[str, object]:
    root = "~/.local/share/uv/python/cpython-3.14.0+freethreaded-linux-x86_64-gnu"
    exe = f"{root}/bin/python3.14t"
    proj = "~/src/pyproject-fmt-2.21.1"
    features = '"extension-module"' if fixed else '"abi3-py39", "extension-module"'
    programs = {"cc": "/usr/bin", "gcc": "/usr/bin", "c++": "/usr/bin", "g++": "/usr/bin", "ar": "/usr/bin",
                "ld": "/usr/bin", "rustup": "~/.cargo/bin", "rustc": "~/.cargo/bin", "cargo": "~/.cargo/bin"}
    bv = {"CC": "cc -pthread", "CXX": "c++ -pthread", "LDSHARED": "cc -pthread -shared", "AR": "ar",
          "INCLUDEPY": f"{root}/include/python3.14t"}
    note = ("Ubuntu 22.04, uv-managed free-threaded CPython 3.14t, building pyproject-fmt 2.21.1 from its sdist: its "
            "Cargo.toml enables pyo3's abi3-py39 feature, so the free-threaded build cannot be abi3 and users saw "
            "\"The built wheel pyproject_fmt-2.21.1-cp39-abi3-linux_x86_64.whl is not compatible with the current "
            "Python 3.15t\" (3.13t/3.14t had no compatible wheel either). The fix that worked: abi3 became an "
            "optional Cargo feature, left off for free-threaded builds. Source: https://github.com/tox-dev/toml-fmt/pull/307 "
            "; abi3 and free-threading: https://github.com/PyO3/maturin/issues/2772")
    if fixed:
        note = "Healthy twin of class-freethreaded-abi3: the same build after toml-fmt#307 (abi3 no longer always on)."
    lock = CARGO_LOCK_HELLO.replace("hello-rs", "pyproject-fmt").replace('"0.1.0"', '"2.21.1"', 1)
    return linux_machine(note, python=exe, os_rel=UBUNTU, project=proj, programs=programs,
                         path=["~/.cargo/bin", "~/.local/bin", *SYS_PATH], runs=rustup_reads("~/.cargo/bin", "1.91.0"),
                         probe=linux_python(exe, "3.14.0", root, libc=["glibc", "2.35"], build_vars=bv,
                                            free_threaded=True),
                         files={f"{proj}/pyproject.toml": PYPROJECT_MATURIN.format(name="pyproject-fmt"),
                                f"{proj}/Cargo.toml": CARGO_TOML_FMT.replace("{features}", features),
                                f"{proj}/Cargo.lock": lock})


# -- class 1 on Windows: Build Tools without a Windows SDK (rust-lang/rust#96620) ----------------------

def class1_windows(fixed: bool) -> dict[str, object]:
    proj = "~\\source\\hello-rs"
    path = ["~\\.cargo\\bin", *WIN_BASE_PATH, "C:\\Program Files\\Git\\cmd",
            "~\\AppData\\Local\\Programs\\Python\\Python313\\Scripts\\",
            "~\\AppData\\Local\\Programs\\Python\\Python313\\"]
    on_path = {"rustup": "~\\.cargo\\bin", "rustc": "~\\.cargo\\bin", "cargo": "~\\.cargo\\bin",
               "python": path[-1]}
    vswhere = json.loads(_WIN["reads"][VSWHERE_KEY]["stdout"])
    runs: dict[str, object] = win_rust_reads()
    kits = "C:\\Program Files (x86)\\Windows Kits\\10\\Lib"
    if fixed:
        runs[f"listdir {kits}"] = ["10.0.22621.0"]
        for arch in ("x64", "x86", "arm64"):
            for sub, lib in (("um", "kernel32.lib"), ("ucrt", "ucrt.lib")):
                runs[f"is_file {kits}\\10.0.22621.0\\{sub}\\{arch}\\{lib}"] = True
    else:
        vswhere[0]["packages"] = [p for p in vswhere[0]["packages"] if "SDK" not in p["id"]]
    runs[VSWHERE_KEY] = ok(json.dumps(vswhere, indent=2))
    note = ("Windows x64 with Visual Studio Build Tools (MSVC x64 tools) but no Windows SDK component, rustup's "
            "x86_64-pc-windows-msvc Rust: even hello world fails with LINK : fatal error LNK1181: cannot open input "
            "file 'kernel32.lib'. The fix that worked: add a Windows SDK in the Visual Studio Installer. Source: "
            "https://github.com/rust-lang/rust/issues/96620 (Build Tools 2019 there; this recording uses the "
            "Build Tools 2022 17.14 machine of win-buildtools-only with its SDK component removed)")
    if fixed:
        note = ("Healthy twin of class-toolchain-windows-sdk-missing: the same machine after adding the Windows 11 SDK "
                "(10.0.22621.0) in the Visual Studio Installer.")
    return windows_machine(note, path=path, files_on_path=on_path, project=proj, runs=runs,
                           files={f"{proj}\\pyproject.toml": PYPROJECT_MATURIN.format(name="hello-rs"),
                                  f"{proj}\\Cargo.toml": CARGO_TOML_HELLO, f"{proj}\\Cargo.lock": CARGO_LOCK_HELLO})


# -- macOS machines ---------------------------------------------------------------------------------

_MAC = json.loads((OUT / "macos-arm64-rosetta-x86_64-python.json").read_text(encoding="utf-8"))
MACHO_X86_64 = _MAC["reads"]["read_head /usr/local/opt/python@3.12/bin/python3.12"]
# the same 32-byte Mach-O 64 header with CPU_TYPE_ARM64 (0x0100000c) and MH_DYLIB
MACHO_ARM64_DYLIB = base64.b64encode(bytes.fromhex("cffaedfe0c000001000000000600000000000000000000000000000000000000")
                                     ).decode()
# ... and MH_EXECUTE (2): an arm64 program (https://github.com/apple-oss-distributions/xnu EXTERNAL_HEADERS/mach-o/loader.h)
MACHO_ARM64_EXE = base64.b64encode(bytes.fromhex("cffaedfe0c000001000000000200000000000000000000000000000000000000")
                                   ).decode()


def mac_machine(note: str, base: dict[str, object], extra: dict[str, object], project: str | None,
                python: str | None = None) -> dict[str, object]:
    reads = {**base, **extra}
    return {"schema": "builddoctor.snapshot/1", "os": "macos", "builddoctor": "0.1.0",
            "created": "2026-11-30T00:00:00Z", "home_shape": _MAC["home_shape"],
            "invocation": {"python": python, "project": project}, "note": note, "reads": reads}


IBM_DB_SETUP = """from setuptools import Extension, setup

setup(
    name="ibm_db",
    version="3.1.2",
    ext_modules=[Extension("ibm_db", sources=["ibm_db.c"], include_dirs=["clidriver/include"])],
)
"""


def _mac_probe() -> dict[str, object]:
    """The python probe's answer on the Homebrew CPython 3.12 of macos-arm64-rosetta-x86_64-python."""
    doc: dict[str, object] = json.loads(_MAC["reads"]["run python-probe /usr/local/opt/python@3.12/bin/python3.12"]
                                        ["stdout"].split("@@BUILDDOCTOR@@")[1].split("@@END@@")[0])
    return doc


def class1_macos(fixed: bool) -> dict[str, object]:
    proj = "/private/var/folders/kr/T/pip-install-ibm_db/ibm_db"
    doc: dict[str, Any] = _mac_probe()
    if fixed:
        # A healthy user of this shape builds with a supported Python: the thread's python.org 3.7 is past
        # its end of life (a finding of its own), so the twin has the Intel Homebrew's CPython 3.12, which
        # on an Intel Mac is native x86_64 (https://docs.brew.sh/Installation : /usr/local on Intel).
        exe = "/usr/local/opt/python@3.12/bin/python3.12"
        fw = "/usr/local/opt/python@3.12/Frameworks/Python.framework/Versions/3.12"
        doc["build_vars"] = {"CC": "clang", "CXX": "clang++", "AR": "ar", "INCLUDEPY": f"{fw}/include/python3.12",
                             "LDSHARED": "clang -bundle -undefined dynamic_lookup", "MACOSX_DEPLOYMENT_TARGET": "12.0"}
        doc["platform"] = "macosx-12.0-x86_64"  # the Monterey (21.6.0) bottle
        doc["markers"].update(platform_release="21.6.0", platform_version="Darwin Kernel Version 21.6.0")
    else:
        exe = "/Library/Frameworks/Python.framework/Versions/3.7/bin/python3.7"
        fw = "/Library/Frameworks/Python.framework/Versions/3.7"
        doc = json.loads(json.dumps(doc).replace("/usr/local/opt/python@3.12/Frameworks/Python.framework/Versions/3.12", fw)
                         .replace("/usr/local/opt/python@3.12/bin/python3.12", exe).replace("3.12", "3.7")
                         .replace("cpython-312", "cpython-37m").replace("312", "37"))
        doc.update(version="3.7.9", platform="macosx-10.9-x86_64", include_dir=f"{fw}/include/python3.7m",
                   sys_version="3.7.9 (v3.7.9:13c94747c7, Aug 15 2020, 01:31:08) [Clang 6.0 (clang-600.0.57)]",
                   build_vars={"CC": "gcc", "CXX": "g++", "LDSHARED": "gcc -bundle -undefined dynamic_lookup -arch x86_64 -g",
                               "AR": "ar", "INCLUDEPY": f"{fw}/include/python3.7m", "MACOSX_DEPLOYMENT_TARGET": "10.9"})
        doc["markers"].update(python_full_version="3.7.9", implementation_version="3.7.9", python_version="3.7",
                              platform_release="21.6.0")
    xcrun_err = ("xcrun: error: invalid active developer path (/Library/Developer/CommandLineTools), missing xcrun at: "
                 "/Library/Developer/CommandLineTools/usr/bin/xcrun\n")
    tools = {
        "env": {"HOME": "~", "PATH": ("" if fixed else f"{fw}/bin:") + "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"},
        "home": "~", "uname_machine": "x86_64", "proc_translated": 0,
        'run ["sysctl", "-n", "hw.optional.arm64"]': ok("", "sysctl: unknown oid 'hw.optional.arm64'\n", 1),
        "which python3": exe, f"is_file {exe}": True, f"read_head {exe}": MACHO_X86_64,
        f"run python-probe {exe}": payload(**doc),
        f"read_text {proj}/setup.py": IBM_DB_SETUP, f"is_file {proj}/setup.py": True,
        'run ["xcode-select", "-p"]': ok("/Library/Developer/CommandLineTools\n"),
    }
    for name in ("cc", "gcc", "clang", "c++", "g++", "ar", "ld"):
        tools[f"which {name}"] = f"/usr/bin/{name}"
        tools[f"is_file /usr/bin/{name}"] = True
        tools[f"read_head /usr/bin/{name}"] = MACHO_X86_64
    if fixed:
        tools['run ["xcrun", "--show-sdk-path"]'] = ok(
            "/Library/Developer/CommandLineTools/SDKs/MacOSX.sdk\n")
        tools['run ["xcrun", "--show-sdk-version"]'] = ok("12.3\n")
        for name, flag in (("cc", "-dumpmachine"), ("gcc", "-dumpmachine"), ("clang", "-print-target-triple")):
            tools[f'run ["/usr/bin/{name}", "{flag}"]'] = ok("x86_64-apple-darwin21.6.0\n")
    else:
        tools['run ["xcrun", "--show-sdk-path"]'] = ok("", xcrun_err, 1)
        tools['run ["xcrun", "--show-sdk-version"]'] = ok("", xcrun_err, 1)
        for name, flag in (("cc", "-dumpmachine"), ("gcc", "-dumpmachine"), ("clang", "-print-target-triple")):
            tools[f'run ["/usr/bin/{name}", "{flag}"]'] = ok("", xcrun_err, 1)
    note = ("Intel Mac after a macOS update that left the Command Line Tools broken, python.org CPython 3.7 "
            "(x86_64); `pip install ibm_db` builds the sdist's C extension and gcc (Apple's shim) stops with "
            "\"xcrun: error: invalid active developer path (/Library/Developer/CommandLineTools), missing xcrun\". "
            "The fix: install the Command Line Tools. Source: https://github.com/ibmdb/python-ibmdb/issues/787 ; "
            "the same after a macOS update: https://github.com/DudeNr33/screen-on-time/issues/4")
    if fixed:
        note = ("Healthy twin of class-toolchain-macos-clt-missing: the same Intel Mac after `xcode-select --install`, "
                "building with a supported Python (the Intel Homebrew's CPython 3.12, native x86_64; the thread's "
                "python.org 3.7 is past its end of life, https://devguide.python.org/versions/).")
    return mac_machine(note, {}, tools, proj, exe)


CARGO_TOML_MAC_TLS = CARGO_TOML_OPENSSL


def _arm64_homebrew_python(base: dict[str, object]) -> dict[str, object]:
    """`base` (the Rosetta machine's reads) with Apple silicon Homebrew's native arm64 CPython 3.12 instead
    of the Intel Homebrew's x86_64 one (https://docs.brew.sh/Installation : /opt/homebrew on Apple silicon)."""
    old, new = "/usr/local/opt/python@3.12", "/opt/homebrew/opt/python@3.12"
    reads = {k: v for k, v in base.items() if old not in k}
    doc: dict[str, Any] = json.loads(json.dumps(_mac_probe()).replace(old, new))
    doc.update(platform="macosx-15.0-arm64", mac_machine="arm64")
    doc["markers"].update(platform_machine="arm64", platform_release="24.2.0",
                          platform_version="Darwin Kernel Version 24.2.0")
    exe = f"{new}/bin/python3.12"
    reads.update({"which python3": exe, f"is_file {exe}": True, f"read_head {exe}": MACHO_ARM64_EXE,
                  f"run python-probe {exe}": payload(**doc), "uname_machine": "arm64", "proc_translated": 0})
    return reads


def class2_macos(fixed: bool) -> dict[str, object]:
    proj = "~/src/tlsprobe"
    # the twin: the healthy shape of this Mac, everything arm64 from /opt/homebrew (see the note)
    base = _arm64_homebrew_python(_MAC["reads"]) if fixed else {k: v for k, v in _MAC["reads"].items()}
    prefix = "/opt/homebrew"
    lib = f"{prefix}/opt/openssl@3/lib"
    env = {"HOME": "~", "PATH": "/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin:~/.cargo/bin"}
    extra: dict[str, object] = {
        "env": env,
        "which pkg-config": "/opt/homebrew/bin/pkg-config",
        'run ["/opt/homebrew/bin/pkg-config", "--version"]': ok("2.3.0\n"),
        'run ["/opt/homebrew/bin/pkg-config", "--modversion", "openssl"]': ok("3.4.0\n"),
        'run ["/opt/homebrew/bin/pkg-config", "--variable=libdir", "openssl"]': ok(f"{lib}\n"),
        f"read_head {lib}/libssl.dylib": MACHO_ARM64_DYLIB,
        'run ["xcode-select", "-p"]': ok("/Library/Developer/CommandLineTools\n"),
        'run ["xcrun", "--show-sdk-path"]': ok("/Library/Developer/CommandLineTools/SDKs/MacOSX.sdk\n"),
        'run ["xcrun", "--show-sdk-version"]': ok("15.2\n"),
        "which cc": "/usr/bin/cc", "is_file /usr/bin/cc": True,
        'run ["/usr/bin/cc", "-dumpmachine"]': ok(("arm64" if fixed else "x86_64") + "-apple-darwin24.2.0\n"),
        f"read_text {proj}/pyproject.toml": PYPROJECT_MATURIN.format(name="tlsprobe"),
        f"read_text {proj}/Cargo.toml": CARGO_TOML_MAC_TLS, f"is_file {proj}/Cargo.toml": True,
        f"read_text {proj}/Cargo.lock": CARGO_LOCK_OPENSSL,
        "is_file /opt/homebrew/bin/pkg-config": True,
        # this user builds for both arches (the thread's CI cross-compiles to x86_64-apple-darwin)
        'run ["~/.cargo/bin/rustup", "target", "list", "--installed"]': ok("aarch64-apple-darwin\nx86_64-apple-darwin\n"),
    }
    note = ("Apple silicon Mac, x86_64 CPython 3.12 from the Intel Homebrew under Rosetta 2 (the machine of "
            "macos-arm64-rosetta-x86_64-python), building a maturin project with openssl-sys: pkg-config (arm64 "
            "Homebrew, first on PATH) finds /opt/homebrew's arm64 OpenSSL and the x86_64 link fails with \"ld: warning: "
            "ignoring file '/opt/homebrew/opt/openssl@3/lib/libssl.dylib': found architecture 'arm64', required "
            "architecture 'x86_64'\". The fix that worked: an x86_64 OpenSSL from the Intel Homebrew in /usr/local. "
            "Source: https://github.com/yatoub/susshi/pull/33 ; also https://github.com/OpenPrinting/libcups/issues/64")
    if fixed:
        note = ("Healthy twin of class-native-arm64-openssl-x86_64-python: the same Apple silicon Mac in its usual "
                "healthy shape, Apple silicon Homebrew's native arm64 CPython 3.12 with its arm64 OpenSSL (both in "
                "/opt/homebrew, https://docs.brew.sh/Installation), so pkg-config's OpenSSL matches the interpreter. "
                "The thread's own fix (an x86_64 OpenSSL from /usr/local for the x86_64 Python) leaves that Python "
                "running under Rosetta 2, which check rightly reports (host.emulated).")
    return mac_machine(note, base, extra, proj)


# -- class 3/4: a distribution rustc before rustup's on PATH (rustup#4723) ---------------------------

def class4_rustc(fixed: bool) -> dict[str, object]:
    exe = "/usr/bin/python3.11"
    cargo_bin = "~/.local/share/cargo/bin"
    path = [cargo_bin, *SYS_PATH] if fixed else [*SYS_PATH, cargo_bin]
    first = cargo_bin if fixed else "/usr/bin"
    programs = {"cc": "/usr/bin", "gcc": "/usr/bin", "c++": "/usr/bin", "g++": "/usr/bin", "ar": "/usr/bin",
                "ld": "/usr/bin", "python3": "/usr/bin", "rustup": cargo_bin, "rustc": first, "cargo": first}
    runs = rustup_reads(cargo_bin, "1.91.1")
    extra: dict[str, object] = {f"is_file {cargo_bin}/rustc": True, f"is_file {cargo_bin}/cargo": True,
                                "is_file /usr/bin/rustc": True, "is_file /usr/bin/cargo": True}
    if not fixed:
        runs |= {'run ["/usr/bin/rustc", "-vV"]': ok("rustc 1.63.0\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\n"
                                                      "release: 1.63.0\nLLVM version: 14.0.6\n"),
                 'run ["/usr/bin/cargo", "-V"]': ok("cargo 1.65.0\n")}
    note = ("Debian 12 with the distribution's rustc/cargo in /usr/bin and rustup installed with "
            "CARGO_HOME=~/.local/share/cargo, whose bin folder an older shell profile appends to PATH (PATH=\"$PATH:...\"), "
            "so rustup's env script does not prepend it again: cargo and rustc run the distribution's 1.63 while "
            "`rustup show` reports another toolchain active. The user asked for exactly this warning. Source: "
            "https://github.com/rust-lang/rustup/issues/4723 (also rust-lang/rustup#475)")
    if fixed:
        note = "Healthy twin of class-path-distro-rustc-before-rustup: rustup's bin folder first on PATH."
    bv = {"CC": "x86_64-linux-gnu-gcc", "CXX": "x86_64-linux-gnu-g++", "LDSHARED": "x86_64-linux-gnu-gcc -shared",
          "AR": "x86_64-linux-gnu-gcc-ar", "INCLUDEPY": "/usr/include/python3.11"}
    for name in ("x86_64-linux-gnu-gcc", "x86_64-linux-gnu-g++", "x86_64-linux-gnu-gcc-ar"):
        runs[f"which {name}"] = f"/usr/bin/{name}"  # type: ignore[assignment]
    return linux_machine(note, python=exe, os_rel=os_release("debian", "12"), programs=programs, path=path,
                         env={"CARGO_HOME": "~/.local/share/cargo"}, runs=runs, extra=extra,
                         probe=linux_python(exe, "3.11.2", "/usr", libc=["glibc", "2.36"], build_vars=bv))


def main() -> None:
    for name, fn in (("class-toolchain-uv-clang-missing", class1), ("class-native-openssl-no-pkg-config", class2),
                     ("class-rust-too-old-debian", class3), ("class-path-git-link-shadows-msvc", class4),
                     ("class-freethreaded-abi3", class5), ("class-libc-alpine-no-gcc", class6),
                     ("class-wheels-py314-cffi-built", class7),
                     ("class-toolchain-windows-sdk-missing", class1_windows),
                     ("class-toolchain-macos-clt-missing", class1_macos),
                     ("class-native-arm64-openssl-x86_64-python", class2_macos),
                     ("class-path-distro-rustc-before-rustup", class4_rustc)):
        write(name, fn(False))
        write(name + "-fixed", fn(True))


if __name__ == "__main__":
    main()
