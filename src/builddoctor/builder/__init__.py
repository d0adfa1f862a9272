"""`builddoctor build`: one target for every layer, a PEP 517 build, and a verified wheel.

The package stays cheap to import (the CLI only needs its options); everything else loads from
`command` on first use.
"""
from __future__ import annotations

from .options import add_arguments

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["BuildOptions", "add_arguments", "run_build"]


def __getattr__(name: str) -> Any:
    import importlib

    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{__name__}.command"), name)
