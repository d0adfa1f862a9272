"""`lazy`: a module-level regex compiled on its first use, not at import.

Compiling costs 0.1-1 ms a pattern; a module that holds patterns for several jobs (machine/redact.py:
a snapshot's, a build's and a report's) would make every command pay for all of them at start-up
(issue 16). The object answers every Pattern method by compiling once (re keeps the compiled
pattern in its own cache). Use its methods (`search`, `sub`, ...); `re.sub(PATTERN, ...)` with it
is refused by `re`, as for any non-pattern object.
"""
from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _Lazy:
    __slots__ = ("_args",)

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(re.compile(*self._args), name)

    def __repr__(self) -> str:
        return f"lazy({self._args[0]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    found: Any = _Lazy(pattern, flags)
    compiled: re.Pattern[str] = found  # it answers as the pattern would
    return compiled
