"""Free-threaded readiness (issue 13, class 5): a Py_GIL_DISABLED interpreter with abi3 requested, an
old PyO3, the python3XYt.lib import library and setuptools' Py_GIL_DISABLED define on Windows.
Pure: facts in, findings out."""
from __future__ import annotations

import re

from .._data import table
from ..facts import Facts
from ..target import Target
from .model import ERROR, WARNING, Finding, Fix, Layer


def _abi3_requests(facts: Facts) -> list[str]:
    c = facts.crates
    out = [f"pyo3 feature {f} ({c.manifest})" for f in c.pyo3_features if f == "abi3" or f.startswith("abi3-py")]
    out += [f"[tool.maturin] features {f}" for f in c.maturin_features if "abi3" in f]
    if c.py_limited_api:
        out.append(f"setuptools py_limited_api={c.py_limited_api}")
    return out


def _pyo3(facts: Facts) -> tuple[str, str]:
    for name in ("pyo3", "pyo3-ffi", "pyo3-build-config"):
        version = next((v for n, v in facts.crates.locked if n == name), "")
        if version:
            return name, version
    return "", ""


def _older(version: str, minimum: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(version) < Version(minimum)
    except InvalidVersion:
        return False


def _pinned_setuptools_too_old(requires: tuple[str, ...], minimum: str) -> str:
    from packaging.requirements import InvalidRequirement, Requirement

    for text in requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if req.name.lower() == "setuptools" and req.specifier and not req.specifier.contains(minimum):
            return text
    return ""


def free_threading_rules(facts: Facts, target: Target | None) -> list[Finding]:
    i, p = facts.interpreter, facts.project
    if not i.usable or not i.free_threaded or target is None:
        return []
    data = table("free-threading")
    tag = target.tags[0].abi if target.tags else f"cp{i.version.replace('.', '')[:3]}t"
    out: list[Finding] = []
    name, version = _pyo3(facts)
    if version and _older(version, data["pyo3_min"]):
        out.append(Finding("freethreaded.pyo3-old", ERROR if p and p.is_rust else WARNING,
                           f"{name} {version} cannot build for free-threaded CPython {i.version} (PyO3 supports "
                           f"Py_GIL_DISABLED from {data['pyo3_min']})",
                           {"crate": name, "version": version, "minimum": data["pyo3_min"]},
                           (Fix(f"in Cargo.toml: pyo3 = \"{'.'.join(data['pyo3_min'].split('.')[:2])}\" (or newer), "
                                "then cargo update -p pyo3", f"PyO3 {data['pyo3_min']}+ builds {tag} extensions", 10),
                            Fix(f"builddoctor build . --python {'.'.join(i.version.split('.')[:2])}",
                                "or build with the GIL-enabled interpreter of the same version", 30))))
    asks = _abi3_requests(facts)
    if asks:
        out.append(Finding("freethreaded.abi3", WARNING,
                           f"this Python is free-threaded ({tag}) and the project asks for the limited API / abi3 "
                           f"({'; '.join(asks)}): free-threaded builds have no abi3, so the wheel is "
                           f"version-specific ({tag}) and not the abi3 wheel you expect",
                           {"requests": asks, "tag": tag},
                           (Fix(f"builddoctor build . --python {'.'.join(i.version.split('.')[:2])}",
                                "builds the abi3 wheel with a GIL-enabled Python; build the free-threaded wheel "
                                "separately with this one", 10),
                            Fix("make abi3 an optional Cargo feature and leave it off for free-threaded builds",
                                "maturin then builds a cp3XYt wheel without the warning (maturin#2772)", 20))))
    if facts.os == "windows":
        lib = i.import_lib.replace("\\", "/").rsplit("/", 1)[-1].lower()
        if not re.match(r"^python3\d*t\.lib$", lib):
            out.append(Finding("freethreaded.import-lib", ERROR if p and (p.is_c or p.is_rust) else WARNING,
                               f"the free-threaded import library python{i.version.replace('.', '')[:3]}t.lib is "
                               f"missing ({'found ' + lib if lib else 'none found'} in libs\\): links fail with "
                               "LNK1181 or load the GIL build's DLL",
                               {"import_lib": i.import_lib},
                               (Fix("reinstall Python with 'Download free-threaded binaries' checked (python.org "
                                    "installer) or `py install 3.13t` (Python install manager)",
                                    "installs python3XYt.lib next to python3XYt.dll", 10),)))
        if (p and p.kind in ("setuptools-ext", "")) or (p and "setuptools" in p.backend):
            pin = _pinned_setuptools_too_old(p.requires, data["setuptools_windows_min"])
            if pin:
                out.append(Finding("freethreaded.setuptools-old", ERROR,
                                   f"build-system requires {pin}: setuptools before {data['setuptools_windows_min']} "
                                   "does not define Py_GIL_DISABLED on Windows, so the extension links the GIL "
                                   "build's python3XY.dll and crashes on import",
                                   {"requirement": pin, "minimum": data["setuptools_windows_min"]},
                                   (Fix(f"in pyproject.toml [build-system] requires: "
                                        f"\"setuptools>={data['setuptools_windows_min']}\"",
                                        "setuptools then defines Py_GIL_DISABLED for free-threaded builds", 10),)))
    return out


def free_threading_layers(facts: Facts, target: Target | None) -> list[Layer]:
    i = facts.interpreter
    if not i.usable or not i.free_threaded or target is None:
        return []
    bad = any(f.severity != "ok" for f in free_threading_rules(facts, target))
    return [Layer("free-threaded ABI", f"{target.tags[0].abi if target.tags else '?'} (no abi3)", None,
                  "Py_GIL_DISABLED",
                  "mismatch" if bad else "match")]
