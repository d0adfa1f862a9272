"""Importing this module registers the C/C++, Visual Studio and CMake probes, rules and layers."""
from __future__ import annotations

from .probes import EXTRA_PROBES
from .probes.cc import probe_cc
from .probes.cmake import probe_cmake
from .probes.msvc import probe_msvc
from .rules import EXTRA_LAYERS, EXTRA_RULES
from .rules.cc import cc_rules, native_layers


def register() -> None:
    """Idempotent: importing twice (or calling again) never registers twice."""
    EXTRA_PROBES.setdefault("cc", probe_cc)
    EXTRA_PROBES.setdefault("msvc", probe_msvc)
    EXTRA_PROBES.setdefault("cmake", probe_cmake)
    if cc_rules not in EXTRA_RULES:
        EXTRA_RULES.append(cc_rules)
    if native_layers not in EXTRA_LAYERS:
        EXTRA_LAYERS.append(native_layers)


register()
