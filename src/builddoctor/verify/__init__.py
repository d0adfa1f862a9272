"""`builddoctor verify`: audit any wheel (for any platform, from any machine); also run by `build`."""
from __future__ import annotations

from .core import UNREADABLE, Expect, VerifyError, WheelReport, expect_from_tags, verify_wheel, wheel_tags

__all__ = ["UNREADABLE", "Expect", "VerifyError", "WheelReport", "expect_from_tags", "verify_wheel", "wheel_tags"]
