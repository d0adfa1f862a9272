"""`builddoctor verify`: audit any wheel (for any platform, from any machine); also run by `build`.

The package stays cheap to import (the CLI needs only its options, in `options`); the audit loads
from `core` on first use.
"""
from __future__ import annotations

from typing import Any

__all__ = ["UNREADABLE", "Expect", "VerifyError", "WheelReport", "expect_from_tags", "verify_wheel", "wheel_tags"]


def __getattr__(name: str) -> Any:
    import importlib

    if name not in __all__:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{__name__}.core"), name)
